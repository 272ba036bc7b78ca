//! The payments-dr reference stack (spec section 4, multi-region disaster
//! recovery for payments) against the spec, line by line, with cfnkit's
//! assertions API: the TAP conventions first, then every bullet of the
//! section, then the decisions the program's doc comment records where the
//! spec is silent. Plus the snapshot, cfn-lint and checkov, the handlers'
//! syntax and behaviour (against a stub `boto3`), and determinism.

#[path = "support/validators.rs"]
mod validators;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference;
use cfnkit::reference::payments_dr::{self, PaymentsDrProps, NAME, ORCHESTRATOR_PY, PROCESSOR_PY, VALIDATOR_PY};
use serde_json::{json, Value};

/// The `Purpose` tag of every taggable resource.
const PURPOSE: &str = "payments-disaster-recovery";
/// The custom-metric namespace, as the template writes it.
const NAMESPACE: &str = "PaymentsDR/${EnvironmentSuffix}";
/// The three functions, by logical id.
const FUNCTIONS: [&str; 3] = ["PaymentValidator", "PaymentProcessor", "FailoverOrchestrator"];

/// The payments-dr template as the reference app ships it.
fn template() -> Template {
    Template::from_stack(&reference::app(), NAME)
}

/// The payments-dr template text as written to disk.
fn template_text() -> String {
    reference::app().synth().expect("the reference app synthesizes").stack(NAME).expect("payments-dr").json.clone()
}

fn sub(s: &str) -> Value {
    json!({ "Fn::Sub": s })
}

/// `{"Fn::Sub": "<name>-${EnvironmentSuffix}"}`.
fn suffixed(name: &str) -> Value {
    sub(&format!("{name}-${{EnvironmentSuffix}}"))
}

fn reference_to(id: &str) -> Value {
    json!({ "Ref": id })
}

fn arn_of(id: &str) -> Value {
    json!({ "Fn::GetAtt": [id, "Arn"] })
}

fn resources(t: &Template) -> &serde_json::Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("a Resources section")
}

fn tags_ok(tags: &Value) -> bool {
    let Some(tags) = tags.as_array() else { return false };
    tags.contains(&json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}))
        && tags.contains(&json!({"Key": "Purpose", "Value": PURPOSE}))
}

/// Every statement of every policy document in the template, with the
/// logical id and type of the resource holding it.
fn all_statements(t: &Template) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let ty = r["Type"].as_str().unwrap_or_default().to_string();
        let p = &r["Properties"];
        for doc in [&p["PolicyDocument"], &p["KeyPolicy"], &p["AssumeRolePolicyDocument"]] {
            for s in doc["Statement"].as_array().into_iter().flatten() {
                out.push((id.clone(), ty.clone(), s.clone()));
            }
        }
    }
    out
}

fn actions_of(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// JSON pointers of every string in `v` that contains `needle`.
fn pointers_containing(v: &Value, needle: &str, at: &str, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.contains(needle) => out.push(at.to_string()),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| pointers_containing(x, needle, &format!("{at}/{i}"), out));
        }
        Value::Object(o) => o.iter().for_each(|(k, x)| pointers_containing(x, needle, &format!("{at}/{k}"), out)),
        _ => {}
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The vendored CloudFormation resource schema of `ty`.
fn schema(ty: &str) -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/resources").join(format!("{}.json", ty.replace("::", "_")));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("no schema for {ty} at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("schemas are JSON")
}

// ---------------------------------------------------------------------------
// TAP conventions (common to all four stacks)

#[test]
fn environment_suffix_is_a_lowercase_string_parameter_defaulting_to_dev() {
    let t = template();
    t.has_parameter("EnvironmentSuffix", json!({"Type": "String", "Default": "dev", "AllowedPattern": "^[a-z0-9-]+$"}));
    let pattern = regex::Regex::new(t.to_json()["Parameters"]["EnvironmentSuffix"]["AllowedPattern"].as_str().unwrap())
        .expect("the AllowedPattern is a regular expression");
    for ok in ["dev", "pr-1234", "prod2"] {
        assert!(pattern.is_match(ok), "{ok} is a valid suffix");
    }
    for bad in ["Dev", "pr_1", "a b", "x.y", ""] {
        assert!(!pattern.is_match(bad), "{bad:?} is not a valid suffix");
    }
}

#[test]
fn every_physical_name_is_suffixed_through_fn_sub() {
    let t = template();
    let name_of = [
        ("AWS::DynamoDB::GlobalTable", "TableName"),
        ("AWS::SNS::Topic", "TopicName"),
        ("AWS::SQS::Queue", "QueueName"),
        ("AWS::Lambda::Function", "FunctionName"),
        ("AWS::Logs::LogGroup", "LogGroupName"),
        ("AWS::CloudWatch::Alarm", "AlarmName"),
        ("AWS::CloudWatch::Dashboard", "DashboardName"),
        ("AWS::KMS::Alias", "AliasName"),
        ("AWS::ApiGateway::RestApi", "Name"),
        ("AWS::IAM::Role", "RoleName"),
    ];
    let mut named = 0;
    for (id, r) in resources(&t) {
        for (_, key) in name_of.iter().filter(|(ty, _)| r["Type"] == *ty) {
            if let Some(name) = r["Properties"].get(*key) {
                let text = name["Fn::Sub"].as_str().unwrap_or_else(|| panic!("{id}.{key} is not an Fn::Sub: {name}"));
                assert!(text.ends_with("-${EnvironmentSuffix}"), "{id}.{key} ends with the suffix: {text}");
                named += 1;
            }
        }
    }
    assert_eq!(named, 22, "every named resource was checked (not vacuous)");
    // The Route 53 health check has no name property; its Name tag is suffixed.
    t.has_resource_properties(
        "AWS::Route53::HealthCheck",
        Match::obj([(
            "HealthCheckTags",
            Match::array_with(vec![json!({"Key": "Name", "Value": suffixed("payment-api-health")}).into()]),
        )]),
    );
    // The default suffix is never baked into a name.
    assert!(!template_text().contains("-dev\""), "no name carries the literal default suffix");
}

#[test]
fn no_account_id_partition_or_arn_is_hard_coded() {
    let t = template();
    let text = template_text();
    for literal in ["arn:aws:", "arn:aws-cn:", "arn:aws-us-gov:", "123456789012"] {
        assert!(!text.contains(literal), "hard-coded {literal}");
    }
    let account_id = regex::Regex::new(r"(^|[^0-9])[0-9]{12}([^0-9]|$)").unwrap();
    assert!(!account_id.is_match(&text), "no 12-digit account id in the template");
    let mut all = Vec::new();
    strings(t.to_json(), &mut all);
    let arns: Vec<&String> = all.iter().filter(|s| s.contains("arn:")).collect();
    assert!(!arns.is_empty(), "the template builds ARNs (not vacuous)");
    for s in arns {
        assert_eq!(
            s.matches("arn:").count(),
            s.matches("arn:${AWS::Partition}:").count(),
            "partition is a pseudo: {s}"
        );
    }
    // Endpoints are built from pseudo parameters too.
    t.has_output(
        "ApiEndpointUrl",
        json!({"Value": sub("https://${PaymentApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${PaymentApiDeploymentStage}/")}),
    );
}

