//! [`ApplicationLoadBalancer`] and [`NetworkLoadBalancer`], and the handle
//! both return.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::elasticloadbalancingv2 as l1;

use super::access_logs::{self, AccessLogs};
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{Connectable, Connections, SecurityGroup, SecurityGroupRef, VpcRef};
use crate::s3::BucketRef;
use cfnkit_l1::elasticloadbalancingv2::LoadBalancerAttrs;

/// Application or network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Application,
    Network,
}

/// The settings both kinds share.
#[derive(Clone, Debug)]
struct Common {
    id: String,
    vpc: VpcRef,
    internet_facing: bool,
    removal: Option<RemovalPolicy>,
    deletion_protection: Option<bool>,
    access_logs: AccessLogs,
}

impl Common {
    fn add(self, stack: &mut Stack, kind: Kind) -> LoadBalancerRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let subnets = if self.internet_facing { self.vpc.public_subnet_ids() } else { self.vpc.private_subnet_ids() };
        if self.internet_facing && subnets.is_empty() {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::Wiring,
                    &path,
                    "internet-facing load balancer in a VPC without public subnets",
                )
                .property("Subnets")
                .allowed("Vpc::public_subnets() (or nat_gateways(n)), or an internal load balancer"),
            );
        } else if kind == Kind::Application && subnets.len() < 2 {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::ItemCount,
                    &path,
                    "an application load balancer needs subnets in two availability zones",
                )
                .property("Subnets")
                .value(subnets.len().to_string())
                .allowed("a VPC with max_azs(2) or more"),
            );
        }
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let protect = self.deletion_protection.unwrap_or(removal != RemovalPolicy::Destroy);
        let vpc = self.vpc;
        let description = match kind {
            Kind::Application => "Application load balancer: listener ports in, targets out",
            Kind::Network => "Network load balancer: listener ports in, targets out",
        };
        let sg = stack.within(scope, |s| SecurityGroup::new("SecurityGroup", vpc, description).add_to(s));
        let attr = |k: &str, v: &str| l1::LoadBalancerAttribute::new().key(k.to_string()).value(v.to_string());
        let mut attributes = vec![attr("deletion_protection.enabled", if protect { "true" } else { "false" })];
        match kind {
            Kind::Application => attributes.push(attr("routing.http.drop_invalid_header_fields.enabled", "true")),
            Kind::Network => attributes.push(attr("load_balancing.cross_zone.enabled", "true")),
        }
        if let AccessLogs::To(bucket, prefix) = &self.access_logs {
            attributes.extend(access_logs::attributes(*bucket, prefix));
        }
        let lb = l1::LoadBalancer::new()
            .type_(match kind {
                Kind::Application => "application",
                Kind::Network => "network",
            })
            .scheme(if self.internet_facing { "internet-facing" } else { "internal" })
            .subnets(subnets.into_iter().map(Value::from).collect::<Vec<_>>())
            .security_groups(vec![Value::from(sg.id())])
            .load_balancer_attributes(attributes);
        let handle = stack.within(scope, |s| s.add("Resource", lb));
        match self.access_logs {
            AccessLogs::To(bucket, prefix) => access_logs::allow_delivery(stack, &path, handle.id(), bucket, &prefix),
            AccessLogs::Off(reason) => {
                stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_91".into(), reason });
            }
            AccessLogs::Unset => {
                let reason = match kind {
                    Kind::Application => {
                        "access logs need a log bucket of their own; none was asked for (.access_logs_to(bucket, prefix))"
                    }
                    Kind::Network => "access logs need a log bucket of their own; none was asked for",
                };
                stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_91".into(), reason: reason.into() });
            }
        }
        LoadBalancerRef { handle, kind, sg, internet_facing: self.internet_facing }
    }
}

macro_rules! common_builder {
    () => {
        /// Faces the internet from the VPC's public subnets (internal, in
        /// the private subnets, by default). Listener ports are then open to
        /// `0.0.0.0/0`, and to nothing else.
        pub fn internet_facing(mut self) -> Self {
            self.common.internet_facing = true;
            self
        }
        /// Sets the removal policy (default: the stack's conventions, else
        /// Retain). Anything but Destroy turns deletion protection on.
        pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
            self.common.removal = Some(p);
            self
        }
        /// Turns deletion protection on or off, whatever the removal policy says.
        pub fn deletion_protection(mut self, on: bool) -> Self {
            self.common.deletion_protection = Some(on);
            self
        }
    };
}

