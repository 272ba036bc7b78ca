//! Lambda: [`Function`] with its own execution role, its own log group and
//! typed event sources.
//!
//! A function `F` synthesizes to `F` (the function), `FServiceRole` (trusting
//! `lambda.amazonaws.com` only), `FServiceRoleDefaultPolicy` (the basic
//! execution permissions scoped to `FLogGroup`, plus every grant),
//! `FLogGroup` (with a retention) and one event source mapping per source.
//! Timeout (1 to 900 s), memory (128 to 10,240 MB) and the inline-code
//! limit (4,096 characters) are checked at synthesis; so is a stream source
//! on a table without a stream, and a deprecated runtime gives a warning.

mod runtime;

pub use runtime::{Date, Family, Lifecycle, Runtime};

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::{Duration, Size};
use cfnkit_l1::lambda as l1;
use indexmap::IndexMap;

use crate::cloudwatch::{Metric, Statistic};
use crate::dynamodb::TableRef;
use crate::iam::{Grantable, PolicyStatement, Principal, Role, RoleRef};
use crate::logs::{LogGroup, LogGroupRef, Retention};

/// The most characters CloudFormation accepts in `Code.ZipFile`.
pub const INLINE_CODE_LIMIT: usize = 4096;

/// A function's code.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// Source written inline (`Code.ZipFile`, at most 4,096 characters);
    /// Lambda stores it as `index.js` or `index.py`.
    Inline(String),
    /// A zip in S3: bucket and key.
    S3 {
        /// The bucket name.
        bucket: Token,
        /// The object key.
        key: String,
    },
}

impl Code {
    /// Inline source code.
    pub fn inline(source: &str) -> Self {
        Code::Inline(source.to_string())
    }
}

/// Where a stream-based event source starts reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StartingPosition {
    /// `TRIM_HORIZON`: the oldest record (the default).
    #[default]
    TrimHorizon,
    /// `LATEST`: new records only.
    Latest,
}

/// A DynamoDB stream event source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamSource {
    table: TableRef,
    start: StartingPosition,
    batch_size: u32,
    retries: Option<u32>,
}

impl StreamSource {
    /// Reads `table`'s stream from the oldest record, 100 records a batch,
    /// reporting failed items individually.
    pub fn new(table: TableRef) -> Self {
        StreamSource { table, start: StartingPosition::TrimHorizon, batch_size: 100, retries: None }
    }
    /// Sets the starting position.
    pub fn starting_at(mut self, p: StartingPosition) -> Self {
        self.start = p;
        self
    }
    /// Sets the batch size (1 to 10,000).
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n;
        self
    }
    /// Bounds the retries of a failing batch (0 to 10,000).
    pub fn retry_attempts(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }
}

/// An event source of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventSource {
    /// A DynamoDB stream.
    DynamoDbStream(StreamSource),
}

impl From<StreamSource> for EventSource {
    fn from(s: StreamSource) -> Self {
        EventSource::DynamoDbStream(s)
    }
}

/// A Lambda function.
///
/// ```
/// use cfnkit_constructs::lambda::{Code, Function, Runtime};
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::{Duration, Size};
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let f = Function::new("Hello", Runtime::Nodejs24x, Code::inline("exports.handler = async () => 'hi';"))
///     .timeout(Duration::seconds(10))
///     .memory(Size::mebibytes(256))
///     .env("GREETING", "hi")
///     .add_to(stack);
/// let _errors = f.metric_errors();
/// ```
#[derive(Clone, Debug)]
pub struct Function {
    id: String,
    runtime: Runtime,
    code: Code,
    handler: String,
    timeout: Duration,
    memory: Size,
    env: IndexMap<String, Token>,
    name: Option<Value<String>>,
    description: Option<String>,
    retention: Retention,
    log_key: Option<Token>,
    sources: Vec<EventSource>,
    reserved_concurrency: Option<u32>,
    tracing: bool,
    acks: Vec<Ack>,
    removal: Option<RemovalPolicy>,
}