#[test]
fn the_secondary_region_is_written_only_where_the_spec_names_it() {
    // The spec names the replica region (us-east-2) and no pseudo parameter
    // can express "another region": it may appear as a literal, but only at
    // the replica, the orchestrator's environment and the region output.
    let t = template();
    let mut at = Vec::new();
    pointers_containing(t.to_json(), "us-east-2", "", &mut at);
    assert_eq!(
        at,
        [
            "/Resources/PaymentsTable/Properties/Replicas/1/Region",
            "/Resources/FailoverOrchestrator/Properties/Environment/Variables/SECONDARY_REGION",
            "/Outputs/SecondaryRegion/Value",
        ]
    );
}

#[test]
fn the_primary_region_is_never_written_literally() {
    let t = template();
    let mut at = Vec::new();
    pointers_containing(t.to_json(), "us-east-1", "", &mut at);
    assert!(at.is_empty(), "us-east-1 is hard-coded at {at:?}");
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        Match::obj([("Replicas", Match::array_with(vec![json!({"Region": {"Ref": "AWS::Region"}}).into()]))]),
    );
}

#[test]
fn every_taggable_resource_carries_environment_and_purpose_tags() {
    let t = template();
    let mut tagged = 0;
    for (id, r) in resources(&t) {
        let ty = r["Type"].as_str().unwrap();
        if ty == "AWS::DynamoDB::GlobalTable" {
            // A global table is tagged per replica.
            for replica in r["Properties"]["Replicas"].as_array().unwrap() {
                assert!(tags_ok(&replica["Tags"]), "{id} replica {} is tagged", replica["Region"]);
                tagged += 1;
            }
            continue;
        }
        let tagging = &schema(ty)["tagging"];
        if tagging["taggable"] == true {
            let prop = tagging["tagProperty"].as_str().unwrap_or("/properties/Tags").trim_start_matches("/properties/");
            assert!(tags_ok(&r["Properties"][prop]), "{id} ({ty}) carries Environment and Purpose in {prop}");
            tagged += 1;
        }
    }
    assert_eq!(tagged, 31, "29 taggable resources and 2 table replicas are tagged");
}

#[test]
fn encryption_at_rest_everywhere_it_exists() {
    let t = template();
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}),
    );
    t.all_resources_properties("AWS::SNS::Topic", json!({"KmsMasterKeyId": arn_of("TopicKey")}));
    t.all_resources_properties("AWS::Logs::LogGroup", json!({"KmsKeyId": arn_of("LogsKey")}));
    t.all_resources_properties("AWS::KMS::Key", json!({"EnableKeyRotation": true}));
    for (id, q) in t.find_resources("AWS::SQS::Queue", json!({})) {
        let p = &q["Properties"];
        assert!(p["SqsManagedSseEnabled"] == true || p["KmsMasterKeyId"].is_string(), "{id} is encrypted at rest");
    }
    // Lambda encrypts environments with the AWS managed key; the program says so.
    t.all_resources_properties("AWS::Lambda::Function", Match::obj([("KmsKeyArn", Match::absent())]));
    assert_eq!(t.find_resources("AWS::Lambda::Function", checkov_skip("CKV_AWS_173")).len(), 3);
}

fn checkov_skip(id: &str) -> Match {
    Match::obj([(
        "Metadata",
        Match::obj([(
            "checkov",
            Match::obj([(
                "skip",
                Match::array_with(vec![Match::obj([("id", json!(id).into()), ("comment", Match::any_value())])]),
            )]),
        )]),
    )])
}

fn deny_insecure_transport(action: &str, resource: Value) -> Value {
    json!({
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

#[test]
fn every_queue_and_topic_has_a_tls_only_policy() {
    let t = template();
    t.resource_count_is("AWS::SQS::QueuePolicy", 3);
    for q in ["PaymentQueue", "PaymentDlq", "OrchestratorFailures"] {
        t.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            Match::obj([
                ("Queues", json!([reference_to(q)])),
                ("PolicyDocument", json!({"Statement": [deny_insecure_transport("sqs:*", arn_of(q))]})),
            ]),
        );
    }
    t.resource_count_is("AWS::SNS::TopicPolicy", 2);
    for topic in ["OpsAlertsTopic", "TransactionsTopic"] {
        t.has_resource_properties(
            "AWS::SNS::TopicPolicy",
            Match::obj([
                ("Topics", json!([reference_to(topic)]).into()),
                (
                    "PolicyDocument",
                    Match::obj([(
                        "Statement",
                        Match::array_with(vec![deny_insecure_transport("sns:Publish", reference_to(topic)).into()]),
                    )]),
                ),
            ]),
        );
    }
}

#[test]
fn nothing_is_public() {
    let t = template();
    for (id, ty, s) in all_statements(&t) {
        if s["Effect"] == "Allow" {
            let p = &s["Principal"];
            assert!(p != "*" && p["AWS"] != "*", "{id} ({ty}) allows everyone: {s}");
        }
    }
    // Only GET /health is unauthenticated (the documented decision below).
    assert_eq!(
        t.find_resources("AWS::ApiGateway::Method", json!({"Properties": {"AuthorizationType": "NONE"}})).len(),
        1
    );
    t.has_resource_properties("AWS::ApiGateway::Method", json!({"HttpMethod": "GET", "AuthorizationType": "NONE"}));
    // Every Lambda permission names its source.
    t.all_resources_properties("AWS::Lambda::Permission", Match::obj([("SourceArn", Match::any_value())]));
    t.resource_count_is("AWS::Lambda::Url", 0);
    t.resource_count_is("AWS::ApiGateway::ApiKey", 0);
}

#[test]
fn iam_lists_actions_one_by_one_and_uses_star_resources_only_for_put_metric_data() {
    let t = template();
    let mut star = 0;
    for (id, r) in t.find_resources("AWS::IAM::Policy", json!({})) {
        for s in r["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap() {
            for a in actions_of(s) {
                assert!(!a.contains('*'), "{id}: wildcard action {a}");
            }
            if s["Resource"] == "*" {
                // CloudWatch offers no resource-level permission for PutMetricData.
                assert_eq!(s["Action"], "cloudwatch:PutMetricData", "{id}: only PutMetricData may use *: {s}");
                assert_eq!(s["Condition"], json!({"StringEquals": {"cloudwatch:namespace": sub(NAMESPACE)}}), "{id}");
                star += 1;
            }
        }
    }
    assert_eq!(star, 3, "one namespace-scoped PutMetricData statement per function");
    // Lambda roles carry no managed policies and no inline policies.
    for f in FUNCTIONS {
        let role = &resources(&t)[&format!("{f}ServiceRole")]["Properties"];
        assert!(role.get("ManagedPolicyArns").is_none() && role.get("Policies").is_none(), "{f}'s role: {role}");
    }
    // The one managed policy: API Gateway's account-level CloudWatch role (AWS's own policy).
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")]}),
    );
    let managed = Match::obj([("Properties", Match::obj([("ManagedPolicyArns", Match::any_value())]))]);
    assert_eq!(t.find_resources("AWS::IAM::Role", managed).len(), 1, "no other role has a managed policy");
}

#[test]
fn key_policies_use_wildcards_only_for_root_administration() {
    let t = template();
    for (id, ty, s) in all_statements(&t) {
        if ty != "AWS::KMS::Key" {
            continue;
        }
        // In a key policy, Resource "*" means "this key".
        assert_eq!(s["Resource"], "*", "{id}");
        if actions_of(&s).iter().any(|a| a.contains('*')) {
            assert_eq!(s["Sid"], "AllowAccountRootToAdministerKey", "{id}: only root administration uses kms:*");
            assert_eq!(
                s["Principal"],
                json!({"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}),
                "{id}"
            );
        } else {
            assert!(s["Condition"].is_object(), "{id}: service use of the key is conditioned: {s}");
        }
    }
    // Each key's first statement is AWS's default key policy, delegating the key's use to IAM.
    let root = json!({
        "Sid": "AllowAccountRootToAdministerKey",
        "Effect": "Allow",
        "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
        "Action": "kms:*",
        "Resource": "*"
    });
    t.resource_count_is("AWS::KMS::Key", 2);
    for key in ["TopicKey", "LogsKey"] {
        assert_eq!(resources(&t)[key]["Properties"]["KeyPolicy"]["Statement"][0], root, "{key}");
    }
}

#[test]
fn everything_is_destroyable() {
    let t = template();
    let stateful = ["AWS::DynamoDB::GlobalTable", "AWS::KMS::Key", "AWS::SQS::Queue", "AWS::Logs::LogGroup"];
    let mut checked = 0;
    for (id, r) in resources(&t) {
        let ty = r["Type"].as_str().unwrap();
        if stateful.contains(&ty) {
            assert!(r.get("DeletionPolicy").is_some(), "{id} states its DeletionPolicy");
            checked += 1;
        }
        if let Some(d) = r.get("DeletionPolicy") {
            assert_eq!(d, "Delete", "{id} is destroyable");
            assert_eq!(r["UpdateReplacePolicy"], "Delete", "{id} is destroyable on replacement");
        }
    }
    assert_eq!(checked, 10, "table, 2 keys, 3 queues, 4 log groups");
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"Replicas": [{"DeletionProtectionEnabled": false}, {"DeletionProtectionEnabled": false}]}),
    );
    t.all_resources_properties("AWS::KMS::Key", json!({"PendingWindowInDays": 7}));
}

