//! Lambda: [`Function`] with its own execution role, its own log group and
//! typed event sources.
//!
//! A function `F` synthesizes to `F` (the function), `FServiceRole` (trusting
//! `lambda.amazonaws.com` only), `FServiceRoleDefaultPolicy` (the basic
//! execution permissions scoped to `FLogGroup`, plus every grant),
//! `FLogGroup` (with a retention), one event source mapping per source
//! (`F<Table>EventSource`, `F<Queue>EventSource`), and as configured
//! `FEventInvokeConfig` (asynchronous retries and destinations),
//! `FServiceRoleVpcAccessPolicy` (the network-interface permissions of a
//! function in a VPC) and one `AWS::Lambda::Permission` per service allowed
//! to invoke it (`F<Id>`, always scoped to a source ARN or account).
//!
//! Checked at synthesis: timeout (1 to 900 s), memory (128 to 10,240 MB),
//! the inline-code limit (4,096 characters) and its handler (`index.<fn>`,
//! the module Lambda saves inline code as), a stream source on a table
//! without a stream, an SQS source's batch settings and the queue's
//! visibility timeout against the function's timeout, asynchronous retry
//! and age limits, FIFO queues where Lambda takes only standard ones, VPC
//! id counts, and unscoped service permissions; a deprecated runtime gives
//! a warning.
//!
//! Validator acknowledgements the construct writes itself, each with its
//! reason: checkov's CKV_AWS_116 (no DLQ) when an on-failure destination
//! takes the DLQ's place, or when only poll-based sources (SQS, DynamoDB
//! streams) invoke the function and nothing asynchronous is configured
//! (adding a permission for an asynchronous service then fails synthesis);
//! and CKV_AWS_111 on the VPC access policy, whose EC2 actions take no
//! resource-level permission. A CKV_AWS_116 acknowledgement given with
//! [`Function::acknowledge`] replaces the construct's own. Reserved
//! concurrency (CKV_AWS_115), VPC placement (CKV_AWS_117) and environment
//! encryption (CKV_AWS_173) stay explicit decisions.

mod check;
mod function_ref;
mod invoke;
mod runtime;
mod sources;
mod vpc;

pub use function_ref::FunctionRef;
pub use invoke::{Account, AsyncConfig, Destination, Permission};
pub use runtime::{Date, Family, Lifecycle, Runtime};
pub use sources::{EventSource, QueueSource, StartingPosition, StreamSource};
pub use vpc::{VpcPlacement, ENI_ACTIONS};

use cfnkit_core::asset::FileAsset;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::{Duration, Size};
use cfnkit_l1::lambda as l1;
use cfnkit_l1::prelude::*;
use indexmap::IndexMap;

use crate::iam::{grant, PolicyStatement, Principal, Role, RoleRef};
use crate::logs::{LogGroup, Retention};
use crate::sqs::QueueRef;

/// The reason written for checkov's CKV_AWS_116 when an on-failure destination replaces the DLQ.
const DLQ_BY_DESTINATION: &str = "failed asynchronous invocations go to the on-failure destination of the \
    function's EventInvokeConfig, which supersedes a dead-letter queue (it receives the error as well as the event)";

/// The reason written for checkov's CKV_AWS_116 when only poll-based sources invoke the function.
const DLQ_POLL_ONLY: &str = "invoked only by poll-based event source mappings (SQS, DynamoDB streams), which invoke \
    synchronously: a dead-letter queue for asynchronous invocations would never receive an event; failed records \
    stay with the source (reported per item, redriven to the queue's own DLQ or retried)";

/// The most characters CloudFormation accepts in `Code.ZipFile`.
pub const INLINE_CODE_LIMIT: usize = 4096;

/// A function's code.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    /// Source written inline (`Code.ZipFile`, at most 4,096 characters);
    /// Lambda stores it as `index.js` or `index.py`.
    Inline(String),
    /// A zip you uploaded to S3: bucket, key and, for a versioned bucket,
    /// the object version.
    S3 {
        /// The bucket name.
        bucket: Token,
        /// The object key.
        key: String,
        /// The object version (`S3ObjectVersion`), if pinned.
        version: Option<String>,
    },
    /// A folder or file of this program, zipped deterministically and
    /// uploaded by `cdk deploy` (see [`cfnkit_core::asset`]); the error
    /// when it could not be read, reported at synthesis.
    Asset(Result<FileAsset, String>),
}

impl Code {
    /// Inline source code.
    pub fn inline(source: &str) -> Self {
        Code::Inline(source.to_string())
    }

    /// A zip already in S3 (`Code.S3Bucket`, `Code.S3Key`); pin a version
    /// of a versioned bucket with [`Code::object_version`].
    pub fn s3(bucket: impl Into<Token>, key: &str) -> Self {
        Code::S3 { bucket: bucket.into(), key: key.to_string(), version: None }
    }

