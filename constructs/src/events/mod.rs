//! EventBridge: [`Rule`]s on the default event bus, fired by a
//! [`Schedule`] or an [`EventPattern`], sending to [`Target`]s (Lambda
//! functions, SQS queues, SNS topics) with what each target needs written
//! for you.
//!
//! Defaults: the rule is enabled; every target delivery is scoped to the
//! rule (`SourceArn`), so no other rule or account can use the permission
//! or policy statement. A target's dead-letter queue gets the same
//! statement. Queues and topics encrypted with an AWS managed key, which
//! EventBridge cannot use, are refused rather than left to fail at
//! delivery.

mod schedule;
mod target;

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;
use cfnkit_l1::events as l1;

use crate::cloudwatch::{Metric, Statistic};
use cfnkit_l1::events::RuleAttrs;

pub use schedule::{EventPattern, Schedule};
pub use target::Target;

/// EventBridge's most targets per rule.
pub const MAX_TARGETS: usize = 5;

/// An EventBridge rule on the default event bus.
///
/// Fired by a [`Schedule`] or matching an [`EventPattern`] (one of the two,
/// or both), sending to up to five [`Target`]s.
///
/// ```
/// use cfnkit::constructs::events::{EventPattern, Rule, Schedule, Target};
/// use cfnkit::constructs::lambda::{Code, Function, Runtime};
/// use cfnkit::constructs::sqs::{Queue, QueueEncryption};
/// use cfnkit::core::tree::App;
/// use cfnkit::core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let f = Function::new("Nightly", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
///     .add_to(stack);
/// // EventBridge cannot use the AWS managed key alias/aws/sqs: SSE-SQS or a customer managed key.
/// let failed = Queue::new("Failed").encryption(QueueEncryption::SqsManaged).add_to(stack);
/// Rule::new("Every15Minutes")
///     .schedule(Schedule::rate(Duration::minutes(15)))
///     .target(Target::lambda(f).dead_letter_queue(failed).retry_attempts(3))
///     .add_to(stack);
/// let stopped = Queue::new("Stopped").encryption(QueueEncryption::SqsManaged).add_to(stack);
/// let rule = Rule::new("InstanceStopped")
///     .pattern(EventPattern::new().source(["aws.ec2"]).detail_type(["EC2 Instance State-change Notification"]))
///     .target(Target::queue(stopped))
///     .add_to(stack);
/// let _failures = rule.metric_failed_invocations();
/// assert!(app.synth().is_ok());
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Rule {
    id: String,
    description: Option<String>,
    schedule: Option<Schedule>,
    pattern: Option<EventPattern>,
    targets: Vec<Target>,
    enabled: bool,
}

impl Rule {
    /// A rule with no trigger and no target yet.
    pub fn new(id: &str) -> Self {
        Rule {
            id: id.to_string(),
            description: None,
            schedule: None,
            pattern: None,
            targets: Vec::new(),
            enabled: true,
        }
    }
    /// Fires on `schedule`.
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = Some(schedule);
        self
    }
    /// Fires for events matching `pattern`.
    pub fn pattern(mut self, pattern: EventPattern) -> Self {
        self.pattern = Some(pattern);
        self
    }
    /// Adds a target (five at most).
    pub fn target(mut self, target: Target) -> Self {
        self.targets.push(target);
        self
    }
    /// Describes the rule (512 characters at most).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Creates the rule disabled.
    pub fn disabled(mut self) -> Self {
        self.enabled = false;
        self
    }

    fn check(&self, stack: &Stack, path: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.schedule.is_none() && self.pattern.is_none() {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "a rule needs a schedule or an event pattern")
                    .property("ScheduleExpression")
                    .allowed(".schedule(Schedule::rate(..)) or .pattern(EventPattern::new()..)"),
            );
        }
        if let Some(s) = &self.schedule {
            s.check(path, &mut out);
        }
        if let Some(p) = &self.pattern {
            p.check(path, &mut out);
        }
        if self.targets.len() > MAX_TARGETS {
            out.push(
                Diagnostic::error_of(DiagKind::ItemCount, path, "too many targets")
                    .property("Targets")
                    .value(self.targets.len().to_string())
                    .allowed(format!("at most {MAX_TARGETS} targets per rule (add another rule)")),
            );
        }
        if let Some(d) = self.description.as_ref().filter(|d| d.chars().count() > 512) {
            out.push(
                Diagnostic::error_of(DiagKind::Length, path, "description too long")
                    .property("Description")
                    .value(format!("{} characters", d.chars().count()))
                    .allowed("at most 512 characters"),
            );
        }
        for (i, t) in self.targets.iter().enumerate() {
            t.check(stack, path, i, &mut out);
        }
        out
    }

    /// Adds the rule and what its targets need.
    pub fn add_to(self, stack: &mut Stack) -> RuleRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        for d in self.check(stack, &path) {
            stack.report(d);
        }
        let mut rule = l1::Rule::new().state(if self.enabled { "ENABLED" } else { "DISABLED" });
        if let Some(d) = &self.description {
            rule = rule.description(d.clone());
        }
        if let Some(s) = &self.schedule {
            rule = rule.schedule_expression(s.expression());
        }
        if let Some(p) = &self.pattern {
            rule = rule.event_pattern(p.to_json());
        }
        if !self.targets.is_empty() {
            rule = rule.targets(self.targets.iter().enumerate().map(|(i, t)| t.to_l1(i)).collect::<Vec<_>>());
        }
        let handle = stack.within(scope, |s| s.add("Resource", rule));
        let arn = handle.attr_arn();
        for t in &self.targets {
            t.wire(stack, &self.id, &arn);
        }
        RuleRef { handle }
    }
}

/// A rule added to a stack: its name, ARN and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleRef {
    handle: Handle<l1::Rule>,
}

impl RuleRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Rule> {
        self.handle
    }
    /// The rule name (`Ref`, on the default event bus).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The rule ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }

    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/Events", name).dimension("RuleName", self.name()).statistic(Statistic::Sum)
    }
    /// `Invocations` (Sum): deliveries to targets.
    pub fn metric_invocations(self) -> Metric {
        self.metric("Invocations")
    }
    /// `FailedInvocations` (Sum): deliveries that failed for good.
    pub fn metric_failed_invocations(self) -> Metric {
        self.metric("FailedInvocations")
    }
    /// `TriggeredRules` (Sum): times the rule matched or fired.
    pub fn metric_triggered_rules(self) -> Metric {
        self.metric("TriggeredRules")
    }
    /// `InvocationsSentToDlq` (Sum): events sent to dead-letter queues.
    pub fn metric_invocations_sent_to_dlq(self) -> Metric {
        self.metric("InvocationsSentToDlq")
    }
}
