//! cfn-lint and checkov on a minimal Fargate web service: a cluster, a task
//! definition with an ECR image, a secret and its log group, and a service
//! in private subnets behind an internet-facing ALB with HTTPS and the HTTP
//! redirect; and on a task definition under the hardened profile.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::ec2::{Connectable, Vpc};
use cfnkit_constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateTaskDefinition};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol, TargetType};
use cfnkit_constructs::secretsmanager::Secret;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

#[test]
fn fargate_service_behind_an_alb_is_clean() {
    let mut app = App::new();
    let stack = app.stack("ecs-web").conventions(Conventions::tap("fargate web service"));
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let cluster = Cluster::new("Cluster", vpc).add_to(stack);
    let api_key = Secret::new("ApiKey").without_rotation("issued by the partner, rotated by hand").add_to(stack);
    let task = FargateTaskDefinition::new("WebTask")
        .cpu(512)
        .memory_mib(1024)
        .container(
            Container::new("web", ContainerImage::ecr("shop/web", "1.4.2"))
                .port(8080)
                .env("LOG_LEVEL", "info")
                .secret("PARTNER_API_KEY", api_key)
                .health_check("curl -f http://localhost:8080/health || exit 1"),
        )
        .add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
    let tg = TargetGroup::new("WebTargets", vpc, TargetProtocol::Http, 8080)
        .target_type(TargetType::Ip)
        .health_check_path("/health")
        .add_to(stack);
    alb.add_https_listener(stack, "Https", CERT, tg);
    alb.add_http_redirect(stack, "Http");
    let web = FargateService::new("Web", cluster, task).desired_count(2).target_group(tg).add_to(stack);
    web.connections().allow_default_port_from(stack, &alb, "Load balancer to the web tasks");
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "ecs-web", &["us-east-1"]);
}

#[test]
fn hardened_task_definition_is_clean() {
    let mut app = App::new();
    let stack = app.stack("ecs-hardened").conventions(Conventions::tap("fargate worker").hardened());
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let cluster = Cluster::new("Cluster", vpc).add_to(stack);
    let task = FargateTaskDefinition::new("WorkerTask")
        .arm64()
        .container(Container::new("worker", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37")))
        .add_to(stack);
    FargateService::new("Worker", cluster, task).add_to(stack);
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "ecs-hardened", &["us-east-1"]);
}
