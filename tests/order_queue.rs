//! The order-queue reference stack (spec section 3: SQS -> Lambda (Node.js)
//! -> DynamoDB with a dead-letter queue and monitoring, us-east-1) against
//! the TAP conventions and its own section, line by line, with the
//! assertions API; plus the decisions of its doc comment, its snapshot,
//! cfn-lint and checkov, the handler's syntax and behaviour, and determinism.

#[path = "support/validators.rs"]
mod validators;

use std::path::{Path, PathBuf};
use std::process::Command;

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference::{self, order_queue};
use regex::Regex;
use serde_json::{json, Map, Value};

const NAME: &str = order_queue::NAME;
const REGION: &str = "us-east-1";
const PURPOSE: &str = "retail-order-processing";

/// Resource types that CloudFormation cannot tag.
const UNTAGGABLE: [&str; 5] = [
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::IAM::Policy",
    "AWS::Logs::QueryDefinition",
    "AWS::KMS::Alias",
];

/// The order-queue stack, built alone in an app of its own.
fn template() -> Template {
    let mut app = App::new();
    order_queue::order_queue(&mut app);
    Template::from_stack(&app, NAME)
}

fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("the template has resources").clone()
}

fn resource<'a>(t: &'a Template, id: &str) -> &'a Value {
    let r = &t.to_json()["Resources"][id];
    assert!(r.is_object(), "no resource {id}");
    r
}

fn sub(s: &str) -> Value {
    json!({"Fn::Sub": s})
}

fn suffixed(name: &str) -> Value {
    sub(&format!("{name}-${{EnvironmentSuffix}}"))
}

fn get_att(id: &str, attr: &str) -> Value {
    json!({"Fn::GetAtt": [id, attr]})
}

/// `m` nested under `keys` (outermost first), each level a partial object.
fn at(keys: &[&str], m: impl Into<Match>) -> Match {
    keys.iter().rev().fold(m.into(), |inner, k| Match::obj([(*k, inner)]))
}

fn r#ref(id: &str) -> Value {
    json!({"Ref": id})
}

fn tags() -> Value {
    json!([
        {"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}},
        {"Key": "Purpose", "Value": PURPOSE}
    ])
}

fn deny_insecure_transport(action: &str, resource: Value) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// The statements of the function's one identity policy.
fn identity_statements(t: &Template) -> Vec<Value> {
    let policies = t.find_resources("AWS::IAM::Policy", Match::any_value());
    assert_eq!(policies.len(), 1, "exactly one identity policy");
    let policy = policies.values().next().unwrap();
    policy["Properties"]["PolicyDocument"]["Statement"].as_array().expect("statements").clone()
}

fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Every `(path, value)` under `v` whose key is `key`.
fn values_of_key(v: &Value, key: &str, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}/{k}");
                if k == key {
                    out.push((p.clone(), x.clone()));
                }
                values_of_key(x, key, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                values_of_key(x, key, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn function_timeout_seconds(t: &Template) -> u64 {
    resource(t, "OrderProcessor")["Properties"]["Timeout"].as_u64().expect("the function has a timeout")
}

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cfnkit-order-queue-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn node(args: &[&Path]) -> std::process::Output {
    Command::new("node").args(args).output().unwrap_or_else(|e| {
        panic!("`node` is required to check the order-queue handler and could not be run ({e}); install Node.js 20+")
    })
}

// ---------------------------------------------------------------------------
// TAP conventions

#[test]
fn environment_suffix_is_a_string_parameter_defaulting_to_dev_with_a_lowercase_pattern() {
    let t = template();
    t.has_parameter("EnvironmentSuffix", json!({"Type": "String", "Default": "dev", "AllowedPattern": "^[a-z0-9-]+$"}));
    let pattern = t.to_json()["Parameters"]["EnvironmentSuffix"]["AllowedPattern"].as_str().unwrap().to_string();
    let re = Regex::new(&pattern).unwrap();
    assert!(["dev", "pr-123", "staging2"].iter().all(|s| re.is_match(s)), "accepts lowercase, digits, hyphens");
    assert!(["Dev", "pr_123", "a b", ""].iter().all(|s| !re.is_match(s)), "rejects anything else");
    assert_eq!(t.to_json()["Parameters"].as_object().unwrap().len(), 1, "the suffix is the only parameter");
}

#[test]
fn every_physical_name_is_suffixed_with_the_environment() {
    let t = template();
    t.has_resource_properties("AWS::SQS::Queue", json!({"QueueName": suffixed("order-queue")}));
    t.has_resource_properties("AWS::SQS::Queue", json!({"QueueName": suffixed("order-dlq")}));
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"TableName": suffixed("order-status")}));
    t.has_resource_properties("AWS::SNS::Topic", json!({"TopicName": suffixed("order-queue-alerts")}));
    t.has_resource_properties("AWS::Lambda::Function", json!({"FunctionName": suffixed("order-processor")}));
    t.has_resource_properties("AWS::Logs::LogGroup", json!({"LogGroupName": suffixed("/aws/lambda/order-processor")}));
    t.has_resource_properties("AWS::Logs::QueryDefinition", json!({"Name": suffixed("order-processor-errors")}));
    t.has_resource_properties("AWS::CloudWatch::Alarm", json!({"AlarmName": suffixed("order-processor-errors")}));
    t.has_resource_properties("AWS::CloudWatch::Alarm", json!({"AlarmName": suffixed("order-dlq-messages")}));
    t.has_resource_properties("AWS::CloudWatch::Alarm", json!({"AlarmName": suffixed("order-processor-duration")}));
    t.has_resource_properties("AWS::CloudWatch::Dashboard", json!({"DashboardName": suffixed("order-queue")}));
    t.has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": suffixed("alias/order-queue-alerts"), "TargetKeyId": r#ref("AlertsKey")}),
    );
    // The role's name is left to CloudFormation (unique per stack); no literal can collide.
    t.has_resource_properties("AWS::IAM::Role", Match::obj([("RoleName", Match::absent())]));
    // And no name property anywhere is a literal.
    let name_keys = [
        "QueueName",
        "TableName",
        "TopicName",
        "FunctionName",
        "LogGroupName",
        "AlarmName",
        "DashboardName",
        "RoleName",
        "AliasName",
    ];
    let suffix = Regex::new(r"-\$\{EnvironmentSuffix\}$").unwrap();
    for (id, r) in resources(&t) {
        for key in name_keys {
            let Some(name) = r["Properties"].get(key) else { continue };
            if r["Type"] == "AWS::Lambda::EventSourceMapping" {
                continue; // FunctionName there is a reference to the function, not a name.
            }
            let s = name["Fn::Sub"].as_str().unwrap_or_default();
            assert!(suffix.is_match(s), "{id}.{key} is not suffixed with the environment: {name}");
        }
    }
}

