//! ECS on Fargate: a [`Cluster`], [`FargateTaskDefinition`]s of
//! [`Container`]s, and [`FargateService`]s in the VPC's private subnets,
//! secure by default.
//!
//! Defaults: the cluster has Container Insights on (checkov CKV_AWS_65,
//! cdk-nag AwsSolutions-ECS4). A task definition gets two roles of its own
//! (checkov CKV_AWS_249): a task role the containers' code runs as, holding
//! only what grants add, and an execution role ECS uses to start the task,
//! holding exactly what the containers need to start: pulls from the ECR
//! repositories their images name, writes to the task's log group, reads of
//! the secrets they take. Every container logs to that log group through
//! the `awslogs` driver (cdk-nag AwsSolutions-ECS7; the group has a
//! retention and the stack's log key under the hardened profile, as every
//! [`LogGroup`](crate::logs::LogGroup)), has a read-only root file system
//! (checkov CKV_AWS_336) and is never privileged. Secrets reach containers
//! as `Secrets` read by ECS at start, never as plain environment values
//! (cdk-nag AwsSolutions-ECS2). A service runs on the latest Fargate
//! platform version in the private subnets with no public IP (checkov
//! CKV_AWS_332, CKV_AWS_333), in a security group of its own that admits
//! nobody until its [`connections`](crate::ec2::Connectable::connections)
//! allow a peer and sends only HTTPS (image pulls, logs, secrets); the
//! deployment circuit breaker rolls back a failing deployment; ECS Exec is
//! off.
//!
//! Compared with AWS CDK (aws-cdk-lib `aws-ecs`): CDK leaves Container
//! Insights off, gives the execution role no log group of the program's
//! choosing unless asked, keeps logs forever, leaves root file systems
//! writable, lets the service's security group send anywhere, and leaves
//! the circuit breaker off.

mod container;
mod service;
mod task_definition;

pub use container::{Container, ContainerImage};
pub use service::{FargateService, FargateServiceRef};
pub use task_definition::{FargateTaskDefinition, TaskDefinitionRef};

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::ecs as l1;

use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::VpcRef;
use cfnkit_l1::ecs::ClusterAttrs;

/// An ECS cluster for Fargate services in a VPC.
///
/// Defaults: Container Insights on; the `FARGATE` and `FARGATE_SPOT`
/// capacity providers are not written (services name their launch type).
///
/// ```
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::ecs::Cluster;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let cluster = Cluster::new("Cluster", vpc).add_to(stack);
/// let _cpu = cluster.metric_cpu_utilization();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Cluster {
    id: String,
    vpc: VpcRef,
    name: Option<Value<String>>,
    no_insights: Option<String>,
}

impl Cluster {
    /// A cluster whose services run in `vpc`.
    pub fn new(id: &str, vpc: VpcRef) -> Self {
        Cluster { id: id.to_string(), vpc, name: None, no_insights: None }
    }
    /// Sets `ClusterName` (1 to 255 letters, digits, `-` and `_`).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Turns Container Insights off, saying why (recorded as a checkov skip
    /// of CKV_AWS_65).
    pub fn without_container_insights(mut self, reason: &str) -> Self {
        self.no_insights = Some(reason.to_string());
        self
    }

    /// Adds the cluster.
    pub fn add_to(self, stack: &mut Stack) -> ClusterRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        if let Some(Value::Lit(n)) = &self.name {
            if !valid_name(n, 255) {
                stack.report(
                    Diagnostic::error_of(DiagKind::Pattern, &path, "invalid cluster name")
                        .property("ClusterName")
                        .value(format!("{n:?}"))
                        .allowed("1 to 255 letters, digits, '-' and '_'"),
                );
            }
        }
        let insights = if self.no_insights.is_some() { "disabled" } else { "enabled" };
        let mut c = l1::Cluster::new()
            .cluster_settings(vec![l1::ClusterSettings::new().name("containerInsights").value(insights)]);
        if let Some(n) = self.name {
            c = c.cluster_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", c));
        if let Some(reason) = self.no_insights {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_65".into(), reason });
        }
        ClusterRef { handle, vpc: self.vpc }
    }
}

/// True for an ECS name: 1 to `max` letters, digits, `-` and `_`.
fn valid_name(n: &str, max: usize) -> bool {
    (1..=max).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A cluster added to a stack: its references and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterRef {
    handle: Handle<l1::Cluster>,
    vpc: VpcRef,
}

impl ClusterRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Cluster> {
        self.handle
    }
    /// The cluster name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The cluster ARN (`Fn::GetAtt Arn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The VPC its services run in.
    pub fn vpc(self) -> VpcRef {
        self.vpc
    }

    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/ECS", name).dimension("ClusterName", self.name()).statistic(Statistic::Average)
    }
    /// `CPUUtilization` of the whole cluster (Average, percent of reserved CPU).
    pub fn metric_cpu_utilization(self) -> Metric {
        self.metric("CPUUtilization")
    }
    /// `MemoryUtilization` of the whole cluster (Average, percent of reserved memory).
    pub fn metric_memory_utilization(self) -> Metric {
        self.metric("MemoryUtilization")
    }
}
