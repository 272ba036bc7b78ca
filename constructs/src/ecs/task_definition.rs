//! [`FargateTaskDefinition`]: the containers of a task, its size, its two
//! roles and its log group.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::ecs as l1;

use super::container::Container;
use crate::iam::{grant, Grantable, PolicyStatement, Principal, Role, RoleRef};
use crate::logs::{LogGroup, LogGroupRef, Retention};

/// The most containers a task definition holds (an ECS quota).
const MAX_CONTAINERS: usize = 10;

/// The memory sizes (MiB) Fargate accepts with each CPU size (CPU units).
fn memory_choices(cpu: u32) -> Option<(u32, u32, u32)> {
    // (lowest, highest, step)
    Some(match cpu {
        256 => (512, 2048, 512), // 1536 excepted below
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16_384, 1024),
        4096 => (8192, 30_720, 1024),
        8192 => (16_384, 61_440, 4096),
        16_384 => (32_768, 122_880, 8192),
        _ => return None,
    })
}

/// What a service needs to know of a task definition's containers: each
/// container's name and ports, in order (a fact of the task definition's
/// resource).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Containers(pub(super) Vec<(String, Vec<u16>)>);

impl Containers {
    /// The first container with a port, and that port.
    pub(super) fn default_port(&self) -> Option<(String, u16)> {
        self.0.iter().find_map(|(n, ports)| ports.first().map(|p| (n.clone(), *p)))
    }
}

/// A Fargate task definition.
///
/// Defaults: 0.25 vCPU (256 units) and 512 MiB; Linux on x86-64; the
/// `awsvpc` network mode; a task role and an execution role of its own
/// (`<Id>TaskRole`, `<Id>ExecutionRole`); a log group (`<Id>LogGroup`,
/// one month) every container logs to. The execution role may pull each
/// ECR image's repository, write that log group and read the secrets the
/// containers take; the task role holds what grants add.
///
/// ```
/// use cfnkit::constructs::ecs::{Container, ContainerImage, FargateTaskDefinition};
/// use cfnkit::constructs::secretsmanager::Secret;
/// use cfnkit::constructs::sqs::Queue;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let api_key = Secret::new("ApiKey").without_rotation("rotated by the partner").add_to(stack);
/// let jobs = Queue::new("Jobs").add_to(stack);
/// let task = FargateTaskDefinition::new("WorkerTask")
///     .cpu(512)
///     .memory_mib(1024)
///     .container(
///         Container::new("worker", ContainerImage::ecr("shop/worker", "2.0.1"))
///             .env("QUEUE_URL", jobs.url())
///             .secret("PARTNER_API_KEY", api_key),
///     )
///     .add_to(stack);
/// jobs.grant_consume_messages(stack, &task); // to the task role
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct FargateTaskDefinition {
    id: String,
    cpu: u32,
    memory: u32,
    containers: Vec<Container>,
    retention: Retention,
    arm64: bool,
    family: Option<Value<String>>,
}

