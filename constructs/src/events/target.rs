//! [`Target`]: where a rule sends matched events, and what each kind of
//! target needs to accept them (permission, queue or topic policy, key
//! policy).

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::events as l1;

use crate::arn;
use crate::iam::{PolicyStatement, Principal};
use crate::lambda::{FunctionRef, Permission};
use crate::sns::{allow_on_key, DestinationKey, KeyGrant, TopicRef};
use crate::sqs::QueueRef;

/// The service principal that delivers EventBridge events.
pub(super) const EVENTS: &str = "events.amazonaws.com";
/// EventBridge's most retry attempts.
const MAX_RETRIES: u32 = 185;

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Lambda(FunctionRef),
    Queue { queue: QueueRef, group: Option<String> },
    Topic(TopicRef),
}

/// A rule's target: a Lambda function, an SQS queue or an SNS topic, with
/// an optional dead-letter queue and retry policy.
///
/// What the target needs is written with the rule: a function gets an
/// `AWS::Lambda::Permission` for `events.amazonaws.com` with
/// `SourceArn` = the rule; a queue or topic gets a resource-policy statement
/// (`sqs:SendMessage`, `sns:Publish`) with `aws:SourceArn` = the rule; a
/// customer managed key encrypting it gets `kms:GenerateDataKey` and
/// `kms:Decrypt` for EventBridge in its key policy (scoped to this
/// account's rules). The dead-letter queue gets the same queue statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    kind: Kind,
    dead_letter_queue: Option<QueueRef>,
    retries: Option<u32>,
    max_age: Option<Duration>,
    input: Option<serde_json::Value>,
}

impl Target {
    fn of(kind: Kind) -> Self {
        Target { kind, dead_letter_queue: None, retries: None, max_age: None, input: None }
    }
    /// Invokes `function` with each event.
    pub fn lambda(function: FunctionRef) -> Self {
        Target::of(Kind::Lambda(function))
    }
    /// Sends each event to `queue` (a FIFO queue also needs
    /// [`message_group_id`](Self::message_group_id)).
    pub fn queue(queue: QueueRef) -> Self {
        Target::of(Kind::Queue { queue, group: None })
    }
    /// Publishes each event to `topic` (encrypted with a customer managed key:
    /// EventBridge cannot use `alias/aws/sns`).
    pub fn topic(topic: TopicRef) -> Self {
        Target::of(Kind::Topic(topic))
    }
    /// The message group of a FIFO queue target.
    pub fn message_group_id(mut self, group: &str) -> Self {
        if let Kind::Queue { group: g, .. } = &mut self.kind {
            *g = Some(group.to_string());
        }
        self
    }
    /// Sends events EventBridge could not deliver to `queue` (a standard queue).
    pub fn dead_letter_queue(mut self, queue: QueueRef) -> Self {
        self.dead_letter_queue = Some(queue);
        self
    }
    /// Retries a failed delivery at most `n` times (0 to 185; EventBridge's
    /// default is 185).
    pub fn retry_attempts(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }
    /// Gives up on an event older than `age` (1 minute to 24 hours; 24 hours by default).
    pub fn max_event_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }
    /// Sends this constant JSON instead of the event.
    pub fn input(mut self, input: serde_json::Value) -> Self {
        self.input = Some(input);
        self
    }

    /// The target's ARN.
    fn arn(&self) -> Expr<String> {
        match &self.kind {
            Kind::Lambda(f) => f.arn(),
            Kind::Queue { queue, .. } => queue.arn(),
            Kind::Topic(t) => t.arn(),
        }
    }

    pub(super) fn check(&self, stack: &Stack, path: &str, index: usize, out: &mut Vec<Diagnostic>) {
        let prop = |p: &str| format!("Targets[{index}].{p}");
        match &self.kind {
            Kind::Queue { queue, group } => {
                if queue.is_fifo() && group.is_none() {
                    out.push(
                        Diagnostic::error_of(DiagKind::Missing, path, "a FIFO queue target needs a message group id")
                            .property(prop("SqsParameters.MessageGroupId"))
                            .allowed("Target::queue(q).message_group_id(\"group\")"),
                    );
                }
                if let Some(g) = group.as_ref().filter(|_| !queue.is_fifo()) {
                    out.push(
                        Diagnostic::error_of(DiagKind::Conflict, path, "a message group id on a standard queue target")
                            .property(prop("SqsParameters.MessageGroupId"))
                            .value(format!("{g:?}"))
                            .allowed("a FIFO queue, or no message_group_id"),
                    );
                }
                aws_managed_queue(stack, *queue, path, &prop("Arn"), "the target queue", out);
            }
            Kind::Topic(t) if !t.has_customer_managed_key() => out.push(
                Diagnostic::error_of(
                    DiagKind::Wiring,
                    path,
                    "the target topic is encrypted with the AWS managed key alias/aws/sns, whose key policy cannot \
                     let EventBridge publish: every delivery would fail",
                )
                .property(prop("Arn"))
                .allowed("a topic encrypted with a customer managed key (TopicEncryption::from(key))"),
            ),
            Kind::Topic(_) | Kind::Lambda(_) => {}
        }
        if let Some(q) = self.dead_letter_queue {
            if q.is_fifo() {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "a FIFO dead-letter queue")
                        .property(prop("DeadLetterConfig.Arn"))
                        .value("a FIFO queue")
                        .allowed("a standard queue (EventBridge dead-letter queues cannot be FIFO)"),
                );
            }
            aws_managed_queue(stack, q, path, &prop("DeadLetterConfig.Arn"), "the dead-letter queue", out);
        }
        if let Some(n) = self.retries.filter(|n| *n > MAX_RETRIES) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "too many retry attempts")
                    .property(prop("RetryPolicy.MaximumRetryAttempts"))
                    .value(n.to_string())
                    .allowed(format!("0 to {MAX_RETRIES}")),
            );
        }
        if let Some(a) = self.max_age.filter(|a| !(60..=86_400).contains(&a.to_seconds())) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "maximum event age out of range")
                    .property(prop("RetryPolicy.MaximumEventAgeInSeconds"))
                    .value(format!("{} seconds", a.to_seconds()))
                    .allowed("60 to 86400 seconds"),
            );
        }
    }

    /// Writes what the target needs to accept events from `rule`: the
    /// permission, the queue or topic policy statement, the key policy
    /// statement, and the same for the dead-letter queue.
    pub(super) fn wire(&self, stack: &mut Stack, rule_id: &str, rule: &Expr<String>) {
        match &self.kind {
            Kind::Lambda(f) => {
                let p = Permission::service(EVENTS).source_arn(rule.clone());
                f.add_permission(stack, &format!("{rule_id}Permission"), p);
            }
            Kind::Queue { queue, .. } => allow_queue(stack, *queue, rule),
            Kind::Topic(t) => {
                t.add_to_resource_policy(
                    stack,
                    PolicyStatement::allow()
                        .principal(Principal::service(EVENTS))
                        .actions(["sns:Publish"])
                        .resource(t.arn())
                        .condition("ArnEquals", "aws:SourceArn", rule.clone()),
                );
                if let Some(k) = t.customer_managed_key(stack) {
                    allow_key(stack, &k, "the target topic");
                }
            }
        }
        if let Some(q) = self.dead_letter_queue {
            allow_queue(stack, q, rule);
        }
    }

    /// The L1 target, `Target<index>`.
    pub(super) fn to_l1(&self, index: usize) -> l1::Target {
        let mut target = l1::Target::new(Value::from(self.arn()), format!("Target{index}"));
        if let Kind::Queue { group: Some(g), .. } = &self.kind {
            target = target.sqs_parameters(l1::SqsParameters::new(g.clone()));
        }
        if let Some(q) = self.dead_letter_queue {
            target = target.dead_letter_config(l1::DeadLetterConfig::new().arn(Value::from(q.arn())));
        }
        if self.retries.is_some() || self.max_age.is_some() {
            let mut r = l1::RetryPolicy::new();
            if let Some(n) = self.retries {
                r = r.maximum_retry_attempts(i64::from(n));
            }
            if let Some(a) = self.max_age {
                r = r.maximum_event_age_in_seconds(a.to_seconds() as i64);
            }
            target = target.retry_policy(r);
        }
        if let Some(i) = &self.input {
            target = target.input(i.to_string());
        }
        target
    }
}

