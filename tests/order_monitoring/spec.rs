//! Section 1 of the spec, line by line, and what the stack must not contain.

use std::collections::BTreeSet;

use cfnkit::assertions::{Match, Template};
use cfnkit::reference::order_monitoring::{HANDLER_JS, NAME};
use serde_json::json;

use super::helpers::{
    app, as_list, deny_insecure_transport_on, document_with, handler_code, resources, role_statements, sub, template,
};

// ---------------------------------------------------------------------------
// Section 1: order-monitoring

#[test]
fn stack_is_deployed_to_ap_southeast_1() {
    let out = app().synth().unwrap();
    assert_eq!(out.stack(NAME).unwrap().region.as_deref(), Some("ap-southeast-1"));
}

#[test]
fn orders_table_is_keyed_by_order_id_and_timestamp_with_a_status_index() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::Table", 1);
    t.has_resource_properties("AWS::DynamoDB::Table", Match::obj([("TableName", sub("orders-${EnvironmentSuffix}"))]));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"KeySchema": [
            {"AttributeName": "orderId", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"}
        ]}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([(
            "AttributeDefinitions",
            Match::exact(json!([
                {"AttributeName": "orderId", "AttributeType": "S"},
                {"AttributeName": "timestamp", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"}
            ])),
        )]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([(
            "GlobalSecondaryIndexes",
            Match::exact(json!([{
                "IndexName": "status-timestamp-index",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "timestamp", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "ALL"}
            }])),
        )]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([("BillingMode", json!("PAY_PER_REQUEST").into()), ("ProvisionedThroughput", Match::absent())]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    );
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"DeletionProtectionEnabled": false}));
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"SSESpecification": {"SSEEnabled": true}}));
}

#[test]
fn audit_bucket_is_versioned_encrypted_private_tls_only_and_moves_to_glacier_after_90_days() {
    let t = template();
    let audit = resources(&t)["AuditBucket"].clone();
    let b = Template::from_json(json!({"Resources": {"AuditBucket": audit}}));
    b.has_resource_properties("AWS::S3::Bucket", json!({"VersioningConfiguration": {"Status": "Enabled"}}));
    b.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]}}),
    );
    b.has_resource_properties(
        "AWS::S3::Bucket",
        Match::obj([(
            "LifecycleConfiguration",
            Match::exact(json!({"Rules": [{
                "Id": "TransitionToGlacier",
                "Status": "Enabled",
                "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}]
            }]})),
        )]),
    );
    b.has_resource_properties(
        "AWS::S3::Bucket",
        Match::obj([(
            "PublicAccessBlockConfiguration",
            Match::exact(json!({
                "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true
            })),
        )]),
    );
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "AuditBucket"}))),
            (
                "PolicyDocument",
                Match::obj([("Statement", Match::exact(json!([deny_insecure_transport_on("AuditBucket")])))]),
            ),
        ]),
    );
    b.has_resource("AWS::S3::Bucket", json!({"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}));
}

#[test]
fn alert_topic_is_suffixed_and_encrypted_with_the_aws_managed_sns_key() {
    let t = template();
    t.resource_count_is("AWS::SNS::Topic", 1);
    t.has_resource_properties("AWS::SNS::Topic", Match::obj([("TopicName", sub("order-alerts-${EnvironmentSuffix}"))]));
    t.has_resource_properties("AWS::SNS::Topic", json!({"KmsMasterKeyId": "alias/aws/sns"}));
}

#[test]
fn audit_function_runs_nodejs20_for_60_seconds_with_256_mb_of_inline_code() {
    let t = template();
    t.resource_count_is("AWS::Lambda::Function", 1);
    t.has_resource_properties("AWS::Lambda::Function", json!({"Runtime": "nodejs20.x"}));
    t.has_resource_properties("AWS::Lambda::Function", json!({"Timeout": 60}));
    t.has_resource_properties("AWS::Lambda::Function", json!({"MemorySize": 256}));
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Match::obj([
            ("Handler", json!("index.handler").into()),
            ("Code", Match::object_equals(json!({"ZipFile": HANDLER_JS}))),
        ]),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Match::obj([(
            "Environment",
            Match::exact(json!({"Variables": {
                "AUDIT_BUCKET_NAME": {"Ref": "AuditBucket"},
                "SNS_TOPIC_ARN": {"Ref": "AlertTopic"}
            }})),
        )]),
    );
}

#[test]
fn audit_function_code_uses_sdk_v3_to_audit_every_record_and_alert_on_failed_orders() {
    let code = handler_code(&template());
    assert!(
        code.contains("require('@aws-sdk/client-s3')") && code.contains("require('@aws-sdk/client-sns')"),
        "AWS SDK v3 clients"
    );
    assert!(!code.contains("require('aws-sdk')"), "not the v2 SDK, which nodejs20.x does not ship");
    assert!(code.contains("for (const record of event.Records"), "reads each stream record");
    assert!(code.contains("Key: `orders/${orderId}/${timestamp}.json`"), "audit key layout");
    assert!(code.contains("audit.newImage.status === 'FAILED'"), "alerts on the new image's status");
    assert!(code.contains("try {") && code.contains("} catch (err) {") && code.contains("console.error("), "try/catch");
    assert!(
        code.contains("process.env.AUDIT_BUCKET_NAME") && code.contains("process.env.SNS_TOPIC_ARN"),
        "configuration from the environment"
    );
}

#[test]
fn audit_function_is_triggered_by_the_orders_stream_and_logs_to_its_own_group() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventSourceMapping", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        Match::obj([
            ("EventSourceArn", Match::exact(json!({"Fn::GetAtt": ["OrdersTable", "StreamArn"]}))),
            ("FunctionName", Match::exact(json!({"Ref": "AuditFunction"}))),
            ("StartingPosition", json!("TRIM_HORIZON").into()),
            ("BatchSize", json!(10).into()),
        ]),
    );
    t.resource_count_is("AWS::Logs::LogGroup", 1);
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        Match::obj([
            ("LogGroupName", sub("/aws/lambda/order-audit-${EnvironmentSuffix}")),
            ("RetentionInDays", json!(30).into()),
        ]),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"LoggingConfig": {"LogGroup": {"Ref": "AuditFunctionLogGroup"}}}),
    );
}

