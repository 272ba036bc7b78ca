//! Application Auto Scaling: a [`ScalableTarget`] (the task count of an
//! ECS service, the read or write capacity of a provisioned DynamoDB table
//! or index) with target-tracking policies.
//!
//! Defaults: no `RoleARN`, so Application Auto Scaling uses its
//! service-linked role for the namespace
//! (`AWSServiceRoleForApplicationAutoScaling_ECSService`,
//! `..._DynamoDBTable`), created by AWS on first use: no role to
//! over-grant. Minimum and maximum capacities are required and checked
//! (minimum at most the maximum, the maximum at least 1, DynamoDB
//! capacities at least 1); a policy on a metric the target does not have
//! (memory of a table, read utilization of a service) is an error, not a
//! policy that never fires. Cooldowns are the service's defaults.
//!
//! Compared with AWS CDK (aws-cdk-lib `aws-applicationautoscaling`): the
//! same service-linked role; CDK accepts an on-demand table and writes a
//! target that fails at deployment, cfnkit refuses it.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_l1::applicationautoscaling as l1;

use crate::dynamodb::TableRef;
use crate::ecs::FargateServiceRef;
use crate::elasticloadbalancingv2::{LoadBalancerRef, TargetGroupRef};

/// The most tasks a service scales to here (ECS's quota per service).
const MAX_TASKS: u32 = 5000;

/// What a scalable target scales.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The desired task count of an ECS service.
    EcsService,
    /// Read capacity units of a table or index.
    DynamoRead,
    /// Write capacity units of a table or index.
    DynamoWrite,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::EcsService => "an ECS service",
            Kind::DynamoRead => "DynamoDB read capacity",
            Kind::DynamoWrite => "DynamoDB write capacity",
        }
    }
}

#[derive(Clone, Debug)]
enum Resource {
    Service(FargateServiceRef),
    Table { table: TableRef, write: bool, index: Option<String> },
}

/// A scalable target: what Application Auto Scaling scales, between a
/// minimum and a maximum capacity.
///
/// ```
/// use cfnkit::constructs::applicationautoscaling::ScalableTarget;
/// use cfnkit::constructs::dynamodb::{Billing, Key, Table};
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateTaskDefinition};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let cluster = Cluster::new("Cluster", vpc).add_to(stack);
/// let task = FargateTaskDefinition::new("WorkerTask")
///     .container(Container::new("worker", ContainerImage::ecr("shop/worker", "2.0.1")))
///     .add_to(stack);
/// let worker = FargateService::new("Worker", cluster, task).desired_count(2).add_to(stack);
/// let tasks = ScalableTarget::ecs_service("WorkerScaling", worker, 2, 10).add_to(stack);
/// tasks.scale_on_cpu(stack, "Cpu", 60.0);
/// tasks.scale_on_memory(stack, "Memory", 75.0);
///
/// let orders = Table::new("Orders", Key::string("id")).billing(Billing::Provisioned { read: 5, write: 5 }).add_to(stack);
/// let reads = ScalableTarget::table_reads("OrdersReads", orders, 5, 100).add_to(stack);
/// reads.scale_on_utilization(stack, "Utilization", 70.0);
/// assert!(app.synth().is_ok());
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct ScalableTarget {
    id: String,
    resource: Resource,
    min: u32,
    max: u32,
}

impl ScalableTarget {
    /// The desired task count of `service`, kept between `min` and `max`.
    pub fn ecs_service(id: &str, service: FargateServiceRef, min: u32, max: u32) -> Self {
        ScalableTarget { id: id.to_string(), resource: Resource::Service(service), min, max }
    }
    /// The read capacity units of the provisioned `table`, between `min` and `max`.
    pub fn table_reads(id: &str, table: TableRef, min: u32, max: u32) -> Self {
        ScalableTarget { id: id.to_string(), resource: Resource::Table { table, write: false, index: None }, min, max }
    }
    /// The write capacity units of the provisioned `table`, between `min` and `max`.
    pub fn table_writes(id: &str, table: TableRef, min: u32, max: u32) -> Self {
        ScalableTarget { id: id.to_string(), resource: Resource::Table { table, write: true, index: None }, min, max }
    }
    /// The read capacity units of the global secondary index `index` of the
    /// provisioned `table`, between `min` and `max`.
    pub fn index_reads(id: &str, table: TableRef, index: &str, min: u32, max: u32) -> Self {
        let resource = Resource::Table { table, write: false, index: Some(index.to_string()) };
        ScalableTarget { id: id.to_string(), resource, min, max }
    }
    /// The write capacity units of the global secondary index `index` of
    /// the provisioned `table`, between `min` and `max`.
    pub fn index_writes(id: &str, table: TableRef, index: &str, min: u32, max: u32) -> Self {
        let resource = Resource::Table { table, write: true, index: Some(index.to_string()) };
        ScalableTarget { id: id.to_string(), resource, min, max }
    }

