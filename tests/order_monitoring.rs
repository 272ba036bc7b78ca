//! The order-monitoring reference stack (spec section 1 of
//! `shared/spec/reference-stacks.md`), checked with cfnkit's assertions API:
//! one assertion per line of the TAP conventions, per line of the stack's
//! section and per decision the program's doc comment takes where the spec is
//! silent. Then the snapshot, cfn-lint and checkov, the handler's syntax and
//! behaviour, and determinism.
//!
//! The two wildcard exceptions (key policies) are asserted to be exactly
//! the ones the program's doc comment names.

#[path = "support/validators.rs"]
mod validators;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use cfnkit::assertions::{Match, Template};
use cfnkit::core::diag::Severity;
use cfnkit::core::tree::App;
use cfnkit::reference;
use cfnkit::reference::order_monitoring::{order_monitoring, HANDLER_JS, NAME};
use regex::Regex;
use serde_json::{json, Map, Value};

/// The `Purpose` tag the stack's conventions give every taggable resource.
const PURPOSE: &str = "order-processing-monitoring";

/// Every resource type in the stack that CloudFormation lets us tag.
const TAGGABLE: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SNS::Topic",
    "AWS::KMS::Key",
    "AWS::IAM::Role",
    "AWS::Logs::LogGroup",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::CloudWatch::Alarm",
    "AWS::SQS::Queue",
];

/// Every resource type in the stack that has no `Tags` property in CloudFormation.
const UNTAGGABLE: &[&str] =
    &["AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::IAM::Policy", "AWS::KMS::Alias", "AWS::SQS::QueuePolicy"];

/// The program's doc comment: the decisions taken where the spec is silent.
const PROGRAM_SOURCE: &str = include_str!("../src/reference/order_monitoring.rs");

// ---------------------------------------------------------------------------
// Helpers

/// An app holding only the order-monitoring stack.
fn app() -> App {
    let mut app = App::new();
    order_monitoring(&mut app);
    app
}

/// The order-monitoring template under test.
fn template() -> Template {
    Template::from_stack(&app(), NAME)
}

/// The template's resources by logical id.
fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("the template has resources").clone()
}

/// A `Value` that may be one item or a list, as a list (IAM `Action`, `Resource`).
fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Every policy statement in the template (IAM policies, bucket and topic
/// policies, key policies, trust policies), with the logical id holding it.
fn every_statement(t: &Template) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let p = &r["Properties"];
        for doc in [&p["PolicyDocument"], &p["KeyPolicy"], &p["AssumeRolePolicyDocument"]] {
            for s in as_list(&doc["Statement"]) {
                out.push((id.clone(), s));
            }
        }
    }
    out
}

/// The statements of the function's identity policy.
fn role_statements(t: &Template) -> Vec<Value> {
    as_list(&resources(t)["AuditFunctionServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"])
}

/// A tag pattern, exact on key and value.
fn tag(key: &str, value: Value) -> Match {
    Match::obj([("Tags", Match::array_with(vec![Match::exact(json!({"Key": key, "Value": value}))]))])
}

/// `{"Fn::Sub": "<text>"}`, exactly.
fn sub(text: &str) -> Match {
    Match::exact(json!({"Fn::Sub": text}))
}

/// A policy document whose statements include `statement` exactly.
fn statements_with(statement: Value) -> Match {
    Match::obj([("Statement", Match::array_with(vec![Match::exact(statement)]))])
}

/// Resource properties whose `PolicyDocument` includes `statement` exactly.
fn document_with(statement: Value) -> Match {
    Match::obj([("PolicyDocument", statements_with(statement))])
}

