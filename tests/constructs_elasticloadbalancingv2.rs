//! cfn-lint and checkov on minimal stacks of load balancers: the defaults
//! alone must pass both (access logs acknowledged with their reason).

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::ec2::{Connectable, Port, SecurityGroup, Vpc};
use cfnkit_constructs::elasticloadbalancingv2::{
    ApplicationLoadBalancer, ListenerRule, NetworkLoadBalancer, TargetGroup, TargetProtocol,
};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

#[test]
fn internet_facing_alb_with_https_redirect_and_rules_is_clean() {
    let mut app = App::new();
    let stack = app.stack("elb-alb").conventions(Conventions::tap("web tier"));
    let vpc = Vpc::new("Vpc").public_subnets().add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
    let web = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).health_check_path("/health").add_to(stack);
    let api = TargetGroup::new("Api", vpc, TargetProtocol::Http, 9090).add_to(stack);
    let https = alb.add_https_listener(stack, "Https", CERT, web);
    https.add_rule(stack, "ApiRule", ListenerRule::new(10).path_patterns(["/api/*"]).forward(api));
    alb.add_http_redirect(stack, "Http");
    let servers = SecurityGroup::new("Servers", vpc, "Web servers").add_to(stack);
    alb.connections().allow_to(stack, &servers, Port::tcp(8080), "Load balancer to web servers");
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "elb-alb", &["us-east-1"]);
}

#[test]
fn internal_nlb_is_clean() {
    let mut app = App::new();
    let stack = app.stack("elb-nlb");
    let vpc = Vpc::new("Vpc").add_to(stack);
    let nlb = NetworkLoadBalancer::new("Nlb", vpc).add_to(stack);
    let tg = TargetGroup::new("Svc", vpc, TargetProtocol::Tcp, 9000).add_to(stack);
    nlb.add_tls_listener(stack, "Tls", 443, CERT, tg);
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "elb-nlb", &["us-east-1"]);
}