#[test]
fn no_account_id_region_arn_or_partition_is_hard_coded() {
    let t = template();
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!Regex::new(r"\d{12}").unwrap().is_match(&text), "no account id");
    assert!(
        !Regex::new(r"\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?[a-z]+-\d\b").unwrap().is_match(&text),
        "no region name"
    );
    assert!(!text.contains(REGION), "not even the stack's own region");
    for (i, _) in text.match_indices("arn:") {
        assert!(text[i..].starts_with("arn:${AWS::Partition}:"), "ARN without the partition pseudo parameter at {i}");
    }
    assert!(!text.contains("aws-cn") && !text.contains("aws-us-gov"), "no partition name");
    t.has_resource_properties(
        "AWS::KMS::Key",
        at(
            &["KeyPolicy", "Statement"],
            Match::array_with(vec![
                json!({"Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}}).into(),
            ]),
        ),
    );
    t.has_output("StackRegion", json!({"Value": {"Ref": "AWS::Region"}}));
}

#[test]
fn every_taggable_resource_carries_the_environment_and_purpose_tags() {
    let t = template();
    let mut types: Vec<String> =
        resources(&t).values().map(|r| r["Type"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "AWS::CloudWatch::Alarm",
            "AWS::CloudWatch::Dashboard",
            "AWS::DynamoDB::Table",
            "AWS::IAM::Policy",
            "AWS::IAM::Role",
            "AWS::KMS::Alias",
            "AWS::KMS::Key",
            "AWS::Lambda::EventSourceMapping",
            "AWS::Lambda::Function",
            "AWS::Logs::LogGroup",
            "AWS::Logs::QueryDefinition",
            "AWS::SNS::Topic",
            "AWS::SNS::TopicPolicy",
            "AWS::SQS::Queue",
            "AWS::SQS::QueuePolicy",
        ],
        "a new resource type must be classified as taggable or not here"
    );
    for ty in types.iter().filter(|ty| !UNTAGGABLE.contains(&ty.as_str())) {
        // Plain JSON arrays match exactly: the two convention tags and nothing else.
        t.all_resources_properties(ty, json!({"Tags": tags()}));
    }
    for ty in UNTAGGABLE {
        t.all_resources_properties(ty, Match::obj([("Tags", Match::absent())]));
    }
}

#[test]
fn everything_that_stores_data_is_encrypted_at_rest() {
    let t = template();
    t.all_resources_properties("AWS::SQS::Queue", json!({"KmsMasterKeyId": "alias/aws/sqs"}));
    t.all_resources_properties("AWS::SQS::Queue", Match::obj([("SqsManagedSseEnabled", Match::absent())]));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}),
    );
    t.has_resource_properties("AWS::SNS::Topic", json!({"KmsMasterKeyId": get_att("AlertsKey", "Arn")}));
    t.all_resources_properties("AWS::Logs::LogGroup", json!({"KmsKeyId": get_att("LogsKey", "Arn")}));
    t.all_resources_properties("AWS::KMS::Key", json!({"EnableKeyRotation": true}));
}