/// The TLS-only statement a bucket policy must hold for `bucket`.
fn deny_insecure_transport_on(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// The function's inline code.
fn handler_code(t: &Template) -> String {
    resources(t)["AuditFunction"]["Properties"]["Code"]["ZipFile"].as_str().expect("inline code").to_owned()
}

/// Runs `program args..`, panicking with a clear message when it cannot be
/// started (a missing tool is a failure, never a skip) or when it fails.
fn run_tool(program: &str, args: &[&Path], cwd: &Path) -> String {
    let out = Command::new(program).args(args).current_dir(cwd).output().unwrap_or_else(|e| {
        panic!(
            "`{program}` is required to test the order-monitoring handler and could not be run: {e}; install Node.js"
        )
    });
    assert!(
        out.status.success(),
        "`{program} {args:?}` failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

// ---------------------------------------------------------------------------
// TAP conventions (common to every reference stack)

#[test]
fn environment_suffix_is_a_string_parameter_with_a_default_and_a_lowercase_pattern() {
    let t = template();
    t.has_parameter("EnvironmentSuffix", json!({"Type": "String"}));
    t.has_parameter("EnvironmentSuffix", json!({"Default": "dev"}));
    t.has_parameter("EnvironmentSuffix", json!({"AllowedPattern": "^[a-z0-9-]+$"}));
    let pattern =
        Regex::new(t.to_json()["Parameters"]["EnvironmentSuffix"]["AllowedPattern"].as_str().unwrap()).unwrap();
    assert!(
        ["dev", "pr-1234", "stage2"].iter().all(|s| pattern.is_match(s)),
        "lowercase letters, digits, hyphens pass"
    );
    assert!(["Dev", "pr_1", "a b", ""].iter().all(|s| !pattern.is_match(s)), "anything else is rejected");
}

#[test]
fn every_physical_name_is_its_resource_type_followed_by_the_suffix() {
    let t = template();
    t.has_resource_properties("AWS::DynamoDB::Table", Match::obj([("TableName", sub("orders-${EnvironmentSuffix}"))]));
    t.has_resource_properties("AWS::SNS::Topic", Match::obj([("TopicName", sub("order-alerts-${EnvironmentSuffix}"))]));
    t.has_resource_properties(
        "AWS::Lambda::Function",
        Match::obj([("FunctionName", sub("order-audit-${EnvironmentSuffix}"))]),
    );
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        Match::obj([("LogGroupName", sub("/aws/lambda/order-audit-${EnvironmentSuffix}"))]),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([("AlarmName", sub("order-audit-error-rate-${EnvironmentSuffix}"))]),
    );
    t.has_resource_properties(
        "AWS::KMS::Alias",
        Match::obj([("AliasName", sub("alias/order-monitoring-logs-${EnvironmentSuffix}"))]),
    );

    // No physical name anywhere is a literal that two environments would share.
    let name_keys = [
        ("AWS::DynamoDB::Table", "TableName"),
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::SNS::Topic", "TopicName"),
        ("AWS::Lambda::Function", "FunctionName"),
        ("AWS::Logs::LogGroup", "LogGroupName"),
        ("AWS::CloudWatch::Alarm", "AlarmName"),
        ("AWS::KMS::Alias", "AliasName"),
        ("AWS::IAM::Role", "RoleName"),
    ];
    let suffixed = Match::obj([("Fn::Sub", Match::string_like_regexp(r"^[a-z/][a-z0-9/-]*-\$\{EnvironmentSuffix\}$"))]);
    let mut named = 0;
    for (id, r) in resources(&t) {
        for (ty, key) in name_keys {
            if let Some(name) = r["Properties"].get(key).filter(|_| r["Type"] == ty) {
                named += 1;
                let diffs = suffixed.test(Some(name));
                assert!(diffs.is_empty(), "{id}.{key} is not a suffixed name: {name} ({diffs:?})");
            }
        }
        // The only literal `*Name` properties are a label and a role-scoped inline policy name.
        for (key, value) in r["Properties"].as_object().into_iter().flatten() {
            if key.ends_with("Name") && value.is_string() {
                assert!(["DisplayName", "PolicyName"].contains(&key.as_str()), "{id}.{key} is a literal name: {value}");
            }
        }
    }
    assert_eq!(named, 6, "six resources carry an explicit physical name");
}

#[test]
fn nothing_hard_codes_an_account_region_arn_or_partition() {
    let t = template();
    let text = serde_json::to_string(t.to_json()).unwrap();
    let account_id = Regex::new(r"\b\d{12}\b").unwrap();
    assert!(!account_id.is_match(&text), "no 12-digit account id");
    let region = Regex::new(r"\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?(north|south|east|west|central)+-\d\b").unwrap();
    assert!(!region.is_match(&text), "no region name (the stack targets ap-southeast-1 only through deployment)");
    let arns = Regex::new(r"\barn:").unwrap().find_iter(&text).count();
    let partitioned = text.matches("arn:${AWS::Partition}:").count();
    assert_eq!(arns, partitioned, "every ARN is built with ${{AWS::Partition}}");
    assert!(
        text.contains("${AWS::AccountId}") && text.contains("${AWS::Region}"),
        "pseudo parameters are used instead"
    );
    t.has_output("StackRegion", json!({"Value": {"Ref": "AWS::Region"}}));
}

#[test]
fn every_taggable_resource_carries_the_environment_and_purpose_tags() {
    let t = template();
    let types: BTreeSet<String> = resources(&t).values().map(|r| r["Type"].as_str().unwrap().to_owned()).collect();
    for ty in &types {
        assert!(TAGGABLE.contains(&ty.as_str()) || UNTAGGABLE.contains(&ty.as_str()), "{ty} is not classified");
    }
    for ty in TAGGABLE {
        t.all_resources_properties(ty, tag("Environment", json!({"Ref": "EnvironmentSuffix"})));
        t.all_resources_properties(ty, tag("Purpose", json!(PURPOSE)));
    }
    for ty in UNTAGGABLE {
        t.all_resources_properties(ty, Match::obj([("Tags", Match::absent())]));
    }
    assert_eq!(types.len(), TAGGABLE.len() + UNTAGGABLE.len(), "every listed type is in the template");
}

#[test]
fn data_is_encrypted_at_rest_everywhere_it_can_be() {
    let t = template();
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"SSESpecification": {"SSEEnabled": true}}));
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]}}),
    );
    t.all_resources_properties("AWS::SNS::Topic", Match::obj([("KmsMasterKeyId", Match::any_value())]));
    t.all_resources_properties(
        "AWS::Logs::LogGroup",
        Match::obj([("KmsKeyId", Match::exact(json!({"Fn::GetAtt": ["LogsKey", "Arn"]})))]),
    );
}

