//! [`FargateService`]: tasks kept running in the VPC's private subnets,
//! optionally registered in a load balancer's target group.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::ecs as l1;

use super::task_definition::{Containers, TaskDefinitionRef};
use super::ClusterRef;
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{Connectable, Connections, Peer, Port, SecurityGroup, SecurityGroupRef};
use crate::elasticloadbalancingv2::{ForwardedBy, TargetGroupRef, TargetType};
use crate::iam::{grant, Grantable, PolicyStatement, RoleRef};
use cfnkit_l1::ecs::ServiceAttrs;

/// The most tasks one service keeps running here (ECS's quota per service).
const MAX_TASKS: u32 = 5000;

/// A Fargate service.
///
/// Defaults: one task, on the `LATEST` platform version, in the cluster
/// VPC's private subnets without a public IP; a security group of its own
/// (`<Id>SecurityGroup`) that admits nobody and sends only HTTPS
/// (`0.0.0.0/0` on 443: image pulls, logs and secrets through a NAT
/// gateway or VPC endpoints); rolling deployments that keep 100% of the
/// tasks running and start up to 200%, with the deployment circuit breaker
/// rolling a failing deployment back; ECS managed tags, and the service's
/// tags propagated to its tasks; ECS Exec off. With a target group, the
/// tasks register by IP on the port of the first container that has one,
/// health checks get a 60-second grace period, and the service waits for
/// the listeners forwarding to the group.
///
/// ```
/// use cfnkit::constructs::ec2::{Connectable, Vpc};
/// use cfnkit::constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateTaskDefinition};
/// use cfnkit::constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol, TargetType};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let cluster = Cluster::new("Cluster", vpc).add_to(stack);
/// let task = FargateTaskDefinition::new("WebTask")
///     .container(Container::new("web", ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")).port(8080))
///     .add_to(stack);
/// let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(stack);
/// let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).target_type(TargetType::Ip).add_to(stack);
/// alb.add_https_listener(stack, "Https", "arn:aws:acm:us-east-1:111122223333:certificate/abc", tg);
/// let web = FargateService::new("Web", cluster, task).desired_count(2).target_group(tg).add_to(stack);
/// web.connections().allow_default_port_from(stack, &alb, "Load balancer to the web tasks");
/// let _cpu = web.metric_cpu_utilization();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct FargateService {
    id: String,
    cluster: ClusterRef,
    task: TaskDefinitionRef,
    desired: u32,
    target_groups: Vec<TargetGroupRef>,
    name: Option<Value<String>>,
    min_healthy: u32,
    max_percent: u32,
    grace: u32,
    exec: bool,
}

impl FargateService {
    /// A service running `task` in `cluster`.
    pub fn new(id: &str, cluster: ClusterRef, task: TaskDefinitionRef) -> Self {
        FargateService {
            id: id.to_string(),
            cluster,
            task,
            desired: 1,
            target_groups: Vec::new(),
            name: None,
            min_healthy: 100,
            max_percent: 200,
            grace: 60,
            exec: false,
        }
    }
    /// Sets how many tasks run (1 by default; an autoscaling target changes
    /// it afterwards).
    pub fn desired_count(mut self, n: u32) -> Self {
        self.desired = n;
        self
    }
    /// Registers the tasks in `target` (its target type must be
    /// [`TargetType::Ip`]), on the port of the first container that has one.
    pub fn target_group(mut self, target: TargetGroupRef) -> Self {
        self.target_groups.push(target);
        self
    }
    /// Sets `ServiceName` (1 to 255 letters, digits, `-` and `_`).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the share of tasks kept running during a deployment and the most
    /// started (percent of the desired count; 100 and 200 by default).
    pub fn deployment(mut self, min_healthy_percent: u32, max_percent: u32) -> Self {
        self.min_healthy = min_healthy_percent;
        self.max_percent = max_percent;
        self
    }
    /// Sets how long load balancer health checks are ignored after a task
    /// starts (60 seconds by default; with a target group only).
    pub fn health_check_grace_period(mut self, seconds: u32) -> Self {
        self.grace = seconds;
        self
    }
    /// Turns ECS Exec on (a shell in running containers through Systems
    /// Manager): the task role may open Session Manager channels.
    pub fn enable_execute_command(mut self) -> Self {
        self.exec = true;
        self
    }

