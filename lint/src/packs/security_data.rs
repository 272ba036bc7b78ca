//! Security rules about data at rest: encryption, key rotation, recovery,
//! log retention, CloudTrail integrity and deletion protection.

use serde_json::Value;

use super::security::require_true;
use crate::rule::{Hit, Pack, Rule, Severity};
use crate::template::{truth, Ctx, Truth};

macro_rules! rule {
    ($id:expr, $sev:ident, $title:expr, $why:expr, $fix:expr, [$($ck:expr),*], [$($nag:expr),*], [$($cl:expr),*], $check:expr) => {
        Rule {
            id: $id,
            pack: Pack::Security,
            severity: Severity::$sev,
            title: $title,
            rationale: $why,
            fix: $fix,
            checkov: &[$($ck),*],
            cdk_nag: &[$($nag),*],
            cfn_lint: &[$($cl),*],
            check: $check,
        }
    };
}
pub(crate) use rule;

/// The rules of this module.
pub const RULES: &[Rule] = &[
    rule!("sec-s3-encryption", Warning, "S3 buckets state their default encryption",
        "An explicit SSE-KMS or SSE-S3 setting documents and pins how objects are encrypted at rest",
        "Add BucketEncryption.ServerSideEncryptionConfiguration (SSEAlgorithm aws:kms or AES256)",
        ["CKV_AWS_19"], ["S3DefaultEncryptionKMS"], [], s3_encryption),
    rule!("sec-dynamodb-encryption", Warning, "DynamoDB tables encrypt with a KMS key",
        "KMS encryption puts table access under key policy and CloudTrail",
        "Set SSESpecification.SSEEnabled: true (optionally KMSMasterKeyId for a customer managed key)",
        ["CKV_AWS_119"], [], [], dynamodb_encryption),
    rule!("sec-sqs-encryption", Error, "SQS queues are encrypted at rest",
        "Messages often carry business data; unencrypted queues expose it at rest",
        "Set KmsMasterKeyId (a key or alias/aws/sqs), or SqsManagedSseEnabled: true",
        ["CKV_AWS_27"], ["AwsSolutions-SQS2", "SQSQueueSSE"], [], sqs_encryption),
    rule!("sec-sns-encryption", Error, "SNS topics are encrypted at rest",
        "Published messages are stored until delivered; without KMS they are not encrypted with a key you control",
        "Set KmsMasterKeyId (a customer managed key, or alias/aws/sns)",
        ["CKV_AWS_26"], ["SNSEncryptedKMS"], [], sns_encryption),
    rule!("sec-kinesis-encryption", Error, "Kinesis streams are encrypted at rest",
        "Stream records are stored for up to a year; without SSE they are not encrypted",
        "Set StreamEncryption {EncryptionType: KMS, KeyId: alias/aws/kinesis or a key}",
        ["CKV_AWS_43"], ["AwsSolutions-KDS1", "KinesisDataStreamSSE"], [], kinesis_encryption),
    rule!("sec-rds-encryption", Error, "RDS instances and clusters encrypt their storage",
        "Database storage, snapshots and replicas are unencrypted unless StorageEncrypted is set at creation",
        "Set StorageEncrypted: true (and KmsKeyId for a customer managed key); it cannot be changed later",
        ["CKV_AWS_16", "CKV_AWS_96"], ["AwsSolutions-RDS2", "RDSStorageEncrypted"], [], rds_encryption),
    rule!("sec-ebs-encryption", Error, "EBS volumes are encrypted",
        "Unencrypted volumes and their snapshots expose data at rest",
        "Set Encrypted: true on the volume or on every BlockDeviceMappings Ebs entry",
        ["CKV_AWS_3", "CKV_AWS_8"], ["AwsSolutions-EC26", "EC2EBSVolumeEncrypted"], [], ebs_encryption),
    rule!("sec-efs-encryption", Error, "EFS file systems are encrypted",
        "EFS encryption at rest can only be chosen when the file system is created",
        "Set Encrypted: true (and KmsKeyId for a customer managed key)",
        ["CKV_AWS_42"], ["AwsSolutions-EFS1", "EFSEncrypted"], [], efs_encryption),
    rule!("sec-elasticache-encryption", Error, "ElastiCache replication groups encrypt at rest and in transit",
        "Cached data often mirrors the database; without encryption it is exposed at rest and on the wire",
        "Set AtRestEncryptionEnabled: true and TransitEncryptionEnabled: true",
        ["CKV_AWS_29", "CKV_AWS_30"], ["AwsSolutions-AEC3", "ElastiCacheRedisClusterEncryption"], [], elasticache_encryption),
    rule!("sec-logs-encryption", Warning, "Log groups are encrypted with a KMS key",
        "Logs carry request data and identifiers; a KMS key puts reading them under key policy",
        "Set KmsKeyId to a key whose policy allows logs.<region>.amazonaws.com",
        ["CKV_AWS_158"], ["CloudWatchLogGroupEncrypted"], [], logs_encryption),
    rule!("sec-secret-cmk", Note, "Secrets use a customer managed KMS key",
        "With the AWS managed key, anyone allowed to read the secret can decrypt it; a CMK adds a second gate and cross-account use",
        "Set KmsKeyId to a customer managed key",
        ["CKV_AWS_149"], ["SecretsManagerUsingKMSKey"], [], secret_cmk),
    rule!("sec-kms-rotation", Error, "Symmetric KMS keys rotate automatically",
        "Rotation limits how much data one key version protects",
        "Set EnableKeyRotation: true",
        ["CKV_AWS_7"], ["AwsSolutions-KMS5", "KMSBackingKeyRotationEnabled"], [], kms_rotation),
    rule!("sec-dynamodb-pitr", Error, "DynamoDB tables have point-in-time recovery",
        "PITR restores a table to any second of the last 35 days after a bad write or delete",
        "Set PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true (on every replica of a global table)",
        ["CKV_AWS_28", "CKV_AWS_165"], ["AwsSolutions-DDB3", "DynamoDBPITREnabled"], [], dynamodb_pitr),
    rule!("sec-log-retention", Error, "Log groups state a retention period",
        "Without retention, logs are kept (and billed) forever, and their deletion is nobody's decision",
        "Set RetentionInDays",
        ["CKV_AWS_66"], ["CloudWatchLogGroupRetentionPeriod"], [], log_retention),
    rule!("sec-cloudtrail-validation", Error, "CloudTrail trails validate their log files",
        "Digest files prove the trail's logs were not changed or deleted",
        "Set EnableLogFileValidation: true",
        ["CKV_AWS_36"], ["CloudTrailLogFileValidationEnabled"], [], cloudtrail_validation),
    rule!("sec-cloudtrail-multiregion", Error, "CloudTrail trails cover every region",
        "A single-region trail misses activity in the regions nobody watches",
        "Set IsMultiRegionTrail: true",
        ["CKV_AWS_67"], [], [], cloudtrail_multiregion),
    rule!("sec-db-deletion-protection", Error, "Retained databases have deletion protection",
        "A database meant to be kept must not be deletable by one API call or a stack update",
        "Set DeletionProtection: true (DeletionProtectionEnabled for DynamoDB) when DeletionPolicy is Retain or Snapshot",
        [], ["AwsSolutions-RDS10", "RDSInstanceDeletionProtectionEnabled"], [], db_deletion_protection),
];