#[test]
fn every_output_has_a_description_and_an_export_named_after_the_stack() {
    let t = template();
    let outputs = t.to_json()["Outputs"].as_object().unwrap();
    assert_eq!(outputs.len(), 16);
    for (id, o) in outputs {
        assert!(o["Description"].as_str().is_some_and(|d| !d.is_empty()), "{id} has a description");
        t.has_output(id, json!({"Export": {"Name": sub(&format!("${{AWS::StackName}}-{id}"))}}));
    }
}

// ---------------------------------------------------------------------------
// DynamoDB global table

#[test]
fn payments_table_is_a_global_table_with_the_specified_keys_and_index() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::GlobalTable", 1);
    t.resource_count_is("AWS::DynamoDB::Table", 0);
    t.has_resource_properties("AWS::DynamoDB::GlobalTable", json!({"TableName": suffixed("payments")}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"KeySchema": [
            {"AttributeName": "transaction_id", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"}
        ]}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"AttributeDefinitions": [
            {"AttributeName": "transaction_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
            {"AttributeName": "customer_id", "AttributeType": "S"}
        ]}),
    );
    t.has_resource_properties("AWS::DynamoDB::GlobalTable", json!({"BillingMode": "PAY_PER_REQUEST"}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"GlobalSecondaryIndexes": [{
            "IndexName": "customer-index",
            "KeySchema": [
                {"AttributeName": "customer_id", "KeyType": "HASH"},
                {"AttributeName": "timestamp", "KeyType": "RANGE"}
            ],
            "Projection": {"ProjectionType": "ALL"}
        }]}),
    );
}

#[test]
fn payments_table_replicates_to_both_regions_with_point_in_time_recovery_on_each() {
    let t = template();
    let pitr = json!({"PointInTimeRecoveryEnabled": true});
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"Replicas": [
            {"Region": {"Ref": "AWS::Region"}, "PointInTimeRecoverySpecification": pitr},
            {"Region": "us-east-2", "PointInTimeRecoverySpecification": pitr}
        ]}),
    );
}

// ---------------------------------------------------------------------------
// The three functions

fn function(id: &str, name: &str, memory: u32, timeout: u32, code: &str) -> Value {
    json!({
        "FunctionName": suffixed(name),
        "MemorySize": memory,
        "Timeout": timeout,
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Code": {"ZipFile": code},
        "Role": arn_of(&format!("{id}ServiceRole")),
        "LoggingConfig": {"LogGroup": reference_to(&format!("{id}LogGroup"))}
    })
}

#[test]
fn there_are_exactly_three_functions() {
    template().resource_count_is("AWS::Lambda::Function", 3);
}

#[test]
fn payment_validator_has_512_mb_and_30_seconds_and_queues_valid_payments() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("PaymentValidator", "payment-validator", 512, 30, VALIDATOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("payment-validator"), "Environment": {"Variables": {
            "QUEUE_URL": reference_to("PaymentQueue"),
            "METRIC_NAMESPACE": sub(NAMESPACE)
        }}}),
    );
    assert!(VALIDATOR_PY.contains(r#"REQUIRED = ("transaction_id", "customer_id", "amount", "currency")"#));
    assert!(VALIDATOR_PY.contains("if amount <= 0:"), "positive amounts only");
    assert!(
        VALIDATOR_PY.contains(r#"REVIEW_THRESHOLD = Decimal("10000")"#)
            && VALIDATOR_PY.contains("amount > REVIEW_THRESHOLD")
    );
    assert!(VALIDATOR_PY.contains("put_metric_data"), "custom metric");
}

#[test]
fn payment_processor_has_1024_mb_and_60_seconds_and_writes_the_table_and_the_topic() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("PaymentProcessor", "payment-processor", 1024, 60, PROCESSOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("payment-processor"), "Environment": {"Variables": {
            "TABLE_NAME": reference_to("PaymentsTable"),
            "TRANSACTION_TOPIC_ARN": reference_to("TransactionsTopic"),
            "METRIC_NAMESPACE": sub(NAMESPACE)
        }}}),
    );
    assert!(PROCESSOR_PY.contains("TABLE.put_item(Item=item)"));
    assert!(PROCESSOR_PY.contains(r#"TopicArn=os.environ["TRANSACTION_TOPIC_ARN"]"#));
    assert!(PROCESSOR_PY.contains("put_metric_data"), "custom metric");
}

#[test]
fn failover_orchestrator_has_256_mb_and_60_seconds_and_emits_a_failover_metric() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("FailoverOrchestrator", "failover-orchestrator", 256, 60, ORCHESTRATOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("failover-orchestrator"), "Environment": {"Variables": {
            "METRIC_NAMESPACE": sub(NAMESPACE),
            "SECONDARY_REGION": "us-east-2"
        }}}),
    );
    assert!(ORCHESTRATOR_PY.contains(r#"json.loads(record["Sns"]["Message"])"#), "parses alarm messages");
    assert!(ORCHESTRATOR_PY.contains(r#""MetricName": "FailoverTriggered""#));
}

#[test]
fn only_the_asynchronously_invoked_orchestrator_retries_twice() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventInvokeConfig", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        json!({"FunctionName": reference_to("FailoverOrchestrator"), "Qualifier": "$LATEST", "MaximumRetryAttempts": 2}),
    );
}

#[test]
fn function_log_groups_are_named_after_the_functions_and_kept_a_month() {
    let t = template();
    for (id, name) in [
        ("PaymentValidatorLogGroup", "payment-validator"),
        ("PaymentProcessorLogGroup", "payment-processor"),
        ("FailoverOrchestratorLogGroup", "failover-orchestrator"),
    ] {
        assert_eq!(
            resources(&t)[id]["Properties"]["LogGroupName"],
            suffixed(&format!("/aws/lambda/{name}")),
            "{id} is the function's own log group"
        );
        assert_eq!(resources(&t)[id]["Properties"]["RetentionInDays"], 30, "{id}");
    }
}

// ---------------------------------------------------------------------------
// API Gateway

#[test]
fn payment_api_is_a_regional_rest_api_named_with_the_suffix() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::RestApi", 1);
    t.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"Name": suffixed("payment-api"), "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    );
}