    fn check(&self, path: &str, stack: &mut Stack, containers: Option<&Containers>) {
        let mut out = Vec::new();
        if self.desired > MAX_TASKS {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "desired count above the service quota")
                    .property("DesiredCount")
                    .value(self.desired.to_string())
                    .allowed(format!("0 to {MAX_TASKS}")),
            );
        }
        if self.min_healthy > 100 || self.max_percent < 100 || self.max_percent <= self.min_healthy {
            out.push(
                Diagnostic::error_of(DiagKind::Conflict, path, "deployment cannot replace tasks")
                    .property("DeploymentConfiguration")
                    .value(format!("minimum healthy {}%, maximum {}%", self.min_healthy, self.max_percent))
                    .allowed("minimum healthy 0 to 100, maximum at least 100 and above the minimum"),
            );
        }
        if self.cluster.vpc().private_subnet_ids().is_empty() {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "VPC without private subnets")
                    .property("NetworkConfiguration.AwsvpcConfiguration.Subnets")
                    .allowed("a VPC with private subnets"),
            );
        }
        if let Some(Value::Lit(n)) = &self.name {
            if !super::valid_name(n, 255) {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid service name")
                        .property("ServiceName")
                        .value(format!("{n:?}"))
                        .allowed("1 to 255 letters, digits, '-' and '_'"),
                );
            }
        }
        if !self.target_groups.is_empty() {
            if containers.and_then(Containers::default_port).is_none() {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "target group for a task without a port")
                        .property("LoadBalancers.ContainerPort")
                        .allowed("a container with .port(n) in the task definition"),
                );
            }
            if self.grace > 2_147_483_647 {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "health-check grace period out of range")
                        .property("HealthCheckGracePeriodSeconds")
                        .value(self.grace.to_string())
                        .allowed("0 to 2147483647 seconds"),
                );
            }
        }
        for tg in &self.target_groups {
            if tg.target_type() != TargetType::Ip {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "target group registers instances")
                        .property("LoadBalancers.TargetGroupArn")
                        .value("instance")
                        .allowed("a target group with .target_type(TargetType::Ip): Fargate tasks register by IP"),
                );
            }
            if stack.fact::<ForwardedBy>(tg.handle().id()).is_none_or(|f| f.0.is_empty()) {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "target group without a listener")
                        .property("LoadBalancers.TargetGroupArn")
                        .allowed(
                            "a listener or listener rule forwarding to the target group, added before the service \
                             (ECS refuses a target group no load balancer uses)",
                        ),
                );
            }
        }
        for d in out {
            stack.report(d);
        }
    }

    /// Adds the service and its security group.
    pub fn add_to(self, stack: &mut Stack) -> FargateServiceRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let containers: Option<Containers> = stack.fact(self.task.handle().id());
        self.check(&path, stack, containers.as_ref());
        let target = containers.as_ref().and_then(Containers::default_port);
        let vpc = self.cluster.vpc();
        let sg = stack.within(scope, |s| {
            SecurityGroup::new("SecurityGroup", vpc, "Tasks of an ECS service")
                .allow_to(Peer::cidr("0.0.0.0/0"), Port::tcp(443), "HTTPS to AWS APIs: image pulls, logs, secrets")
                .add_to(s)
        });
        let mut svc = l1::Service::new()
            .cluster(Value::from(self.cluster.name()))
            .task_definition(Value::from(self.task.arn()))
            .launch_type("FARGATE")
            .platform_version("LATEST")
            .desired_count(i64::from(self.desired))
            .deployment_configuration(
                l1::DeploymentConfiguration::new()
                    .deployment_circuit_breaker(l1::DeploymentCircuitBreaker::new(true, true))
                    .minimum_healthy_percent(i64::from(self.min_healthy))
                    .maximum_percent(i64::from(self.max_percent)),
            )
            .network_configuration(
                l1::NetworkConfiguration::new().awsvpc_configuration(
                    l1::AwsVpcConfiguration::new()
                        .assign_public_ip("DISABLED")
                        .subnets(vpc.private_subnet_ids().into_iter().map(Value::from).collect::<Vec<_>>())
                        .security_groups(vec![Value::from(sg.id())]),
                ),
            )
            .enable_ecs_managed_tags(true)
            .propagate_tags("SERVICE")
            .enable_execute_command(self.exec);
        if let (false, Some((container, port))) = (self.target_groups.is_empty(), &target) {
            svc = svc.health_check_grace_period_seconds(i64::from(self.grace)).load_balancers(
                self.target_groups
                    .iter()
                    .map(|tg| {
                        l1::LoadBalancer::new()
                            .target_group_arn(Value::from(tg.arn()))
                            .container_name(container.clone())
                            .container_port(i64::from(*port))
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(n) = self.name {
            svc = svc.service_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", svc));
        for tg in &self.target_groups {
            for by in stack.fact::<ForwardedBy>(tg.handle().id()).map(|f| f.0).unwrap_or_default() {
                stack.add_dependency(handle.id(), by);
            }
        }
        if self.exec {
            grant(
                stack,
                &self.task,
                PolicyStatement::allow()
                    .actions([
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ])
                    .resource("*"),
            );
        }
        FargateServiceRef { handle, cluster: self.cluster, task: self.task, sg, port: target.map(|(_, p)| p) }
    }
}

/// A Fargate service added to a stack: connections, grants (to its task
/// role) and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FargateServiceRef {
    handle: Handle<l1::Service>,
    cluster: ClusterRef,
    task: TaskDefinitionRef,
    sg: SecurityGroupRef,
    port: Option<u16>,
}

impl FargateServiceRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Service> {
        self.handle
    }
    /// The service ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The service name (`Fn::GetAtt Name`).
    pub fn name(self) -> Expr<String> {
        self.handle.attr_name()
    }
    /// The cluster it runs in.
    pub fn cluster(self) -> ClusterRef {
        self.cluster
    }
    /// The task definition it runs.
    pub fn task_definition(self) -> TaskDefinitionRef {
        self.task
    }
    /// The tasks' security group.
    pub fn security_group(self) -> SecurityGroupRef {
        self.sg
    }

    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/ECS", name)
            .dimension("ClusterName", self.cluster.name())
            .dimension("ServiceName", self.name())
            .statistic(Statistic::Average)
    }
    /// `CPUUtilization` of the service's tasks (Average, percent of the task CPU).
    pub fn metric_cpu_utilization(self) -> Metric {
        self.metric("CPUUtilization")
    }
    /// `MemoryUtilization` of the service's tasks (Average, percent of the task memory).
    pub fn metric_memory_utilization(self) -> Metric {
        self.metric("MemoryUtilization")
    }
}

impl Connectable for FargateServiceRef {
    /// The tasks' security group, listening on the load-balanced container port.
    fn connections(&self) -> Connections {
        Connections::new(vec![self.sg], self.port.map(Port::tcp))
    }
}

impl Grantable for FargateServiceRef {
    /// The task role.
    fn grant_role(&self) -> RoleRef {
        self.task.task_role()
    }
}