/// Reports a queue EventBridge cannot write to (encrypted with `alias/aws/sqs`).
fn aws_managed_queue(stack: &Stack, q: QueueRef, path: &str, property: &str, what: &str, out: &mut Vec<Diagnostic>) {
    if q.destination_key(stack) == DestinationKey::AwsManaged {
        out.push(
            Diagnostic::error_of(
                DiagKind::Wiring,
                path,
                format!(
                    "{what} is encrypted with the AWS managed key alias/aws/sqs, whose key policy cannot let \
                     EventBridge encrypt messages: every delivery would fail"
                ),
            )
            .property(property)
            .allowed("a queue encrypted with a customer managed key or with SSE-SQS (QueueEncryption::SqsManaged)"),
        );
    }
}

/// Lets the rule send messages to `q`, and EventBridge use its customer managed key.
fn allow_queue(stack: &mut Stack, q: QueueRef, rule: &Expr<String>) {
    q.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .principal(Principal::service(EVENTS))
            .actions(["sqs:SendMessage"])
            .resource(q.arn())
            .condition("ArnEquals", "aws:SourceArn", rule.clone()),
    );
    if let DestinationKey::Customer(k) = q.destination_key(stack) {
        allow_key(stack, &k, "the target queue");
    }
}

/// The key-policy statement for EventBridge, scoped to this account's rules
/// in this region (naming the rule itself would be a cycle: the rule names
/// the queue, the queue its key).
fn allow_key(stack: &mut Stack, key: &Token, what: &str) {
    let rules: Token = arn::regional("events", "rule/*", Vec::<(&str, Token)>::new()).into();
    let grant = KeyGrant { service: EVENTS, condition: Some(("ArnLike", "aws:SourceArn", rules)) };
    let path = stack.name().to_string();
    allow_on_key(stack, key, &grant, &path, what);
}