#[test]
fn prod_stage_throttles_logs_at_info_and_records_metrics_and_access_logs() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Stage", 1);
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({"StageName": "prod", "RestApiId": reference_to("PaymentApi")}),
    );
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({"MethodSettings": [{
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "ThrottlingRateLimit": 1000,
            "ThrottlingBurstLimit": 2000,
            "LoggingLevel": "INFO",
            "MetricsEnabled": true,
            "DataTraceEnabled": false
        }]}),
    );
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        Match::obj([(
            "AccessLogSetting",
            Match::obj([
                (
                    "DestinationArn",
                    sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiAccessLogs}")
                        .into(),
                ),
                ("Format", Match::string_like_regexp(r#""requestId":"\$context\.requestId""#)),
            ]),
        )]),
    );
}

fn post_method(resource_id: &str, function: &str) -> Value {
    json!({
        "HttpMethod": "POST",
        "ResourceId": reference_to(resource_id),
        "RestApiId": reference_to("PaymentApi"),
        "Integration": {
            "Type": "AWS_PROXY",
            "IntegrationHttpMethod": "POST",
            "Uri": sub(&format!(
                "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations"
            ))
        }
    })
}

#[test]
fn post_validate_and_post_process_are_lambda_proxy_integrations() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Method", 3);
    for (path, resource, function) in
        [("validate", "PaymentApiValidate", "PaymentValidator"), ("process", "PaymentApiProcess", "PaymentProcessor")]
    {
        t.has_resource_properties(
            "AWS::ApiGateway::Resource",
            json!({"PathPart": path, "ParentId": {"Fn::GetAtt": ["PaymentApi", "RootResourceId"]}}),
        );
        t.has_resource_properties("AWS::ApiGateway::Method", post_method(resource, function));
    }
}

#[test]
fn get_health_is_a_mock_integration_answering_status_healthy() {
    let t = template();
    t.has_resource_properties("AWS::ApiGateway::Resource", json!({"PathPart": "health"}));
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        Match::obj([
            ("HttpMethod", json!("GET").into()),
            ("ResourceId", reference_to("PaymentApiHealth").into()),
            ("MethodResponses", json!([{"StatusCode": "200"}]).into()),
            (
                "Integration",
                Match::obj([
                    ("Type", json!("MOCK").into()),
                    ("RequestTemplates", json!({"application/json": "{\"statusCode\": 200}"}).into()),
                    (
                        "IntegrationResponses",
                        Match::ArrayEquals(vec![Match::obj([
                            ("StatusCode", json!("200").into()),
                            (
                                "ResponseTemplates",
                                Match::obj([(
                                    "application/json",
                                    Match::serialized_json(Match::exact(json!({"status": "healthy"}))),
                                )]),
                            ),
                        ])]),
                    ),
                ]),
            ),
        ]),
    );
}

#[test]
fn api_gateway_may_invoke_each_function_only_from_its_own_route() {
    let t = template();
    let from_api =
        t.find_resources("AWS::Lambda::Permission", json!({"Properties": {"Principal": "apigateway.amazonaws.com"}}));
    assert_eq!(from_api.len(), 2, "one permission per proxied function");
    for (function, route) in [("PaymentValidator", "POST/validate"), ("PaymentProcessor", "POST/process")] {
        t.has_resource_properties(
            "AWS::Lambda::Permission",
            json!({
                "Action": "lambda:InvokeFunction",
                "FunctionName": arn_of(function),
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": sub(&format!(
                    "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{PaymentApi}}/*/{route}"
                ))
            }),
        );
    }
}

#[test]
fn route_53_checks_the_health_endpoint_over_https() {
    let t = template();
    t.resource_count_is("AWS::Route53::HealthCheck", 1);
    t.has_resource_properties(
        "AWS::Route53::HealthCheck",
        json!({"HealthCheckConfig": {
            "Type": "HTTPS",
            "FullyQualifiedDomainName": sub("${PaymentApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
            "Port": 443,
            "ResourcePath": "/prod/health"
        }}),
    );
}

// ---------------------------------------------------------------------------
// Queues

#[test]
fn payment_queue_has_300_second_visibility_sqs_managed_sse_and_a_dlq_after_three_receives() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({
            "QueueName": suffixed("payment-queue"),
            "VisibilityTimeout": 300,
            "SqsManagedSseEnabled": true,
            "RedrivePolicy": {"deadLetterTargetArn": arn_of("PaymentDlq"), "maxReceiveCount": 3}
        }),
    );
}

#[test]
fn payment_dlq_keeps_messages_fourteen_days() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("payment-dlq"), "MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true}),
    );
}

#[test]
fn synthesis_warns_that_the_specified_visibility_is_under_six_processor_timeouts() {
    // The spec fixes both the visibility (300 s) and the processor timeout
    // (60 s); AWS recommends 6 x 60 = 360 s. The library says so; the only
    // other warning is the template size (deploy through S3).
    let out = reference::app().synth().unwrap();
    let ours: Vec<String> = out.warnings.iter().filter(|w| w.path.starts_with(NAME)).map(ToString::to_string).collect();
    assert!(ours.iter().any(|w| w.contains("visibility timeout (300 seconds)")), "{ours:#?}");
    assert!(
        ours.iter().all(|w| w.contains("visibility timeout (300 seconds)") || w.contains("deploy it through S3")),
        "no other warning: {ours:#?}"
    );
}

#[test]
fn only_the_validator_may_send_to_the_payment_queue() {
    let t = template();
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("Roles", json!([reference_to("PaymentValidatorServiceRole")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                        "Resource": arn_of("PaymentQueue")
                    }))]),
                )]),
            ),
        ]),
    );
    for (id, _, s) in all_statements(&t) {
        if s["Effect"] == "Allow"
            && actions_of(&s).iter().any(|a| a == "sqs:SendMessage")
            && s["Resource"] == arn_of("PaymentQueue")
        {
            assert_eq!(id, "PaymentValidatorServiceRoleDefaultPolicy", "{id} may not send to the payment queue");
        }
    }
}