impl Function {
    /// A function: 128 MB, 3 s timeout, handler `index.handler`, logs kept one month.
    pub fn new(id: &str, runtime: Runtime, code: Code) -> Self {
        Function {
            id: id.to_string(),
            runtime,
            code,
            handler: "index.handler".into(),
            timeout: Duration::seconds(3),
            memory: Size::mebibytes(128),
            env: IndexMap::new(),
            name: None,
            description: None,
            retention: Retention::OneMonth,
            log_key: None,
            sources: Vec::new(),
            reserved_concurrency: None,
            tracing: false,
            acks: Vec::new(),
            removal: None,
        }
    }
    /// Sets the handler (`index.handler` by default).
    pub fn handler(mut self, h: &str) -> Self {
        self.handler = h.to_string();
        self
    }
    /// Sets the timeout (1 to 900 seconds).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// Sets the memory (128 to 10,240 MB).
    pub fn memory(mut self, s: Size) -> Self {
        self.memory = s;
        self
    }
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl Into<Token>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }
    /// Sets `FunctionName` (suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets the log group's retention (one month by default).
    pub fn log_retention(mut self, r: Retention) -> Self {
        self.retention = r;
        self
    }
    /// Encrypts the log group with a customer managed key (its ARN).
    pub fn log_encryption_key(mut self, arn: impl Into<Token>) -> Self {
        self.log_key = Some(arn.into());
        self
    }
    /// Adds an event source; the grants it needs are added for you.
    pub fn event_source(mut self, s: impl Into<EventSource>) -> Self {
        self.sources.push(s.into());
        self
    }
    /// Reserves concurrency (0 to 1,000 per function here; 0 stops the function).
    pub fn reserved_concurrency(mut self, n: u32) -> Self {
        self.reserved_concurrency = Some(n);
        self
    }
    /// Turns on X-Ray active tracing (adds the X-Ray write permissions).
    pub fn tracing(mut self) -> Self {
        self.tracing = true;
        self
    }
    /// Sets the removal policy of the log group.
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }
    /// Acknowledges a validator finding on the function, with the reason.
    pub fn acknowledge(mut self, ack: Ack) -> Self {
        self.acks.push(ack);
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let t = self.timeout.to_seconds();
        if !(1..=900).contains(&t) {
            out.push(
                Diagnostic::error(path, "timeout out of range")
                    .property("Timeout")
                    .value(self.timeout.to_string())
                    .allowed("1 to 900 seconds"),
            );
        }
        let m = self.memory.to_mebibytes();
        if !(128..=10_240).contains(&m) {
            out.push(
                Diagnostic::error(path, "memory out of range")
                    .property("MemorySize")
                    .value(self.memory.to_string())
                    .allowed("128 to 10240 MB"),
            );
        }
        if let Code::Inline(src) = &self.code {
            let n = src.chars().count();
            if n > INLINE_CODE_LIMIT {
                out.push(
                    Diagnostic::error(path, "inline code too long")
                        .property("Code.ZipFile")
                        .value(format!("{n} characters"))
                        .allowed(format!("at most {INLINE_CODE_LIMIT} characters; ship larger code as an S3 zip")),
                );
            }
            if src.trim().is_empty() {
                out.push(
                    Diagnostic::error(path, "inline code is empty").property("Code.ZipFile").allowed("source code"),
                );
            }
        }
        for k in self.env.keys() {
            let ok = k.len() >= 2
                && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                out.push(
                    Diagnostic::error(path, "invalid environment variable name")
                        .property("Environment.Variables")
                        .value(format!("{k:?}"))
                        .allowed("a letter, then letters, digits and underscores; at least 2 characters"),
                );
            }
            if k.starts_with("AWS_") || k == "_HANDLER" {
                out.push(
                    Diagnostic::error(path, "environment variable name reserved by Lambda")
                        .property("Environment.Variables")
                        .value(format!("{k:?}"))
                        .allowed("names not starting with AWS_"),
                );
            }
        }
        let today = Date::today();
        if self.runtime.is_deprecated_on(today) {
            let l = self.runtime.lifecycle();
            out.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "runtime {} is deprecated since {} (creating functions is blocked from {}, updating from {}); move to {}",
                        self.runtime.name(),
                        l.deprecated,
                        l.create_blocked,
                        l.update_blocked,
                        self.runtime.successor().name()
                    ),
                )
                .property("Runtime"),
            );
        }
        if let Some(c) = self.reserved_concurrency {
            if c > 1000 {
                out.push(
                    Diagnostic::error(path, "reserved concurrency above the default account limit")
                        .property("ReservedConcurrentExecutions")
                        .value(c.to_string())
                        .allowed("0 to 1000"),
                );
            }
        }
    }

    /// Adds the function, its role, policy, log group and event sources.
    pub fn add_to(self, stack: &mut Stack) -> FunctionRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let fn_path = format!("{path}/Resource");
        let mut diags = Vec::new();
        self.check(&fn_path, &mut diags);
        for d in diags {
            stack.report(d);
        }

        let role = stack.within(scope, |s| {
            Role::new("ServiceRole", Principal::service("lambda.amazonaws.com"))
                .description("Execution role of the function, with only the permissions it is granted")
                .add_to(s)
                .handle()
        });

        let mut lg = LogGroup::new("LogGroup", self.retention);
        if let Some(n) = &self.name {
            lg = lg.name(Value::from(cfnkit_core::fns::sub("/aws/lambda/${Name}").var("Name", n.clone()).expr()));
        }
        if let Some(k) = &self.log_key {
            lg = lg.encryption_key(k.clone());
        }
        if let Some(p) = self.removal {
            lg = lg.removal_policy(p);
        }
        let removal = lg.removal(stack);
        let log_group = stack.within(scope, |s| s.add("LogGroup", lg.to_l1()));
        stack.set_removal_policy(log_group.id(), removal);

        let code = match &self.code {
            Code::Inline(src) => l1::Code::default().zip_file(src.clone()),
            Code::S3 { bucket, key } => l1::Code::default().s3_bucket(Value::Expr(bucket.clone())).s3_key(key.clone()),
        };
        let mut f = l1::Function::new(code, Value::from(role.get_att("Arn")))
            .runtime(self.runtime.name().to_string())
            .handler(self.handler.clone())
            .timeout(self.timeout.to_seconds() as i64)
            .memory_size(self.memory.to_mebibytes() as i64)
            .logging_config(l1::LoggingConfig::default().log_group(Value::from(log_group.reference())));
        if !self.env.is_empty() {
            f = f.environment(
                l1::Environment::default()
                    .variables(self.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<IndexMap<_, _>>()),
            );
        }
        if let Some(n) = &self.name {
            f = f.function_name(n.clone());
        }
        if let Some(d) = &self.description {
            f = f.description(d.clone());
        }
        if let Some(c) = self.reserved_concurrency {
            f = f.reserved_concurrent_executions(i64::from(c));
        }
        if self.tracing {
            f = f.tracing_config(l1::TracingConfig::default().mode("Active".to_string()));
        }
        let function = stack.within(scope, |s| s.add("Resource", f));
        for a in &self.acks {
            stack.acknowledge(function.id(), a.clone());
        }
        let me = FunctionRef { function, role: RoleRef::new(role, Some(function.id())), log_group };

        // Basic execution, scoped to the function's own log group.
        me.role.add_to_policy(
            stack,
            PolicyStatement::allow()
                .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resource(log_group.get_att("Arn")),
        );
        if self.tracing {
            // X-Ray offers no resource-level permissions for these actions.
            me.role.add_to_policy(
                stack,
                PolicyStatement::allow().actions(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]).resource("*"),
            );
        }
        for src in &self.sources {
            match src {
                EventSource::DynamoDbStream(s) => me.add_stream_source(stack, &fn_path, scope, s),
            }
        }
        me
    }
}