    /// Pins the S3 object version (`Code.S3ObjectVersion`); no effect on
    /// other kinds of code.
    pub fn object_version(self, version: &str) -> Self {
        match self {
            Code::S3 { bucket, key, .. } => Code::S3 { bucket, key, version: Some(version.to_string()) },
            other => other,
        }
    }

    /// The folder (or single file, or ready `.zip`) at `path`, zipped with
    /// the same bytes for the same files, shipped in the cloud assembly and
    /// uploaded by `cdk deploy` to the bootstrap bucket (`cdk bootstrap`
    /// once per account and region). A relative path is relative to the
    /// current folder (the project root under `cargo run` and `cdk`).
    ///
    /// ```
    /// use cfnkit_constructs::prelude::*;
    /// use cfnkit_core::prelude::*;
    /// let dir = std::env::temp_dir().join(format!("cfnkit-code-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("index.py"), "def handler(event, context):\n    return 1\n").unwrap();
    /// let mut app = App::new();
    /// let stack = app.stack("app");
    /// Function::new("Handler", Runtime::Python313, Code::from_asset(&dir)).handler("index.handler").add_to(stack);
    /// let out = app.synth().unwrap();
    /// assert_eq!(out.stacks[0].assets.len(), 1);
    /// ```
    pub fn from_asset(path: impl AsRef<std::path::Path>) -> Self {
        Code::Asset(FileAsset::from_path(path))
    }