#[test]
fn the_processor_consumes_the_payment_queue() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventSourceMapping", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({"EventSourceArn": arn_of("PaymentQueue"), "FunctionName": reference_to("PaymentProcessor")}),
    );
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("Roles", json!([reference_to("PaymentProcessorServiceRole")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Effect": "Allow",
                        "Action": [
                            "sqs:ReceiveMessage",
                            "sqs:ChangeMessageVisibility",
                            "sqs:GetQueueUrl",
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes"
                        ],
                        "Resource": arn_of("PaymentQueue")
                    }))]),
                )]),
            ),
        ]),
    );
}

// ---------------------------------------------------------------------------
// One least-privilege execution role per function

fn logs_statement(function: &str) -> Value {
    json!({
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": arn_of(&format!("{function}LogGroup"))
    })
}

fn put_metrics_statement() -> Value {
    json!({
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": sub(NAMESPACE)}}
    })
}

fn policy_is_exactly(t: &Template, function: &str, statements: &[Value]) {
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("PolicyName", json!(format!("{function}ServiceRoleDefaultPolicy")).into()),
            ("Roles", json!([reference_to(&format!("{function}ServiceRole"))]).into()),
            ("PolicyDocument", Match::obj([("Statement", Match::exact(Value::Array(statements.to_vec())))])),
        ]),
    );
}

#[test]
fn each_function_has_its_own_role_that_only_lambda_may_assume() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 4);
    t.resource_count_is("AWS::IAM::Policy", 3);
    let trust = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]});
    assert_eq!(t.find_resources("AWS::IAM::Role", json!({"Properties": {"AssumeRolePolicyDocument": trust}})).len(), 3);
    let roles: BTreeSet<String> = FUNCTIONS
        .iter()
        .map(|f| resources(&t)[*f]["Properties"]["Role"]["Fn::GetAtt"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roles.len(), 3, "no role is shared");
}

#[test]
fn validator_role_may_write_its_logs_send_to_the_queue_and_put_metrics_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "PaymentValidator",
        &[
            logs_statement("PaymentValidator"),
            json!({
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                "Resource": arn_of("PaymentQueue")
            }),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn processor_role_may_put_items_in_the_table_publish_and_consume_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "PaymentProcessor",
        &[
            logs_statement("PaymentProcessor"),
            json!({
                "Effect": "Allow",
                "Action": [
                    "sqs:ReceiveMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueUrl",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes"
                ],
                "Resource": arn_of("PaymentQueue")
            }),
            json!({
                "Effect": "Allow",
                "Action": "dynamodb:PutItem",
                "Resource": arn_of("PaymentsTable")
            }),
            json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": reference_to("TransactionsTopic")}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn_of("TopicKey")}),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn orchestrator_role_may_write_its_logs_its_failures_and_metrics_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "FailoverOrchestrator",
        &[
            logs_statement("FailoverOrchestrator"),
            json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn_of("OrchestratorFailures")}),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn only_the_processor_touches_the_table_and_only_with_item_actions() {
    let t = template();
    for (id, ty, s) in all_statements(&t) {
        let dynamo: Vec<String> = actions_of(&s).into_iter().filter(|a| a.starts_with("dynamodb:")).collect();
        if !dynamo.is_empty() {
            assert_eq!(id, "PaymentProcessorServiceRoleDefaultPolicy", "{id} ({ty}) may not use the table");
            assert_eq!(dynamo, ["dynamodb:PutItem"], "item actions only");
            // Scoped to the table (and `table-arn/index/*` only for reads: PutItem never reaches an index).
            let allowed = [arn_of("PaymentsTable"), sub("${PaymentsTable.Arn}/index/*")];
            let resources = match &s["Resource"] {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            assert!(resources.iter().all(|r| allowed.contains(r)), "{id}: table resources only: {s}");
        }
    }
}

// ---------------------------------------------------------------------------
// SNS topics

#[test]
fn ops_alerts_and_transactions_topics_are_suffixed_and_kms_encrypted() {
    let t = template();
    t.resource_count_is("AWS::SNS::Topic", 2);
    t.has_resource_properties(
        "AWS::SNS::Topic",
        json!({"TopicName": suffixed("ops-alerts"), "KmsMasterKeyId": arn_of("TopicKey")}),
    );
    t.has_resource_properties(
        "AWS::SNS::Topic",
        json!({"TopicName": suffixed("transactions"), "KmsMasterKeyId": arn_of("TopicKey")}),
    );
}

#[test]
fn the_orchestrator_is_subscribed_to_the_ops_topic() {
    let t = template();
    t.resource_count_is("AWS::SNS::Subscription", 1);
    t.has_resource(
        "AWS::SNS::Subscription",
        json!({
            "Properties": {"Protocol": "lambda", "TopicArn": reference_to("OpsAlertsTopic"), "Endpoint": arn_of("FailoverOrchestrator")},
            "DependsOn": ["FailoverOrchestratorOrchestratorSubscriptionPermission"]
        }),
    );
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn_of("FailoverOrchestrator"),
            "Principal": "sns.amazonaws.com",
            "SourceArn": reference_to("OpsAlertsTopic")
        }),
    );
}

#[test]
fn cloudwatch_alarms_may_publish_to_the_ops_topic_and_nothing_else_may_publish_to_transactions() {
    // A topic policy replaces SNS's default one; without this Allow every
    // alarm action fails ("no resource-based policy allows the SNS:Publish
    // action") and the orchestrator never hears of an alarm.
    let t = template();
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        Match::obj([
            ("Topics", json!([reference_to("OpsAlertsTopic")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Sid": "AllowCloudWatchAlarmsToPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": reference_to("OpsAlertsTopic"),
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {"aws:SourceArn": sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*")}
                        }
                    }))]),
                )]),
            ),
        ]),
    );
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        json!({
            "Topics": [reference_to("TransactionsTopic")],
            "PolicyDocument": {"Statement": [deny_insecure_transport("sns:Publish", reference_to("TransactionsTopic"))]}
        }),
    );
}

// ---------------------------------------------------------------------------
// Dashboard

fn widget(title: &str, metrics: &Value) -> Value {
    json!({"type": "metric", "properties": {"title": title, "region": "${AWS::Region}", "metrics": metrics}})
}