/// An application load balancer.
///
/// Defaults: internal, in the VPC's private subnets
/// ([`internet_facing`](Self::internet_facing) moves it to the public ones);
/// invalid HTTP headers dropped (checkov CKV_AWS_131); deletion protection
/// on unless the removal policy is Destroy; a security group of its own
/// that admits only its listener ports and sends nothing out until
/// [`connections`](LoadBalancerRef::connections) allow it to reach targets.
/// Access logs go to a bucket when asked with
/// [`access_logs_to`](Self::access_logs_to) (the bucket-policy statement
/// Elastic Load Balancing needs is written for you); without one, checkov's
/// CKV_AWS_91 is acknowledged with that reason.
///
/// ```
/// use cfnkit::constructs::ec2::{Connectable, Port, SecurityGroup, Vpc};
/// use cfnkit::constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").public_subnets().add_to(stack);
/// let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
/// let web = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(stack);
/// alb.add_https_listener(stack, "Https", "arn:aws:acm:us-east-1:111122223333:certificate/abc", web);
/// alb.add_http_redirect(stack, "Http");
/// let instances = SecurityGroup::new("WebSg", vpc, "Web servers").add_to(stack);
/// alb.connections().allow_to(stack, &instances, Port::tcp(8080), "Load balancer to web servers");
/// ```
///
/// Access logs, into a bucket with the default SSE-S3 encryption in a
/// stack with a region:
///
/// ```
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::elasticloadbalancingv2::ApplicationLoadBalancer;
/// use cfnkit::constructs::s3::Bucket;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo").region("eu-west-1");
/// let vpc = Vpc::new("Vpc").public_subnets().add_to(stack);
/// let logs = Bucket::new("AlbLogs").add_to(stack);
/// ApplicationLoadBalancer::new("Alb", vpc).internet_facing().access_logs_to(logs, "web").add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct ApplicationLoadBalancer {
    common: Common,
}

impl ApplicationLoadBalancer {
    /// An internal application load balancer in `vpc`, with the secure defaults.
    pub fn new(id: &str, vpc: VpcRef) -> Self {
        ApplicationLoadBalancer {
            common: Common {
                id: id.to_string(),
                vpc,
                internet_facing: false,
                removal: None,
                deletion_protection: None,
                access_logs: AccessLogs::Unset,
            },
        }
    }
    common_builder!();
    /// Sends access logs to `bucket` under `prefix` (empty for none; no
    /// `AWSLogs`, no leading or trailing `/`). The bucket must be in this
    /// stack's region (which must be set) and encrypted with SSE-S3, the
    /// bucket default: ALB access logs cannot be written with SSE-KMS. Its
    /// policy gets a statement letting Elastic Load Balancing's log writer
    /// for the region put objects under `<prefix>/AWSLogs/<account>/` only,
    /// and the load balancer waits for that policy.
    pub fn access_logs_to(mut self, bucket: BucketRef, prefix: &str) -> Self {
        self.common.access_logs = AccessLogs::To(bucket, prefix.to_string());
        self
    }
    /// Leaves access logs off, saying why (checkov's CKV_AWS_91 is
    /// acknowledged with the reason).
    pub fn without_access_logs(mut self, reason: &str) -> Self {
        self.common.access_logs = AccessLogs::Off(reason.to_string());
        self
    }
    /// Adds the load balancer and its security group.
    pub fn add_to(self, stack: &mut Stack) -> LoadBalancerRef {
        self.common.add(stack, Kind::Application)
    }
}

