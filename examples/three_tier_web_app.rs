//! # A three-tier web application
//!
//! The shape most web workloads on EC2 take, in one stack:
//!
//! - **Network**: a VPC over two availability zones with three subnet
//!   groups: public (the load balancer and the NAT gateways), private (the
//!   web servers, which reach the internet through a NAT gateway only) and
//!   isolated (the database, with no route out at all).
//! - **Edge**: a CloudFront distribution serves `www.example.com` over TLS
//!   1.2 or later and forwards to the load balancer over HTTPS; a
//!   CloudFront-scoped web ACL filters requests at the edge.
//! - **Web tier**: an internet-facing Application Load Balancer with an
//!   HTTPS listener (an ACM certificate validated through DNS, AWS's
//!   current TLS policy), an HTTP listener that only redirects to HTTPS,
//!   access logs into a bucket, and a regional web ACL (AWS managed rule
//!   groups and a rate limit) of its own. Behind it, an Auto Scaling group
//!   of instances started from a launch template (IMDSv2 only, encrypted
//!   volumes, Session Manager instead of SSH) scales on CPU.
//! - **Data tier**: an Aurora PostgreSQL cluster, encrypted with its own
//!   key, whose master password RDS generates and keeps in Secrets Manager.
//! - **Operations**: alarms on the load balancer's 5xx answers, the
//!   targets' response time and the database's CPU notify an encrypted SNS
//!   topic; a dashboard shows the same metrics.
//!
//! Who may talk to whom is written with `connections`, and nothing else is
//! open: the load balancer reaches the instances on 8080 only, the
//! instances reach the database on its port only, and each rule is written
//! on both security groups.
//!
//! Two DNS records are yours to add, since the example does not own your
//! zone's records: `origin.example.com` pointing at the load balancer (the
//! `LoadBalancerDnsName` output), which is the name CloudFront connects to
//! and the load balancer's certificate covers, and `www.example.com`
//! pointing at the distribution (`DistributionDomainName`). Replace the
//! domain names and the hosted zone id with yours; the certificates'
//! validation records are written into that zone by CloudFormation.
//!
//! The stack is in `us-east-1` because CloudFront takes certificates and
//! web ACLs from there only.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! three_tier_web_app -- synth` prints the template; `-- ls`, `-- diff`,
//! `-o DIR`.

use cfnkit::prelude::*;

/// The name viewers use: served by CloudFront.
const SITE_DOMAIN: &str = "www.example.com";
/// The name CloudFront connects to: served by the load balancer.
const ORIGIN_DOMAIN: &str = "origin.example.com";
/// The Route 53 hosted zone of both names (the certificates' DNS validation).
const HOSTED_ZONE_ID: &str = "Z0123456789ABCDEFGHIJ";
/// The port the web servers listen on.
const APP_PORT: u16 = 8080;

