//! The WAFv2 web ACL: its defaults (rules, order, actions, logging,
//! redaction), associations, metrics, and every validation error.

use cfnkit_constructs::apigateway::{Method, MockIntegration, RestApi};
use cfnkit_constructs::ec2::Vpc;
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, NetworkLoadBalancer};
use cfnkit_constructs::logs::{LogGroup, Retention};
use cfnkit_constructs::wafv2::{DefaultAction, ManagedRuleGroup, RateKey, RateLimit, Scope, WebAcl};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(region: &str, build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test").region(region));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(region: Option<&str>, build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    let stack = app.stack("test");
    if let Some(r) = region {
        stack.region(r);
    }
    build(stack);
    app.synth().expect_err("synthesis fails").diagnostics
}

/// An error of `kind` whose problem contains `problem`.
fn has_error_of(errs: &[Diagnostic], kind: DiagKind, problem: &str) -> bool {
    errs.iter().any(|d| d.kind == kind && d.problem.contains(problem))
}

fn rule_names(t: &Value, acl: &str) -> Vec<String> {
    t["Resources"][acl]["Properties"]["Rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["Name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn web_acl_evaluates_the_four_managed_groups_then_the_rate_limit_by_default() {
    let t = template("eu-west-1", |s| {
        WebAcl::regional("Firewall").add_to(s);
    });
    assert_eq!(
        rule_names(&t, "Firewall"),
        [
            "AWS-CommonRuleSet",
            "AWS-KnownBadInputsRuleSet",
            "AWS-SQLiRuleSet",
            "AWS-AmazonIpReputationList",
            "RateLimitPerClient"
        ]
    );
    let p = &t["Resources"]["Firewall"]["Properties"];
    assert_eq!(p["Scope"], "REGIONAL");
    assert_eq!(p["DefaultAction"], json!({"Allow": {}}));
    assert_eq!(
        p["VisibilityConfig"],
        json!({"CloudWatchMetricsEnabled": true, "MetricName": "Firewall", "SampledRequestsEnabled": true})
    );
    let rules = p["Rules"].as_array().unwrap();
    for (i, r) in rules.iter().enumerate() {
        assert_eq!(r["Priority"], i as i64);
    }
    assert_eq!(rules[1]["OverrideAction"], json!({"None": {}}), "managed groups apply their own actions");
    assert_eq!(
        rules[4]["Statement"]["RateBasedStatement"],
        json!({"AggregateKeyType": "IP", "EvaluationWindowSec": 300, "Limit": 2000})
    );
    assert_eq!(rules[4]["Action"], json!({"Block": {}}));
}

#[test]
fn web_acl_logs_to_its_own_waf_log_group_with_credentials_redacted() {
    let t = template("eu-west-1", |s| {
        WebAcl::regional("Firewall").add_to(s);
    });
    let group = &t["Resources"]["FirewallLogs"];
    assert_eq!(group["Properties"]["LogGroupName"], json!({"Fn::Sub": "aws-waf-logs-${AWS::StackName}-firewall"}));
    assert_eq!(group["Properties"]["RetentionInDays"], 365);
    let logging = &t["Resources"]["FirewallLogging"]["Properties"];
    assert_eq!(
        logging["LogDestinationConfigs"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${FirewallLogs}"}])
    );
    assert_eq!(logging["ResourceArn"], json!({"Fn::GetAtt": ["Firewall", "Arn"]}));
    assert_eq!(
        logging["RedactedFields"],
        json!([{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}])
    );
}

#[test]
fn web_acl_log_group_carries_the_environment_suffix() {
    let mut app = App::new();
    let s = app.stack("test").region("eu-west-1").conventions(cfnkit_core::conventions::Conventions::tap("waf"));
    WebAcl::regional("Firewall").add_to(s);
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(
        t["Resources"]["FirewallLogs"]["Properties"]["LogGroupName"],
        json!({"Fn::Sub": "aws-waf-logs-${AWS::StackName}-firewall-${EnvironmentSuffix}"})
    );
}

#[test]
fn web_acl_without_logging_writes_no_log_group() {
    let t = template("eu-west-1", |s| {
        WebAcl::regional("Firewall").without_logging("logs go to the organization's firehose").add_to(s);
    });
    assert!(t["Resources"].get("FirewallLogs").is_none());
    assert!(t["Resources"].get("FirewallLogging").is_none());
    assert_eq!(
        t["Resources"]["Firewall"]["Metadata"]["cfnkit:acknowledgements"],
        json!({"SecurityHub WAF.11 (web ACL logging)": "logs go to the organization's firehose"})
    );
}

#[test]
fn web_acl_logs_to_a_given_group_named_for_waf() {
    let t = template("eu-west-1", |s| {
        let g = LogGroup::new("WafLogs", Retention::OneYear).name("aws-waf-logs-shared").add_to(s);
        WebAcl::regional("Firewall").log_to(g).add_to(s);
    });
    assert!(t["Resources"].get("FirewallLogs").is_none());
    assert_eq!(
        t["Resources"]["FirewallLogging"]["Properties"]["LogDestinationConfigs"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${WafLogs}"
    );
}

#[test]
fn rate_limit_counts_forwarded_addresses_when_asked() {
    let t = template("eu-west-1", |s| {
        WebAcl::regional("Firewall")
            .rate_limit(RateLimit::per_five_minutes(100).window_seconds(60).key(RateKey::ForwardedIp))
            .add_to(s);
    });
    let rules = t["Resources"]["Firewall"]["Properties"]["Rules"].as_array().unwrap().clone();
    assert_eq!(
        rules[4]["Statement"]["RateBasedStatement"],
        json!({"AggregateKeyType": "FORWARDED_IP", "EvaluationWindowSec": 60,
               "ForwardedIPConfig": {"FallbackBehavior": "NO_MATCH", "HeaderName": "X-Forwarded-For"}, "Limit": 100})
    );
}

#[test]
fn managed_groups_can_be_counted_added_and_removed() {
    let t = template("eu-west-1", |s| {
        WebAcl::regional("Firewall")
            .managed_count_only(ManagedRuleGroup::SqlInjection)
            .without_managed(&ManagedRuleGroup::IpReputation)
            .managed(ManagedRuleGroup::Linux)
            .without_rate_limit()
            .default_action(DefaultAction::Block)
            .add_to(s);
    });
    assert_eq!(
        rule_names(&t, "Firewall"),
        ["AWS-CommonRuleSet", "AWS-KnownBadInputsRuleSet", "AWS-SQLiRuleSet", "AWS-LinuxRuleSet"]
    );
    let p = &t["Resources"]["Firewall"]["Properties"];
    assert_eq!(p["Rules"][2]["OverrideAction"], json!({"Count": {}}));
    assert_eq!(p["DefaultAction"], json!({"Block": {}}));
}

#[test]
fn web_acl_protects_a_rest_api_stage_and_a_load_balancer() {
    let t = template("eu-west-1", |s| {
        let api = RestApi::new("Api").add_to(s);
        api.add_method(s, Method::get("/health", MockIntegration::respond(200, "{}")).authorization_none("probe"));
        WebAcl::regional("Firewall")
            .protect(api)
            .protect_load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1")
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["FirewallAssociation"]["Properties"]["ResourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${Api}/stages/${ApiDeploymentStage}"})
    );
    assert_eq!(
        t["Resources"]["FirewallAssociation2"]["Properties"]["ResourceArn"],
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1"
    );
    assert_eq!(
        t["Resources"]["FirewallAssociation2"]["Properties"]["WebACLArn"],
        json!({"Fn::GetAtt": ["Firewall", "Arn"]})
    );
}

#[test]
fn web_acl_protects_an_application_load_balancer_by_its_handle() {
    let t = template("eu-west-1", |s| {
        let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
        let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
        WebAcl::regional("Firewall").protect(alb).add_to(s);
    });
    let a = &t["Resources"]["FirewallAssociation"]["Properties"];
    assert_eq!(a["ResourceArn"], json!({"Ref": "Alb"}));
    assert_eq!(a["WebACLArn"], json!({"Fn::GetAtt": ["Firewall", "Arn"]}));
}

#[test]
fn web_acl_refuses_a_network_load_balancer() {
    let errs = errors(Some("eu-west-1"), |s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let nlb = NetworkLoadBalancer::new("Nlb", vpc).add_to(s);
        WebAcl::regional("Firewall").protect(nlb).add_to(s);
    });
    assert!(has_error_of(&errs, DiagKind::NotAllowedValue, "Application Load Balancers only"), "{errs:#?}");
}

#[test]
fn metrics_name_the_web_acl_rule_all_and_region() {
    let mut app = App::new();
    let stack = app.stack("test").region("eu-west-1");
    let regional = WebAcl::regional("Firewall").add_to(stack);
    let m = regional.metric_blocked_requests(stack);
    assert_eq!(m.namespace(), "AWS/WAFV2");
    assert_eq!(m.name(), "BlockedRequests");
    let dims: Vec<&str> = m.dimensions().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(dims, ["WebACL", "Rule", "Region"]);
    assert_eq!(regional.scope(), Scope::Regional);

    let mut app = App::new();
    let stack = app.stack("edge").region("us-east-1");
    let edge = WebAcl::cloudfront("Edge").add_to(stack);
    let m = edge.metric_allowed_requests(stack);
    let dims: Vec<&str> = m.dimensions().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(dims, ["WebACL", "Rule"], "CloudFront metrics have no Region dimension");
    assert_eq!(m.get_region(), Some("us-east-1"));
}

#[test]
fn a_cloudfront_web_acl_outside_us_east_1_is_an_error() {
    let errs = errors(Some("eu-west-1"), |s| {
        WebAcl::cloudfront("Edge").add_to(s);
    });
    assert!(has_error_of(&errs, DiagKind::NotAllowedValue, "must be created in us-east-1"), "{errs:?}");
    let errs = errors(None, |s| {
        WebAcl::cloudfront("Edge").add_to(s);
    });
    let d = errs.iter().find(|d| d.problem.contains("us-east-1")).expect("reported without a region too");
    assert_eq!(d.property.as_deref(), Some("Scope"));
    assert!(d.value.as_deref().unwrap_or_default().contains("a stack without a region"));
}

#[test]
fn a_cloudfront_web_acl_cannot_be_associated() {
    let errs = errors(Some("us-east-1"), |s| {
        WebAcl::cloudfront("Edge")
            .protect_load_balancer_arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1")
            .add_to(s);
    });
    assert!(has_error_of(&errs, DiagKind::Conflict, "attached by the distribution"), "{errs:?}");
}

#[test]
fn every_setting_error_is_reported_at_once() {
    let errs = errors(Some("eu-west-1"), |s| {
        WebAcl::regional("Firewall")
            .managed(ManagedRuleGroup::Common)
            .rate_limit(RateLimit::per_five_minutes(5).window_seconds(30))
            .protect_load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/nlb/1")
            .add_to(s);
    });
    for (problem, kind) in [
        ("used twice", DiagKind::DuplicateId),
        ("rate limit out of range", DiagKind::OutOfRange),
        ("window not one WAF offers", DiagKind::NotAllowedValue),
        ("Application Load Balancers only", DiagKind::Pattern),
    ] {
        assert!(has_error_of(&errs, kind, problem), "{problem} ({kind}): {errs:?}");
    }
}

#[test]
fn a_web_acl_without_rules_or_over_capacity_is_an_error() {
    let errs = errors(Some("eu-west-1"), |s| {
        let mut acl = WebAcl::regional("Empty").without_rate_limit();
        for g in [
            ManagedRuleGroup::Common,
            ManagedRuleGroup::KnownBadInputs,
            ManagedRuleGroup::SqlInjection,
            ManagedRuleGroup::IpReputation,
        ] {
            acl = acl.without_managed(&g);
        }
        acl.add_to(s);
        WebAcl::regional("Huge")
            .managed(ManagedRuleGroup::Other("AWSManagedRulesBotControlRuleSet".into(), 4_500))
            .add_to(s);
    });
    assert!(has_error_of(&errs, DiagKind::NoEffect, "has no rule"), "{errs:?}");
    assert!(has_error_of(&errs, DiagKind::Quota, "more capacity than a web ACL has"), "{errs:?}");
}

#[test]
fn logging_to_a_group_without_the_waf_prefix_is_an_error() {
    let errs = errors(Some("eu-west-1"), |s| {
        let g = LogGroup::new("AppLogs", Retention::OneYear).name("app-logs").add_to(s);
        WebAcl::regional("Firewall").log_to(g).add_to(s);
        let unnamed = LogGroup::new("Unnamed", Retention::OneYear).add_to(s);
        WebAcl::regional("Other").log_to(unnamed).add_to(s);
    });
    let bad: Vec<_> = errs.iter().filter(|d| d.problem.contains("aws-waf-logs-")).collect();
    assert_eq!(bad.len(), 2, "{errs:?}");
    assert!(bad.iter().all(|d| d.kind == DiagKind::Pattern), "{bad:?}");
    assert_eq!(bad[0].value.as_deref(), Some("\"app-logs\""));
}

/// The group's name comes from its handle's facts, so a group of another
/// stack in the same region is checked like one of the web ACL's stack, and
/// its ARN is imported; one in another region is refused.
#[test]
fn logging_to_a_group_of_another_stack_checks_its_name_and_imports_its_arn() {
    let mut app = App::new();
    let g = LogGroup::new("WafLogs", Retention::OneYear)
        .name("aws-waf-logs-x")
        .add_to(app.stack("logs").region("eu-west-1"));
    WebAcl::regional("Firewall").log_to(g).add_to(app.stack("waf").region("eu-west-1"));
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let waf = out.stacks.iter().find(|s| s.name == "waf").expect("waf stack").template.to_string();
    assert!(waf.contains("Fn::ImportValue"), "{waf}");

    let mut app = App::new();
    let g = LogGroup::new("AppLogs", Retention::OneYear).name("app-logs").add_to(app.stack("logs").region("eu-west-1"));
    WebAcl::regional("Firewall").log_to(g).add_to(app.stack("waf").region("eu-west-1"));
    let errs = app.synth().expect_err("fails").diagnostics;
    assert!(has_error_of(&errs, DiagKind::Pattern, "aws-waf-logs-"), "{errs:?}");

    let mut app = App::new();
    let g = LogGroup::new("WafLogs", Retention::OneYear)
        .name("aws-waf-logs-x")
        .add_to(app.stack("logs").region("us-east-1"));
    WebAcl::regional("Firewall").log_to(g).add_to(app.stack("waf").region("eu-west-1"));
    assert!(app.synth().is_err(), "a log group of another region");
}

#[test]
fn above_the_base_capacity_is_a_warning() {
    let mut app = App::new();
    let stack = app.stack("test").region("eu-west-1");
    WebAcl::regional("Firewall")
        .managed(ManagedRuleGroup::Linux)
        .managed(ManagedRuleGroup::Other("X".into(), 500))
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.iter().any(|w| w.problem.contains("WCU")), "{:?}", out.warnings);
}
