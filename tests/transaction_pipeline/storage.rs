//! Where the data lives: the customer-managed KMS key, the transaction data
//! bucket, the Secrets Manager secret and the DynamoDB table.

use cfnkit::assertions::Match;
use regex::Regex;
use serde_json::json;

use super::helpers::{
    assert_resource, bucket_arn_by_name, data_key_arn, deny_insecure_transport, get_att, props, template,
    template_json, trail_arn,
};

// ---------------------------------------------------------------------------
// Customer-managed KMS key

#[test]
fn data_key_rotates_and_lets_root_administer_and_cloudtrail_lambda_and_s3_use_it() {
    let t = template();
    t.resource_count_is("AWS::KMS::Key", 1);
    let use_key = json!([
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:DescribeKey"
    ]);
    let this_account = json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}});
    assert_resource(
        &t,
        "DataKey",
        "AWS::KMS::Key",
        props(Match::obj([
            ("EnableKeyRotation", Match::exact(json!(true))),
            (
                "KeyPolicy",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        {
                            "Sid": "AllowAccountRootToAdministerKey",
                            "Effect": "Allow",
                            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                            "Action": "kms:*",
                            "Resource": "*"
                        },
                        {
                            "Sid": "AllowS3",
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": use_key,
                            "Resource": "*",
                            "Condition": this_account
                        },
                        {
                            "Sid": "AllowLambda",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": use_key,
                            "Resource": "*",
                            "Condition": this_account
                        },
                        {
                            "Sid": "AllowCloudTrailToEncryptLogsAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:GenerateDataKey",
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {"aws:SourceArn": trail_arn()},
                                "StringLike": {
                                    "kms:EncryptionContext:aws:cloudtrail:arn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"
                                    }
                                }
                            }
                        },
                        {
                            "Sid": "AllowCloudTrailToDescribeKeyAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:DescribeKey",
                            "Resource": "*",
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
                        }
                    ])),
                )]),
            ),
        ])),
    );
    t.resource_count_is("AWS::KMS::Alias", 1);
    t.has_resource_properties(
        "AWS::KMS::Alias",
        Match::object_equals(json!({
            "AliasName": {"Fn::Sub": "alias/transaction-pipeline-${EnvironmentSuffix}"},
            "TargetKeyId": {"Ref": "DataKey"}
        })),
    );
}

// ---------------------------------------------------------------------------
// Transaction data bucket

#[test]
fn transaction_bucket_is_encrypted_with_the_data_key() {
    let t = template();
    assert_resource(
        &t,
        "TransactionDataBucket",
        "AWS::S3::Bucket",
        props(Match::obj([(
            "BucketEncryption",
            Match::exact(json!({"ServerSideEncryptionConfiguration": [{
                "BucketKeyEnabled": true,
                "ServerSideEncryptionByDefault": {"KMSMasterKeyID": data_key_arn(), "SSEAlgorithm": "aws:kms"}
            }]})),
        )])),
    );
}

#[test]
fn transaction_bucket_policy_denies_unencrypted_uploads_and_insecure_transport() {
    let t = template();
    let objects = json!({"Fn::Sub": "${TransactionDataBucket.Arn}/*"});
    assert_resource(
        &t,
        "TransactionDataBucketPolicy",
        "AWS::S3::BucketPolicy",
        props(Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "TransactionDataBucket"}))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        deny_insecure_transport("TransactionDataBucket"),
                        {
                            "Sid": "DenyUploadsNotEncryptedWithKms",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": objects,
                            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
                        },
                        {
                            "Sid": "DenyUploadsWithAnotherKey",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": objects,
                            "Condition": {
                                "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": data_key_arn()}
                            }
                        }
                    ])),
                )]),
            ),
        ])),
    );
}

#[test]
fn transaction_bucket_is_versioned_and_moves_objects_to_standard_ia_after_30_days() {
    let t = template();
    assert_resource(
        &t,
        "TransactionDataBucket",
        "AWS::S3::Bucket",
        props(json!({
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": [{
                "Id": "TransitionToInfrequentAccess",
                "Status": "Enabled",
                "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]
            }]}
        })),
    );
}