    fn kind(&self) -> Kind {
        match &self.resource {
            Resource::Service(_) => Kind::EcsService,
            Resource::Table { write: false, .. } => Kind::DynamoRead,
            Resource::Table { write: true, .. } => Kind::DynamoWrite,
        }
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut out = Vec::new();
        let floor = if self.kind() == Kind::EcsService { 0 } else { 1 };
        if self.min > self.max || self.max == 0 || self.min < floor {
            out.push(
                Diagnostic::error_of(DiagKind::Conflict, path, "minimum capacity above the maximum")
                    .property("MinCapacity")
                    .value(format!("{} to {}", self.min, self.max))
                    .allowed(format!("{floor} <= MinCapacity <= MaxCapacity, MaxCapacity at least 1")),
            );
        }
        match &self.resource {
            Resource::Service(_) => {
                if self.max > MAX_TASKS {
                    out.push(
                        Diagnostic::error_of(DiagKind::OutOfRange, path, "maximum above the tasks a service runs")
                            .property("MaxCapacity")
                            .value(self.max.to_string())
                            .allowed(format!("1 to {MAX_TASKS} tasks")),
                    );
                }
            }
            Resource::Table { table, index, .. } => {
                if !table.is_provisioned() {
                    out.push(
                        Diagnostic::error_of(DiagKind::Wiring, path, "scaling the capacity of an on-demand table")
                            .property("ScalableDimension")
                            .value("PAY_PER_REQUEST")
                            .allowed("a table with Billing::Provisioned { read, write }"),
                    );
                }
                if let Some(i) = index {
                    if i.len() < 3 || i.len() > 255 {
                        out.push(
                            Diagnostic::error_of(DiagKind::Length, path, "invalid index name")
                                .property("ResourceId")
                                .value(format!("{i:?}"))
                                .allowed("the name of one of the table's global secondary indexes (3 to 255 characters)"),
                        );
                    }
                }
            }
        }
        for d in out {
            stack.report(d);
        }
    }

    /// Adds the scalable target.
    pub fn add_to(self, stack: &mut Stack) -> ScalableTargetRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let kind = self.kind();
        let (namespace, dimension, resource_id): (&str, &str, Expr<String>) = match &self.resource {
            Resource::Service(svc) => (
                "ecs",
                "ecs:service:DesiredCount",
                fns::join("/", [Token::from("service"), Token::from(svc.cluster().name()), Token::from(svc.name())]),
            ),
            Resource::Table { table, write, index } => {
                let dim = match (index.is_some(), write) {
                    (false, false) => "dynamodb:table:ReadCapacityUnits",
                    (false, true) => "dynamodb:table:WriteCapacityUnits",
                    (true, false) => "dynamodb:index:ReadCapacityUnits",
                    (true, true) => "dynamodb:index:WriteCapacityUnits",
                };
                let mut parts = vec![Token::from("table"), Token::from(table.name())];
                if let Some(i) = index {
                    parts.push(Token::from("index"));
                    parts.push(Token::from(i.as_str()));
                }
                ("dynamodb", dim, fns::join("/", parts))
            }
        };
        let target = l1::ScalableTarget::new(
            i64::from(self.max),
            i64::from(self.min),
            Value::from(resource_id),
            dimension,
            namespace,
        );
        let handle = stack.within(scope, |s| s.add("Resource", target));
        ScalableTargetRef { handle, kind }
    }
}

/// A scalable target added to a stack: its scaling policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScalableTargetRef {
    handle: Handle<l1::ScalableTarget>,
    kind: Kind,
}

