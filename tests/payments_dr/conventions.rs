//! The TAP conventions common to all four stacks: suffixed names, no
//! hard-coded account or partition, tags, encryption, TLS-only policies,
//! nothing public, least-privilege IAM, destroyability and outputs.

use std::path::Path;

use cfnkit::assertions::Match;
use serde_json::{json, Value};

use super::helpers::{
    actions_of, all_statements, arn_of, deny_insecure_transport, reference_to, resources, sub, suffixed, template,
    template_text, FUNCTIONS, NAMESPACE,
};

/// The `Purpose` tag of every taggable resource.
const PURPOSE: &str = "payments-disaster-recovery";

fn tags_ok(tags: &Value) -> bool {
    let Some(tags) = tags.as_array() else { return false };
    tags.contains(&json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}))
        && tags.contains(&json!({"Key": "Purpose", "Value": PURPOSE}))
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
    assert_eq!(named, 24, "every named resource was checked (not vacuous)");
    // One execution role per function, each named after the seed's
    // `payment-lambda-role-{suffix}` form.
    for role in ["payment-validator", "payment-processor", "failover-orchestrator"] {
        t.has_resource_properties(
            "AWS::IAM::Role",
            json!({"RoleName": sub(&format!("{role}-lambda-role-${{EnvironmentSuffix}}"))}),
        );
    }
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
        "APIEndpoint",
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
    assert_eq!(tagged, 30, "28 taggable resources and 2 table replicas are tagged");
}

#[test]
fn encryption_at_rest_everywhere_it_exists() {
    let t = template();
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}),
    );
    t.all_resources_properties("AWS::SNS::Topic", json!({"KmsMasterKeyId": arn_of("TopicKey")}));
    // Default security profile: CloudWatch Logs' own encryption; the log
    // key comes with the hardened profile, said on each log group.
    t.all_resources_properties("AWS::Logs::LogGroup", Match::obj([("KmsKeyId", Match::absent())]));
    for (id, r) in t.find_resources("AWS::Logs::LogGroup", json!({})) {
        let skip = &r["Metadata"]["checkov"]["skip"][0];
        assert_eq!(skip["id"], "CKV_AWS_158", "{id}");
        assert!(skip["comment"].as_str().unwrap().contains("Conventions::hardened()"), "{id}");
    }
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
    t.resource_count_is("AWS::KMS::Key", 1);
    assert_eq!(resources(&t)["TopicKey"]["Properties"]["KeyPolicy"]["Statement"][0], root, "TopicKey");
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
            if id.starts_with("ApiGatewayAccount") {
                // Shared by every API of the account and region: retained
                // whatever the stack's removal policy (doc comment).
                assert_eq!(d, "Retain", "{id} outlives the stack");
                assert_eq!(r["UpdateReplacePolicy"], "Retain", "{id}");
                continue;
            }
            assert_eq!(d, "Delete", "{id} is destroyable");
            assert_eq!(r["UpdateReplacePolicy"], "Delete", "{id} is destroyable on replacement");
        }
    }
    assert_eq!(checked, 9, "table, 1 key, 3 queues, 4 log groups");
    for id in ["ApiGatewayAccount", "ApiGatewayAccountCloudWatchRole"] {
        assert_eq!(resources(&t)[id]["DeletionPolicy"], "Retain", "{id}");
    }
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
