//! Auto Scaling: [`AutoScalingGroup`] over a launch template in the VPC's
//! private subnets, with target-tracking, step and scheduled scaling.
//!
//! Defaults: 1 to 2 instances in the private subnets; ELB health checks
//! (grace period 300 seconds) as soon as the group serves a target group,
//! EC2 health checks otherwise; group metrics collected every minute;
//! instance refreshes keep at least 90% of capacity healthy; the instances'
//! security group and role come from the launch template, so
//! [`connections`](crate::ec2::Connectable::connections) and grants on the
//! group act on them.
//!
//! Compared with AWS CDK (aws-cdk-lib `aws-autoscaling`): CDK defaults to
//! EC2 health checks even behind a load balancer and creates a security
//! group that sends anywhere; cfnkit switches to ELB health checks when a
//! target group is attached and sends only what connections allow.
//! CDK writes no `UpdatePolicy` unless asked; here a change of the launch
//! template replaces instances by rolling update (see [`RollingUpdate`]),
//! and stack updates leave the sizes scheduled actions set alone.

mod rolling;
mod scaling;

pub use rolling::RollingUpdate;
pub use scaling::StepScaling;

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::autoscaling as l1;

use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{Connectable, Connections, LaunchTemplateRef, VpcRef};
use crate::elasticloadbalancingv2::TargetGroupRef;
use crate::iam::{Grantable, RoleRef};

/// The most target groups one group serves here.
const MAX_TARGET_GROUPS: usize = 4;

/// An Auto Scaling group.
///
/// ```
/// use cfnkit::constructs::autoscaling::AutoScalingGroup;
/// use cfnkit::constructs::ec2::{Connectable, LaunchTemplate, Port, Vpc};
/// use cfnkit::constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
/// let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(stack);
/// alb.add_https_listener(stack, "Https", "arn:aws:acm:us-east-1:111122223333:certificate/abc", tg);
/// let lt = LaunchTemplate::new("WebLt", vpc).add_to(stack);
/// let asg = AutoScalingGroup::new("WebAsg", vpc, lt).capacity(2, 6).target_group(tg).add_to(stack);
/// alb.connections().allow_to(stack, &asg, Port::tcp(8080), "Load balancer to web servers");
/// asg.scale_on_cpu(stack, "Cpu", 50.0);
/// asg.scale_on_request_count(stack, "Requests", alb, tg, 1000.0);
/// asg.scale_on_schedule(stack, "Night", "0 22 * * *", Some(1), Some(2));
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct AutoScalingGroup {
    id: String,
    vpc: VpcRef,
    template: LaunchTemplateRef,
    min: u32,
    max: u32,
    desired: Option<u32>,
    target_groups: Vec<TargetGroupRef>,
    grace: u32,
    rolling: Option<RollingUpdate>,
}

impl AutoScalingGroup {
    /// A group of instances started from `template` in `vpc`'s private subnets.
    pub fn new(id: &str, vpc: VpcRef, template: LaunchTemplateRef) -> Self {
        AutoScalingGroup {
            id: id.to_string(),
            vpc,
            template,
            min: 1,
            max: 2,
            desired: None,
            target_groups: Vec::new(),
            grace: 300,
            rolling: Some(RollingUpdate::new()),
        }
    }
    /// Sets the minimum and maximum number of instances (1 and 2 by default).
    pub fn capacity(mut self, min: u32, max: u32) -> Self {
        self.min = min;
        self.max = max;
        self
    }
    /// Sets the desired number of instances (left to scaling by default:
    /// a fixed desired capacity is reset on every stack update).
    pub fn desired(mut self, n: u32) -> Self {
        self.desired = Some(n);
        self
    }
    /// Registers the instances with `target` and switches to ELB health checks.
    pub fn target_group(mut self, target: TargetGroupRef) -> Self {
        self.target_groups.push(target);
        self
    }
    /// Sets the health-check grace period (300 seconds by default).
    pub fn health_check_grace_period(mut self, seconds: u32) -> Self {
        self.grace = seconds;
        self
    }

