//! Bucket names and lifecycle rules.

use cfnkit_constructs::s3::{Bucket, Rule, StorageClass};
use cfnkit_core::units::Duration;
use serde_json::json;

use super::helpers::{errors, has_error, props, template};

// Names and lifecycle rules

#[test]
fn bucket_name_breaking_s3_rules_is_an_error() {
    for (name, problem) in [
        ("Data", "invalid character 'D'"),
        ("ab", "length"),
        ("-data", "starts with"),
        ("data.", "ends with"),
        ("my..data", "adjacent periods"),
        ("192.168.5.4", "IP address"),
        ("xn--data", "reserved by S3"),
        ("data-s3alias", "reserved by S3"),
    ] {
        let errs = errors(|s| {
            Bucket::new("Data").name(name).add_to(s);
        });
        assert!(has_error(&errs, "BucketName", problem), "{name}: {errs:?}");
    }
}

#[test]
fn a_suffixed_name_too_long_in_its_known_part_is_an_error() {
    let errs = errors(|s| {
        let sfx = s.suffix();
        Bucket::new("Data").name(sfx.name(&"a".repeat(63))).add_to(s);
    });
    assert!(has_error(&errs, "BucketName", "length"), "{errs:?}");
}

#[test]
fn a_suffixed_lowercase_name_is_accepted() {
    let t = template(|s| {
        let sfx = s.suffix();
        Bucket::new("Data").name(sfx.name("transactions.archive")).add_to(s);
    });
    assert_eq!(props(&t, "Data")["BucketName"], json!({"Fn::Sub": "transactions.archive-${EnvironmentSuffix}"}));
}

#[test]
fn lifecycle_transitions_are_written_and_too_early_ones_are_errors() {
    let t = template(|s| {
        Bucket::new("Data")
            .lifecycle(Rule::new("ToIa").transition(StorageClass::InfrequentAccess, Duration::days(30)))
            .add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["LifecycleConfiguration"]["Rules"][0],
        json!({"Id": "ToIa", "Status": "Enabled", "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]})
    );
    let errs = errors(|s| {
        Bucket::new("Data")
            .lifecycle(Rule::new("ToIa").transition(StorageClass::InfrequentAccess, Duration::days(10)))
            .add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("too early")), "{errs:?}");
}
