//! The decisions the program's doc comment takes where the spec is silent,
//! and the wildcards it names (and no others).

use std::collections::BTreeSet;

use cfnkit::assertions::{Match, Template};
use cfnkit::core::diag::Severity;
use cfnkit::reference::order_monitoring::NAME;
use serde_json::json;

use super::helpers::{
    app, as_list, deny_insecure_transport_on, document_with, every_statement, handler_code, resources, template,
};

/// The program's doc comment: the decisions taken where the spec is silent.
const PROGRAM_SOURCE: &str = include_str!("../../src/reference/order_monitoring.rs");

// ---------------------------------------------------------------------------
// Decisions the program's doc comment takes where the spec is silent

/// The default security profile: checks only hardening satisfies are
/// acknowledged with the profile's reason, and hardening adds the resources.
#[test]
fn hardening_resources_are_deferred_to_the_hardened_profile_with_the_reason() {
    let t = template();
    t.resource_count_is("AWS::S3::Bucket", 1);
    t.resource_count_is("AWS::KMS::Key", 0);
    t.all_resources_properties("AWS::S3::Bucket", Match::obj([("LoggingConfiguration", Match::absent())]));
    let deferred = |check: &str| {
        Match::obj([(
            "Metadata",
            Match::obj([(
                "checkov",
                Match::obj([(
                    "skip",
                    Match::array_with(vec![Match::obj([
                        ("id", Match::exact(json!(check))),
                        (
                            "comment",
                            Match::string_like_regexp(
                                r"^default security profile: .* comes with the hardened profile \(Conventions::hardened\(\)",
                            ),
                        ),
                    ])]),
                )]),
            )]),
        )])
    };
    t.has_resource("AWS::S3::Bucket", deferred("CKV_AWS_18"));
    t.has_resource("AWS::Logs::LogGroup", deferred("CKV_AWS_158"));

    // The same program under the hardened profile adds them, and acknowledges neither.
    let mut app = cfnkit::core::tree::App::new();
    cfnkit::reference::order_monitoring::order_monitoring_with_profile(
        &mut app,
        cfnkit::core::conventions::SecurityProfile::Hardened,
    );
    let h = Template::from_stack(&app, NAME);
    h.resource_count_is("AWS::S3::Bucket", 2);
    h.resource_count_is("AWS::KMS::Key", 1);
    h.has_resource_properties(
        "AWS::S3::Bucket",
        Match::obj([(
            "LoggingConfiguration",
            Match::exact(
                json!({"DestinationBucketName": {"Ref": "AccessLogsBucket"}, "LogFilePrefix": "AuditBucket/"}),
            ),
        )]),
    );
    h.all_resources_properties(
        "AWS::Logs::LogGroup",
        Match::obj([("KmsKeyId", Match::exact(json!({"Fn::GetAtt": ["LogsKey", "Arn"]})))]),
    );
    let text = serde_json::to_string(h.to_json()).unwrap();
    assert!(!text.contains("default security profile"), "nothing deferred when hardened");
    let _ = (deny_insecure_transport_on("AuditBucket"), document_with(json!({})));
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
        "AuditBucket/CKV_AWS_18",
        "AuditFunctionLogGroup/CKV_AWS_158",
        "AuditFailures/CKV_AWS_27",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(acknowledged, expected, "exactly the acknowledgements the program documents");
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

/// TAP conventions: "IAM least privilege: actions listed one by one". No
/// policy of the stack has a wildcard action.
#[test]
fn no_policy_has_a_wildcard_action() {
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
    assert_eq!(wildcards, []);
    assert!(PROGRAM_SOURCE.contains("No policy of the stack has a `*` action or resource."));
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