#[test]
fn access_is_tls_only_and_never_public() {
    let t = template();
    t.resource_count_is("AWS::SQS::QueuePolicy", 2);
    for queue in ["OrderQueue", "OrderDlq"] {
        t.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [r#ref(queue)],
                "PolicyDocument": {"Statement": [deny_insecure_transport("sqs:*", get_att(queue, "Arn"))]}
            }),
        );
    }
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        Match::obj([
            ("Topics", json!([r#ref("AlertTopic")]).into()),
            (
                "PolicyDocument",
                at(
                    &["Statement"],
                    Match::array_with(vec![deny_insecure_transport("sns:Publish", r#ref("AlertTopic")).into()]),
                ),
            ),
        ]),
    );
    // No resource policy allows everyone.
    let mut principals = Vec::new();
    values_of_key(t.to_json(), "Principal", "", &mut principals);
    let everyone: Vec<&String> =
        principals.iter().filter(|(_, p)| p == "*" || p == &json!({"AWS": "*"})).map(|(path, _)| path).collect();
    assert_eq!(everyone.len(), 3, "the three TLS-only statements name every principal: {everyone:?}");
    for path in everyone {
        let effect_path = format!("{}/Effect", path.trim_end_matches("/Principal"));
        let effect = t.to_json().pointer(&effect_path).cloned();
        assert_eq!(effect, Some(json!("Deny")), "only Deny statements name every principal: {path}");
    }
    t.resource_count_is("AWS::Lambda::Url", 0);
    t.resource_count_is("AWS::Lambda::Permission", 0);
}

#[test]
fn the_function_role_is_least_privilege() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 1);
    t.has_resource_properties(
        "AWS::IAM::Role",
        Match::obj([
            (
                "AssumeRolePolicyDocument",
                json!({"Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]})
                .into(),
            ),
            ("ManagedPolicyArns", Match::absent()),
            ("Policies", Match::absent()),
        ]),
    );
    t.resource_count_is("AWS::IAM::Policy", 1);
    t.resource_count_is("AWS::IAM::ManagedPolicy", 0);
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("Roles", json!([r#ref("OrderProcessorServiceRole")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::ArrayEquals(vec![
                        // Logs: only the function's own log group (its ARN covers its streams).
                        Match::exact(json!({
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": get_att("OrderProcessorLogGroup", "Arn")
                        })),
                        // SQS: what the event source mapping needs, on the order queue only.
                        Match::exact(json!({
                            "Effect": "Allow",
                            "Action": [
                                "sqs:ReceiveMessage",
                                "sqs:ChangeMessageVisibility",
                                "sqs:GetQueueUrl",
                                "sqs:DeleteMessage",
                                "sqs:GetQueueAttributes"
                            ],
                            "Resource": get_att("OrderQueue", "Arn")
                        })),
                        // DynamoDB: the one action the handler uses, on the table only (it has no index).
                        Match::exact(json!({
                            "Effect": "Allow",
                            "Action": "dynamodb:PutItem",
                            "Resource": get_att("OrderStatusTable", "Arn")
                        })),
                    ]),
                )]),
            ),
        ]),
    );
    let statements = identity_statements(&t);
    for s in &statements {
        assert_eq!(s["Effect"], "Allow", "identity policies only allow: {s}");
        for a in as_list(&s["Action"]) {
            assert!(!a.as_str().unwrap().contains('*'), "actions are listed one by one: {s}");
        }
        assert!(as_list(&s["Resource"]).iter().all(|r| r != "*"), "no `*` resource in the role's policy: {s}");
    }
    // No identity statement reaches the DLQ, the topic or anything else.
    let text = serde_json::to_string(&statements).unwrap();
    assert!(!text.contains("OrderDlq") && !text.contains("AlertTopic") && !text.contains("kms:"), "{text}");
    // The only `*` resources are in the two key policies, where `*` means the key itself.
    let mut resources_found = Vec::new();
    values_of_key(t.to_json(), "Resource", "", &mut resources_found);
    let stars: Vec<&String> = resources_found.iter().filter(|(_, r)| r == "*").map(|(p, _)| p).collect();
    assert_eq!(
        stars,
        [
            "/Resources/AlertsKey/Properties/KeyPolicy/Statement/0/Resource",
            "/Resources/AlertsKey/Properties/KeyPolicy/Statement/1/Resource",
            "/Resources/LogsKey/Properties/KeyPolicy/Statement/0/Resource",
            "/Resources/LogsKey/Properties/KeyPolicy/Statement/1/Resource"
        ]
    );
}

