//! AWS Config against cfn-lint and checkov: a recorder with its delivery
//! channel, bucket and role, and managed rules created after it, under
//! both security profiles.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::config::{ConfigurationRecorder, Frequency, ManagedRule};

fn synth(hardened: bool) -> String {
    let mut app = App::new();
    let mut conventions = Conventions::tap("config validator test");
    if hardened {
        conventions = conventions.hardened();
    }
    let stack = app.stack("config").region("us-east-1").conventions(conventions);
    let recorder = ConfigurationRecorder::new("Config").snapshot_frequency(Frequency::SixHours).add_to(stack);
    ManagedRule::new("BucketVersioning", recorder, "S3_BUCKET_VERSIONING_ENABLED")
        .resource_types(["AWS::S3::Bucket"])
        .add_to(stack);
    ManagedRule::new("AccessKeysRotated", recorder, "ACCESS_KEYS_ROTATED")
        .parameter("maxAccessKeyAge", "90")
        .periodic(Frequency::TwentyFourHours)
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    out.stacks[0].json.clone()
}

#[test]
fn a_recorder_with_rules_is_clean() {
    validators::assert_clean(&synth(false), "config", &["us-east-1"]);
}

#[test]
fn a_recorder_with_rules_is_clean_under_the_hardened_profile() {
    validators::assert_clean(&synth(true), "config-hardened", &["us-east-1"]);
}
