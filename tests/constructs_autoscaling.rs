//! cfn-lint and checkov on a minimal web tier: an internet-facing ALB with
//! HTTPS and the HTTP redirect, an Auto Scaling group over a launch
//! template in private subnets, and every kind of scaling.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::autoscaling::{AutoScalingGroup, StepScaling};
use cfnkit_constructs::ec2::{Connectable, LaunchTemplate, Port, UserData, Vpc};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

#[test]
fn web_tier_with_auto_scaling_is_clean() {
    let mut app = App::new();
    let stack = app.stack("asg-web").conventions(Conventions::tap("web tier"));
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
    let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).health_check_path("/health").add_to(stack);
    alb.add_https_listener(stack, "Https", CERT, tg);
    alb.add_http_redirect(stack, "Http");
    let lt = LaunchTemplate::new("WebLt", vpc)
        .user_data(UserData::for_linux().command("dnf install -y nginx"))
        .add_to(stack);
    let asg = AutoScalingGroup::new("WebAsg", vpc, lt).capacity(2, 6).target_group(tg).add_to(stack);
    alb.connections().allow_to(stack, &asg, Port::tcp(8080), "Load balancer to web servers");
    asg.scale_on_cpu(stack, "Cpu", 50.0);
    asg.scale_on_request_count(stack, "Requests", alb, tg, 1000.0);
    asg.scale_on_schedule(stack, "Night", "0 22 * * *", Some(1), Some(2));
    asg.scale_on_steps(
        stack,
        "Steps",
        asg.metric_cpu_utilization(),
        StepScaling::new().add_above(80.0, 1).add_above(95.0, 2).remove_below(20.0, 1),
    );
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "asg-web", &["us-east-1"]);
}
