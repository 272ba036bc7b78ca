//! Who may invoke a function and what happens to asynchronous invocations:
//! [`AsyncConfig`] with its [`Destination`]s (`AWS::Lambda::EventInvokeConfig`),
//! and [`Permission`]s for service principals (`AWS::Lambda::Permission`),
//! always scoped to a source ARN or account.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::{Expr, Pseudo, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::lambda as l1;

use super::FunctionRef;
use crate::sns::TopicRef;
use crate::sqs::QueueRef;

/// Where Lambda sends the record of an asynchronous invocation. The
/// function's role is granted what the destination needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Destination {
    /// A standard SQS queue (`sqs:SendMessage`, plus the key actions of a
    /// customer managed key).
    Queue(QueueRef),
    /// An SNS topic (`sns:Publish`, plus the key actions of a customer managed key).
    Topic(TopicRef),
    /// Another function (`lambda:InvokeFunction`).
    Function(FunctionRef),
}

impl Destination {
    fn arn(self) -> Expr<String> {
        match self {
            Destination::Queue(q) => q.arn(),
            Destination::Topic(t) => t.arn(),
            Destination::Function(f) => f.arn(),
        }
    }

    fn check(self, path: &str, which: &str, out: &mut Vec<Diagnostic>) {
        if let Destination::Queue(q) = self {
            if q.is_fifo() {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "Lambda destinations cannot be FIFO queues")
                        .property(format!("DestinationConfig.{which}.Destination"))
                        .allowed("a standard queue"),
                );
            }
        }
    }

    pub(super) fn grant(self, stack: &mut Stack, f: FunctionRef) {
        match self {
            Destination::Queue(q) => q.grant_send_only(stack, &f),
            Destination::Topic(t) => t.grant_publish(stack, &f),
            Destination::Function(g) => g.grant_invoke(stack, &f),
        }
    }
}

impl From<QueueRef> for Destination {
    fn from(q: QueueRef) -> Self {
        Destination::Queue(q)
    }
}

impl From<TopicRef> for Destination {
    fn from(t: TopicRef) -> Self {
        Destination::Topic(t)
    }
}

impl From<FunctionRef> for Destination {
    fn from(f: FunctionRef) -> Self {
        Destination::Function(f)
    }
}

/// How Lambda handles asynchronous invocations of the function (events
/// from S3, SNS, EventBridge...): retries, the oldest event it still
/// processes, and where records of failed and successful invocations go.
///
/// Lambda's own defaults apply to what is not set: 2 retries, events kept
/// 6 hours, no destinations. An on-failure destination replaces a
/// dead-letter queue (it receives the error too), so the construct records
/// checkov's CKV_AWS_116 (DLQ) as satisfied by it.
///
/// ```
/// use cfnkit::constructs::lambda::{AsyncConfig, Code, Function, Runtime};
/// use cfnkit::constructs::sqs::Queue;
/// use cfnkit::core::tree::App;
/// use cfnkit::core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
/// Function::new("Handler", Runtime::Python313, Code::inline("def handler(event, context):\n    return event\n"))
///     .async_config(AsyncConfig::new().retry_attempts(2).max_event_age(Duration::hours(1)).on_failure(failures))
///     .add_to(stack);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AsyncConfig {
    retries: Option<u32>,
    max_event_age: Option<Duration>,
    on_failure: Option<Destination>,
    on_success: Option<Destination>,
}

impl AsyncConfig {
    /// Lambda's defaults until set.
    pub fn new() -> Self {
        AsyncConfig::default()
    }
    /// Retries a failed invocation `n` times (0 to 2).
    pub fn retry_attempts(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }
    /// Drops events older than `d` (60 s to 6 hours).
    pub fn max_event_age(mut self, d: Duration) -> Self {
        self.max_event_age = Some(d);
        self
    }
    /// Sends the record of each failed invocation to `d`.
    pub fn on_failure(mut self, d: impl Into<Destination>) -> Self {
        self.on_failure = Some(d.into());
        self
    }
    /// Sends the record of each successful invocation to `d`.
    pub fn on_success(mut self, d: impl Into<Destination>) -> Self {
        self.on_success = Some(d.into());
        self
    }
    /// True when failed invocations have a destination.
    pub fn has_failure_destination(self) -> bool {
        self.on_failure.is_some()
    }

