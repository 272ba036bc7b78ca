//! [`TargetGroup`]: where a listener sends requests, with a health check.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{ResourceId, Stack};
use cfnkit_l1::elasticloadbalancingv2 as l1;

use super::load_balancer::LoadBalancerRef;
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::VpcRef;
use cfnkit_l1::elasticloadbalancingv2::TargetGroupAttrs;

/// The protocol targets speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetProtocol {
    /// `HTTP` (application load balancers; TLS ends at the load balancer).
    Http,
    /// `HTTPS` (application load balancers, re-encrypting to the targets).
    Https,
    /// `TCP` (network load balancers).
    Tcp,
    /// `TLS` (network load balancers).
    Tls,
}

impl TargetProtocol {
    fn name(self) -> &'static str {
        match self {
            TargetProtocol::Http => "HTTP",
            TargetProtocol::Https => "HTTPS",
            TargetProtocol::Tcp => "TCP",
            TargetProtocol::Tls => "TLS",
        }
    }
    fn is_http(self) -> bool {
        matches!(self, TargetProtocol::Http | TargetProtocol::Https)
    }
}

/// What a target group's members are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TargetType {
    /// EC2 instances, registered by an Auto Scaling group (the default).
    #[default]
    Instance,
    /// IP addresses (Fargate tasks).
    Ip,
}

/// A target group.
///
/// Defaults: targets are instances; the health check asks `GET /` over the
/// target protocol every 30 seconds and expects `200`, with 5 seconds to
/// answer, 2 successes to turn healthy and 3 failures to turn unhealthy;
/// deregistration waits 60 seconds for requests in flight (ELB's default is
/// 300).
///
/// ```
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::elasticloadbalancingv2::{TargetGroup, TargetProtocol};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let web = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).health_check_path("/health").add_to(stack);
/// let _arn = web.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct TargetGroup {
    id: String,
    vpc: VpcRef,
    protocol: TargetProtocol,
    port: u16,
    target_type: TargetType,
    path: String,
    interval: u32,
    timeout: u32,
    healthy: u32,
    unhealthy: u32,
    matcher: String,
    deregistration_delay: u32,
}

impl TargetGroup {
    /// A group of targets in `vpc` listening on `port` with `protocol`.
    pub fn new(id: &str, vpc: VpcRef, protocol: TargetProtocol, port: u16) -> Self {
        TargetGroup {
            id: id.to_string(),
            vpc,
            protocol,
            port,
            target_type: TargetType::Instance,
            path: "/".into(),
            interval: 30,
            timeout: 5,
            healthy: 2,
            unhealthy: 3,
            matcher: "200".into(),
            deregistration_delay: 60,
        }
    }
    /// Sets what the targets are (instances by default).
    pub fn target_type(mut self, t: TargetType) -> Self {
        self.target_type = t;
        self
    }
    /// Sets the health-check path (`/` by default; HTTP and HTTPS only).
    pub fn health_check_path(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }
    /// Sets the health-check interval (5 to 300 seconds; 30 by default).
    pub fn health_check_interval(mut self, seconds: u32) -> Self {
        self.interval = seconds;
        self
    }
    /// Sets the HTTP codes a healthy target answers (`200`, `200-299`, `200,301`).
    pub fn healthy_http_codes(mut self, codes: &str) -> Self {
        self.matcher = codes.to_string();
        self
    }
    /// Sets how many checks in a row turn a target healthy and unhealthy (2 to 10 each).
    pub fn thresholds(mut self, healthy: u32, unhealthy: u32) -> Self {
        self.healthy = healthy;
        self.unhealthy = unhealthy;
        self
    }
    /// Sets how long deregistration waits for requests in flight (0 to 3,600 seconds; 60 by default).
    pub fn deregistration_delay(mut self, seconds: u32) -> Self {
        self.deregistration_delay = seconds;
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut out = Vec::new();
        if self.port == 0 {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "target port")
                    .property("Port")
                    .value("0")
                    .allowed("1 to 65535"),
            );
        }
        if !(5..=300).contains(&self.interval) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "health-check interval out of range")
                    .property("HealthCheckIntervalSeconds")
                    .value(self.interval.to_string())
                    .allowed("5 to 300 seconds"),
            );
        }
        if self.timeout >= self.interval {
            out.push(
                Diagnostic::error_of(DiagKind::Conflict, path, "health-check timeout not below the interval")
                    .property("HealthCheckTimeoutSeconds")
                    .value(self.timeout.to_string())
                    .allowed(format!("less than the interval ({} seconds)", self.interval)),
            );
        }
        for (prop, n) in [("HealthyThresholdCount", self.healthy), ("UnhealthyThresholdCount", self.unhealthy)] {
            if !(2..=10).contains(&n) {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "health-check threshold out of range")
                        .property(prop)
                        .value(n.to_string())
                        .allowed("2 to 10"),
                );
            }
        }
        if self.protocol.is_http() && !self.path.starts_with('/') {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "health-check path must start with /")
                    .property("HealthCheckPath")
                    .value(format!("{:?}", self.path))
                    .allowed("a path such as /health"),
            );
        }
        let codes_ok = !self.matcher.is_empty()
            && self.matcher.split(',').all(|part| {
                part.split('-').all(|c| c.len() == 3 && c.parse::<u16>().is_ok_and(|n| (200..=499).contains(&n)))
            });
        if self.protocol.is_http() && !codes_ok {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "healthy HTTP codes")
                    .property("Matcher.HttpCode")
                    .value(format!("{:?}", self.matcher))
                    .allowed("codes 200 to 499: 200, 200-299 or 200,301"),
            );
        }
        if self.deregistration_delay > 3600 {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "deregistration delay out of range")
                    .property("TargetGroupAttributes.deregistration_delay.timeout_seconds")
                    .value(self.deregistration_delay.to_string())
                    .allowed("0 to 3600 seconds"),
            );
        }
        for d in out {
            stack.report(d);
        }
    }

    /// Adds the target group.
    pub fn add_to(self, stack: &mut Stack) -> TargetGroupRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let mut g = l1::TargetGroup::new()
            .vpc_id(Value::from(self.vpc.id()))
            .port(i64::from(self.port))
            .protocol(self.protocol.name())
            .target_type(match self.target_type {
                TargetType::Instance => "instance",
                TargetType::Ip => "ip",
            })
            .health_check_enabled(true)
            .health_check_interval_seconds(i64::from(self.interval))
            .health_check_timeout_seconds(i64::from(self.timeout))
            .healthy_threshold_count(i64::from(self.healthy))
            .unhealthy_threshold_count(i64::from(self.unhealthy))
            .target_group_attributes(vec![l1::TargetGroupAttribute::new()
                .key("deregistration_delay.timeout_seconds")
                .value(self.deregistration_delay.to_string())]);
        if self.protocol.is_http() {
            g = g
                .health_check_protocol(self.protocol.name())
                .health_check_path(self.path.clone())
                .matcher(l1::Matcher::new().http_code(self.matcher.clone()));
        }
        let handle = stack.within(scope, |s| s.add("Resource", g));
        TargetGroupRef { handle, port: self.port, http: self.protocol.is_http(), target_type: self.target_type }
    }
}