fn s3_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::S3::Bucket") {
        let rules = r.prop("BucketEncryption/ServerSideEncryptionConfiguration");
        if rules.is_none_or(|v| v.as_array().is_some_and(Vec::is_empty)) {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), "bucket states no default encryption".into()));
        }
    }
}

fn dynamodb_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::DynamoDB::Table").chain(ctx.of_type("AWS::DynamoDB::GlobalTable")) {
        require_true(
            r,
            "SSESpecification/SSEEnabled",
            "is not encrypted with a KMS key (SSESpecification.SSEEnabled)",
            hits,
        );
    }
}

fn sqs_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::SQS::Queue") {
        if r.prop("KmsMasterKeyId").is_none() && truth(r.prop("SqsManagedSseEnabled")) == Truth::False {
            let at = r.prop("SqsManagedSseEnabled").map_or(r.attr_ptr("Type"), |_| r.ptr("SqsManagedSseEnabled"));
            hits.push(Hit::at(r.id, at, "queue has neither KmsMasterKeyId nor SqsManagedSseEnabled: true".into()));
        }
    }
}

fn has_or_hit(ctx: &Ctx<'_>, kind: &str, prop: &str, msg: &str, hits: &mut Vec<Hit>) {
    for r in ctx.of_type(kind) {
        if r.prop(prop).is_none_or(|v| v.as_str() == Some("")) {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), msg.into()));
        }
    }
}

fn sns_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    has_or_hit(ctx, "AWS::SNS::Topic", "KmsMasterKeyId", "topic has no KmsMasterKeyId", hits);
}