    /// Adds the `EventInvokeConfig` (under the function, `<Id>EventInvokeConfig`)
    /// and the grants its destinations need.
    pub(super) fn add(self, stack: &mut Stack, f: FunctionRef, scope: cfnkit_core::tree::NodeId) {
        let path = format!("{}/EventInvokeConfig", stack.path_of_node(scope).unwrap_or_default());
        let mut out = Vec::new();
        if let Some(n) = self.retries.filter(|n| *n > 2) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path.clone(), "retry attempts out of range")
                    .property("MaximumRetryAttempts")
                    .value(n.to_string())
                    .allowed("0 to 2"),
            );
        }
        if let Some(d) = self.max_event_age.filter(|d| !(60..=21_600).contains(&d.to_seconds())) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path.clone(), "maximum event age out of range")
                    .property("MaximumEventAgeInSeconds")
                    .value(d.to_string())
                    .allowed("60 seconds to 6 hours"),
            );
        }
        for (which, d) in [("OnFailure", self.on_failure), ("OnSuccess", self.on_success)] {
            if let Some(d) = d {
                d.check(&path, which, &mut out);
            }
        }
        let mut c = l1::EventInvokeConfig::new(Value::from(f.name()), "$LATEST".to_string());
        if let Some(n) = self.retries.filter(|n| *n <= 2) {
            c = c.maximum_retry_attempts(i64::from(n));
        }
        if let Some(d) = self.max_event_age.filter(|d| (60..=21_600).contains(&d.to_seconds())) {
            c = c.maximum_event_age_in_seconds(d.to_seconds() as i64);
        }
        if self.on_failure.is_some() || self.on_success.is_some() {
            let mut dc = l1::DestinationConfig::new();
            if let Some(d) = self.on_failure {
                dc = dc.on_failure(l1::OnFailure::new(Value::from(d.arn())));
            }
            if let Some(d) = self.on_success {
                dc = dc.on_success(l1::OnSuccess::new(Value::from(d.arn())));
            }
            c = c.destination_config(dc);
        }
        for d in out {
            stack.report(d);
        }
        for d in [self.on_failure, self.on_success].into_iter().flatten() {
            d.grant(stack, f);
        }
        stack.within(scope, |s| s.add("EventInvokeConfig", c));
    }
}

/// An account a service acts for: `Pseudo::AccountId` (the stack's own
/// account), an expression, or a literal 12-digit id.
#[derive(Clone, Debug, PartialEq)]
pub struct Account(Value<String>);

impl From<Pseudo> for Account {
    fn from(p: Pseudo) -> Self {
        Account(Value::from(p.expr()))
    }
}

impl From<Expr<String>> for Account {
    fn from(e: Expr<String>) -> Self {
        Account(Value::from(e))
    }
}

impl From<&str> for Account {
    fn from(s: &str) -> Self {
        Account(Value::from(s))
    }
}

/// Services that invoke functions asynchronously (their events go through
/// the async queue, retries and destinations), by principal prefix.
pub(super) const ASYNC_SERVICES: [&str; 11] = [
    "s3.",
    "sns.",
    "ses.",
    "events.",
    "logs.",
    "cloudformation.",
    "codecommit.",
    "config.",
    "iot.",
    "iotevents.",
    "lambda.alarms.cloudwatch.",
];

/// Lets an AWS service invoke the function (`lambda:InvokeFunction`),
/// always scoped: a service principal without a source ARN or account lets
/// any account's resources of that service invoke it (the confused deputy),
/// so synthesis refuses it.
///
/// ```
/// use cfnkit::constructs::lambda::{Code, Function, Permission, Runtime};
/// use cfnkit::constructs::s3::Bucket;
/// use cfnkit::core::token::Pseudo;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let uploads = Bucket::new("Uploads").add_to(stack);
/// let f = Function::new("OnUpload", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
///     .add_to(stack);
/// f.add_permission(stack, "AllowS3", Permission::service("s3.amazonaws.com")
///     .source_arn(uploads.arn())
///     .source_account(Pseudo::AccountId));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Permission {
    principal: Value<String>,
    source_arn: Option<Value<String>>,
    source_account: Option<Value<String>>,
}

impl Permission {
    /// Lets the service principal `name` (`s3.amazonaws.com`) invoke the function.
    pub fn service(name: impl Into<Value<String>>) -> Self {
        Permission { principal: name.into(), source_arn: None, source_account: None }
    }
    /// Only on behalf of this resource (the bucket, topic, rule or API ARN).
    pub fn source_arn(mut self, arn: impl Into<Value<String>>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }
    /// Only on behalf of resources of this account.
    pub fn source_account(mut self, account: impl Into<Account>) -> Self {
        self.source_account = Some(account.into().0);
        self
    }

    /// The literal principal, when known.
    pub(super) fn literal_principal(&self) -> Option<&str> {
        match &self.principal {
            Value::Lit(s) => Some(s),
            Value::Expr(t) => t.as_str(),
        }
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if let Some(p) = self.literal_principal() {
            if !(p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn")) {
                out.push(
                    Diagnostic::error_of(DiagKind::Invalid, path, "not a service principal")
                        .property("Principal")
                        .value(format!("{p:?}"))
                        .allowed("a service principal such as s3.amazonaws.com"),
                );
            }
        }
        if self.source_arn.is_none() && self.source_account.is_none() {
            out.push(
                Diagnostic::error_of(
                    DiagKind::Missing,
                    path,
                    "a permission for a service principal must name the source ARN or account: otherwise any \
                     account's resources of that service can invoke the function (the confused deputy)",
                )
                .property("SourceArn")
                .allowed(".source_arn(resource ARN) and/or .source_account(Pseudo::AccountId)"),
            );
        }
    }

    pub(super) fn to_l1(&self, function_arn: Expr<String>) -> l1::Permission {
        let mut p =
            l1::Permission::new("lambda:InvokeFunction".to_string(), Value::from(function_arn), self.principal.clone());
        if let Some(a) = &self.source_account {
            p = p.source_account(a.clone());
        }
        if let Some(a) = &self.source_arn {
            p = p.source_arn(a.clone());
        }
        p
    }
}