/// A network load balancer.
///
/// Defaults: internal, in the VPC's private subnets; cross-zone load
/// balancing on; deletion protection on unless the removal policy is
/// Destroy; a security group of its own, as for an application load
/// balancer. Access logs are acknowledged as for an application load
/// balancer.
///
/// ```
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::elasticloadbalancingv2::{NetworkLoadBalancer, TargetGroup, TargetProtocol};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let nlb = NetworkLoadBalancer::new("Nlb", vpc).add_to(stack);
/// let tcp = TargetGroup::new("Service", vpc, TargetProtocol::Tcp, 9000).add_to(stack);
/// nlb.add_tcp_listener(stack, "Tcp", 9000, tcp);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct NetworkLoadBalancer {
    common: Common,
}

impl NetworkLoadBalancer {
    /// An internal network load balancer in `vpc`, with the secure defaults.
    pub fn new(id: &str, vpc: VpcRef) -> Self {
        NetworkLoadBalancer {
            common: Common {
                id: id.to_string(),
                vpc,
                internet_facing: false,
                removal: None,
                deletion_protection: None,
                access_logs: AccessLogs::Unset,
            },
        }
    }
    common_builder!();
    /// Adds the load balancer and its security group.
    pub fn add_to(self, stack: &mut Stack) -> LoadBalancerRef {
        self.common.add(stack, Kind::Network)
    }
}

/// A load balancer added to a stack: listeners, connections and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadBalancerRef {
    pub(super) handle: Handle<l1::LoadBalancer>,
    pub(super) kind: Kind,
    pub(super) sg: SecurityGroupRef,
    pub(super) internet_facing: bool,
}

impl LoadBalancerRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::LoadBalancer> {
        self.handle
    }
    /// The load balancer ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The DNS name clients resolve (`Fn::GetAtt DNSName`).
    pub fn dns_name(self) -> Expr<String> {
        self.handle.attr_dns_name()
    }
    /// The hosted zone of the DNS name, for Route 53 aliases
    /// (`Fn::GetAtt CanonicalHostedZoneID`).
    pub fn canonical_hosted_zone_id(self) -> Expr<String> {
        self.handle.attr_canonical_hosted_zone_id()
    }
    /// The name CloudWatch knows it by (`Fn::GetAtt LoadBalancerFullName`).
    pub fn full_name(self) -> Expr<String> {
        self.handle.attr_load_balancer_full_name()
    }
    /// The load balancer's own security group.
    pub fn security_group(self) -> SecurityGroupRef {
        self.sg
    }
    /// True for application load balancers.
    pub fn is_application(self) -> bool {
        self.kind == Kind::Application
    }
    /// The CloudWatch namespace: `AWS/ApplicationELB` or `AWS/NetworkELB`.
    pub fn namespace(self) -> &'static str {
        match self.kind {
            Kind::Application => "AWS/ApplicationELB",
            Kind::Network => "AWS/NetworkELB",
        }
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new(self.namespace(), name).dimension("LoadBalancer", self.full_name()).statistic(stat)
    }
    /// `RequestCount` (Sum; application load balancers).
    pub fn metric_request_count(self) -> Metric {
        self.metric("RequestCount", Statistic::Sum)
    }
    /// `HTTPCode_ELB_5XX_Count` (Sum): errors the load balancer itself answered.
    pub fn metric_elb_5xx_count(self) -> Metric {
        self.metric("HTTPCode_ELB_5XX_Count", Statistic::Sum)
    }
    /// `HTTPCode_Target_5XX_Count` (Sum): errors the targets answered.
    pub fn metric_target_5xx_count(self) -> Metric {
        self.metric("HTTPCode_Target_5XX_Count", Statistic::Sum)
    }
    /// `TargetResponseTime` (Average, seconds).
    pub fn metric_target_response_time(self) -> Metric {
        self.metric("TargetResponseTime", Statistic::Average)
    }
    /// `RejectedConnectionCount` (Sum).
    pub fn metric_rejected_connection_count(self) -> Metric {
        self.metric("RejectedConnectionCount", Statistic::Sum)
    }
    /// `ActiveFlowCount` (Average; network load balancers).
    pub fn metric_active_flow_count(self) -> Metric {
        self.metric("ActiveFlowCount", Statistic::Average)
    }
}

impl Connectable for LoadBalancerRef {
    /// The load balancer's security group (no default port: name the target port).
    fn connections(&self) -> Connections {
        Connections::new(vec![self.sg], None)
    }
}