    /// Replaces instances on a launch-template change as `update` says
    /// (by default one at a time, keeping `min(MinSize, MaxSize - 1)` in
    /// service, pausing for the health-check grace period).
    pub fn rolling_update(mut self, update: RollingUpdate) -> Self {
        self.rolling = Some(update);
        self
    }
    /// Writes no rolling-update policy: a launch-template change then
    /// reaches only instances launched afterwards (or an instance refresh).
    pub fn without_rolling_update(mut self) -> Self {
        self.rolling = None;
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        if let Some(r) = &self.rolling {
            r.check(path, self.max, stack);
        }
        if self.min > self.max || self.max == 0 {
            stack.report(
                Diagnostic::error_of(
                    if self.max == 0 { DiagKind::OutOfRange } else { DiagKind::Conflict },
                    path,
                    "minimum above maximum capacity",
                )
                .property("MinSize")
                .value(format!("{} to {}", self.min, self.max))
                .allowed("0 <= MinSize <= MaxSize, MaxSize at least 1"),
            );
        }
        if let Some(d) = self.desired {
            if d < self.min || d > self.max {
                stack.report(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "desired capacity outside min and max")
                        .property("DesiredCapacity")
                        .value(d.to_string())
                        .allowed(format!("{} to {}", self.min, self.max)),
                );
            }
        }
        if self.target_groups.len() > MAX_TARGET_GROUPS {
            stack.report(
                Diagnostic::error_of(DiagKind::ItemCount, path, "too many target groups")
                    .property("TargetGroupARNs")
                    .value(self.target_groups.len().to_string())
                    .allowed(format!("at most {MAX_TARGET_GROUPS}")),
            );
        }
        if self.vpc.private_subnet_ids().is_empty() {
            stack.report(
                Diagnostic::error_of(DiagKind::Wiring, path, "VPC without private subnets")
                    .property("VPCZoneIdentifier"),
            );
        }
    }

    /// Adds the group.
    pub fn add_to(self, stack: &mut Stack) -> AutoScalingGroupRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let elb = !self.target_groups.is_empty();
        let mut g = l1::AutoScalingGroup::new(self.max.to_string(), self.min.to_string())
            .launch_template(
                l1::LaunchTemplateSpecification::new(Value::from(self.template.latest_version()))
                    .launch_template_id(Value::from(self.template.id())),
            )
            .vpc_zone_identifier(self.vpc.private_subnet_ids().into_iter().map(Value::from).collect::<Vec<_>>())
            .health_check_type(if elb { "ELB" } else { "EC2" })
            .health_check_grace_period(i64::from(self.grace))
            .metrics_collection(vec![l1::MetricsCollection::new("1Minute")])
            .instance_maintenance_policy(
                l1::InstanceMaintenancePolicy::new().min_healthy_percentage(90).max_healthy_percentage(110),
            );
        if let Some(d) = self.desired {
            g = g.desired_capacity(d.to_string());
        }
        if elb {
            g = g.target_group_ar_ns(self.target_groups.iter().map(|t| Value::from(t.arn())).collect::<Vec<_>>());
        }
        let handle = stack.within(scope, |s| s.add("Resource", g));
        let policy = rolling::update_policy(self.rolling.as_ref(), self.min, self.max, self.grace);
        stack.set_resource_attribute(handle.id(), "UpdatePolicy", policy);
        AutoScalingGroupRef { handle, template: self.template }
    }
}

/// An Auto Scaling group added to a stack: scaling, connections, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoScalingGroupRef {
    handle: Handle<l1::AutoScalingGroup>,
    template: LaunchTemplateRef,
}

impl AutoScalingGroupRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::AutoScalingGroup> {
        self.handle
    }
    /// The group name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The launch template its instances start from.
    pub fn launch_template(self) -> LaunchTemplateRef {
        self.template
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/AutoScaling", name).dimension("AutoScalingGroupName", self.name()).statistic(stat)
    }
    /// `GroupInServiceInstances` (Average).
    pub fn metric_in_service_instances(self) -> Metric {
        self.metric("GroupInServiceInstances", Statistic::Average)
    }
    /// `GroupDesiredCapacity` (Average).
    pub fn metric_desired_capacity(self) -> Metric {
        self.metric("GroupDesiredCapacity", Statistic::Average)
    }
    /// `CPUUtilization` of the group's instances (Average, `AWS/EC2`).
    pub fn metric_cpu_utilization(self) -> Metric {
        Metric::new("AWS/EC2", "CPUUtilization")
            .dimension("AutoScalingGroupName", self.name())
            .statistic(Statistic::Average)
    }
}

impl Grantable for AutoScalingGroupRef {
    /// The instances' role.
    fn grant_role(&self) -> RoleRef {
        self.template.role()
    }
}

impl Connectable for AutoScalingGroupRef {
    /// The instances' security group.
    fn connections(&self) -> Connections {
        self.template.connections()
    }
}