/// A target group added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetGroupRef {
    handle: Handle<l1::TargetGroup>,
    port: u16,
    http: bool,
    target_type: TargetType,
}

/// The listeners and rules forwarding to a target group (a fact of the
/// target group's resource): a service registering targets in it must be
/// created after them, or ECS finds no load balancer behind the group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ForwardedBy(pub(crate) Vec<ResourceId>);

/// Records that `by` (a listener or listener rule) forwards to `target`,
/// when both are resources of this stack.
pub(super) fn record_forwarder(stack: &mut Stack, target: TargetGroupRef, by: ResourceId) {
    let tg = target.handle.id();
    if stack.resource_type(tg).is_none() || stack.resource_type(by).is_none() {
        return;
    }
    let mut f: ForwardedBy = stack.fact(tg).unwrap_or_default();
    if !f.0.contains(&by) {
        f.0.push(by);
    }
    stack.record_fact(tg, f);
}

impl TargetGroupRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::TargetGroup> {
        self.handle
    }
    /// The target group ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The name CloudWatch knows it by (`Fn::GetAtt TargetGroupFullName`).
    pub fn full_name(self) -> Expr<String> {
        self.handle.attr_target_group_full_name()
    }
    /// The port the targets listen on.
    pub fn port(self) -> u16 {
        self.port
    }
    /// True for HTTP and HTTPS groups (application load balancers).
    pub fn is_http(self) -> bool {
        self.http
    }
    /// What the group's members are (instances or IP addresses).
    pub fn target_type(self) -> TargetType {
        self.target_type
    }

    fn metric(self, lb: LoadBalancerRef, name: &str, stat: Statistic) -> Metric {
        Metric::new(lb.namespace(), name)
            .dimension("TargetGroup", self.full_name())
            .dimension("LoadBalancer", lb.full_name())
            .statistic(stat)
    }
    /// `HealthyHostCount` behind `lb` (Minimum).
    pub fn metric_healthy_host_count(self, lb: LoadBalancerRef) -> Metric {
        self.metric(lb, "HealthyHostCount", Statistic::Minimum)
    }
    /// `UnHealthyHostCount` behind `lb` (Maximum).
    pub fn metric_unhealthy_host_count(self, lb: LoadBalancerRef) -> Metric {
        self.metric(lb, "UnHealthyHostCount", Statistic::Maximum)
    }
    /// `RequestCountPerTarget` behind `lb` (Sum; application load balancers).
    pub fn metric_request_count_per_target(self, lb: LoadBalancerRef) -> Metric {
        self.metric(lb, "RequestCountPerTarget", Statistic::Sum)
    }
    /// `TargetResponseTime` behind `lb` (Average, seconds; application load balancers).
    pub fn metric_target_response_time(self, lb: LoadBalancerRef) -> Metric {
        self.metric(lb, "TargetResponseTime", Statistic::Average)
    }
}
