//! The GuardDuty detector: its defaults and the one-detector rule.

use cfnkit_constructs::guardduty::{Detector, Feature, PublishingFrequency};
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::tree::App;
use serde_json::json;

#[test]
fn detector_is_enabled_with_the_agentless_plans_and_fast_findings() {
    let mut app = App::new();
    Detector::new("Detector").add_to(app.stack("test"));
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    let d = &t["Resources"]["Detector"];
    assert_eq!(d["Properties"]["Enable"], true);
    assert_eq!(d["Properties"]["FindingPublishingFrequency"], "FIFTEEN_MINUTES");
    assert_eq!(
        d["Properties"]["Features"],
        json!([
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
            {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
            {"Name": "RDS_LOGIN_EVENTS", "Status": "ENABLED"},
            {"Name": "LAMBDA_NETWORK_LOGS", "Status": "ENABLED"},
            {"Name": "RUNTIME_MONITORING", "Status": "DISABLED"}
        ])
    );
    assert_eq!(d["DeletionPolicy"], "Retain");
}

#[test]
fn plans_and_frequency_can_be_chosen() {
    let mut app = App::new();
    Detector::new("Detector")
        .feature(Feature::RuntimeMonitoring)
        .without_feature(Feature::EksAuditLogs)
        .publishing_frequency(PublishingFrequency::SixHours)
        .removal_policy(RemovalPolicy::Destroy)
        .add_to(app.stack("test"));
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    let p = &t["Resources"]["Detector"]["Properties"];
    assert_eq!(p["FindingPublishingFrequency"], "SIX_HOURS");
    assert_eq!(p["Features"][1], json!({"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}));
    assert_eq!(p["Features"][5], json!({"Name": "RUNTIME_MONITORING", "Status": "ENABLED"}));
    assert_eq!(t["Resources"]["Detector"]["DeletionPolicy"], "Delete");
}

#[test]
fn a_second_detector_in_a_stack_is_an_error() {
    let mut app = App::new();
    let stack = app.stack("test");
    Detector::new("One").add_to(stack);
    Detector::new("Two").add_to(stack);
    let errs = app.synth().expect_err("fails").diagnostics;
    let d = errs.iter().find(|d| d.problem.contains("one GuardDuty detector")).expect("reported");
    assert_eq!(d.path, "test/Two/Resource");
    assert!(d.value.as_deref().unwrap_or_default().contains("test/One/Resource"));
}