impl ScalableTargetRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::ScalableTarget> {
        self.handle
    }
    /// The scalable target's id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }

    fn scope(self, stack: &Stack) -> Option<NodeId> {
        stack.node_of(self.handle.id()).and_then(|n| stack.parent_of(n))
    }

    /// Adds a target-tracking policy `<Target><Id>` on `metric`, after
    /// checking it applies to this target and `target` is in `range`.
    fn track(
        self,
        stack: &mut Stack,
        id: &str,
        metric: l1::PredefinedMetricSpecification,
        target: f64,
        kinds: &[Kind],
        range: (f64, f64),
    ) {
        let Some(scope) = self.scope(stack) else { return };
        let path = format!("{}/{id}", stack.path_of_node(scope).unwrap_or_default());
        let name = match &metric.predefined_metric_type {
            Value::Lit(n) => n.clone(),
            Value::Expr(_) => String::new(),
        };
        if !kinds.contains(&self.kind) {
            stack.report(
                Diagnostic::error_of(DiagKind::Wiring, &path, format!("metric not available for {}", self.kind.label()))
                    .property("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification")
                    .value(name)
                    .allowed(match self.kind {
                        Kind::EcsService => "scale_on_cpu, scale_on_memory or scale_on_request_count",
                        Kind::DynamoRead | Kind::DynamoWrite => "scale_on_utilization",
                    }),
            );
            return;
        }
        if !(target.is_finite() && target >= range.0 && target <= range.1) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, &path, "target value out of range")
                    .property("TargetTrackingScalingPolicyConfiguration.TargetValue")
                    .value(target.to_string())
                    .allowed(if range.1.is_finite() {
                        format!("{} to {}", range.0, range.1)
                    } else {
                        "a number above 0".to_string()
                    }),
            );
            return;
        }
        let policy = l1::ScalingPolicy::new(id.to_string(), "TargetTrackingScaling")
            .scaling_target_id(Value::from(self.id()))
            .target_tracking_scaling_policy_configuration(
                l1::TargetTrackingScalingPolicyConfiguration::new(target).predefined_metric_specification(metric),
            );
        stack.within(scope, |s| s.add(id, policy));
    }

    /// Keeps the service's average CPU near `percent` (1 to 100;
    /// `ECSServiceAverageCPUUtilization`).
    pub fn scale_on_cpu(self, stack: &mut Stack, id: &str, percent: f64) {
        let m = l1::PredefinedMetricSpecification::new("ECSServiceAverageCPUUtilization");
        self.track(stack, id, m, percent, &[Kind::EcsService], (1.0, 100.0));
    }
    /// Keeps the service's average memory use near `percent` (1 to 100;
    /// `ECSServiceAverageMemoryUtilization`).
    pub fn scale_on_memory(self, stack: &mut Stack, id: &str, percent: f64) {
        let m = l1::PredefinedMetricSpecification::new("ECSServiceAverageMemoryUtilization");
        self.track(stack, id, m, percent, &[Kind::EcsService], (1.0, 100.0));
    }
    /// Keeps the requests per task that `lb` sends through `target_group`
    /// near `per_target` (`ALBRequestCountPerTarget`).
    pub fn scale_on_request_count(
        self,
        stack: &mut Stack,
        id: &str,
        lb: LoadBalancerRef,
        target_group: TargetGroupRef,
        per_target: f64,
    ) {
        let label = fns::join("/", [Token::from(lb.full_name()), Token::from(target_group.full_name())]);
        let m = l1::PredefinedMetricSpecification::new("ALBRequestCountPerTarget").resource_label(Value::from(label));
        if !lb.is_application() {
            let path = self.scope(stack).and_then(|n| stack.path_of_node(n)).unwrap_or_default();
            stack.report(
                Diagnostic::error_of(DiagKind::Wiring, format!("{path}/{id}"), "request count of a network load balancer")
                    .property("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel")
                    .allowed("an application load balancer"),
            );
            return;
        }
        self.track(stack, id, m, per_target, &[Kind::EcsService], (f64::MIN_POSITIVE, f64::INFINITY));
    }
    /// Keeps consumed read or write capacity (as the target scales) near
    /// `percent` of the provisioned capacity (20 to 90;
    /// `DynamoDBReadCapacityUtilization` or `DynamoDBWriteCapacityUtilization`).
    pub fn scale_on_utilization(self, stack: &mut Stack, id: &str, percent: f64) {
        let name = if self.kind == Kind::DynamoWrite {
            "DynamoDBWriteCapacityUtilization"
        } else {
            "DynamoDBReadCapacityUtilization"
        };
        let m = l1::PredefinedMetricSpecification::new(name);
        self.track(stack, id, m, percent, &[Kind::DynamoRead, Kind::DynamoWrite], (20.0, 90.0));
    }
}