#[test]
fn every_bucket_and_the_topic_accept_only_tls() {
    let t = template();
    for bucket in ["AuditBucket", "AuditBucketAccessLogs"] {
        t.has_resource_properties(
            "AWS::S3::BucketPolicy",
            Match::obj([
                ("Bucket", Match::exact(json!({"Ref": bucket}))),
                ("PolicyDocument", statements_with(deny_insecure_transport_on(bucket))),
            ]),
        );
    }
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        Match::obj([
            ("Topics", Match::exact(json!([{"Ref": "AlertTopic"}]))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([{
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sns:Publish",
                        "Resource": {"Ref": "AlertTopic"},
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                    }, {
                        "Sid": "AllowCloudWatchAlarmsToPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": {"Ref": "AlertTopic"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"}}
                        }
                    }])),
                )]),
            ),
        ]),
    );
    t.resource_count_is("AWS::S3::BucketPolicy", 2);
}

#[test]
fn nothing_is_publicly_accessible() {
    let t = template();
    t.all_resources_properties(
        "AWS::S3::Bucket",
        Match::obj([(
            "PublicAccessBlockConfiguration",
            Match::exact(json!({
                "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true
            })),
        )]),
    );
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}),
    );
    for (id, s) in every_statement(&t) {
        if s["Effect"] == "Allow" {
            let p = &s["Principal"];
            assert!(p != "*" && p["AWS"] != "*", "{id} allows everyone: {s}");
        }
    }
    t.resource_count_is("AWS::Lambda::Permission", 0);
    t.resource_count_is("AWS::Lambda::Url", 0);
}

#[test]
fn iam_grants_list_each_action_on_the_arns_involved_only() {
    let t = template();
    for s in role_statements(&t) {
        assert_eq!(s["Effect"], "Allow", "identity statements only allow: {s}");
        for a in as_list(&s["Action"]) {
            assert!(!a.as_str().unwrap().contains('*'), "wildcard action {a} in {s}");
        }
        for r in as_list(&s["Resource"]) {
            assert_ne!(r, "*", "wildcard resource in {s}");
        }
    }
    // `*` resources exist only in the key policy, where `*` means "this key".
    let star: BTreeSet<String> = every_statement(&t)
        .into_iter()
        .filter(|(_, s)| s["Effect"] == "Allow" && as_list(&s["Resource"]).contains(&json!("*")))
        .map(|(id, s)| format!("{id}/{}", s["Sid"].as_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        star,
        BTreeSet::from([
            "LogsKey/AllowAccountRootToAdministerKey".to_owned(),
            "LogsKey/AllowCloudWatchLogs".to_owned()
        ]),
        "the only `*` resources are the key policy's"
    );
    t.resource_count_is("AWS::IAM::ManagedPolicy", 0);
    t.resource_count_is("AWS::IAM::User", 0);
}

#[test]
fn every_stateful_resource_is_destroyable() {
    let t = template();
    let delete = json!({"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"});
    t.has_resource("AWS::DynamoDB::Table", delete.clone());
    t.has_resource("AWS::KMS::Key", delete.clone());
    t.has_resource("AWS::Logs::LogGroup", delete.clone());
    assert_eq!(t.find_resources("AWS::S3::Bucket", delete.clone()).len(), 2, "both buckets are deleted with the stack");
    for (id, r) in resources(&t) {
        if let Some(policy) = r.get("DeletionPolicy") {
            assert_eq!(policy, "Delete", "{id} has DeletionPolicy {policy}");
            assert_eq!(r["UpdateReplacePolicy"], "Delete", "{id} is replaced destructively too");
        }
    }
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!text.contains("\"Retain\"") && !text.contains("\"Snapshot\""), "nothing is retained");
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"DeletionProtectionEnabled": false}));
    t.has_resource_properties("AWS::KMS::Key", json!({"PendingWindowInDays": 7}));
}