/// Adds the example's stack to `app`.
pub fn define(app: &mut App) {
    let stack =
        app.stack("three-tier-web-app").region("us-east-1").conventions(Conventions::tap("three-tier web application"));
    let sfx = stack.suffix();

    // Network: public, private (through NAT) and isolated subnets in two zones.
    let vpc = Vpc::new("Vpc").cidr("10.40.0.0/16").max_azs(2).nat_gateways(2).isolated_subnets().add_to(stack);

    // Web tier: the load balancer, its certificate and access logs.
    let origin_cert =
        Certificate::new("OriginCertificate", ORIGIN_DOMAIN).validated_in_zone(HOSTED_ZONE_ID).add_to(stack);
    let alb_logs = Bucket::new("AlbLogsBucket")
        .name(sfx.format("webapp-alb-logs-{}-${AWS::AccountId}"))
        .lifecycle(Rule::new("ExpireAccessLogs").expiration(Duration::days(90)))
        .add_to(stack);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().access_logs_to(alb_logs, "alb").add_to(stack);
    let web =
        TargetGroup::new("WebTargets", vpc, TargetProtocol::Http, APP_PORT).health_check_path("/health").add_to(stack);
    alb.add_https_listener(stack, "Https", origin_cert.arn(), web);
    alb.add_http_redirect(stack, "Http");
    WebAcl::regional("AlbFirewall").name(sfx.name("webapp-alb")).protect(alb).add_to(stack);

    // The web servers: a launch template and an Auto Scaling group in the private subnets.
    let server = LaunchTemplate::new("WebServer", vpc)
        .instance_type("t3.small")
        .machine_image(MachineImage::latest_amazon_linux())
        .user_data(
            UserData::for_linux()
                .command("dnf install -y nginx")
                .command(&format!(
                    "printf 'server {{\\n  listen {APP_PORT};\\n  location = /health {{ return 200 ok; }}\\n  \
                     root /usr/share/nginx/html;\\n}}\\n' > /etc/nginx/conf.d/app.conf"
                ))
                .command("systemctl enable --now nginx"),
        )
        .add_to(stack);
    let servers = AutoScalingGroup::new("WebServers", vpc, server).capacity(2, 6).target_group(web).add_to(stack);
    servers.scale_on_cpu(stack, "CpuScaling", 50.0);

    // Data tier: Aurora PostgreSQL in the isolated subnets, password managed by RDS.
    let db =
        DatabaseCluster::new("Database", Engine::aurora_postgresql("16.9"), vpc).database_name("app").add_to(stack);
    db.grant_secret_read(stack, &servers);

    // Who may talk to whom: load balancer -> servers on 8080, servers -> database on its port.
    alb.connections().allow_to(stack, &servers, Port::tcp(APP_PORT), "Load balancer to web servers");
    db.connections().allow_default_port_from(stack, &servers, "Web servers to the database");

    // Edge: CloudFront in front of the load balancer, with its own certificate and web ACL.
    let site_cert = Certificate::new("SiteCertificate", SITE_DOMAIN).validated_in_zone(HOSTED_ZONE_ID).add_to(stack);
    let edge_acl = WebAcl::cloudfront("EdgeFirewall").name(sfx.name("webapp-edge")).add_to(stack);
    let site = Distribution::new("Site", Origin::load_balancer(ORIGIN_DOMAIN))
        .certificate(site_cert, [SITE_DOMAIN])
        .web_acl(edge_acl)
        .comment("three-tier web application")
        .add_to(stack);

    // Operations: alarms to an encrypted topic CloudWatch may publish to, and a dashboard.
    let alerts_key = KmsKey::new("AlertsKey").allow_alarm_notifications().add_to(stack);
    let alerts = Topic::new("Alerts").name(sfx.name("webapp-alerts")).encryption(alerts_key).add_to(stack);
    let errors_5xx = MathExpression::new("FILL(elb, 0) + FILL(targets, 0)")
        .using("elb", alb.metric_elb_5xx_count())
        .using("targets", alb.metric_target_5xx_count())
        .label("5xx answers");
    let alb_5xx = Alarm::new("Alb5xxAlarm", errors_5xx.clone())
        .name(sfx.name("webapp-alb-5xx"))
        .description("The load balancer or its targets answered 5xx at least 10 times in 5 minutes")
        .greater_or_equal(10.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    let latency = Alarm::new("TargetResponseTimeAlarm", alb.metric_target_response_time())
        .name(sfx.name("webapp-target-response-time"))
        .description("The web servers took over a second on average, three 5-minute periods in a row")
        .greater_than(1.0)
        .evaluation_periods(3)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    let db_cpu = Alarm::new("DatabaseCpuAlarm", db.metric_cpu_utilization())
        .name(sfx.name("webapp-db-cpu"))
        .description("The database's CPU stayed above 80% for three 5-minute periods")
        .greater_than(80.0)
        .evaluation_periods(3)
        .action(alerts)
        .add_to(stack);
    Dashboard::new("Dashboard")
        .name(sfx.name("webapp"))
        .widget(AlarmStatusWidget::new("Alarms").alarm(alb_5xx).alarm(latency).alarm(db_cpu).width(24).height(3))
        .row([
            GraphWidget::new("Requests").left(alb.metric_request_count()).left(site.metric_requests()),
            GraphWidget::new("5xx answers").left(errors_5xx).right(site.metric_5xx_error_rate()),
            GraphWidget::new("Target response time (s)").left(alb.metric_target_response_time()),
        ])
        .row([
            GraphWidget::new("Web servers")
                .left(servers.metric_in_service_instances())
                .right(servers.metric_cpu_utilization()),
            GraphWidget::new("Database CPU (%)").left(db.metric_cpu_utilization()),
            GraphWidget::new("Database connections").left(db.metric_database_connections()),
        ])
        .add_to(stack);

    stack.output("SiteUrl", format!("https://{SITE_DOMAIN}")).description("Where viewers go");
    stack
        .output("DistributionDomainName", site.domain_name())
        .description("Point www.example.com here (CNAME or alias)");
    stack.output("LoadBalancerDnsName", alb.dns_name()).description("Point origin.example.com here (CNAME or alias)");
    stack.output("DatabaseEndpoint", db.endpoint_address()).description("The database writer's address");
    stack
        .output("DatabaseSecretArn", db.secret_arn())
        .description("The master credentials RDS keeps in Secrets Manager");
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
