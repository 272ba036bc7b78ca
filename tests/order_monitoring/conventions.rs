//! The TAP conventions common to every reference stack: suffixed names, no
//! hard-coded account, region or partition, tags, encryption at rest, TLS,
//! nothing public, least-privilege IAM, destroyability and outputs.

use std::collections::BTreeSet;

use cfnkit::assertions::Match;
use regex::Regex;
use serde_json::{json, Value};

use super::helpers::{
    as_list, deny_insecure_transport_on, every_statement, resources, role_statements, statements_with, sub, template,
};

/// The `Purpose` tag the stack's conventions give every taggable resource.
const PURPOSE: &str = "order-processing-monitoring";

/// Every resource type in the stack that CloudFormation lets us tag.
const TAGGABLE: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SNS::Topic",
    "AWS::IAM::Role",
    "AWS::Logs::LogGroup",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::CloudWatch::Alarm",
    "AWS::SQS::Queue",
];

/// Every resource type in the stack that has no `Tags` property in CloudFormation.
const UNTAGGABLE: &[&str] =
    &["AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::IAM::Policy", "AWS::SQS::QueuePolicy"];

/// A tag pattern, exact on key and value.
fn tag(key: &str, value: Value) -> Match {
    Match::obj([("Tags", Match::array_with(vec![Match::exact(json!({"Key": key, "Value": value}))]))])
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
        "AWS::IAM::Role",
        Match::obj([("RoleName", sub("order-audit-role-${EnvironmentSuffix}"))]),
    );
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::obj([("QueueName", sub("order-audit-failures-${EnvironmentSuffix}"))]),
    );
    // Bucket names are global: the suffix, then the account and the region.
    t.has_resource_properties(
        "AWS::S3::Bucket",
        Match::obj([("BucketName", sub("order-audit-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"))]),
    );

    // No physical name anywhere is a literal that two environments would share.
    let name_keys = [
        ("AWS::DynamoDB::Table", "TableName"),
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::SNS::Topic", "TopicName"),
        ("AWS::Lambda::Function", "FunctionName"),
        ("AWS::Logs::LogGroup", "LogGroupName"),
        ("AWS::CloudWatch::Alarm", "AlarmName"),
        ("AWS::IAM::Role", "RoleName"),
        ("AWS::SQS::Queue", "QueueName"),
    ];
    let suffixed = Match::obj([(
        "Fn::Sub",
        Match::string_like_regexp(
            r"^[a-z/][a-z0-9/-]*-\$\{EnvironmentSuffix\}(-\$\{AWS::AccountId\}-\$\{AWS::Region\})?$",
        ),
    )]);
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
    assert_eq!(named, 8, "every nameable resource carries an explicit, suffixed physical name");
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
    // CloudWatch Logs encrypts log groups with its own keys; a customer
    // managed key for them comes with the hardened profile, said in Metadata.
    t.all_resources_properties("AWS::Logs::LogGroup", Match::obj([("KmsKeyId", Match::absent())]));
    t.has_resource(
        "AWS::Logs::LogGroup",
        Match::obj([(
            "Metadata",
            Match::obj([(
                "checkov",
                Match::obj([(
                    "skip",
                    Match::array_with(vec![Match::obj([
                        ("id", Match::exact(json!("CKV_AWS_158"))),
                        (
                            "comment",
                            Match::string_like_regexp(r"^default security profile: .*Conventions::hardened\(\)"),
                        ),
                    ])]),
                )]),
            )]),
        )]),
    );
}

#[test]
fn every_bucket_and_the_topic_accept_only_tls() {
    let t = template();
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "AuditBucket"}))),
            ("PolicyDocument", statements_with(deny_insecure_transport_on("AuditBucket"))),
        ]),
    );
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
                    }])),
                )]),
            ),
        ]),
    );
    t.resource_count_is("AWS::S3::BucketPolicy", 1);
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
    // No policy of the stack has a `*` resource.
    let star: BTreeSet<String> = every_statement(&t)
        .into_iter()
        .filter(|(_, s)| s["Effect"] == "Allow" && as_list(&s["Resource"]).contains(&json!("*")))
        .map(|(id, s)| format!("{id}/{}", s["Sid"].as_str().unwrap_or("?")))
        .collect();
    assert_eq!(star, BTreeSet::new(), "no `*` resource anywhere");
    t.resource_count_is("AWS::IAM::ManagedPolicy", 0);
    t.resource_count_is("AWS::IAM::User", 0);
}

#[test]
fn every_stateful_resource_is_destroyable() {
    let t = template();
    let delete = json!({"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"});
    t.has_resource("AWS::DynamoDB::Table", delete.clone());
    t.has_resource("AWS::Logs::LogGroup", delete.clone());
    t.has_resource("AWS::SQS::Queue", delete.clone());
    assert_eq!(t.find_resources("AWS::S3::Bucket", delete.clone()).len(), 1, "the bucket is deleted with the stack");
    for (id, r) in resources(&t) {
        if let Some(policy) = r.get("DeletionPolicy") {
            assert_eq!(policy, "Delete", "{id} has DeletionPolicy {policy}");
            assert_eq!(r["UpdateReplacePolicy"], "Delete", "{id} is replaced destructively too");
        }
    }
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!text.contains("\"Retain\"") && !text.contains("\"Snapshot\""), "nothing is retained");
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"DeletionProtectionEnabled": false}));
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
