//! The ACM certificate: DNS validation, validation records in a zone, the
//! region fact, the metric, and every validation error.

use cfnkit_constructs::certificatemanager::{Certificate, KeyAlgorithm};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test").region("us-east-1"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

#[test]
fn certificate_is_dns_validated_by_default() {
    let t = template(|s| {
        Certificate::new("Cert", "www.example.com").add_to(s);
    });
    assert_eq!(
        t["Resources"]["Cert"]["Properties"],
        json!({"DomainName": "www.example.com", "ValidationMethod": "DNS"})
    );
}

#[test]
fn a_hosted_zone_gets_the_validation_record_of_every_name() {
    let t = template(|s| {
        Certificate::new("Cert", "www.example.com")
            .alternative_name("example.com")
            .validated_in_zone("Z123")
            .key_algorithm(KeyAlgorithm::EcPrime256v1)
            .add_to(s);
    });
    let p = &t["Resources"]["Cert"]["Properties"];
    assert_eq!(p["SubjectAlternativeNames"], json!(["example.com"]));
    assert_eq!(
        p["DomainValidationOptions"],
        json!([{"DomainName": "www.example.com", "HostedZoneId": "Z123"}, {"DomainName": "example.com", "HostedZoneId": "Z123"}])
    );
    assert_eq!(p["KeyAlgorithm"], "EC_prime256v1");
}

#[test]
fn the_certificate_knows_its_region_in_any_stack() {
    let mut app = App::new();
    let cert = Certificate::new("Cert", "www.example.com").add_to(app.stack("edge").region("us-east-1"));
    let other = app.stack("app").region("eu-west-1");
    assert_eq!(cert.region(other).as_deref(), Some("us-east-1"));
    let m = cert.metric_days_to_expiry();
    assert_eq!((m.namespace(), m.name()), ("AWS/CertificateManager", "DaysToExpiry"));
    assert_eq!(m.dimensions()[0].0, "CertificateArn");
}

#[test]
fn a_wildcard_needs_a_reason_which_is_written() {
    let errs = errors(|s| {
        Certificate::new("Cert", "*.example.com").add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("wildcard") && d.kind == DiagKind::Missing), "{errs:?}");
    let t = template(|s| {
        Certificate::new("Cert", "*.example.com").allow_wildcard("preview hosts").add_to(s);
    });
    assert_eq!(
        t["Resources"]["Cert"]["Metadata"]["checkov"]["skip"],
        json!([{"id": "CKV2_AWS_71", "comment": "preview hosts"}])
    );
}

#[test]
fn every_name_error_is_reported_at_once() {
    let errs = errors(|s| {
        Certificate::new("Cert", format!("{}.example.com", "a".repeat(60)))
            .alternative_name("bad name.example.com")
            .alternative_name("x.example.com")
            .alternative_name("x.example.com")
            .add_to(s);
    });
    for (problem, kind) in [
        ("domain name length", DiagKind::Length),
        ("invalid domain name", DiagKind::Pattern),
        ("given twice", DiagKind::DuplicateId),
    ] {
        assert!(errs.iter().any(|d| d.problem.contains(problem) && d.kind == kind), "{problem} ({kind}): {errs:?}");
    }
}

#[test]
fn more_than_a_hundred_names_is_an_error() {
    let errs = errors(|s| {
        let mut c = Certificate::new("Cert", "example.com");
        for i in 0..100 {
            c = c.alternative_name(format!("h{i}.example.com"));
        }
        c.add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("too many names") && d.kind == DiagKind::ItemCount), "{errs:?}");
}