#[test]
fn every_output_has_a_description_and_an_export_named_after_the_stack() {
    let t = template();
    let expected = [
        ("OrdersTableName", json!({"Ref": "OrdersTable"})),
        ("OrdersTableArn", json!({"Fn::GetAtt": ["OrdersTable", "Arn"]})),
        ("OrdersTableStreamArn", json!({"Fn::GetAtt": ["OrdersTable", "StreamArn"]})),
        ("AuditBucketName", json!({"Ref": "AuditBucket"})),
        ("AlertTopicArn", json!({"Ref": "AlertTopic"})),
        ("AuditFunctionName", json!({"Ref": "AuditFunction"})),
        ("AuditFunctionArn", json!({"Fn::GetAtt": ["AuditFunction", "Arn"]})),
        ("StackRegion", json!({"Ref": "AWS::Region"})),
    ];
    for (id, value) in &expected {
        t.has_output(
            id,
            Match::obj([
                ("Description", Match::string_like_regexp(r"^\S.{8,}$")),
                ("Value", Match::exact(value.clone())),
                ("Export", Match::exact(json!({"Name": {"Fn::Sub": format!("${{AWS::StackName}}-{id}")}}))),
            ]),
        );
    }
    let outputs = t.to_json()["Outputs"].as_object().unwrap();
    assert_eq!(outputs.len(), expected.len(), "no output without a test above");
}

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
// Decisions the program's doc comment takes where the spec is silent

#[test]
fn audit_bucket_access_logs_go_to_a_private_encrypted_tls_only_log_bucket() {
    let t = template();
    t.resource_count_is("AWS::S3::Bucket", 2);
    t.has_resource(
        "AWS::S3::Bucket",
        Match::obj([
            (
                "Properties",
                Match::obj([(
                    "LoggingConfiguration",
                    Match::exact(json!({
                        "DestinationBucketName": {"Ref": "AuditBucketAccessLogs"},
                        "LogFilePrefix": "access-logs/"
                    })),
                )]),
            ),
            ("DependsOn", Match::exact(json!(["AuditBucketAccessLogsPolicy"]))),
        ]),
    );
    let logs = resources(&t)["AuditBucketAccessLogs"].clone();
    let l = Template::from_json(json!({"Resources": {"AuditBucketAccessLogs": logs}}));
    l.has_resource_properties(
        "AWS::S3::Bucket",
        Match::obj([
            ("PublicAccessBlockConfiguration", Match::any_value()),
            ("BucketEncryption", Match::any_value()),
            ("LoggingConfiguration", Match::absent()),
        ]),
    );
    l.has_resource(
        "AWS::S3::Bucket",
        json!({"Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_18", "comment": "this bucket receives server access logs; logging it would log the logs"}]}}}),
    );
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "AuditBucketAccessLogs"}))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        deny_insecure_transport_on("AuditBucketAccessLogs"),
                        {
                            "Sid": "AllowServerAccessLogs",
                            "Effect": "Allow",
                            "Principal": {"Service": "logging.s3.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": "${AuditBucketAccessLogs.Arn}/*"},
                            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
                        }
                    ])),
                )]),
            ),
        ]),
    );
}