#[test]
fn the_log_key_policy_lets_the_account_administer_it_and_only_this_regions_logs_use_it() {
    let t = template();
    t.resource_count_is("AWS::KMS::Key", 2);
    t.has_resource_properties(
        "AWS::KMS::Key",
        json!({"KeyPolicy": {"Statement": [
            {
                "Sid": "AllowAccountRootToAdministerKey",
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "AllowCloudWatchLogs",
                "Effect": "Allow",
                "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:GenerateDataKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                    "kms:DescribeKey"
                ],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                    sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*")}}
            }
        ]}}),
    );
}

#[test]
fn the_alert_topic_key_lets_cloudwatch_alarms_publish_on_behalf_of_this_account_only() {
    let t = template();
    t.has_resource_properties("AWS::SNS::Topic", Match::obj([("KmsMasterKeyId", Match::not(json!("alias/aws/sns")))]));
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::obj([
            ("Description", Match::string_like_regexp("alert topic")),
            (
                "KeyPolicy",
                at(
                    &["Statement"],
                    Match::ArrayEquals(vec![
                        json!({
                            "Effect": "Allow",
                            "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                            "Action": "kms:*",
                            "Resource": "*"
                        })
                        .into(),
                        Match::obj([
                            ("Effect", json!("Allow").into()),
                            ("Principal", json!({"Service": "cloudwatch.amazonaws.com"}).into()),
                            ("Action", Match::exact(json!(["kms:GenerateDataKey", "kms:Decrypt"]))),
                            ("Resource", json!("*").into()),
                            (
                                "Condition",
                                Match::object_equals(
                                    json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}),
                                ),
                            ),
                        ]),
                    ]),
                ),
            ),
        ]),
    );
}

#[test]
fn stateful_resources_are_destroyable() {
    let t = template();
    for (ty, id) in [
        ("AWS::SQS::Queue", "OrderQueue"),
        ("AWS::SQS::Queue", "OrderDlq"),
        ("AWS::DynamoDB::Table", "OrderStatusTable"),
        ("AWS::Logs::LogGroup", "OrderProcessorLogGroup"),
        ("AWS::KMS::Key", "LogsKey"),
        ("AWS::KMS::Key", "AlertsKey"),
    ] {
        let found = t.find_resources(ty, json!({"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}));
        assert!(found.contains_key(id), "{id} is deleted with the stack");
    }
    for (id, r) in resources(&t) {
        assert_ne!(r.get("DeletionPolicy"), Some(&json!("Retain")), "{id}: only the transaction pipeline retains");
        assert_ne!(r.get("DeletionPolicy"), Some(&json!("Snapshot")), "{id}");
        assert_eq!(r.get("DeletionPolicy"), r.get("UpdateReplacePolicy"), "{id}: both policies agree");
    }
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"DeletionProtectionEnabled": false}));
    t.all_resources_properties("AWS::KMS::Key", json!({"PendingWindowInDays": 7}));
}

#[test]
fn outputs_are_described_and_exported_under_the_stack_name() {
    let t = template();
    let expected = [
        ("OrderQueueUrl", r#ref("OrderQueue")),
        ("OrderQueueArn", get_att("OrderQueue", "Arn")),
        ("OrderDlqUrl", r#ref("OrderDlq")),
        ("OrderDlqArn", get_att("OrderDlq", "Arn")),
        ("OrderStatusTableName", r#ref("OrderStatusTable")),
        ("OrderProcessorArn", get_att("OrderProcessor", "Arn")),
        ("AlertTopicArn", r#ref("AlertTopic")),
        ("StackRegion", r#ref("AWS::Region")),
    ];
    for (name, value) in &expected {
        t.has_output(
            name,
            Match::obj([
                ("Value", Match::exact(value.clone())),
                ("Description", Match::string_like_regexp(r"^\S.{5,}$")),
                ("Export", json!({"Name": sub(&format!("${{AWS::StackName}}-{name}"))}).into()),
            ]),
        );
    }
    let outputs = t.to_json()["Outputs"].as_object().unwrap();
    let names: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(names, expected.iter().map(|(n, _)| *n).collect::<Vec<_>>(), "exactly these outputs");
}

// ---------------------------------------------------------------------------
// SQS: standard queue with SSE, visibility >= 6x the function timeout,
// redrive to a DLQ after 3 receives, DLQ keeps 14 days, TLS-only policies.

#[test]
fn the_order_queue_is_a_standard_encrypted_queue() {
    let t = template();
    t.resource_count_is("AWS::SQS::Queue", 2);
    t.all_resources_properties(
        "AWS::SQS::Queue",
        Match::obj([("FifoQueue", Match::absent()), ("ContentBasedDeduplication", Match::absent())]),
    );
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("order-queue"), "KmsMasterKeyId": "alias/aws/sqs", "MessageRetentionPeriod": 345_600}),
    );
}

#[test]
fn the_visibility_timeout_is_six_times_the_function_timeout() {
    let t = template();
    let timeout = function_timeout_seconds(&t);
    assert_eq!(timeout, order_queue::FUNCTION_TIMEOUT.to_seconds());
    assert_eq!(timeout, 30, "decision: the function times out after 30 s");
    let visibility = resource(&t, "OrderQueue")["Properties"]["VisibilityTimeout"].as_u64().unwrap();
    assert!(visibility >= 6 * timeout, "visibility {visibility} s < 6 x {timeout} s");
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("order-queue"), "VisibilityTimeout": 180}),
    );
}