#[test]
fn uploads_notify_the_processor_which_s3_may_invoke_before_the_bucket_exists() {
    let t = template();
    // CloudFormation spells the S3 API's `LambdaFunctionConfigurations` as
    // `LambdaConfigurations` (with `Event` and `Function`).
    assert_resource(
        &t,
        "TransactionDataBucket",
        "AWS::S3::Bucket",
        props(Match::obj([(
            "NotificationConfiguration",
            Match::exact(json!({"LambdaConfigurations": [{
                "Event": "s3:ObjectCreated:*",
                "Function": get_att("TransactionProcessorFunction", "Arn")
            }]})),
        )])),
    );
    assert!(!template_json().contains("LambdaFunctionConfigurations"), "no S3-API spelling CloudFormation rejects");
    t.resource_count_is("AWS::Lambda::Permission", 1);
    assert_resource(
        &t,
        "TransactionProcessorFunctionTransactionDataBucketPermission",
        "AWS::Lambda::Permission",
        props(Match::object_equals(json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": get_att("TransactionProcessorFunction", "Arn"),
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": bucket_arn_by_name("")
        }))),
    );
    // The ordering: the bucket (whose notification S3 validates on creation)
    // waits for the permission, which names the bucket by its ARN, not a Ref.
    assert_resource(
        &t,
        "TransactionDataBucket",
        "AWS::S3::Bucket",
        Match::obj([(
            "DependsOn",
            Match::exact(json!(["TransactionProcessorFunctionTransactionDataBucketPermission"])),
        )]),
    );
}

#[test]
fn no_output_describes_a_manual_step() {
    let t = template();
    let manual = Regex::new(r"(?i)manual|post[- ]?deploy|after (stack )?creation|configure|note").unwrap();
    for (id, o) in t.to_json()["Outputs"].as_object().unwrap() {
        assert!(!manual.is_match(id), "output {id} names a manual step");
        assert!(!manual.is_match(&o.to_string()), "output {id} describes a manual step: {o}");
    }
}

// ---------------------------------------------------------------------------
// Secrets Manager secret

#[test]
fn processor_configuration_secret_is_encrypted_with_the_data_key() {
    let t = template();
    t.resource_count_is("AWS::SecretsManager::Secret", 1);
    assert_resource(
        &t,
        "ProcessorConfig",
        "AWS::SecretsManager::Secret",
        props(Match::obj([
            ("KmsKeyId", Match::exact(data_key_arn())),
            ("Description", Match::exact(json!("Configuration of the transaction processor"))),
        ])),
    );
}

#[test]
fn decision_secret_is_json_with_a_generated_signing_key_and_says_why_it_is_not_rotated() {
    let t = template();
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        Match::obj([(
            "GenerateSecretString",
            Match::obj([
                ("GenerateStringKey", Match::exact(json!("signingKey"))),
                ("PasswordLength", Match::exact(json!(32))),
                ("ExcludePunctuation", Match::exact(json!(true))),
                (
                    "SecretStringTemplate",
                    Match::serialized_json(Match::object_equals(json!({"maxAmount": "1000000", "currency": "USD"}))),
                ),
            ]),
        )]),
    );
    t.resource_count_is("AWS::SecretsManager::RotationSchedule", 0);
    t.has_resource(
        "AWS::SecretsManager::Secret",
        json!({"Metadata": {"cdk_nag": {"rules_to_suppress": [{
            "id": "AwsSolutions-SMG4",
            "reason": concat!(
                "the signing key is rotated with the processor's release; ",
                "no rotation function is part of this system"
            )
        }]}}}),
    );
}

// ---------------------------------------------------------------------------
// DynamoDB table

#[test]
fn table_has_a_composite_key_point_in_time_recovery_and_the_data_key() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::Table", 1);
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({
            "KeySchema": [
                {"AttributeName": "transactionId", "KeyType": "HASH"},
                {"AttributeName": "timestamp", "KeyType": "RANGE"}
            ],
            "AttributeDefinitions": [
                {"AttributeName": "transactionId", "AttributeType": "S"},
                {"AttributeName": "timestamp", "AttributeType": "N"}
            ]
        }),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([(
            "SSESpecification",
            Match::exact(json!({"KMSMasterKeyId": data_key_arn(), "SSEEnabled": true, "SSEType": "KMS"})),
        )]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"BillingMode": "PAY_PER_REQUEST", "DeletionProtectionEnabled": true}),
    );
}