#[test]
fn function_logs_are_encrypted_with_a_rotated_key_that_names_the_logs_service() {
    let t = template();
    t.resource_count_is("AWS::KMS::Key", 1);
    t.has_resource_properties("AWS::KMS::Key", json!({"EnableKeyRotation": true}));
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::obj([(
            "KeyPolicy",
            Match::obj([(
                "Statement",
                Match::array_with(vec![Match::exact(json!({
                    "Sid": "AllowCloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                    "Action": [
                        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                        "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"
                    ],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
                        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
                    }}}
                }))]),
            )]),
        )]),
    );
    t.has_resource_properties(
        "AWS::KMS::Alias",
        Match::obj([("TargetKeyId", Match::exact(json!({"Ref": "LogsKey"})))]),
    );
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        Match::obj([("KmsKeyId", Match::exact(json!({"Fn::GetAtt": ["LogsKey", "Arn"]})))]),
    );
}

#[test]
fn stream_source_reports_failed_records_individually_and_retries_three_times() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        Match::obj([("FunctionResponseTypes", Match::exact(json!(["ReportBatchItemFailures"])))]),
    );
    t.has_resource_properties("AWS::Lambda::EventSourceMapping", json!({"MaximumRetryAttempts": 3}));
    let code = handler_code(&t);
    assert!(
        code.contains("return { batchItemFailures: failures };"),
        "the handler answers with a partial batch response"
    );
    assert!(
        code.contains("itemIdentifier: record.dynamodb && record.dynamodb.SequenceNumber"),
        "keyed by sequence number"
    );
}

#[test]
fn basic_execution_is_an_inline_statement_not_the_managed_policy() {
    let t = template();
    t.has_resource_properties("AWS::IAM::Role", Match::obj([("ManagedPolicyArns", Match::absent())]));
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!text.contains("AWSLambdaBasicExecutionRole"), "no managed basic execution policy");
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([(
            "PolicyDocument",
            Match::obj([(
                "Statement",
                Match::array_with(vec![json!({"Resource": {"Fn::GetAtt": ["AuditFunctionLogGroup", "Arn"]}}).into()]),
            )]),
        )]),
    );
}

#[test]
fn deprecated_runtime_gives_a_warning_and_an_acknowledgement() {
    let out = app().synth().unwrap();
    let warning = out
        .warnings
        .iter()
        .find(|w| w.to_string().contains("runtime nodejs20.x is deprecated since 2026-04-30"))
        .expect("synthesis warns about nodejs20.x");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.path.starts_with("order-monitoring/AuditFunction"), "names the function: {}", warning.path);
    assert_eq!(warning.property.as_deref(), Some("Runtime"));
    let t = Template::from_json(out.stack(NAME).unwrap().template.clone());
    t.has_resource(
        "AWS::Lambda::Function",
        Match::obj([(
            "Metadata",
            Match::obj([
                ("cfn-lint", Match::exact(json!({"config": {"ignore_checks": ["W2531"]}}))),
                (
                    "cfnkit:acknowledgements",
                    Match::obj([("W2531", Match::string_like_regexp("the spec requires nodejs20.x"))]),
                ),
            ]),
        )]),
    );
    t.has_resource(
        "AWS::Lambda::Function",
        Match::obj([(
            "Metadata",
            Match::obj([(
                "checkov",
                Match::obj([(
                    "skip",
                    Match::array_with(vec![Match::exact(json!({
                        "id": "CKV_AWS_363",
                        "comment": "the spec requires nodejs20.x (deprecated 2026-04-30, creation blocked from 2027-02-01)"
                    }))]),
                )]),
            )]),
        )]),
    );
}