#[test]
fn dashboard_has_the_four_specified_widgets() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Dashboard", 1);
    let sum = json!({"stat": "Sum", "period": 300});
    let sum_right = json!({"stat": "Sum", "period": 300, "yAxis": "right"});
    let max = json!({"stat": "Maximum", "period": 300});
    let api = ["ApiName", "payment-api-${EnvironmentSuffix}", "Stage", "prod"];
    let lambda =
        |metric: &str, f: &str, opts: &Value| json!(["AWS/Lambda", metric, "FunctionName", format!("${{{f}}}"), opts]);
    let widgets = json!([
        widget(
            "API requests and 5XX errors",
            &json!([
                ["AWS/ApiGateway", "Count", api[0], api[1], api[2], api[3], sum],
                ["AWS/ApiGateway", "5XXError", api[0], api[1], api[2], api[3], sum_right]
            ])
        ),
        widget(
            "Function invocations and errors",
            &Value::Array(
                ["Invocations", "Errors"]
                    .iter()
                    .flat_map(|m| {
                        let opts = if *m == "Errors" { &sum_right } else { &sum };
                        FUNCTIONS.map(|f| lambda(m, f, opts))
                    })
                    .collect()
            )
        ),
        widget(
            "Table consumed capacity",
            &json!([
                ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "${PaymentsTable}", sum],
                ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", "${PaymentsTable}", sum]
            ])
        ),
        widget(
            "Queue and DLQ depth",
            &json!([
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${PaymentQueue.QueueName}", max],
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${PaymentDlq.QueueName}", max]
            ])
        )
    ]);
    t.has_resource_properties(
        "AWS::CloudWatch::Dashboard",
        Match::obj([
            ("DashboardName", suffixed("payment-dr").into()),
            (
                "DashboardBody",
                Match::obj([("Fn::Sub", Match::serialized_json(Match::obj([("widgets", Match::from(widgets))])))]),
            ),
        ]),
    );
}

// ---------------------------------------------------------------------------
// Alarms

fn alarm(metric: &str, namespace: &str, threshold: u32, dimensions: &Value) -> Value {
    json!({
        "MetricName": metric,
        "Namespace": namespace,
        "Dimensions": dimensions,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "EvaluationPeriods": 1,
        "Period": 300,
        "AlarmActions": [reference_to("OpsAlertsTopic")]
    })
}

#[test]
fn there_are_six_alarms_all_acting_on_the_ops_topic() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Alarm", 6);
    t.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        json!({"AlarmActions": [reference_to("OpsAlertsTopic")], "TreatMissingData": "notBreaching"}),
    );
}

#[test]
fn api_5xx_alarm_fires_at_10_errors() {
    let t = template();
    let dims = json!([{"Name": "ApiName", "Value": suffixed("payment-api")}, {"Name": "Stage", "Value": "prod"}]);
    let mut a = alarm("5XXError", "AWS/ApiGateway", 10, &dims);
    a["AlarmName"] = suffixed("payment-api-5xx");
    a["Statistic"] = json!("Sum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}

#[test]
fn each_function_has_an_errors_alarm_at_5() {
    let t = template();
    for f in FUNCTIONS {
        let mut a = alarm("Errors", "AWS/Lambda", 5, &json!([{"Name": "FunctionName", "Value": reference_to(f)}]));
        a["Statistic"] = json!("Sum");
        t.has_resource_properties("AWS::CloudWatch::Alarm", a);
    }
}

#[test]
fn table_throttles_alarm_fires_at_10() {
    let t = template();
    let dims = json!([{"Name": "TableName", "Value": reference_to("PaymentsTable")}, {"Name": "Operation", "Value": "PutItem"}]);
    let mut a = alarm("ThrottledRequests", "AWS/DynamoDB", 10, &dims);
    a["AlarmName"] = suffixed("payments-table-throttles");
    a["Statistic"] = json!("Sum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}

#[test]
fn dlq_alarm_fires_at_1_visible_message() {
    let t = template();
    let dims = json!([{"Name": "QueueName", "Value": {"Fn::GetAtt": ["PaymentDlq", "QueueName"]}}]);
    let mut a = alarm("ApproximateNumberOfMessagesVisible", "AWS/SQS", 1, &dims);
    a["AlarmName"] = suffixed("payment-dlq-messages");
    a["Statistic"] = json!("Maximum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}

// ---------------------------------------------------------------------------
// API access log group

#[test]
fn api_access_log_group_is_named_kept_one_week_and_deleted_with_the_stack() {
    let t = template();
    t.resource_count_is("AWS::Logs::LogGroup", 4);
    t.has_resource(
        "AWS::Logs::LogGroup",
        json!({
            "Properties": {"LogGroupName": sub("/aws/apigateway/payment-api-${EnvironmentSuffix}"), "RetentionInDays": 7},
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete"
        }),
    );
}

// ---------------------------------------------------------------------------
// Outputs

#[test]
fn outputs_export_every_resource_the_spec_lists() {
    let t = template();
    let expected = [
        ("PaymentsTableName", reference_to("PaymentsTable")),
        ("PaymentsTableArn", arn_of("PaymentsTable")),
        ("PaymentValidatorArn", arn_of("PaymentValidator")),
        ("PaymentProcessorArn", arn_of("PaymentProcessor")),
        ("FailoverOrchestratorArn", arn_of("FailoverOrchestrator")),
        ("PaymentQueueUrl", reference_to("PaymentQueue")),
        ("PaymentQueueArn", arn_of("PaymentQueue")),
        ("PaymentDlqUrl", reference_to("PaymentDlq")),
        (
            "ApiEndpointUrl",
            sub("https://${PaymentApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${PaymentApiDeploymentStage}/"),
        ),
        ("ApiId", reference_to("PaymentApi")),
        ("OpsAlertsTopicArn", reference_to("OpsAlertsTopic")),
        ("TransactionsTopicArn", reference_to("TransactionsTopic")),
        ("DashboardName", reference_to("Dashboard")),
        ("HealthCheckId", reference_to("ApiHealthCheck")),
        ("PrimaryRegion", reference_to("AWS::Region")),
        ("SecondaryRegion", json!("us-east-2")),
    ];
    for (name, value) in expected {
        t.has_output(
            name,
            Match::obj([
                ("Value", Match::exact(value)),
                ("Description", Match::string_like_regexp(r"^\S.+")),
                ("Export", json!({"Name": sub(&format!("${{AWS::StackName}}-{name}"))}).into()),
            ]),
        );
    }
}

// ---------------------------------------------------------------------------
// Typed props and doc comments

#[test]
fn typed_props_set_the_default_suffix_and_both_regions() {
    let props = PaymentsDrProps {
        environment_suffix: "qa".into(),
        primary_region: "eu-west-1".into(),
        secondary_region: "eu-central-1".into(),
    };
    assert_eq!(PaymentsDrProps::default().environment_suffix, "dev");
    let mut app = App::new();
    payments_dr::payments_dr(&mut app, &props);
    let out = app.synth().expect("payments-dr synthesizes with any props");
    let stack = out.stack(NAME).unwrap();
    assert_eq!(stack.region.as_deref(), Some("eu-west-1"));
    let t = Template::from_json(stack.template.clone());
    t.has_parameter("EnvironmentSuffix", json!({"Default": "qa"}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"Replicas": [{"Region": {"Ref": "AWS::Region"}}, {"Region": "eu-central-1"}]}),
    );
    t.has_output("SecondaryRegion", json!({"Value": "eu-central-1"}));
    // The shipped app uses the defaults.
    assert_eq!(reference::app().synth().unwrap().stack(NAME).unwrap().region.as_deref(), Some("us-east-1"));
}

#[test]
fn every_public_item_of_the_program_has_a_doc_comment() {
    let src = include_str!("../src/reference/payments_dr.rs");
    assert!(src.starts_with("//!"), "the module has a doc comment");
    let lines: Vec<&str> = src.lines().collect();
    let mut public = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("pub ") {
            let mut j = i;
            while j > 0 && lines[j - 1].trim_start().starts_with("#[") {
                j -= 1;
            }
            assert!(
                j > 0 && lines[j - 1].trim_start().starts_with("///"),
                "line {}: `{}` has no doc comment",
                i + 1,
                line.trim()
            );
            public += 1;
        }
    }
    assert_eq!(public, 9, "4 consts, the props struct and its 3 fields and the stack function were checked");
}

// ---------------------------------------------------------------------------
// Decisions of the program's doc comment

#[test]
fn decision_functions_run_python_3_12_inline() {
    let t = template();
    t.all_resources_properties(
        "AWS::Lambda::Function",
        Match::obj([("Runtime", json!("python3.12").into()), ("Code", Match::obj([("ZipFile", Match::any_value())]))]),
    );
}

#[test]
fn decision_posts_require_iam_and_health_is_open_with_a_written_reason() {
    let t = template();
    assert_eq!(
        t.find_resources(
            "AWS::ApiGateway::Method",
            json!({"Properties": {"HttpMethod": "POST", "AuthorizationType": "AWS_IAM"}})
        )
        .len(),
        2
    );
    t.has_resource(
        "AWS::ApiGateway::Method",
        Match::obj([
            ("Properties", Match::from(json!({"HttpMethod": "GET", "AuthorizationType": "NONE"}))),
            (
                "Metadata",
                json!({"checkov": {"skip": [{
                    "id": "CKV_AWS_59",
                    "comment": "the Route 53 health checkers call it and cannot sign requests; it returns a constant"
                }]}})
                .into(),
            ),
        ]),
    );
}

#[test]
fn decision_topic_key_is_customer_managed_and_lets_cloudwatch_use_it() {
    let t = template();
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::obj([
            ("Description", json!("Encrypts the payment topics; CloudWatch alarms may publish with it").into()),
            (
                "KeyPolicy",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Sid": "AllowCloudWatchAlarmNotifications",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
                    }))]),
                )]),
            ),
        ]),
    );
    t.has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": sub("alias/payments-topics-${EnvironmentSuffix}"), "TargetKeyId": reference_to("TopicKey")}),
    );
    let with_topic_key = json!({"Properties": {"KmsMasterKeyId": arn_of("TopicKey")}});
    assert_eq!(t.find_resources("AWS::SNS::Topic", with_topic_key).len(), 2, "both topics use TopicKey");
    assert!(!template_text().contains("alias/aws/sns"), "no topic uses the AWS managed key");
}

