//! Every rule on a minimal failing template and a minimal passing one.
//! Templates are built from one resource (or a few) on top of a base that
//! satisfies the conventions, so each case fails for exactly its rule.

use cfnkit_lint::{lint_template, packs, Config, RemovalMode};
use serde_json::{json, Value};

/// A template with the suffix parameter, an output, and `resources`.
fn tpl(resources: Value) -> Value {
    json!({
        "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"}},
        "Resources": resources,
        "Outputs": {"Out": {"Value": "x"}}
    })
}

fn tags() -> Value {
    json!([{"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}, {"Key": "Purpose", "Value": "test"}])
}

/// A resource with the required tags and a Delete policy.
fn res(kind: &str, mut props: Value) -> Value {
    props["Tags"] = tags();
    json!({"Type": kind, "Properties": props, "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"})
}

fn rules_hit(t: &Value, config: &Config) -> Vec<&'static str> {
    let mut v: Vec<&str> = lint_template(t, config).into_iter().map(|f| f.rule).collect();
    v.dedup();
    v
}

/// One case: the rule, a template that fails only it, and one that passes.
struct Case {
    rule: &'static str,
    fail: Value,
    pass: Value,
    config: Config,
}

fn case(rule: &'static str, fail: Value, pass: Value) -> Case {
    Case { rule, fail, pass, config: Config::default() }
}

fn good_bucket() -> Value {
    json!({
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}
    })
}

fn tls_policy() -> Value {
    json!({"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": {"Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}}})
}

fn bucket_with(extra: Value) -> Value {
    let mut p = good_bucket();
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    tpl(json!({"B": res("AWS::S3::Bucket", p), "BP": tls_policy()}))
}

/// A global table with `replicas` (each with point-in-time recovery) and an
/// output naming the second replica's region.
fn global_table(mut replicas: Value) -> Value {
    for r in replicas.as_array_mut().unwrap() {
        r["PointInTimeRecoverySpecification"] = json!({"PointInTimeRecoveryEnabled": true});
        r["Tags"] = tags();
    }
    let second = replicas[1]["Region"].clone();
    let mut t = tpl(json!({"G": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "SSESpecification": {"SSEEnabled": true},
        "Replicas": replicas
    }, "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}}));
    t["Outputs"]["SecondaryRegion"] = json!({"Value": second});
    t
}

/// `t` with a String parameter `SshFrom` defaulting to `default`.
fn with_param(mut t: Value, default: &str) -> Value {
    t["Parameters"]["SshFrom"] = json!({"Type": "String", "Default": default});
    t
}

/// A suffixed bucket and its TLS-only policy on `resource`.
fn own_bucket_policy(resource: Value) -> Value {
    let mut p = good_bucket();
    p["BucketName"] = json!({"Fn::Sub": "orders-${EnvironmentSuffix}"});
    let mut policy = tls_policy();
    policy["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = resource;
    tpl(json!({"B": res("AWS::S3::Bucket", p), "BP": policy}))
}

/// A suffixed bucket and an S3 invoke permission naming it by ARN; with
/// `depends`, the bucket depends on the permission (as its notification must).
fn notified_bucket(depends: bool) -> Value {
    let mut p = good_bucket();
    p["BucketName"] = json!({"Fn::Sub": "orders-${EnvironmentSuffix}"});
    let mut bucket = res("AWS::S3::Bucket", p);
    if depends {
        bucket["DependsOn"] = json!("Perm");
    }
    let perm = json!({"Type": "AWS::Lambda::Permission", "Properties": {"Action": "lambda:InvokeFunction",
        "FunctionName": "f", "Principal": "s3.amazonaws.com",
        "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::orders-${EnvironmentSuffix}"}}});
    tpl(json!({"B": bucket, "BP": tls_policy(), "Perm": perm}))
}

fn log_group(p: Value) -> Value {
    tpl(json!({"L": res("AWS::Logs::LogGroup", p)}))
}

fn cases() -> Vec<Case> {
    let lg_ok = json!({"RetentionInDays": 7, "KmsKeyId": "arn:aws:kms:::key/x"});
    let key_ok = json!({"EnableKeyRotation": true, "KeyPolicy": {}});
    let table = |p: Value| {
        let mut base = json!({"SSESpecification": {"SSEEnabled": true}, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}});
        for (k, v) in p.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    };
    let policy = |stmt: Value| {
        tpl(
            json!({"P": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {"Statement": [stmt]}}}}),
        )
    };
    let sg = |ingress: Value, lb: bool| {
        let mut r = json!({"SG": res("AWS::EC2::SecurityGroup", json!({"GroupDescription": "d", "SecurityGroupIngress": [ingress]}))});
        if lb {
            r["LB"] = res("AWS::ElasticLoadBalancingV2::LoadBalancer", json!({"SecurityGroups": [{"Ref": "SG"}]}));
        }
        tpl(r)
    };
    let listener = |p: Value| tpl(json!({"L": res("AWS::ElasticLoadBalancingV2::Listener", p)}));
    let lambda =
        |rt: &str| tpl(json!({"F": res("AWS::Lambda::Function", json!({"Runtime": rt, "Role": "r", "Code": {}}))}));
    let retain = Config { removal: RemovalMode::Retain, ..Config::default() };
    let outputs = Config { required_outputs: vec!["TableName".into()], ..Config::default() };
    vec![
        case(
            "conv-suffix-parameter",
            json!({"Parameters": {"Stage": {"Type": "String", "Default": "x"}}, "Resources": {}, "Outputs": {"O": {"Value": "x"}}}),
            tpl(json!({})),
        ),
        case(
            "conv-suffixed-names",
            tpl(json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": "k", "TopicName": "alerts"}))})),
            tpl(
                json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": "k", "TopicName": {"Fn::Sub": "alerts-${EnvironmentSuffix}"}}))}),
            ),
        ),
        case(
            "conv-required-tags",
            tpl(
                json!({"T": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "k", "Tags": [{"Key": "Environment", "Value": "x"}]}}}),
            ),
            tpl(json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": "k"}))})),
        ),
        case(
            "conv-removal-policy",
            tpl(json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": "k", "Tags": tags()}}})),
            tpl(json!({"Q": res("AWS::SQS::Queue", json!({"KmsMasterKeyId": "k"}))})),
        ),
        Case {
            rule: "conv-removal-policy",
            fail: tpl(json!({"Q": res("AWS::SQS::Queue", json!({"KmsMasterKeyId": "k"}))})),
            pass: tpl(
                json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": "k", "Tags": tags()}, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}),
            ),
            config: retain,
        },
        case(
            "conv-hardcoded-account",
            tpl(
                json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": "arn:aws:kms:${AWS::Region}:123456789012:key/abc"}))}),
            ),
            tpl(
                json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": {"Fn::Sub": "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/abc"}}))}),
            ),
        ),
        case(
            "conv-hardcoded-region",
            tpl(
                json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": {"Fn::Sub": "arn:aws:kms:eu-west-1:${AWS::AccountId}:key/abc"}}))}),
            ),
            tpl(
                json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": {"Fn::Sub": "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/abc"}}))}),
            ),
        ),
        // A replica region beside a replica in AWS::Region is another region on
        // purpose (and so is the same literal in an output); without the
        // AWS::Region replica, the literals are the template's own regions.
        case(
            "conv-hardcoded-region",
            global_table(json!([{"Region": "us-east-1"}, {"Region": "us-east-2"}])),
            global_table(json!([{"Region": {"Ref": "AWS::Region"}}, {"Region": "us-east-2"}])),
        ),
        case(
            "conv-own-arn",
            own_bucket_policy(json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::orders-${EnvironmentSuffix}/*"})),
            own_bucket_policy(json!({"Fn::Sub": "${B.Arn}/*"})),
        ),
        // Where the bucket depends on the permission, Fn::GetAtt would be a
        // cycle: the written-out ARN is the only way.
        case("conv-own-arn", notified_bucket(false), notified_bucket(true)),
        case(
            "conv-outputs",
            json!({"Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"}}, "Resources": {}}),
            tpl(json!({})),
        ),
        Case {
            rule: "conv-outputs",
            fail: tpl(json!({})),
            pass: json!({"Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"}}, "Resources": {}, "Outputs": {"TableName": {"Value": "t"}}}),
            config: outputs,
        },
        case(
            "conv-parameter-default",
            json!({"Parameters": {"EnvironmentSuffix": {"Type": "String"}, "Vpc": {"Type": "String"}}, "Resources": {}, "Outputs": {"O": {"Value": "x"}}}),
            json!({"Parameters": {"EnvironmentSuffix": {"Type": "String"}, "Vpc": {"Type": "String", "Default": "v"}}, "Resources": {}, "Outputs": {"O": {"Value": "x"}}}),
        ),
        case("conv-deprecated-runtime", lambda("nodejs20.x"), lambda("nodejs24.x")),
        case(
            "conv-literal-secret",
            tpl(
                json!({"F": res("AWS::Lambda::Function", json!({"Runtime": "python3.13", "Role": "r", "Code": {}, "Environment": {"Variables": {"DB_PASSWORD": "hunter2"}}}))}),
            ),
            tpl(
                json!({"F": res("AWS::Lambda::Function", json!({"Runtime": "python3.13", "Role": "r", "Code": {}, "Environment": {"Variables": {"DB_PASSWORD": "{{resolve:secretsmanager:db}}"}}}))}),
            ),
        ),
        case(
            "sec-s3-encryption",
            tpl(
                json!({"B": res("AWS::S3::Bucket", json!({"PublicAccessBlockConfiguration": good_bucket()["PublicAccessBlockConfiguration"]})), "BP": tls_policy()}),
            ),
            bucket_with(json!({})),
        ),
        case(
            "sec-dynamodb-encryption",
            tpl(json!({"T": res("AWS::DynamoDB::Table", table(json!({"SSESpecification": {"SSEEnabled": false}})))})),
            tpl(json!({"T": res("AWS::DynamoDB::Table", table(json!({})))})),
        ),
        case(
            "sec-sqs-encryption",
            tpl(json!({"Q": res("AWS::SQS::Queue", json!({"SqsManagedSseEnabled": false}))})),
            tpl(json!({"Q": res("AWS::SQS::Queue", json!({"SqsManagedSseEnabled": true}))})),
        ),
        case(
            "sec-sns-encryption",
            tpl(json!({"T": res("AWS::SNS::Topic", json!({}))})),
            tpl(json!({"T": res("AWS::SNS::Topic", json!({"KmsMasterKeyId": "alias/aws/sns"}))})),
        ),
        case(
            "sec-kinesis-encryption",
            tpl(json!({"S": res("AWS::Kinesis::Stream", json!({"ShardCount": 1}))})),
            tpl(
                json!({"S": res("AWS::Kinesis::Stream", json!({"ShardCount": 1, "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}}))}),
            ),
        ),
        case(
            "sec-rds-encryption",
            tpl(json!({"D": res("AWS::RDS::DBCluster", json!({"Engine": "aurora-postgresql"}))})),
            tpl(
                json!({"D": res("AWS::RDS::DBCluster", json!({"Engine": "aurora-postgresql", "StorageEncrypted": true}))}),
            ),
        ),
        case(
            "sec-ebs-encryption",
            tpl(json!({"V": res("AWS::EC2::Volume", json!({"Size": 8}))})),
            tpl(json!({"V": res("AWS::EC2::Volume", json!({"Size": 8, "Encrypted": true}))})),
        ),
        case(
            "sec-efs-encryption",
            tpl(json!({"F": {"Type": "AWS::EFS::FileSystem", "Properties": {}, "DeletionPolicy": "Delete"}})),
            tpl(
                json!({"F": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": true}, "DeletionPolicy": "Delete"}}),
            ),
        ),
        case(
            "sec-elasticache-encryption",
            tpl(json!({"R": res("AWS::ElastiCache::ReplicationGroup", json!({"AtRestEncryptionEnabled": true}))})),
            tpl(
                json!({"R": res("AWS::ElastiCache::ReplicationGroup", json!({"AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": true}))}),
            ),
        ),
        case("sec-logs-encryption", log_group(json!({"RetentionInDays": 7})), log_group(lg_ok.clone())),
        case(
            "sec-secret-cmk",
            tpl(json!({"S": res("AWS::SecretsManager::Secret", json!({"GenerateSecretString": {}}))})),
            tpl(
                json!({"S": res("AWS::SecretsManager::Secret", json!({"GenerateSecretString": {}, "KmsKeyId": {"Ref": "K"}}))}),
            ),
        ),
        case(
            "sec-kms-rotation",
            tpl(json!({"K": res("AWS::KMS::Key", json!({"KeyPolicy": {}}))})),
            tpl(json!({"K": res("AWS::KMS::Key", key_ok)})),
        ),
        case(
            "sec-dynamodb-pitr",
            tpl(
                json!({"T": res("AWS::DynamoDB::Table", table(json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false}})))}),
            ),
            tpl(json!({"T": res("AWS::DynamoDB::Table", table(json!({})))})),
        ),
        case("sec-log-retention", log_group(json!({"KmsKeyId": "k"})), log_group(lg_ok)),
        case(
            "sec-cloudtrail-validation",
            tpl(json!({"T": res("AWS::CloudTrail::Trail", json!({"IsLogging": true, "IsMultiRegionTrail": true}))})),
            tpl(
                json!({"T": res("AWS::CloudTrail::Trail", json!({"IsLogging": true, "IsMultiRegionTrail": true, "EnableLogFileValidation": true}))}),
            ),
        ),
        case(
            "sec-cloudtrail-multiregion",
            tpl(
                json!({"T": res("AWS::CloudTrail::Trail", json!({"IsLogging": true, "EnableLogFileValidation": true}))}),
            ),
            tpl(
                json!({"T": res("AWS::CloudTrail::Trail", json!({"IsLogging": true, "IsMultiRegionTrail": true, "EnableLogFileValidation": true}))}),
            ),
        ),
        case(
            "sec-db-deletion-protection",
            tpl(
                json!({"D": {"Type": "AWS::RDS::DBCluster", "Properties": {"StorageEncrypted": true, "Tags": tags()}, "DeletionPolicy": "Snapshot"}}),
            ),
            tpl(
                json!({"D": {"Type": "AWS::RDS::DBCluster", "Properties": {"StorageEncrypted": true, "DeletionProtection": true, "Tags": tags()}, "DeletionPolicy": "Snapshot"}}),
            ),
        ),
        case(
            "sec-s3-public-access-block",
            bucket_with(
                json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": false, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}),
            ),
            bucket_with(json!({})),
        ),
        case("sec-s3-tls-only", tpl(json!({"B": res("AWS::S3::Bucket", good_bucket())})), bucket_with(json!({}))),
        case(
            "sec-s3-public-acl",
            bucket_with(json!({"AccessControl": "PublicRead"})),
            bucket_with(json!({"AccessControl": "Private"})),
        ),
        case(
            "sec-public-database",
            tpl(
                json!({"D": res("AWS::RDS::DBInstance", json!({"StorageEncrypted": true, "PubliclyAccessible": true}))}),
            ),
            tpl(
                json!({"D": res("AWS::RDS::DBInstance", json!({"StorageEncrypted": true, "PubliclyAccessible": false}))}),
            ),
        ),
        case(
            "sec-open-ingress",
            sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}), false),
            sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}), false),
        ),
        // Any /0 prefix is the whole internet; a Ref to a parameter counts
        // with the parameter's default (what a deployment gets by default).
        case(
            "sec-open-ingress",
            sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "192.168.1.0/0"}), false),
            sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "192.168.1.0/24"}), false),
        ),
        case(
            "sec-open-ingress",
            with_param(
                sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "SshFrom"}}), false),
                "0.0.0.0/0",
            ),
            with_param(
                sg(json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "SshFrom"}}), false),
                "10.0.0.0/8",
            ),
        ),
        case(
            "sec-open-ingress",
            sg(json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}), false),
            sg(json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}), true),
        ),
        case(
            "sec-imdsv2",
            tpl(
                json!({"LT": res("AWS::EC2::LaunchTemplate", json!({"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "optional"}}}))}),
            ),
            tpl(
                json!({"LT": res("AWS::EC2::LaunchTemplate", json!({"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}))}),
            ),
        ),
        case(
            "sec-https-listener",
            listener(
                json!({"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "forward", "TargetGroupArn": "t"}]}),
            ),
            listener(
                json!({"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]}),
            ),
        ),
        case(
            "sec-tls-policy",
            listener(json!({"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-2016-08"})),
            listener(json!({"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})),
        ),
        // A TLS 1.3 policy family whose minimum is still TLS 1.0.
        case(
            "sec-tls-policy",
            listener(json!({"Protocol": "TLS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-0-2021-06"})),
            listener(json!({"Protocol": "TLS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"})),
        ),
        case(
            "sec-iam-wildcard-action",
            policy(json!({"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:*"], "Resource": "*"})),
            policy(json!({"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:Get*"], "Resource": "*"})),
        ),
        case(
            "sec-public-principal",
            tpl(
                json!({"QP": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"}]}}}}),
            ),
            tpl(
                json!({"QP": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["q"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "arn"}}}]}}}}),
            ),
        ),
        case(
            "sup-missing-reason",
            tpl(
                json!({"T": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "k", "Tags": tags()}, "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_26"}]}}}}),
            ),
            tpl(
                json!({"T": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "k", "Tags": tags()}, "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_26", "comment": "why"}]}}}}),
            ),
        ),
    ]
}

#[test]
fn each_rule_fails_its_failing_template_and_nothing_else_fails() {
    for c in cases() {
        assert_eq!(rules_hit(&c.fail, &c.config), vec![c.rule], "failing case of {}: {}", c.rule, c.fail);
    }
}

#[test]
fn each_rule_passes_its_passing_template() {
    for c in cases() {
        assert_eq!(rules_hit(&c.pass, &c.config), Vec::<&str>::new(), "passing case of {}: {}", c.rule, c.pass);
    }
}

#[test]
fn every_rule_has_a_case() {
    let covered: Vec<&str> = cases().iter().map(|c| c.rule).collect();
    for r in packs::all() {
        assert!(covered.contains(&r.id), "rule {} has no minimal passing/failing case", r.id);
    }
}

#[test]
fn every_rule_documents_itself() {
    let mut ids = std::collections::HashSet::new();
    for r in packs::all() {
        assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
        assert!(!r.title.is_empty() && !r.rationale.is_empty() && !r.fix.is_empty(), "{} lacks text", r.id);
    }
}

/// A resource written once in an `Fn::ForEach` loop is checked once per item
/// (items from a parameter's default), and the finding points at the loop.
#[test]
fn fn_foreach_loops_are_checked_per_item_at_the_loop() {
    let mut t = tpl(json!({
        "Fn::ForEach::Logs": ["Name", {"Ref": "Names"}, {
            "Log${Name}": res("AWS::Logs::LogGroup", json!({"LogGroupName": {"Fn::Sub": "${Name}-${EnvironmentSuffix}"}}))
        }]
    }));
    t["Parameters"]["Names"] = json!({"Type": "CommaDelimitedList", "Default": "orders,refunds"});
    let findings = lint_template(&t, &Config::default());
    let retention: Vec<_> = findings.iter().filter(|f| f.rule == "sec-log-retention").collect();
    let ids: Vec<_> = retention.iter().filter_map(|f| f.resource.as_deref()).collect();
    assert_eq!(ids, ["Logorders", "Logrefunds"], "{findings:?}");
    assert!(retention[0].pointer.starts_with("/Resources/Fn::ForEach::Logs/2/Log${Name}"), "{}", retention[0].pointer);
}

/// `Fn::If` flags: agreeing branches are read; a database public under one
/// branch is a finding; `AWS::NoValue` counts as absent.
#[test]
fn fn_if_flags_are_read_branch_by_branch() {
    let db = |flag: Value| {
        tpl(json!({"D": res("AWS::RDS::DBInstance", json!({"StorageEncrypted": true, "PubliclyAccessible": flag}))}))
    };
    let public = |t: &Value| {
        lint_template(t, &Config::default()).into_iter().filter(|f| f.rule == "sec-public-database").count()
    };
    assert_eq!(public(&db(json!({"Fn::If": ["Prod", false, true]}))), 1);
    assert_eq!(public(&db(json!({"Fn::If": ["Prod", false, {"Ref": "AWS::NoValue"}]}))), 0);
    assert_eq!(public(&db(json!({"Fn::If": ["Prod", true, true]}))), 1);
    let unencrypted =
        tpl(json!({"D": res("AWS::RDS::DBInstance", json!({"StorageEncrypted": {"Fn::If": ["Prod", true, false]}}))}));
    let rules = rules_hit(&unencrypted, &Config::default());
    assert!(!rules.contains(&"sec-public-database"), "{rules:?}");
}