#[test]
fn nothing_is_acknowledged_without_a_written_reason() {
    let t = template();
    let mut acknowledged = BTreeSet::new();
    for (id, r) in resources(&t) {
        let meta = &r["Metadata"];
        for check in as_list(&meta["cfn-lint"]["config"]["ignore_checks"]) {
            let check = check.as_str().unwrap();
            let reason = meta["cfnkit:acknowledgements"][check].as_str().unwrap_or_default();
            assert!(reason.len() > 20, "{id} ignores cfn-lint {check} without a reason");
            acknowledged.insert(format!("{id}/{check}"));
        }
        for skip in as_list(&meta["checkov"]["skip"]) {
            let comment = skip["comment"].as_str().unwrap_or_default();
            assert!(comment.len() > 20, "{id} skips checkov {} without a reason", skip["id"]);
            acknowledged.insert(format!("{id}/{}", skip["id"].as_str().unwrap()));
        }
    }
    let expected: BTreeSet<String> = [
        "AuditFunction/W2531",
        "AuditFunction/CKV_AWS_363",
        "AuditFunction/CKV_AWS_116",
        "AuditFunction/CKV_AWS_115",
        "AuditFunction/CKV_AWS_117",
        "AuditFunction/CKV_AWS_173",
        "AuditBucketAccessLogs/CKV_AWS_18",
        "AuditFailures/CKV_AWS_27",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(acknowledged, expected, "exactly the acknowledgements the program documents");
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
        "AuditBucketAccessLogs",
        "AuditBucketAccessLogsPolicy",
        "AuditBucket",
        "AuditBucketPolicy",
        "AlertTopic",
        "AlertTopicPolicy",
        "LogsKey",
        "LogsKeyAlias",
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
    assert_eq!(ids, expected, "exactly the seventeen resources tested in this file");
}

// ---------------------------------------------------------------------------
// Snapshot, validators, handler, determinism

#[test]
fn template_snapshot() {
    let out = reference::app().synth().unwrap();
    let json = &out.stack(NAME).unwrap().json;
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("order_monitoring_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    let out = reference::app().synth().unwrap();
    validators::assert_clean(&out.stack(NAME).unwrap().json, NAME, &["ap-southeast-1"]);
}

#[test]
fn handler_is_valid_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("index.js");
    std::fs::write(&file, HANDLER_JS).unwrap();
    run_tool("node", &[Path::new("--check"), &file], dir.path());
}

/// Loads the handler in Node with the AWS SDK replaced by recorders and feeds
/// it a stream batch: the behaviour the spec asks of the code, not its text.
const HANDLER_HARNESS_JS: &str = r"
const Module = require('module');
const calls = { s3: [], sns: [] };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@aws-sdk/client-s3') return {
    S3Client: class { async send(cmd) { if (cmd.input.Key.includes('broken')) throw new Error('s3 unavailable'); calls.s3.push(cmd.input); return {}; } },
    PutObjectCommand: class { constructor(input) { this.input = input; } },
  };
  if (request === '@aws-sdk/client-sns') return {
    SNSClient: class { async send(cmd) { calls.sns.push(cmd.input); return {}; } },
    PublishCommand: class { constructor(input) { this.input = input; } },
  };
  if (request === '@aws-sdk/util-dynamodb') return {
    unmarshall: (image) => Object.fromEntries(Object.entries(image).map(([k, v]) => [k, 'N' in v ? Number(v.N) : v.S])),
  };
  return load.apply(this, arguments);
};
process.env.AUDIT_BUCKET_NAME = 'audit-bucket';
process.env.SNS_TOPIC_ARN = 'alert-topic';
const logs = [];
for (const level of ['log', 'warn', 'error']) console[level] = (...args) => logs.push({ level, line: args.join(' ') });
const image = (orderId, timestamp, status) => ({ orderId: { S: orderId }, timestamp: { N: String(timestamp) }, status: { S: status } });
const record = (seq, eventName, dynamodb) => ({ eventID: `e${seq}`, eventName, dynamodb: { SequenceNumber: seq, ...dynamodb } });
const { handler } = require('./index.js');
handler({ Records: [
  record('100', 'INSERT', { NewImage: image('o-1', 1700000000001, 'PENDING') }),
  record('200', 'MODIFY', { NewImage: image('o-2', 1700000000002, 'FAILED'), OldImage: image('o-2', 1700000000002, 'PENDING') }),
  record('300', 'INSERT', { NewImage: image('broken', 1700000000003, 'FAILED') }),
  record('400', 'REMOVE', { OldImage: image('o-4', 1700000000004, 'FAILED') }),
] }).then((result) => process.stdout.write(JSON.stringify({ result, calls, logs })));
";