/// A function added to a stack: references, grants, metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionRef {
    function: Handle<l1::Function>,
    role: RoleRef,
    log_group: Handle<cfnkit_l1::logs::LogGroup>,
}

impl FunctionRef {
    fn add_stream_source(self, stack: &mut Stack, fn_path: &str, scope: cfnkit_core::tree::NodeId, s: &StreamSource) {
        let table = s.table;
        if !table.has_stream() {
            stack.report(
                Diagnostic::error(fn_path, "DynamoDB stream event source on a table without a stream")
                    .property("EventSourceArn")
                    .allowed("call .stream(StreamView::..) on the table"),
            );
        }
        if !(1..=10_000).contains(&s.batch_size) {
            stack.report(
                Diagnostic::error(fn_path, "batch size out of range")
                    .property("BatchSize")
                    .value(s.batch_size.to_string())
                    .allowed("1 to 10000"),
            );
        }
        let table_name = stack
            .node_of(table.handle().id())
            .and_then(|n| stack.parent_of(n))
            .and_then(|p| stack.node_name(p).map(str::to_string))
            .unwrap_or_else(|| "Table".into());
        table.grant_stream_read(stack, &self);
        let mut m = l1::EventSourceMapping::new(Value::from(self.function.reference()))
            .event_source_arn(Value::from(table.stream_arn()))
            .starting_position(
                match s.start {
                    StartingPosition::TrimHorizon => "TRIM_HORIZON",
                    StartingPosition::Latest => "LATEST",
                }
                .to_string(),
            )
            .batch_size(i64::from(s.batch_size))
            .function_response_types(vec![Value::Lit("ReportBatchItemFailures".to_string())]);
        if let Some(r) = s.retries {
            m = m.maximum_retry_attempts(i64::from(r));
        }
        stack.within(scope, |st| st.add(&format!("{table_name}EventSource"), m));
    }

