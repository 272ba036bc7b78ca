//! The GuardDuty detector against cfn-lint and checkov.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::guardduty::{Detector, Feature, PublishingFrequency};

#[test]
fn a_detector_is_clean() {
    let mut app = App::new();
    let stack = app.stack("guardduty").region("us-east-1").conventions(Conventions::tap("guardduty validator test"));
    Detector::new("ThreatDetection")
        .feature(Feature::RuntimeMonitoring)
        .publishing_frequency(PublishingFrequency::OneHour)
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "guardduty", &["us-east-1"]);
}
