//! cfn-lint and checkov on Application Auto Scaling: a Fargate service
//! scaled on CPU, memory and requests per task, and a provisioned table
//! and index scaled on read and write utilization.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::applicationautoscaling::ScalableTarget;
use cfnkit_constructs::dynamodb::{Billing, Gsi, Key, Table};
use cfnkit_constructs::ec2::{Connectable, Vpc};
use cfnkit_constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateTaskDefinition};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol, TargetType};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

#[test]
fn scaled_service_and_table_are_clean() {
    let mut app = App::new();
    let stack = app.stack("app-scaling").conventions(Conventions::tap("application auto scaling"));
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let cluster = Cluster::new("Cluster", vpc).add_to(stack);
    let task = FargateTaskDefinition::new("WebTask")
        .container(Container::new("web", ContainerImage::ecr("shop/web", "1.4.2")).port(8080))
        .add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
    let tg = TargetGroup::new("WebTargets", vpc, TargetProtocol::Http, 8080).target_type(TargetType::Ip).add_to(stack);
    alb.add_https_listener(stack, "Https", CERT, tg);
    alb.add_http_redirect(stack, "Http");
    let web = FargateService::new("Web", cluster, task).desired_count(2).target_group(tg).add_to(stack);
    web.connections().allow_default_port_from(stack, &alb, "Load balancer to the web tasks");
    let tasks = ScalableTarget::ecs_service("WebScaling", web, 2, 10).add_to(stack);
    tasks.scale_on_cpu(stack, "Cpu", 50.0);
    tasks.scale_on_memory(stack, "Memory", 75.0);
    tasks.scale_on_request_count(stack, "Requests", alb, tg, 500.0);

    let orders = Table::new("Orders", Key::string("id"))
        .index(Gsi::new("by-status", Key::string("status")))
        .billing(Billing::Provisioned { read: 5, write: 5 })
        .add_to(stack);
    ScalableTarget::table_reads("OrdersReads", orders, 5, 100).add_to(stack).scale_on_utilization(stack, "Util", 70.0);
    ScalableTarget::table_writes("OrdersWrites", orders, 5, 50).add_to(stack).scale_on_utilization(stack, "Util", 70.0);
    ScalableTarget::index_reads("StatusReads", orders, "by-status", 5, 20)
        .add_to(stack)
        .scale_on_utilization(stack, "Util", 70.0);

    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "app-scaling", &["us-east-1"]);
}