    /// The L1 handle of the function.
    pub fn handle(self) -> Handle<l1::Function> {
        self.function
    }
    /// The execution role.
    pub fn role(self) -> RoleRef {
        self.role
    }
    /// The function's log group.
    pub fn log_group(self) -> LogGroupRef {
        LogGroupRef::from_handle(self.log_group)
    }
    /// The function name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.function.reference()
    }
    /// The function ARN.
    pub fn arn(self) -> Expr<String> {
        self.function.get_att("Arn")
    }
    /// Lets `grantee` invoke the function.
    pub fn grant_invoke(self, stack: &mut Stack, grantee: &impl Grantable) {
        crate::iam::grant(
            stack,
            grantee,
            PolicyStatement::allow()
                .actions(["lambda:InvokeFunction"])
                .resource(self.arn())
                .resource(crate::arn::child_of(self.arn(), ":*")),
        );
    }
    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/Lambda", name).dimension("FunctionName", self.name()).statistic(stat)
    }
    /// `Errors` (Sum, 5 minutes).
    pub fn metric_errors(self) -> Metric {
        self.metric("Errors", Statistic::Sum)
    }
    /// `Invocations` (Sum, 5 minutes).
    pub fn metric_invocations(self) -> Metric {
        self.metric("Invocations", Statistic::Sum)
    }
    /// `Throttles` (Sum, 5 minutes).
    pub fn metric_throttles(self) -> Metric {
        self.metric("Throttles", Statistic::Sum)
    }
    /// `Duration` (Average, 5 minutes).
    pub fn metric_duration(self) -> Metric {
        self.metric("Duration", Statistic::Average)
    }
}

impl Grantable for FunctionRef {
    fn grant_role(&self) -> RoleRef {
        self.role
    }
}