#[test]
fn handler_audits_every_record_alerts_on_failed_orders_and_reports_failed_records() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.js"), HANDLER_JS).unwrap();
    std::fs::write(dir.path().join("harness.js"), HANDLER_HARNESS_JS).unwrap();
    let out: Value = serde_json::from_str(&run_tool("node", &[Path::new("harness.js")], dir.path())).unwrap();

    let keys: Vec<&Value> = out["calls"]["s3"].as_array().unwrap().iter().map(|put| &put["Key"]).collect();
    assert_eq!(
        keys,
        [
            &json!("orders/o-1/1700000000001.json"),
            &json!("orders/o-2/1700000000002.json"),
            &json!("orders/o-4/1700000000004.json")
        ],
        "one orders/{{orderId}}/{{timestamp}}.json object per record, removals included"
    );
    assert!(
        out["calls"]["s3"].as_array().unwrap().iter().all(|put| put["Bucket"] == "audit-bucket"),
        "AUDIT_BUCKET_NAME"
    );
    let published = out["calls"]["sns"].as_array().unwrap();
    assert_eq!(published.len(), 1, "only the order whose new image is FAILED is published: {published:?}");
    assert_eq!(published[0]["TopicArn"], "alert-topic", "SNS_TOPIC_ARN");
    let message: Value = serde_json::from_str(published[0]["Message"].as_str().unwrap()).unwrap();
    assert_eq!((&message["orderId"], &message["status"]), (&json!("o-2"), &json!("FAILED")));
    assert_eq!(
        out["result"],
        json!({"batchItemFailures": [{"itemIdentifier": "300"}]}),
        "the failed record is reported"
    );
    assert!(
        out["logs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["level"] == "error" && l["line"].as_str().unwrap().contains("s3 unavailable")),
        "the caught error is logged: {}",
        out["logs"]
    );
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let first = app().synth().unwrap();
    let second = app().synth().unwrap();
    assert_eq!(first.stack(NAME).unwrap().json, second.stack(NAME).unwrap().json);
    let with_others = reference::app().synth().unwrap();
    assert_eq!(
        first.stack(NAME).unwrap().json,
        with_others.stack(NAME).unwrap().json,
        "other stacks change nothing here"
    );
}

// ---------------------------------------------------------------------------
// Wildcards: only where the program's doc comment names them

/// TAP conventions: "`*` only where AWS offers no resource-level permission
/// (name those)". The key policy's `Resource: "*"` statements are named in
/// the program's doc comment.
#[test]
fn every_wildcard_resource_is_named_in_the_programs_doc_comment() {
    let doc: String = PROGRAM_SOURCE.lines().filter_map(|l| l.strip_prefix("//!")).collect::<Vec<_>>().join("\n");
    let t = template();
    for (id, s) in every_statement(&t) {
        if s["Effect"] == "Allow" && as_list(&s["Resource"]).contains(&json!("*")) {
            assert!(
                doc.contains('*') && doc.contains(&id),
                "{id} grants on `*` ({}) and the doc comment does not say why",
                s["Sid"]
            );
        }
    }
}

/// TAP conventions: "IAM least privilege: actions listed one by one". The one
/// wildcard action is AWS's default key-policy statement, which the doc
/// comment names: the account root may `kms:*` on its own key.
#[test]
fn the_only_wildcard_action_is_the_account_roots_default_key_statement() {
    let t = template();
    let mut wildcards = Vec::new();
    for (id, s) in every_statement(&t) {
        if s["Effect"] == "Allow" {
            for a in as_list(&s["Action"]) {
                if a.as_str().unwrap().contains('*') {
                    wildcards.push((id.clone(), s["Sid"].clone(), a.clone()));
                }
            }
        }
    }
    assert_eq!(wildcards, [("LogsKey".to_string(), json!("AllowAccountRootToAdministerKey"), json!("kms:*"))]);
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::obj([(
            "KeyPolicy",
            Match::obj([(
                "Statement",
                Match::array_with(vec![json!({
                    "Sid": "AllowAccountRootToAdministerKey",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
                })
                .into()]),
            )]),
        )]),
    );
    assert!(PROGRAM_SOURCE.contains("`kms:*`"), "the doc comment names the exception");
}

/// Decision: records that still fail after the retries are not dropped.
#[test]
fn decision_failed_stream_records_go_to_the_audit_failures_queue() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({
            "BisectBatchOnFunctionError": true,
            "MaximumRetryAttempts": 3,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["AuditFailures", "Arn"]}}}
        }),
    );
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({
            "QueueName": {"Fn::Sub": "order-audit-failures-${EnvironmentSuffix}"},
            "SqsManagedSseEnabled": true,
            "MessageRetentionPeriod": 1_209_600
        }),
    );
    t.has_resource_properties(
        "AWS::IAM::Policy",
        document_with(
            json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["AuditFailures", "Arn"]}}),
        ),
    );
}
