//! The TAP conventions: suffixed names, no hard-coded account, region or
//! partition, tags, encryption at rest, TLS, least-privilege IAM and key
//! policies, destroyability and outputs.

use cfnkit::assertions::Match;
use regex::Regex;
use serde_json::{json, Value};

use super::helpers::{
    as_list, at, get_att, identity_statements, r#ref, resources, sub, suffixed, tags, template, REGION,
};

/// Resource types that CloudFormation cannot tag.
const UNTAGGABLE: [&str; 4] =
    ["AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::IAM::Policy", "AWS::Logs::QueryDefinition"];

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
    t.has_resource_properties("AWS::IAM::Role", json!({"RoleName": suffixed("order-processor-role")}));
    t.resource_count_is("AWS::KMS::Alias", 0);
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
    // The default security profile: CloudWatch Logs' own encryption, the
    // customer managed key for logs deferred to the hardened profile.
    t.all_resources_properties("AWS::Logs::LogGroup", Match::obj([("KmsKeyId", Match::absent())]));
    t.has_resource(
        "AWS::Logs::LogGroup",
        at(
            &["Metadata", "checkov", "skip"],
            Match::array_with(vec![Match::obj([
                ("id", json!("CKV_AWS_158").into()),
                ("comment", Match::string_like_regexp(r"^default security profile: .*Conventions::hardened\(\)")),
            ])]),
        ),
    );
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
    // The only `*` resources are in the alert key's policy, where `*` means the key itself.
    let mut resources_found = Vec::new();
    values_of_key(t.to_json(), "Resource", "", &mut resources_found);
    let stars: Vec<&String> = resources_found.iter().filter(|(_, r)| r == "*").map(|(p, _)| p).collect();
    assert_eq!(
        stars,
        [
            "/Resources/AlertsKey/Properties/KeyPolicy/Statement/0/Resource",
            "/Resources/AlertsKey/Properties/KeyPolicy/Statement/1/Resource"
        ]
    );
}

#[test]
fn the_only_key_is_the_alert_topics_key() {
    let t = template();
    t.resource_count_is("AWS::KMS::Key", 1);
    t.has_resource_properties("AWS::KMS::Key", Match::obj([("Description", Match::string_like_regexp("alert topic"))]));
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