impl FargateTaskDefinition {
    /// A task definition without containers yet.
    pub fn new(id: &str) -> Self {
        FargateTaskDefinition {
            id: id.to_string(),
            cpu: 256,
            memory: 512,
            containers: Vec::new(),
            retention: Retention::OneMonth,
            arm64: false,
            family: None,
        }
    }
    /// Sets the task's CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384;
    /// 256 by default).
    pub fn cpu(mut self, units: u32) -> Self {
        self.cpu = units;
        self
    }
    /// Sets the task's memory in MiB (512 by default; what Fargate allows
    /// depends on the CPU size).
    pub fn memory_mib(mut self, mib: u32) -> Self {
        self.memory = mib;
        self
    }
    /// Adds a container (at least one; at most ten).
    pub fn container(mut self, c: Container) -> Self {
        self.containers.push(c);
        self
    }
    /// Sets the retention of the log group (one month by default).
    pub fn log_retention(mut self, r: Retention) -> Self {
        self.retention = r;
        self
    }
    /// Runs on ARM64 (Graviton) instead of x86-64.
    pub fn arm64(mut self) -> Self {
        self.arm64 = true;
        self
    }
    /// Sets `Family`, the name revisions share (1 to 255 letters, digits,
    /// `-` and `_`; CloudFormation generates one by default).
    pub fn family(mut self, f: impl Into<Value<String>>) -> Self {
        self.family = Some(f.into());
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut out = Vec::new();
        match memory_choices(self.cpu) {
            None => out.push(
                Diagnostic::error_of(DiagKind::NotAllowedValue, path, "CPU size Fargate does not offer")
                    .property("Cpu")
                    .value(self.cpu.to_string())
                    .allowed("256, 512, 1024, 2048, 4096, 8192 or 16384"),
            ),
            Some((lo, hi, step)) => {
                let off = self.memory < lo
                    || self.memory > hi
                    || (self.memory - lo) % step != 0
                    || (self.cpu == 256 && self.memory == 1536);
                if off {
                    out.push(
                        Diagnostic::error_of(DiagKind::NotAllowedValue, path, "memory size Fargate does not offer")
                            .property("Memory")
                            .value(self.memory.to_string())
                            .allowed(if self.cpu == 256 {
                                "512, 1024 or 2048 MiB with 256 CPU units".to_string()
                            } else {
                                format!("{lo} to {hi} MiB in steps of {step} with {} CPU units", self.cpu)
                            }),
                    );
                }
            }
        }
        if self.containers.is_empty() || self.containers.len() > MAX_CONTAINERS {
            out.push(
                Diagnostic::error_of(DiagKind::ItemCount, path, "a task definition needs containers")
                    .property("ContainerDefinitions")
                    .value(self.containers.len().to_string())
                    .allowed(format!("1 to {MAX_CONTAINERS} containers (.container(..))")),
            );
        } else if !self.containers.iter().any(Container::essential) {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "no essential container")
                    .property("ContainerDefinitions.Essential")
                    .allowed("at least one essential container"),
            );
        }
        let mut names: Vec<&str> = Vec::new();
        for c in &self.containers {
            if names.contains(&c.name.as_str()) {
                out.push(
                    Diagnostic::error_of(DiagKind::DuplicateId, path, "container name used twice")
                        .property("ContainerDefinitions.Name")
                        .value(c.name.clone())
                        .allowed("a distinct name for each container"),
                );
            }
            names.push(&c.name);
        }
        if let Some(Value::Lit(f)) = &self.family {
            if !super::valid_name(f, 255) {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid family")
                        .property("Family")
                        .value(format!("{f:?}"))
                        .allowed("1 to 255 letters, digits, '-' and '_'"),
                );
            }
        }
        for d in out {
            stack.report(d);
        }
        for c in &self.containers {
            c.check(&format!("{path}/{}", c.name), stack);
        }
    }

    /// Adds the task definition, its two roles and its log group.
    pub fn add_to(self, stack: &mut Stack) -> TaskDefinitionRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let (task_role, execution_role, log_group) = stack.within(scope, |s| {
            let task = Role::new("TaskRole", Principal::service("ecs-tasks.amazonaws.com"))
                .description("Role the task's containers run as")
                .add_to(s);
            let exec = Role::new("ExecutionRole", Principal::service("ecs-tasks.amazonaws.com"))
                .description("Role ECS uses to start the task: image pulls, logs, secrets")
                .add_to(s);
            let logs = LogGroup::new("LogGroup", self.retention).add_to(s);
            (task, exec, logs)
        });
        let log_token: Token = log_group.name().into();
        let mut td = l1::TaskDefinition::new()
            .requires_compatibilities(vec![Value::Lit("FARGATE".to_string())])
            .network_mode("awsvpc")
            .cpu(self.cpu.to_string())
            .memory(self.memory.to_string())
            .task_role_arn(Value::from(task_role.arn()))
            .execution_role_arn(Value::from(execution_role.arn()))
            .runtime_platform(
                l1::RuntimePlatform::new().operating_system_family("LINUX").cpu_architecture(if self.arm64 {
                    "ARM64"
                } else {
                    "X86_64"
                }),
            )
            .container_definitions(self.containers.iter().map(|c| c.to_l1(log_token.clone())).collect::<Vec<_>>());
        if let Some(f) = self.family {
            td = td.family(f);
        }
        let handle = stack.within(scope, |s| s.add("Resource", td));
        // Both roles' policies exist before the task definition does: ECS
        // may start a task as soon as a service names it.
        let task_role = RoleRef::new(task_role.handle(), Some(handle.id()));
        let execution_role = RoleRef::new(execution_role.handle(), Some(handle.id()));
        log_group.grant_write(stack, &execution_role);
        let mut pulls_ecr = false;
        for c in &self.containers {
            if let Some(repo) = c.image.repository_arn() {
                pulls_ecr = true;
                grant(
                    stack,
                    &execution_role,
                    PolicyStatement::allow()
                        .actions(["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"])
                        .resource(repo),
                );
            }
            for (_, secret, _) in &c.secrets {
                secret.grant_read(stack, &execution_role);
            }
        }
        if pulls_ecr {
            // The one ECR action without resource-level permissions.
            grant(
                stack,
                &execution_role,
                PolicyStatement::allow().actions(["ecr:GetAuthorizationToken"]).resource("*"),
            );
        }
        let writable: Vec<String> = self
            .containers
            .iter()
            .filter_map(|c| c.writable_root.as_ref().map(|r| format!("{}: {r}", c.name)))
            .collect();
        if !writable.is_empty() {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_336".into(), reason: writable.join("; ") });
        }
        stack.record_fact(
            handle.id(),
            Containers(self.containers.iter().map(|c| (c.name.clone(), c.ports.clone())).collect()),
        );
        TaskDefinitionRef { handle, task_role, execution_role, log_group }
    }
}

/// A task definition added to a stack: its roles, log group and references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskDefinitionRef {
    handle: Handle<l1::TaskDefinition>,
    task_role: RoleRef,
    execution_role: RoleRef,
    log_group: LogGroupRef,
}

impl TaskDefinitionRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::TaskDefinition> {
        self.handle
    }
    /// The ARN of this revision (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The role the containers run as (what grants to the task write to).
    pub fn task_role(self) -> RoleRef {
        self.task_role
    }
    /// The role ECS uses to start the task.
    pub fn execution_role(self) -> RoleRef {
        self.execution_role
    }
    /// The log group every container logs to.
    pub fn log_group(self) -> LogGroupRef {
        self.log_group
    }
}

impl Grantable for TaskDefinitionRef {
    /// The task role.
    fn grant_role(&self) -> RoleRef {
        self.task_role
    }
}
