//! The WAFv2 web ACL against cfn-lint and checkov: a regional web ACL
//! protecting a REST API stage and a load balancer by ARN, and a CloudFront
//! web ACL in us-east-1, each with its log group, must be clean.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::apigateway::{Method, MockIntegration, RestApi};
use cfnkit_constructs::wafv2::{ManagedRuleGroup, RateLimit, WebAcl};

#[test]
fn a_regional_web_acl_protecting_an_api_is_clean() {
    let mut app = App::new();
    let stack = app.stack("waf-regional").region("us-east-1").conventions(Conventions::tap("waf validator test"));
    let sfx = stack.suffix();
    let api = RestApi::new("Api").add_to(stack);
    api.add_method(stack, Method::get("/health", MockIntegration::respond(200, "{}")).authorization_none("probe"));
    let acl = WebAcl::regional("ApiFirewall")
        .name(sfx.name("api-firewall"))
        .managed(ManagedRuleGroup::AnonymousIp)
        .rate_limit(RateLimit::per_five_minutes(500))
        .protect(api)
        .protect_load_balancer_arn(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
        )
        .add_to(stack);
    Alarm::new("Blocked", acl.metric_blocked_requests(stack)).greater_than(100.0).add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "waf-regional", &["us-east-1"]);
}

#[test]
fn a_cloudfront_web_acl_in_us_east_1_is_clean_under_the_hardened_profile() {
    let mut app = App::new();
    let stack =
        app.stack("waf-cloudfront").region("us-east-1").conventions(Conventions::tap("waf validator test").hardened());
    WebAcl::cloudfront("EdgeFirewall").add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "waf-cloudfront", &["us-east-1"]);
}
