//! # A Fargate service behind a load balancer, scaled and scheduled
//!
//! A containerized web shop: its tasks run on Fargate in the VPC's private
//! subnets, behind an internet-facing Application Load Balancer that
//! answers HTTPS with an ACM certificate and redirects HTTP to HTTPS. The
//! number of tasks follows CPU load between two and ten. Every night an
//! EventBridge schedule runs a function that compacts the shop's carts.
//!
//! What appears nowhere below is the default: Container Insights on the
//! cluster; a task role and a separate execution role that may pull only
//! the shop's ECR repository, write only the task's log group (kept one
//! month) and read only the database secret; a read-only root file system;
//! no public IP; a security group admitting the load balancer on the
//! container port only; the deployment circuit breaker; the service created
//! after the listener that forwards to it; the service-linked role of
//! Application Auto Scaling; the function's permission scoped to its rule.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! fargate_service -- synth` prints the template; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

/// The certificate's domain and the Route 53 zone its validation record goes in.
const DOMAIN: &str = "shop.example.com";
const ZONE: &str = "Z0123456789ABCDEFGHIJ";

const COMPACT_CARTS: &str = r"import json

def handler(event, context):
    # Compacts abandoned carts (the shop's own logic goes here).
    print(json.dumps({'msg': 'compact-carts', 'time': event.get('time')}))
    return {'compacted': 0}
";

/// Adds the example's stack to `app`.
pub fn define(app: &mut App) {
    let stack = app.stack("fargate-service").region("us-east-1").conventions(Conventions::tap("fargate web shop"));
    let sfx = stack.suffix();

    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let cluster = Cluster::new("Cluster", vpc).name(sfx.name("shop")).add_to(stack);
    let db = Secret::new("DatabaseSecret")
        .description("Credentials of the shop's database")
        .without_rotation("rotated by the database team's own schedule")
        .add_to(stack);
    let task = FargateTaskDefinition::new("ShopTask")
        .cpu(512)
        .memory_mib(1024)
        .container(
            Container::new("shop", ContainerImage::ecr("shop/web", "1.4.2"))
                .port(8080)
                .env("LOG_LEVEL", "info")
                .secret_field("DB_PASSWORD", db, "password")
                .health_check("curl -f http://localhost:8080/health || exit 1"),
        )
        .add_to(stack);

    let cert = Certificate::new("ShopCertificate", DOMAIN).validated_in_zone(ZONE).add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
    let targets = TargetGroup::new("ShopTargets", vpc, TargetProtocol::Http, 8080)
        .target_type(TargetType::Ip)
        .health_check_path("/health")
        .add_to(stack);
    alb.add_https_listener(stack, "Https", cert.arn(), targets);
    alb.add_http_redirect(stack, "Http");

    let shop = FargateService::new("Shop", cluster, task).desired_count(2).target_group(targets).add_to(stack);
    shop.connections().allow_default_port_from(stack, &alb, "Load balancer to the shop's tasks");
    ScalableTarget::ecs_service("ShopScaling", shop, 2, 10).add_to(stack).scale_on_cpu(stack, "Cpu", 60.0);

    let compact = Function::new("CompactCarts", Runtime::Python313, Code::inline(COMPACT_CARTS))
        .timeout(Duration::seconds(60))
        .reserved_concurrency(1)
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only AWS service endpoints".into() })
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_116".into(),
            reason: "invoked by its schedule, which retries; a missed night is caught up the next".into(),
        })
        .add_to(stack);
    EventRule::new("NightlyCompaction")
        .description("Compacts abandoned carts every night at 02:00 UTC")
        .schedule(Schedule::cron("0 2 * * ? *"))
        .target(EventTarget::lambda(compact))
        .add_to(stack);

    stack.output("ShopUrl", format!("https://{DOMAIN}")).description("Where the shop answers");
    stack.output("LoadBalancerDns", alb.dns_name()).description("Point the shop's DNS name here (alias record)");
}

/// The example's app, as the tests build it.
pub fn app() -> App {
    let mut app = App::new();
    define(&mut app);
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() -> std::process::ExitCode {
    cfnkit::run(define)
}