#[test]
fn function_role_is_assumed_by_lambda_only() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 1);
    t.has_resource_properties(
        "AWS::IAM::Role",
        Match::obj([
            (
                "AssumeRolePolicyDocument",
                Match::exact(json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]})),
            ),
            ("ManagedPolicyArns", Match::absent()),
            ("Policies", Match::absent()),
        ]),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"Role": {"Fn::GetAtt": ["AuditFunctionServiceRole", "Arn"]}}),
    );
    t.resource_count_is("AWS::IAM::Policy", 1);
    t.has_resource_properties("AWS::IAM::Policy", json!({"Roles": [{"Ref": "AuditFunctionServiceRole"}]}));
}

#[test]
fn function_role_writes_only_its_own_log_group() {
    template().has_resource_properties(
        "AWS::IAM::Policy",
        document_with(json!({
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": ["AuditFunctionLogGroup", "Arn"]}
        })),
    );
}

#[test]
fn function_role_reads_the_orders_stream_only() {
    template().has_resource_properties(
        "AWS::IAM::Policy",
        document_with(json!({
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"
            ],
            "Resource": {"Fn::GetAtt": ["OrdersTable", "StreamArn"]}
        })),
    );
}

#[test]
fn function_role_puts_objects_in_the_audit_bucket_only() {
    template().has_resource_properties(
        "AWS::IAM::Policy",
        document_with(
            json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${AuditBucket.Arn}/*"}}),
        ),
    );
}

#[test]
fn function_role_publishes_to_the_alert_topic_only() {
    template().has_resource_properties(
        "AWS::IAM::Policy",
        document_with(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "AlertTopic"}})),
    );
}

#[test]
fn function_role_holds_those_four_statements_and_nothing_else() {
    let t = template();
    assert_eq!(role_statements(&t).len(), 5, "logs, stream read, put, publish, failed-record queue");
    let table_actions = role_statements(&t)
        .iter()
        .flat_map(|s| as_list(&s["Action"]))
        .filter(|a| a.as_str().is_some_and(|a| a.starts_with("dynamodb:")))
        .count();
    assert_eq!(table_actions, 4, "no table item actions: the function reads the stream, never the table");
    t.has_resource("AWS::Lambda::Function", json!({"DependsOn": ["AuditFunctionServiceRoleDefaultPolicy"]}));
}

#[test]
fn error_rate_alarm_divides_errors_by_invocations_over_five_minutes() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Alarm", 1);
    let metric = |id: &str, name: &str| {
        Match::exact(json!({
            "Id": id,
            "MetricStat": {
                "Metric": {
                    "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "AuditFunction"}}],
                    "MetricName": name,
                    "Namespace": "AWS/Lambda"
                },
                "Period": 300,
                "Stat": "Sum"
            },
            "ReturnData": false
        }))
    };
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([(
            "Metrics",
            Match::array_with(vec![json!({"Expression": "(errors / invocations) * 100", "ReturnData": true}).into()]),
        )]),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("Metrics", Match::array_with(vec![metric("errors", "Errors")]))]),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("Metrics", Match::array_with(vec![metric("invocations", "Invocations")]))]),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("Metrics", Match::ArrayEquals(vec![Match::any_value(), Match::any_value(), Match::any_value()]))]),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"ComparisonOperator": "GreaterThanThreshold", "Threshold": 5}),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("EvaluationPeriods", json!(1).into()), ("DatapointsToAlarm", Match::absent())]),
    );
    t.has_resource_properties("AWS::CloudWatch::Alarm", json!({"TreatMissingData": "notBreaching"}));
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("AlarmActions", Match::exact(json!([{"Ref": "AlertTopic"}])))]),
    );
}

// ---------------------------------------------------------------------------
// Negative checks: what this stack must not contain

#[test]
fn stack_has_no_network_or_compute_beyond_the_one_function() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPC", 0);
    t.resource_count_is("AWS::EC2::InternetGateway", 0);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::SNS::Subscription", 0);
    t.resource_count_is("AWS::CloudFormation::CustomResource", 0);
    let ids: BTreeSet<String> = resources(&t).keys().cloned().collect();
    let expected: BTreeSet<String> = [
        "OrdersTable",
        "AuditBucket",
        "AuditBucketPolicy",
        "AlertTopic",
        "AlertTopicPolicy",
        "AuditFunctionServiceRole",
        "AuditFunctionLogGroup",
        "AuditFunction",
        "AuditFunctionServiceRoleDefaultPolicy",
        "AuditFunctionOrdersTableEventSource",
        "ErrorRateAlarm",
        "AuditFailures",
        "AuditFailuresPolicy",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(ids, expected, "exactly the thirteen resources tested in this file");
    // Every resource beyond the seeds' is named, with its reason, in the doc comment.
    let doc: String = include_str!("../../src/reference/order_monitoring.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    for added in ["AuditFunctionLogGroup", "AlertTopicPolicy", "AuditFailures", "AuditFailuresPolicy"] {
        assert!(doc.contains(&format!("`{added}`")), "the doc comment does not name {added}");
    }
}

/// The spec's topic uses `alias/aws/sns`, which CloudWatch cannot publish
/// to: the alarm keeps the topic as its action, nothing suggests it can
/// notify, and the doc comment, the alarm description and a warning say so.
#[test]
fn the_alarm_cannot_notify_and_nothing_suggests_otherwise() {
    let t = template();
    t.has_resource_properties("AWS::SNS::Topic", json!({"KmsMasterKeyId": "alias/aws/sns"}));
    t.has_resource_properties("AWS::CloudWatch::Alarm", json!({"AlarmActions": [{"Ref": "AlertTopic"}]}));
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("AlarmDescription", Match::string_like_regexp("Cannot notify: CloudWatch cannot publish"))]),
    );
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!text.contains("cloudwatch.amazonaws.com"), "no statement lets CloudWatch publish or use a key");
    let source = include_str!("../../src/reference/order_monitoring.rs");
    assert!(source.contains("**The alarm cannot notify.**"));
    let out = app().synth().unwrap();
    assert!(out.warnings.iter().any(|w| w.path == "order-monitoring/ErrorRateAlarm/Resource"
        && w.problem
            .contains("CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns")));
}