#[test]
fn decision_processor_takes_batches_of_ten_reports_failed_items_and_serves_post_process() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    assert!(PROCESSOR_PY.contains(r#"return {"batchItemFailures": failures}"#));
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"ResourceId": reference_to("PaymentApiProcess"), "Integration": {"Type": "AWS_PROXY"}}),
    );
}

#[test]
fn decision_each_function_puts_metrics_into_its_namespace_only() {
    let t = template();
    t.all_resources_properties(
        "AWS::Lambda::Function",
        json!({"Environment": {"Variables": {"METRIC_NAMESPACE": sub(NAMESPACE)}}}),
    );
    t.all_resources_properties(
        "AWS::IAM::Policy",
        Match::obj([(
            "PolicyDocument",
            Match::obj([("Statement", Match::array_with(vec![put_metrics_statement().into()]))]),
        )]),
    );
}

#[test]
fn decision_orchestrator_failures_land_in_its_on_failure_queue_after_two_retries() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        json!({"MaximumRetryAttempts": 2, "DestinationConfig": {"OnFailure": {"Destination": arn_of("OrchestratorFailures")}}}),
    );
    t.has_resource(
        "AWS::SQS::Queue",
        json!({
            "Properties": {
                "QueueName": suffixed("failover-orchestrator-failures"),
                "MessageRetentionPeriod": 1_209_600,
                "SqsManagedSseEnabled": true
            },
            "DeletionPolicy": "Delete"
        }),
    );
}

#[test]
fn decision_stage_logging_depends_on_the_account_cloudwatch_role() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Account", 1);
    t.has_resource(
        "AWS::ApiGateway::Account",
        json!({"Properties": {"CloudWatchRoleArn": arn_of("ApiGatewayAccountCloudWatchRole")}}),
    );
    t.has_resource("AWS::ApiGateway::Stage", json!({"DependsOn": ["ApiGatewayAccount"]}));
}

// ---------------------------------------------------------------------------
// Deployability: ordering

#[test]
fn resources_are_created_in_a_deployable_order() {
    let t = template();
    for f in FUNCTIONS {
        t.has_resource(
            "AWS::Lambda::Function",
            json!({"Properties": {"Role": arn_of(&format!("{f}ServiceRole"))}, "DependsOn": [format!("{f}ServiceRoleDefaultPolicy")]}),
        );
    }
    t.has_resource(
        "AWS::ApiGateway::Deployment",
        json!({"DependsOn": ["PaymentApiValidatePOST", "PaymentApiProcessPOST", "PaymentApiHealthGET"]}),
    );
    let deployment = t.find_resources("AWS::ApiGateway::Deployment", json!({}));
    let deployment_id = deployment.keys().next().unwrap();
    t.has_resource_properties("AWS::ApiGateway::Stage", json!({"DeploymentId": reference_to(deployment_id)}));
}

// ---------------------------------------------------------------------------
// Snapshot, validators, handlers, determinism

#[test]
fn template_snapshot() {
    let json = template_text();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("payments_dr_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing_in_either_region() {
    validators::assert_clean(&template_text(), NAME, &["us-east-1", "us-east-2"]);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let a = reference::app().synth().unwrap();
    let b = reference::app().synth().unwrap();
    assert_eq!(a.stack(NAME).unwrap().json, b.stack(NAME).unwrap().json);
    let mut app = App::new();
    payments_dr::payments_dr(&mut app, &PaymentsDrProps::default());
    assert_eq!(app.synth().unwrap().stack(NAME).unwrap().json, a.stack(NAME).unwrap().json, "standalone = in the app");
}

fn python3(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("python3").args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("python3 is needed to check the payments-dr handlers (not found or not runnable: {e})")
    })
}

fn write_handlers(dir: &Path) {
    for (file, source) in
        [("validator.py", VALIDATOR_PY), ("processor.py", PROCESSOR_PY), ("orchestrator.py", ORCHESTRATOR_PY)]
    {
        std::fs::write(dir.join(file), source).unwrap();
    }
}