#[test]
fn the_queue_redrives_to_the_dead_letter_queue_after_three_receives() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::obj([
            ("QueueName", suffixed("order-queue").into()),
            (
                "RedrivePolicy",
                Match::object_equals(json!({"deadLetterTargetArn": get_att("OrderDlq", "Arn"), "maxReceiveCount": 3})),
            ),
        ]),
    );
}

#[test]
fn the_dead_letter_queue_keeps_messages_fourteen_days() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::obj([
            ("QueueName", suffixed("order-dlq").into()),
            ("MessageRetentionPeriod", json!(14 * 24 * 3600).into()),
            ("RedrivePolicy", Match::absent()),
        ]),
    );
    let dlq = resource(&t, "OrderDlq")["Properties"]["MessageRetentionPeriod"].as_u64().unwrap();
    let source = resource(&t, "OrderQueue")["Properties"]["MessageRetentionPeriod"].as_u64().unwrap();
    assert!(dlq > source, "a moved message keeps its age: the DLQ must keep it longer than the source");
}

// ---------------------------------------------------------------------------
// Lambda: nodejs20.x, 256 MB, try/catch and structured error logs, records
// success and failure; event source mapping with batch size and
// ReportBatchItemFailures.

#[test]
fn the_function_is_nodejs20_with_256_mb_and_inline_code() {
    let t = template();
    t.resource_count_is("AWS::Lambda::Function", 1);
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Runtime": "nodejs20.x",
            "MemorySize": 256,
            "Timeout": 30,
            "Handler": "index.handler",
            "Code": {"ZipFile": order_queue::HANDLER_JS},
            "Role": get_att("OrderProcessorServiceRole", "Arn"),
            "LoggingConfig": {"LogGroup": r#ref("OrderProcessorLogGroup")}
        }),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        at(&["Environment", "Variables"], Match::object_equals(json!({"TABLE_NAME": r#ref("OrderStatusTable")}))),
    );
    t.has_resource_properties("AWS::Lambda::Function", Match::obj([("VpcConfig", Match::absent())]));
    // The role's grants exist before the function (and so before its event source) is created.
    t.has_resource("AWS::Lambda::Function", json!({"DependsOn": ["OrderProcessorServiceRoleDefaultPolicy"]}));
}

#[test]
fn the_handler_processes_each_order_with_try_catch_and_structured_error_logs() {
    let code = order_queue::HANDLER_JS;
    assert!(code.contains("require('@aws-sdk/client-dynamodb')"), "AWS SDK v3");
    assert!(code.contains("for (const message of event.Records || [])"), "each record of the batch");
    assert!(code.contains("try {") && code.contains("} catch (err) {"), "try/catch around each order");
    assert!(code.contains("console[level](JSON.stringify({ level, message, ...fields }))"), "structured JSON logs");
    assert!(code.contains("log('error', 'order failed', { messageId: message.messageId"), "structured error log");
    assert!(code.contains("'PROCESSED'") && code.contains("'FAILED'"), "success and failure are recorded");
    assert!(code.contains("process.env.TABLE_NAME"), "the table comes from the environment");
    assert!(code.contains("return { batchItemFailures };"), "partial batch response");
}

#[test]
fn the_event_source_mapping_batches_ten_orders_and_reports_item_failures() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventSourceMapping", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        Match::object_equals(json!({
            "BatchSize": 10,
            "EventSourceArn": get_att("OrderQueue", "Arn"),
            "FunctionName": r#ref("OrderProcessor"),
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "Tags": tags()
        })),
    );
}