fn kinesis_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    has_or_hit(ctx, "AWS::Kinesis::Stream", "StreamEncryption", "stream has no StreamEncryption", hits);
}

fn rds_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::RDS::DBCluster") {
        require_true(r, "StorageEncrypted", "does not set StorageEncrypted: true", hits);
    }
    for r in ctx.of_type("AWS::RDS::DBInstance") {
        // Cluster members and read replicas take their encryption from the cluster or source.
        if r.props.contains_key("DBClusterIdentifier") || r.props.contains_key("SourceDBInstanceIdentifier") {
            continue;
        }
        require_true(r, "StorageEncrypted", "does not set StorageEncrypted: true", hits);
    }
}

fn ebs_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::EC2::Volume") {
        require_true(r, "Encrypted", "does not set Encrypted: true", hits);
    }
    for r in ctx.resources() {
        let path = match r.kind {
            "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => "BlockDeviceMappings",
            "AWS::EC2::LaunchTemplate" => "LaunchTemplateData/BlockDeviceMappings",
            _ => continue,
        };
        let Some(Value::Array(list)) = r.prop(path) else { continue };
        for (i, m) in list.iter().enumerate() {
            if m.get("Ebs").is_some() && truth(m.pointer("/Ebs/Encrypted")) == Truth::False {
                hits.push(Hit::at(r.id, r.ptr(&format!("{path}/{i}/Ebs")), "EBS block device is not encrypted".into()));
            }
        }
    }
}

fn efs_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::EFS::FileSystem") {
        require_true(r, "Encrypted", "does not set Encrypted: true", hits);
    }
}

fn elasticache_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::ElastiCache::ReplicationGroup") {
        require_true(r, "AtRestEncryptionEnabled", "does not set AtRestEncryptionEnabled: true", hits);
        require_true(r, "TransitEncryptionEnabled", "does not set TransitEncryptionEnabled: true", hits);
    }
}

fn logs_encryption(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    has_or_hit(ctx, "AWS::Logs::LogGroup", "KmsKeyId", "log group has no KmsKeyId", hits);
}

fn secret_cmk(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::SecretsManager::Secret") {
        let managed = r.prop("KmsKeyId").and_then(Value::as_str).is_some_and(|k| k == "alias/aws/secretsmanager");
        if r.prop("KmsKeyId").is_none() || managed {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), "secret uses the AWS managed key".into()));
        }
    }
}

fn kms_rotation(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::KMS::Key") {
        let symmetric = r.prop("KeySpec").and_then(Value::as_str).is_none_or(|s| s == "SYMMETRIC_DEFAULT");
        if symmetric {
            require_true(r, "EnableKeyRotation", "does not set EnableKeyRotation: true", hits);
        }
    }
}

fn dynamodb_pitr(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    const P: &str = "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled";
    for r in ctx.of_type("AWS::DynamoDB::Table") {
        require_true(r, P, "has no point-in-time recovery", hits);
    }
    for r in ctx.of_type("AWS::DynamoDB::GlobalTable") {
        let Some(Value::Array(reps)) = r.prop("Replicas") else { continue };
        for i in 0..reps.len() {
            let path = format!("Replicas/{i}/{P}");
            if truth(r.prop(&path)) == Truth::False {
                hits.push(Hit::at(
                    r.id,
                    r.ptr(&format!("Replicas/{i}")),
                    "replica has no point-in-time recovery".into(),
                ));
            }
        }
    }
}

fn log_retention(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    has_or_hit(ctx, "AWS::Logs::LogGroup", "RetentionInDays", "log group has no RetentionInDays", hits);
}

fn cloudtrail_validation(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::CloudTrail::Trail") {
        require_true(r, "EnableLogFileValidation", "does not set EnableLogFileValidation: true", hits);
    }
}

fn cloudtrail_multiregion(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::CloudTrail::Trail") {
        require_true(r, "IsMultiRegionTrail", "does not set IsMultiRegionTrail: true", hits);
    }
}

fn db_deletion_protection(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        let prop = match r.kind {
            "AWS::RDS::DBCluster" | "AWS::Neptune::DBCluster" | "AWS::DocDB::DBCluster" => "DeletionProtection",
            "AWS::RDS::DBInstance" if !r.props.contains_key("DBClusterIdentifier") => "DeletionProtection",
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "DeletionProtectionEnabled",
            _ => continue,
        };
        if matches!(r.deletion_policy(), Some("Retain" | "RetainExceptOnCreate" | "Snapshot")) {
            require_true(r, prop, &format!("is retained but does not set {prop}: true"), hits);
        }
    }
}