#[test]
fn handlers_are_valid_python() {
    let dir = tempfile::tempdir().unwrap();
    write_handlers(dir.path());
    for file in ["validator.py", "processor.py", "orchestrator.py"] {
        let out = python3(dir.path(), &["-m", "py_compile", file]);
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A stand-in for `boto3` that records every call.
const STUB_BOTO3: &str = r#"
CALLS = []

class _Recorder:
    def __init__(self, service):
        self.service = service

    def __getattr__(self, op):
        def call(**kwargs):
            CALLS.append({"service": self.service, "op": op, "args": kwargs})
            return {}
        return call

class _Resource:
    def __init__(self, service):
        self.service = service

    def Table(self, name):
        return _Recorder(self.service + ":" + name)

def client(service, **kwargs):
    return _Recorder(service)

def resource(service, **kwargs):
    return _Resource(service)
"#;

/// Runs the three handlers on sample events; prints results and calls as JSON.
const DRIVER: &str = r#"
import importlib, json, os, sys
from decimal import Decimal
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.update({
    "QUEUE_URL": "queue-url", "METRIC_NAMESPACE": "PaymentsDR/test", "TABLE_NAME": "payments-test",
    "TRANSACTION_TOPIC_ARN": "topic-arn", "PRIMARY_REGION": "primary-1", "SECONDARY_REGION": "secondary-1",
    "AWS_REGION": "primary-1",
})
import boto3
validator = importlib.import_module("validator")
processor = importlib.import_module("processor")
orchestrator = importlib.import_module("orchestrator")

def run(fn, event):
    boto3.CALLS.clear()
    return {"result": fn(event, None), "calls": list(boto3.CALLS)}

def body(payment):
    return {"body": json.dumps(payment)}

def alarm(name, state):
    return {"Sns": {"Message": json.dumps({"AlarmName": name, "NewStateValue": state})}}

good = {"transaction_id": "t-1", "customer_id": "c-1", "amount": 125.5, "currency": "USD"}
out = {
    "validator_ok": run(validator.handler, body(good)),
    "validator_over": run(validator.handler, body(dict(good, amount=10000.01))),
    "validator_at": run(validator.handler, body(dict(good, amount=10000))),
    "validator_missing": run(validator.handler, body({"transaction_id": "t-1", "amount": 5})),
    "validator_zero": run(validator.handler, body(dict(good, amount=0))),
    "validator_negative": run(validator.handler, body(dict(good, amount=-3))),
    "validator_not_json": run(validator.handler, {"body": "{"}),
    "processor_api": run(processor.handler, body(good)),
    "processor_batch": run(processor.handler, {"Records": [
        {"messageId": "m-1", "body": json.dumps(good)},
        {"messageId": "m-2", "body": json.dumps({"transaction_id": "t-2"})},
    ]}),
    "orchestrator": run(orchestrator.handler, {"Records": [
        alarm("payment-api-5xx-test", "ALARM"), alarm("payment-dlq-messages-test", "OK"), {"Sns": {"Message": "not json"}},
    ]}),
}
print(json.dumps(out, default=lambda o: {"decimal": str(o)} if isinstance(o, Decimal) else str(o)))
"#;

fn run_handlers() -> Value {
    let dir = tempfile::tempdir().unwrap();
    write_handlers(dir.path());
    std::fs::write(dir.path().join("boto3.py"), STUB_BOTO3).unwrap();
    std::fs::write(dir.path().join("driver.py"), DRIVER).unwrap();
    let out = python3(dir.path(), &["-B", "driver.py"]);
    assert!(out.status.success(), "the handlers ran: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the driver prints JSON")
}

fn metrics(case: &Value) -> Vec<Value> {
    case["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["op"] == "put_metric_data")
        .map(|c| {
            assert_eq!(c["args"]["Namespace"], "PaymentsDR/test", "metrics go to the stack's namespace");
            c["args"]["MetricData"][0].clone()
        })
        .collect()
}

fn metric_names(case: &Value) -> Vec<String> {
    metrics(case).iter().map(|m| m["MetricName"].as_str().unwrap().to_string()).collect()
}

fn body_of(case: &Value) -> Value {
    serde_json::from_str(case["result"]["body"].as_str().unwrap()).unwrap()
}

fn sends(case: &Value) -> usize {
    case["calls"].as_array().unwrap().iter().filter(|c| c["service"] == "sqs" && c["op"] == "send_message").count()
}

#[test]
fn validator_checks_required_fields_and_positive_amounts_and_flags_amounts_over_10000() {
    let r = run_handlers();
    let ok = &r["validator_ok"];
    assert_eq!(ok["result"]["statusCode"], 202);
    assert_eq!(body_of(ok)["flagged_for_review"], false);
    assert_eq!(sends(ok), 1, "a valid payment is queued");
    assert_eq!(ok["calls"][0]["args"]["QueueUrl"], "queue-url");
    assert_eq!(metric_names(ok), ["ValidatedPayments"]);

    let over = &r["validator_over"];
    assert_eq!(body_of(over)["flagged_for_review"], true, "10,000.01 is flagged");
    assert_eq!(metric_names(over), ["ValidatedPayments", "FlaggedPayments"]);
    assert_eq!(body_of(&r["validator_at"])["flagged_for_review"], false, "10,000 itself is not over 10,000");

    let missing = &r["validator_missing"];
    assert_eq!(missing["result"]["statusCode"], 400);
    assert_eq!(body_of(missing)["fields"], json!(["customer_id", "currency"]));
    for case in ["validator_missing", "validator_zero", "validator_negative", "validator_not_json"] {
        assert_eq!(r[case]["result"]["statusCode"], 400, "{case} is rejected");
        assert_eq!(sends(&r[case]), 0, "{case} is not queued");
        assert_eq!(metric_names(&r[case]), ["InvalidPayments"], "{case} is counted");
    }
    assert_eq!(body_of(&r["validator_zero"])["error"], "amount must be positive");
}

#[test]
fn processor_writes_the_table_publishes_the_payment_and_reports_failed_messages() {
    let r = run_handlers();
    let api = &r["processor_api"];
    assert_eq!(api["result"]["statusCode"], 200);
    let calls = api["calls"].as_array().unwrap();
    let put = calls.iter().find(|c| c["op"] == "put_item").expect("a put_item");
    assert_eq!(put["service"], "dynamodb:payments-test");
    assert_eq!(put["args"]["Item"]["transaction_id"], "t-1");
    assert_eq!(put["args"]["Item"]["amount"], json!({"decimal": "125.5"}), "amounts are Decimal");
    let publish = calls.iter().find(|c| c["op"] == "publish").expect("a publish");
    assert_eq!(publish["args"]["TopicArn"], "topic-arn");
    assert_eq!(metric_names(api), ["ProcessedPayments"]);
    assert_eq!(r["processor_batch"]["result"], json!({"batchItemFailures": [{"itemIdentifier": "m-2"}]}));
}

#[test]
fn orchestrator_turns_alarm_messages_into_failover_metrics() {
    let r = run_handlers();
    let o = &r["orchestrator"];
    assert_eq!(o["result"], json!({"evaluated": 2}), "the non-alarm message is skipped");
    let m = metrics(o);
    assert_eq!(
        m.iter().map(|x| x["Value"].clone()).collect::<Vec<_>>(),
        [json!(1), json!(0)],
        "ALARM fails over, OK does not"
    );
    assert!(m.iter().all(|x| x["MetricName"] == "FailoverTriggered"
        && x["Dimensions"] == json!([{"Name": "SecondaryRegion", "Value": "secondary-1"}])));
}