    /// One handler file: inline when it fits in `Code.ZipFile` (4,096
    /// characters; Lambda saves it as `index.js` or `index.py`, so the
    /// handler is `index.<function>`), else zipped as an asset under its own
    /// file name.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(src) if src.chars().count() <= INLINE_CODE_LIMIT && !src.trim().is_empty() => Code::Inline(src),
            Ok(_) => Code::from_asset(path),
            Err(e) => Code::Asset(Err(format!("cannot read handler file {}: {e}", path.display()))),
        }
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
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Function {
    id: String,
    runtime: Runtime,
    code: Code,
    handler: String,
    timeout: Duration,
    memory: Size,
    env: IndexMap<String, Token>,
    name: Option<Value<String>>,
    role_name: Option<Value<String>>,
    description: Option<String>,
    retention: Retention,
    log_key: Option<Token>,
    sources: Vec<EventSource>,
    reserved_concurrency: Option<u32>,
    tracing: bool,
    acks: Vec<Ack>,
    removal: Option<RemovalPolicy>,
    dead_letter_queue: Option<QueueRef>,
    async_config: Option<AsyncConfig>,
    vpc: Option<VpcPlacement>,
    env_key: Option<Token>,
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
            dead_letter_queue: None,
            async_config: None,
            vpc: None,
            env_key: None,
            role_name: None,
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
    /// Sets the execution role's `RoleName` (IAM names are global to the
    /// account: suffix it with the environment).
    pub fn role_name(mut self, n: impl Into<Value<String>>) -> Self {
        self.role_name = Some(n.into());
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
    /// Encrypts the log group with this customer managed key (its ARN; the key
    /// policy must let CloudWatch Logs use it) under every security profile.
    /// Without it the log group follows the stack's profile: the stack's
    /// shared log key (`logs::stack_logs_key`) when hardened, CloudWatch
    /// Logs' own encryption (CKV_AWS_158 acknowledged) by default.
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
    /// Sends events of asynchronous invocations that still fail after their
    /// retries to a standard `queue` (`DeadLetterConfig`; the role gets
    /// `sqs:SendMessage` on it).
    pub fn dead_letter_queue(mut self, queue: QueueRef) -> Self {
        self.dead_letter_queue = Some(queue);
        self
    }
    /// Configures asynchronous invocations: retries, event age, destinations
    /// (`<Id>EventInvokeConfig`; the role gets what the destinations need).
    pub fn async_config(mut self, c: AsyncConfig) -> Self {
        self.async_config = Some(c);
        self
    }
    /// Runs the function in a VPC (`VpcConfig`), adding the EC2
    /// network-interface permissions Lambda needs to the role.
    pub fn vpc(mut self, placement: VpcPlacement) -> Self {
        self.vpc = Some(placement);
        self
    }
    /// Encrypts the environment variables with a customer managed key (its
    /// ARN, `KmsKeyArn`); the role gets `kms:Decrypt` on it.
    pub fn environment_encryption(mut self, key_arn: impl Into<Token>) -> Self {
        self.env_key = Some(key_arn.into());
        self
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

        let role_name = self.role_name.clone();
        let role = stack.within(scope, |s| {
            let mut r = Role::new("ServiceRole", Principal::service("lambda.amazonaws.com"))
                .description("Execution role of the function, with only the permissions it is granted");
            if let Some(n) = role_name {
                r = r.name(n);
            }
            r.add_to(s).handle()
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
        let log_group = stack.within(scope, |s| lg.add_to(s)).handle();

        let code = match &self.code {
            Code::Inline(src) => l1::Code::default().zip_file(src.clone()),
            Code::S3 { bucket, key, version } => {
                let c = l1::Code::default().s3_bucket(Value::Expr(bucket.clone())).s3_key(key.clone());
                match version {
                    Some(v) => c.s3_object_version(v.clone()),
                    None => c,
                }
            }
            Code::Asset(Ok(asset)) => {
                let (bucket, key) = stack.add_asset(asset.clone());
                l1::Code::default().s3_bucket(bucket).s3_key(key)
            }
            // Reported by the function's validation; no template is written.
            Code::Asset(Err(_)) => l1::Code::default(),
        };
        let mut f = l1::Function::new(code, Value::from(role.attr_arn()))
            .runtime(self.runtime.name().to_string())
            .handler(self.handler.clone())
            .logging_config(l1::LoggingConfig::default().log_group(Value::from(log_group.reference())));
        // Out-of-range values were reported above; leaving them out keeps each
        // problem reported once (the schema check would repeat it).
        if (1..=900).contains(&self.timeout.to_seconds()) {
            f = f.timeout(self.timeout.to_seconds() as i64);
        }
        if (128..=10_240).contains(&self.memory.to_mebibytes()) {
            f = f.memory_size(self.memory.to_mebibytes() as i64);
        }
        if !self.env.is_empty() {
            f = f.environment(
                l1::Environment::default()
                    .variables(self.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<IndexMap<_, _>>()),
            );
        }
        // A literal name too long was reported above (as a length, not as the schema's pattern).
        if let Some(n) = self
            .name
            .as_ref()
            .filter(|_| self.literal_name().is_none_or(|n| n.chars().count() <= check::MAX_NAME_CHARS))
        {
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
        if let Some(q) = self.dead_letter_queue {
            f = f.dead_letter_config(l1::DeadLetterConfig::new().target_arn(Value::from(q.arn())));
        }
        if let Some(k) = &self.env_key {
            f = f.kms_key_arn(Value::Expr(k.clone()));
        }
        if let Some(v) = &self.vpc {
            f = f.vpc_config(v.to_l1());
        }
        let function = stack.within(scope, |s| s.add("Resource", f));
        for a in &self.acks {
            stack.acknowledge(function.id(), a.clone());
        }
        let poll_only = self.acknowledge_missing_dlq(stack, function.id());
        let me = FunctionRef { function, role: RoleRef::new(role, Some(function.id())), log_group, poll_only };

        // Basic execution, scoped to the function's own log group.
        me.role.add_to_policy(
            stack,
            PolicyStatement::allow()
                .actions(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resource(log_group.attr_arn()),
        );
        if self.tracing {
            // X-Ray offers no resource-level permissions for these actions.
            me.role.add_to_policy(
                stack,
                PolicyStatement::allow().actions(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]).resource("*"),
            );
        }
        if let Some(q) = self.dead_letter_queue {
            q.grant_send_only(stack, &me);
        }
        if let Some(k) = &self.env_key {
            grant(stack, &me, PolicyStatement::allow().actions(["kms:Decrypt"]).resource(k.clone()));
        }
        if self.vpc.is_some() {
            vpc::add_eni_policy(stack, me.role, function.id());
        }
        let target = sources::Target {
            function: me,
            scope,
            path: &fn_path,
            timeout: self.timeout,
            reserved_concurrency: self.reserved_concurrency,
        };
        for src in &self.sources {
            match src {
                EventSource::DynamoDbStream(s) => sources::add_stream_source(stack, &target, s),
                EventSource::Sqs(s) => sources::add_queue_source(stack, &target, s),
            }
        }
        if let Some(c) = self.async_config {
            c.add(stack, me, scope);
        }
        me
    }

    /// Writes checkov's CKV_AWS_116 skip when the function needs no DLQ (see
    /// the module doc) and none was acknowledged by hand; returns true when
    /// the reason is that only poll-based sources invoke it.
    fn acknowledge_missing_dlq(&self, stack: &mut Stack, function: cfnkit_core::tree::ResourceId) -> bool {
        let by_hand = self.acks.iter().any(|a| matches!(a, Ack::Checkov { id, .. } if id == "CKV_AWS_116"));
        if by_hand || self.dead_letter_queue.is_some() {
            return false;
        }
        let (reason, poll_only) = match self.async_config {
            Some(c) if c.has_failure_destination() => (DLQ_BY_DESTINATION, false),
            None if !self.sources.is_empty() => (DLQ_POLL_ONLY, true),
            _ => return false,
        };
        stack.acknowledge(function, Ack::Checkov { id: "CKV_AWS_116".into(), reason: reason.into() });
        poll_only
    }
}
