//! The ACM certificate against cfn-lint and checkov: DNS-validated in a
//! hosted zone, with alternative names, and a wildcard one with its reason.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::certificatemanager::{Certificate, KeyAlgorithm};

#[test]
fn a_dns_validated_certificate_with_its_expiry_alarm_is_clean() {
    let mut app = App::new();
    let stack = app.stack("acm").region("us-east-1").conventions(Conventions::tap("acm validator test"));
    let cert = Certificate::new("SiteCertificate", "www.example.com")
        .alternative_name("example.com")
        .validated_in_zone("Z0123456789ABCDEFGHIJ")
        .key_algorithm(KeyAlgorithm::EcPrime256v1)
        .add_to(stack);
    Alarm::new("CertificateExpiring", cert.metric_days_to_expiry()).less_than(45.0).add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "acm", &["us-east-1"]);
}

#[test]
fn a_wildcard_certificate_is_clean_with_its_written_reason() {
    let mut app = App::new();
    let stack = app.stack("acm-wildcard").region("eu-west-1");
    Certificate::new("Wildcard", "*.preview.example.com")
        .allow_wildcard("per-branch preview hosts are created and destroyed by CI")
        .add_to(stack);
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    assert!(json.contains("CKV2_AWS_71"), "the skip is written with its reason");
    validators::assert_clean(&json, "acm-wildcard", &["eu-west-1"]);
}
