//! Route 53 health checks, through synthesis.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::route53::{CheckerRegion, HealthCheck};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::token::Token;
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    let out = app.synth().unwrap_or_else(|e| panic!("synthesis failed: {e}"));
    out.stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    match app.synth() {
        Ok(_) => panic!("synthesis succeeded; expected errors"),
        Err(e) => e.diagnostics,
    }
}

fn find<'a>(diags: &'a [Diagnostic], problem: &str) -> &'a Diagnostic {
    diags.iter().find(|d| d.problem.contains(problem)).unwrap_or_else(|| panic!("no {problem:?} in {diags:#?}"))
}

fn check() -> HealthCheck {
    HealthCheck::https("Health", "api.example.com", "/prod/health")
}

fn config(t: &Value) -> &Value {
    &t["Resources"]["Health"]["Properties"]["HealthCheckConfig"]
}

#[test]
fn health_check_is_https_on_443_with_sni_every_30_seconds_by_default() {
    let t = template(|s| {
        check().add_to(s);
    });
    assert_eq!(
        config(&t),
        &json!({
            "EnableSNI": true,
            "FailureThreshold": 3,
            "FullyQualifiedDomainName": "api.example.com",
            "MeasureLatency": false,
            "Port": 443,
            "RequestInterval": 30,
            "ResourcePath": "/prod/health",
            "Type": "HTTPS"
        })
    );
}

#[test]
fn health_check_targets_a_domain_given_as_a_token() {
    let t = template(|s| {
        let api = s.add("Api", cfnkit_core::resource::CfnResource::new("AWS::ApiGateway::RestApi"));
        let host = fns::sub("${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}").var("Api", api.reference()).expr();
        HealthCheck::https("Health", host, "/prod/health").add_to(s);
    });
    assert_eq!(
        config(&t)["FullyQualifiedDomainName"],
        json!({"Fn::Sub": "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"})
    );
}

#[test]
fn health_check_settings_are_written() {
    let t = template(|s| {
        check()
            .port(8443)
            .request_interval(Duration::seconds(10))
            .failure_threshold(1)
            .measure_latency()
            .regions([CheckerRegion::UsEast1, CheckerRegion::EuWest1, CheckerRegion::ApSoutheast1])
            .add_to(s);
    });
    let c = config(&t);
    assert_eq!(c["Port"], 8443);
    assert_eq!(c["RequestInterval"], 10);
    assert_eq!(c["FailureThreshold"], 1);
    assert_eq!(c["MeasureLatency"], true);
    assert_eq!(c["Regions"], json!(["us-east-1", "eu-west-1", "ap-southeast-1"]));
}

#[test]
fn search_string_makes_it_a_string_match() {
    let t = template(|s| {
        check().search_string("healthy").add_to(s);
    });
    assert_eq!(config(&t)["Type"], "HTTPS_STR_MATCH");
    assert_eq!(config(&t)["SearchString"], "healthy");
}

#[test]
fn health_check_carries_the_stack_tags_in_health_check_tags() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("testing"));
    check().add_to(s);
    let t = app.synth().unwrap().stacks[0].template.clone();
    let p = &t["Resources"]["Health"]["Properties"];
    assert_eq!(
        p["HealthCheckTags"],
        json!([
            {"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}},
            {"Key": "Purpose", "Value": "testing"}
        ])
    );
    assert!(p.get("Tags").is_none());
}

#[test]
fn name_is_the_first_tag() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("testing"));
    let name = s.suffix().name("api-health");
    check().name(name).add_to(s);
    let t = app.synth().unwrap().stacks[0].template.clone();
    let tags = t["Resources"]["Health"]["Properties"]["HealthCheckTags"].as_array().unwrap().clone();
    assert_eq!(tags[0], json!({"Key": "Name", "Value": {"Fn::Sub": "api-health-${EnvironmentSuffix}"}}));
    assert_eq!(tags.len(), 3);
}

#[test]
fn untagged_stacks_write_no_tags() {
    let t = template(|s| {
        check().add_to(s);
    });
    assert!(t["Resources"]["Health"]["Properties"].get("HealthCheckTags").is_none());
}

#[test]
fn request_interval_must_be_10_or_30_seconds() {
    let d = errors(|s| {
        check().request_interval(Duration::seconds(20)).add_to(s);
    });
    let e = find(&d, "request interval out of range");
    assert_eq!(e.path, "test/Health/Resource");
    assert_eq!(e.property.as_deref(), Some("HealthCheckConfig.RequestInterval"));
}

#[test]
fn failure_threshold_must_be_1_to_10() {
    for n in [0, 11] {
        let d = errors(|s| {
            check().failure_threshold(n).add_to(s);
        });
        assert_eq!(find(&d, "failure threshold out of range").value, Some(n.to_string()));
    }
}

#[test]
fn port_zero_is_reported() {
    let d = errors(|s| {
        check().port(0).add_to(s);
    });
    find(&d, "port out of range");
}

#[test]
fn a_literal_domain_with_a_scheme_or_path_is_reported() {
    for domain in ["https://api.example.com", "api.example.com/health", ""] {
        let d = errors(|s| {
            HealthCheck::https("Health", domain, "/health").add_to(s);
        });
        find(&d, "invalid domain name");
    }
}

#[test]
fn a_path_without_a_leading_slash_is_reported() {
    let d = errors(|s| {
        HealthCheck::https("Health", "api.example.com", "health").add_to(s);
    });
    find(&d, "invalid resource path");
}

#[test]
fn fewer_than_three_distinct_regions_are_reported() {
    for regions in [
        vec![CheckerRegion::UsEast1, CheckerRegion::UsWest2],
        vec![CheckerRegion::UsEast1, CheckerRegion::UsWest2, CheckerRegion::UsEast1],
    ] {
        let d = errors(|s| {
            check().regions(regions).add_to(s);
        });
        find(&d, "too few checker regions");
    }
}

#[test]
fn search_string_longer_than_255_characters_is_reported() {
    let d = errors(|s| {
        check().search_string(&"x".repeat(256)).add_to(s);
    });
    find(&d, "search string length");
}

#[test]
fn every_problem_is_reported_at_once() {
    let d = errors(|s| {
        check().request_interval(Duration::seconds(5)).failure_threshold(0).port(0).add_to(s);
    });
    for problem in ["request interval out of range", "failure threshold out of range", "port out of range"] {
        find(&d, problem);
    }
}

#[test]
fn status_metric_is_the_minimum_health_check_status_in_us_east_1() {
    let mut app = App::new();
    let s = app.stack("test");
    let h = check().add_to(s);
    let m = h.metric_status();
    assert_eq!(m.namespace(), "AWS/Route53");
    assert_eq!(m.name(), "HealthCheckStatus");
    assert_eq!(m.stat(), &Statistic::Minimum);
    assert_eq!(m.get_region(), Some("us-east-1"));
    assert_eq!(m.dimensions(), [("HealthCheckId".to_string(), Token::from(h.id()))]);
    let p = h.metric_percentage_healthy();
    assert_eq!(p.name(), "HealthCheckPercentageHealthy");
    assert_eq!(p.stat(), &Statistic::Average);
    assert_eq!(p.get_region(), Some("us-east-1"));
}

#[test]
fn id_is_the_ref_of_the_health_check() {
    let mut app = App::new();
    let s = app.stack("test");
    let h = check().add_to(s);
    s.output("Id", h.id());
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(t["Outputs"]["Id"]["Value"], json!({"Ref": "Health"}));
}