// ---------------------------------------------------------------------------
// DynamoDB: each order's processing status, PAY_PER_REQUEST, PITR, SSE.

#[test]
fn the_status_table_records_every_attempt_on_demand_with_pitr_and_sse() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::Table", 1);
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({
            "KeySchema": [
                {"AttributeName": "orderId", "KeyType": "HASH"},
                {"AttributeName": "processedAt", "KeyType": "RANGE"}
            ],
            "AttributeDefinitions": [
                {"AttributeName": "orderId", "AttributeType": "S"},
                {"AttributeName": "processedAt", "AttributeType": "N"}
            ]
        }),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([("BillingMode", json!("PAY_PER_REQUEST").into()), ("ProvisionedThroughput", Match::absent())]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"SSESpecification": {"SSEEnabled": true}}));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([("GlobalSecondaryIndexes", Match::absent()), ("LocalSecondaryIndexes", Match::absent())]),
    );
    // The handler writes exactly the key the table declares.
    assert!(order_queue::HANDLER_JS.contains("Item: { orderId, processedAt: Date.now(), status, detail }"));
}

// ---------------------------------------------------------------------------
// Logs: 30-day log group; a Logs Insights query definition for errors.

#[test]
fn the_log_group_keeps_thirty_days_and_an_insights_query_finds_errors() {
    let t = template();
    t.resource_count_is("AWS::Logs::LogGroup", 1);
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": suffixed("/aws/lambda/order-processor"), "RetentionInDays": 30}),
    );
    t.resource_count_is("AWS::Logs::QueryDefinition", 1);
    t.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        Match::obj([
            ("LogGroupNames", json!([r#ref("OrderProcessorLogGroup")]).into()),
            ("QueryString", Match::string_like_regexp(r#"(?m)^\| filter level = "error"$"#)),
        ]),
    );
    t.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        Match::obj([("QueryString", Match::string_like_regexp(r"^fields @timestamp, messageId, orderId, error\n"))]),
    );
    // The query filters on the field the handler's error logs carry.
    assert!(order_queue::HANDLER_JS.contains("log('error',"));
}

// ---------------------------------------------------------------------------
// Alarms: function errors, DLQ messages visible (>= 1), duration near the
// timeout; all to an SNS topic.

#[test]
fn an_alarm_fires_on_any_function_error() {
    let t = template();
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": r#ref("OrderProcessor")}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn an_alarm_fires_when_one_message_is_visible_in_the_dead_letter_queue() {
    let t = template();
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": get_att("OrderDlq", "QueueName")}],
            "Statistic": "Maximum",
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn an_alarm_fires_when_the_duration_nears_the_timeout() {
    let t = template();
    let near_timeout_ms = function_timeout_seconds(&t) * 1000 * 8 / 10;
    assert_eq!(near_timeout_ms, 24_000, "decision: 80% of the timeout");
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/Lambda",
            "MetricName": "Duration",
            "Dimensions": [{"Name": "FunctionName", "Value": r#ref("OrderProcessor")}],
            "Statistic": "Maximum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": near_timeout_ms,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn every_alarm_notifies_the_alert_topic() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Alarm", 3);
    t.resource_count_is("AWS::SNS::Topic", 1);
    t.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([
            ("AlarmActions", json!([r#ref("AlertTopic")]).into()),
            ("AlarmDescription", Match::string_like_regexp(r"^\S")),
        ]),
    );
}

// ---------------------------------------------------------------------------
// Dashboard: queue depth and age, DLQ depth, function invocations / errors /
// duration, table consumed capacity.

fn widget(title: &str, metrics: Value) -> Match {
    json!({"type": "metric", "properties": {"title": title, "region": "${AWS::Region}", "metrics": metrics}}).into()
}

#[test]
fn the_dashboard_shows_queue_dlq_function_and_table_metrics() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Dashboard", 1);
    let stat = |s: &str| json!({"stat": s, "period": 300});
    let widgets = Match::array_with(vec![
        widget(
            "Queue depth",
            json!([[
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                "${OrderQueue.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "Age of oldest message (s)",
            json!([[
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "QueueName",
                "${OrderQueue.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "DLQ depth",
            json!([[
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                "${OrderDlq.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "Invocations and errors",
            json!([
                ["AWS/Lambda", "Invocations", "FunctionName", "${OrderProcessor}", stat("Sum")],
                ["AWS/Lambda", "Errors", "FunctionName", "${OrderProcessor}", stat("Sum")]
            ]),
        ),
        widget(
            "Duration (ms)",
            json!([["AWS/Lambda", "Duration", "FunctionName", "${OrderProcessor}", stat("Average")]]),
        ),
        widget(
            "Table consumed capacity",
            json!([
                ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "${OrderStatusTable}", stat("Sum")],
                ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", "${OrderStatusTable}", stat("Sum")]
            ]),
        ),
    ]);
    t.has_resource_properties(
        "AWS::CloudWatch::Dashboard",
        Match::obj([(
            "DashboardBody",
            Match::obj([("Fn::Sub", Match::serialized_json(Match::obj([("widgets", widgets)])))]),
        )]),
    );
    // Every widget names the region through the pseudo parameter, and none overlaps the 24-column grid.
    let body = resource(&t, "Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"].as_str().unwrap();
    let parsed: Value = serde_json::from_str(body).unwrap();
    for w in parsed["widgets"].as_array().unwrap() {
        assert_eq!(w["properties"]["region"], "${AWS::Region}", "{w}");
        assert!(w["x"].as_u64().unwrap() + w["width"].as_u64().unwrap() <= 24, "{w}");
    }
}

// ---------------------------------------------------------------------------
// Decisions of the program's doc comment not asserted above, and the spec's
// "Runtimes that AWS has deprecated" section.

#[test]
fn the_deprecated_runtime_is_kept_warned_about_and_acknowledged_with_its_reason() {
    let mut app = App::new();
    order_queue::order_queue(&mut app);
    let out = app.synth().expect("order-queue synthesizes");
    assert!(
        out.warnings.iter().any(|w| {
            let w = w.to_string();
            w.contains("OrderProcessor") && w.contains("runtime nodejs20.x is deprecated since 2026-04-30")
        }),
        "synthesis warns about nodejs20.x"
    );
    let t = Template::from_json(out.stack(NAME).unwrap().template.clone());
    t.has_resource(
        "AWS::Lambda::Function",
        json!({"Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W2531"]}}}}),
    );
    t.has_resource(
        "AWS::Lambda::Function",
        at(
            &["Metadata", "cfnkit:acknowledgements"],
            Match::ObjectEquals(vec![("W2531".into(), Match::string_like_regexp("spec requires nodejs20.x"))]),
        ),
    );
    t.has_resource(
        "AWS::Lambda::Function",
        at(
            &["Metadata", "checkov", "skip"],
            Match::array_with(vec![Match::obj([
                ("id", json!("CKV_AWS_363").into()),
                ("comment", Match::string_like_regexp("spec requires nodejs20.x")),
            ])]),
        ),
    );
    // Nothing is acknowledged without a written reason, and only the function acknowledges anything.
    for (id, r) in resources(&t) {
        let Some(meta) = r.get("Metadata") else { continue };
        assert_eq!(id, "OrderProcessor", "only the function carries acknowledgements");
        for skip in meta["checkov"]["skip"].as_array().unwrap() {
            assert!(skip["comment"].as_str().is_some_and(|c| c.len() > 20), "checkov skip without a reason: {skip}");
        }
        for rule in meta["cfn-lint"]["config"]["ignore_checks"].as_array().unwrap() {
            let reason = &meta["cfnkit:acknowledgements"][rule.as_str().unwrap()];
            assert!(reason.as_str().is_some_and(|c| c.len() > 20), "cfn-lint {rule} ignored without a reason");
        }
    }
}

#[test]
fn the_stack_has_no_network_surface_or_public_entry_point() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPC", 0);
    t.resource_count_is("AWS::EC2::InternetGateway", 0);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::ApiGateway::RestApi", 0);
    t.resource_count_is("AWS::SNS::Subscription", 0);
}

#[test]
fn the_stack_is_deployed_to_us_east_1_and_its_template_does_not_depend_on_its_neighbours() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    let in_app = out.stack(NAME).expect("the reference app has order-queue");
    assert_eq!(in_app.region.as_deref(), Some(REGION));
    assert!(in_app.dependencies.is_empty(), "order-queue imports nothing");
    assert_eq!(&in_app.template, template().to_json(), "built alone or in the app, the template is the same");
}

// ---------------------------------------------------------------------------
// Snapshot, validators, handler, determinism.

#[test]
fn template_snapshot() {
    let out = reference::app().synth().unwrap();
    let json = &out.stack(NAME).unwrap().json;
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("order_queue_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    let out = reference::app().synth().unwrap();
    validators::assert_clean(&out.stack(NAME).unwrap().json, NAME, &[REGION]);
}

#[test]
fn handler_is_valid_javascript() {
    let dir = temp_dir("check");
    let file = dir.join("index.js");
    std::fs::write(&file, order_queue::HANDLER_JS).unwrap();
    let out = node(&[Path::new("--check"), &file]);
    assert!(out.status.success(), "node --check failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs the handler under node with the AWS SDK stubbed: one good order, one
/// invalid order, one body that is not JSON.
const HARNESS_JS: &str = r"
const Module = require('module');
const puts = [];
const logs = [];
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@aws-sdk/client-dynamodb') return { DynamoDBClient: class {} };
  if (request === '@aws-sdk/lib-dynamodb') {
    return {
      DynamoDBDocumentClient: { from: () => ({ send: async (cmd) => { puts.push(cmd.input); } }) },
      PutCommand: class { constructor(input) { this.input = input; } },
    };
  }
  return load.apply(this, arguments);
};
process.env.TABLE_NAME = 'order-status-test';
console.info = (line) => logs.push(JSON.parse(line));
console.error = (line) => logs.push(JSON.parse(line));
const { handler } = require(process.argv[2]);
handler({ Records: [
  { messageId: 'm1', body: JSON.stringify({ orderId: 'o1', items: [{ price: '2.50', quantity: 2 }] }) },
  { messageId: 'm2', body: JSON.stringify({ orderId: 'o2', items: [] }) },
  { messageId: 'm3', body: 'not json' },
] }).then((result) => process.stdout.write(JSON.stringify({ result, puts, logs })));
";

#[test]
fn handler_records_success_and_failure_and_reports_only_the_failed_messages() {
    let dir = temp_dir("run");
    let handler = dir.join("index.js");
    let harness = dir.join("harness.js");
    std::fs::write(&handler, order_queue::HANDLER_JS).unwrap();
    std::fs::write(&harness, HARNESS_JS).unwrap();
    let out = node(&[&harness, &handler]);
    assert!(out.status.success(), "the handler failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let run: Value = serde_json::from_slice(&out.stdout).expect("the harness prints JSON");
    assert_eq!(
        run["result"],
        json!({"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}),
        "only the failed messages go back to the queue"
    );
    let puts = run["puts"].as_array().unwrap();
    assert_eq!(puts.len(), 2, "the good order and the invalid order (which has an id) are recorded: {puts:?}");
    let ok = Match::obj([
        ("TableName", json!("order-status-test").into()),
        (
            "Item",
            Match::obj([
                ("orderId", json!("o1").into()),
                ("status", json!("PROCESSED").into()),
                ("processedAt", Match::any_value()),
            ]),
        ),
    ]);
    assert!(ok.test(Some(&puts[0])).is_empty(), "{}", puts[0]);
    let failed = json!({"TableName": "order-status-test", "Item": {"orderId": "o2", "status": "FAILED"}});
    assert!(Match::from(failed).test(Some(&puts[1])).is_empty(), "{}", puts[1]);
    assert!(puts.iter().all(|p| p["Item"]["processedAt"].is_u64()), "processedAt is the N range key");
    let errors: Vec<&Value> = run["logs"].as_array().unwrap().iter().filter(|l| l["level"] == "error").collect();
    assert_eq!(errors.len(), 2, "one structured error log per failed message");
    assert!(errors.iter().all(|e| e["messageId"].is_string() && e["error"].is_string()), "{errors:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let a = reference::app().synth().unwrap();
    let b = reference::app().synth().unwrap();
    assert_eq!(a.stack(NAME).unwrap().json, b.stack(NAME).unwrap().json);
    assert_eq!(a.stack(NAME).unwrap().tree, b.stack(NAME).unwrap().tree);
}

// ---------------------------------------------------------------------------
// Least privilege and alarm delivery, each on its own.

#[test]
fn the_table_grant_is_scoped_to_the_table_and_the_actions_the_handler_uses() {
    let t = template();
    let statements = identity_statements(&t);
    let dynamodb = statements
        .iter()
        .find(|s| as_list(&s["Action"]).iter().any(|a| a.as_str().unwrap().starts_with("dynamodb:")))
        .expect("a DynamoDB statement");
    assert_eq!(dynamodb["Resource"], get_att("OrderStatusTable", "Arn"), "the table's ARN only");
    assert_eq!(dynamodb["Action"], json!("dynamodb:PutItem"), "the one action the handler uses");
}

#[test]
fn cloudwatch_may_use_the_alert_key_only_to_publish() {
    let t = template();
    t.has_resource_properties(
        "AWS::KMS::Key",
        at(
            &["KeyPolicy", "Statement"],
            Match::array_with(vec![Match::obj([
                ("Principal", json!({"Service": "cloudwatch.amazonaws.com"}).into()),
                ("Action", Match::exact(json!(["kms:GenerateDataKey", "kms:Decrypt"]))),
            ])]),
        ),
    );
}

#[test]
fn the_topic_policy_lets_cloudwatch_publish() {
    let t = template();
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        at(
            &["PolicyDocument", "Statement"],
            Match::array_with(vec![json!({
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": r#ref("AlertTopic")
            })
            .into()]),
        ),
    );
}
