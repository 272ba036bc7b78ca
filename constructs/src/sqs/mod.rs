//! SQS: [`Queue`], encrypted, TLS-only and redriven by default.
//!
//! Defaults: server-side encryption with the AWS managed KMS key
//! `alias/aws/sqs` (checkov's CKV_AWS_27 counts only `KmsMasterKeyId`), a
//! queue policy that denies every `sqs:*` request not made over TLS
//! (`<Id>Policy`), and the stack's removal policy (else Retain). Every other
//! setting is left to SQS's own defaults (30 s visibility, 4 days retention,
//! 1 MiB messages) unless set.
//!
//! Dead-letter queues (cdk-nag `AwsSolutions-SQS3`: a queue should be a DLQ
//! or have one). A DLQ is built before the queues that redrive to it, so it
//! says what it is: [`Queue::as_dead_letter_queue`] marks it (and keeps its
//! messages 14 days unless told otherwise, the most SQS allows, to leave
//! time for investigation). A queue that neither has a DLQ
//! ([`Queue::dead_letter_queue`]) nor is marked as one gets a synthesis
//! warning, unless [`Queue::without_dead_letter_queue`] says why (the reason
//! is written as a cdk-nag suppression in its `Metadata`).
//!
//! Every AWS limit is checked when the queue is added: retention 60 s to
//! 14 days, visibility 0 to 12 h, delivery delay 0 to 15 min, receive wait
//! 0 to 20 s, message size 1 KiB to 1 MiB, `maxReceiveCount` 1 to 1,000,
//! FIFO-only settings on FIFO queues, a FIFO queue's DLQ FIFO (and a
//! standard queue's standard), and names of at most 80 letters, digits,
//! `-` and `_` ending in `.fifo` exactly when the queue is FIFO.

mod queue_ref;

pub use queue_ref::QueueRef;

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::Duration;
use cfnkit_l1::prelude::*;
use cfnkit_l1::sqs as l1;

use crate::iam::{deny_insecure_transport, PolicyDocument};
use crate::kms::KeyRef;
use crate::name::KnownName;
use crate::sns::DestinationKey;

/// The AWS managed key SQS uses when no customer managed key is given.
pub const AWS_MANAGED_KEY: &str = "alias/aws/sqs";

/// The most seconds SQS keeps a message (14 days).
pub const MAX_RETENTION_SECONDS: u64 = 1_209_600;

/// The seconds SQS keeps a message when `MessageRetentionPeriod` is not set (4 days).
pub const DEFAULT_RETENTION_SECONDS: u64 = 345_600;

/// The visibility timeout SQS applies when `VisibilityTimeout` is not set (30 s).
pub const DEFAULT_VISIBILITY_SECONDS: u64 = 30;

/// How the queue is encrypted at rest. There is no unencrypted option.
#[derive(Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
pub enum QueueEncryption {
    /// SSE-KMS with the AWS managed key `alias/aws/sqs` (the default).
    #[default]
    AwsManagedKms,
    /// SSE-SQS: keys owned and managed by SQS. Encrypts at rest, but checkov's
    /// CKV_AWS_27 only recognises a KMS key, so the construct records a skip
    /// of that check with the reason.
    SqsManaged,
    /// SSE-KMS with a customer managed key (its ARN); grants add the key actions.
    Kms(Token),
}

impl QueueEncryption {
    /// SSE-KMS with a customer managed key, by ARN (`key.arn()`).
    pub fn kms(key_arn: impl Into<Token>) -> Self {
        QueueEncryption::Kms(key_arn.into())
    }
}

impl From<KeyRef> for QueueEncryption {
    fn from(key: KeyRef) -> Self {
        QueueEncryption::Kms(key.arn().into())
    }
}

/// Where a queue sends messages that keep failing: the DLQ and how many
/// receives a message gets before it moves there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadLetterQueue {
    queue: QueueRef,
    max_receive_count: u32,
}

impl DeadLetterQueue {
    /// Moves a message to `queue` after `max_receive_count` receives (1 to 1,000).
    pub fn new(queue: QueueRef, max_receive_count: u32) -> Self {
        DeadLetterQueue { queue, max_receive_count }
    }
    /// The dead-letter queue.
    pub fn queue(self) -> QueueRef {
        self.queue
    }
    /// Receives before a message moves to the DLQ.
    pub fn max_receive_count(self) -> u32 {
        self.max_receive_count
    }
}

/// Whether the queue takes part in redrive (cdk-nag `AwsSolutions-SQS3`).
#[derive(Clone, Debug, PartialEq)]
enum Redrive {
    /// Neither a DLQ nor redriven: a synthesis warning.
    Unset,
    /// Redrives to a DLQ.
    To(DeadLetterQueue),
    /// Is a DLQ.
    IsDeadLetterQueue,
    /// Neither, for the reason given.
    Waived(String),
}

/// An SQS queue.
///
/// ```
/// use cfnkit_constructs::sqs::{DeadLetterQueue, Queue};
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let dlq = Queue::new("OrdersDlq").as_dead_letter_queue().add_to(stack);
/// let orders = Queue::new("Orders")
///     .visibility_timeout(Duration::minutes(6))
///     .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
///     .add_to(stack);
/// let _url = orders.url();
/// let _depth = dlq.metric_approximate_number_of_messages_visible();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Queue {
    id: String,
    name: Option<Value<String>>,
    encryption: QueueEncryption,
    fifo: bool,
    content_based_deduplication: bool,
    high_throughput: bool,
    redrive: Redrive,
    retention: Option<Duration>,
    visibility: Option<Duration>,
    delivery_delay: Option<Duration>,
    receive_wait: Option<Duration>,
    max_message_size: Option<u32>,
    data_key_reuse: Option<Duration>,
    removal: Option<RemovalPolicy>,
}

impl Queue {
    /// A standard queue with the secure defaults.
    pub fn new(id: &str) -> Self {
        Queue {
            id: id.to_string(),
            name: None,
            encryption: QueueEncryption::AwsManagedKms,
            fifo: false,
            content_based_deduplication: false,
            high_throughput: false,
            redrive: Redrive::Unset,
            retention: None,
            visibility: None,
            delivery_delay: None,
            receive_wait: None,
            max_message_size: None,
            data_key_reuse: None,
            removal: None,
        }
    }
    /// Sets `QueueName` (at most 80 letters, digits, `-` and `_`, plus
    /// `.fifo` for a FIFO queue; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the encryption (`key.into()` for SSE-KMS with a [`KeyRef`]).
    pub fn encryption(mut self, e: QueueEncryption) -> Self {
        self.encryption = e;
        self
    }
    /// Makes the queue FIFO (its name, if set, must end in `.fifo`).
    pub fn fifo(mut self) -> Self {
        self.fifo = true;
        self
    }
    /// Deduplicates by a SHA-256 of the body (FIFO queues only).
    pub fn content_based_deduplication(mut self) -> Self {
        self.content_based_deduplication = true;
        self
    }
    /// High-throughput FIFO: deduplication and the throughput quota per
    /// message group (FIFO queues only).
    pub fn high_throughput(mut self) -> Self {
        self.high_throughput = true;
        self
    }
    /// Redrives messages that keep failing to a dead-letter queue.
    pub fn dead_letter_queue(mut self, dlq: DeadLetterQueue) -> Self {
        self.redrive = Redrive::To(dlq);
        self
    }
    /// Declares this queue a dead-letter queue: no warning for lacking one,
    /// and messages kept 14 days unless [`Queue::retention`] says otherwise.
    pub fn as_dead_letter_queue(mut self) -> Self {
        self.redrive = Redrive::IsDeadLetterQueue;
        self
    }
    /// Declares that the queue needs no dead-letter queue, saying why.
    pub fn without_dead_letter_queue(mut self, reason: &str) -> Self {
        self.redrive = Redrive::Waived(reason.to_string());
        self
    }
    /// Sets how long messages are kept (60 s to 14 days; SQS's default is 4 days).
    pub fn retention(mut self, d: Duration) -> Self {
        self.retention = Some(d);
        self
    }
    /// Sets the visibility timeout (0 to 12 hours; SQS's default is 30 s).
    /// A queue feeding a Lambda function needs at least the function's timeout.
    pub fn visibility_timeout(mut self, d: Duration) -> Self {
        self.visibility = Some(d);
        self
    }
    /// Delays delivery of every new message (0 to 15 minutes).
    pub fn delivery_delay(mut self, d: Duration) -> Self {
        self.delivery_delay = Some(d);
        self
    }
    /// Sets how long `ReceiveMessage` waits for messages (long polling, 0 to 20 s).
    pub fn receive_wait_time(mut self, d: Duration) -> Self {
        self.receive_wait = Some(d);
        self
    }
    /// Sets the largest message accepted, in bytes (1,024 to 1,048,576).
    pub fn max_message_size(mut self, bytes: u32) -> Self {
        self.max_message_size = Some(bytes);
        self
    }
    /// Sets how long SQS reuses a KMS data key (60 s to 24 hours; KMS encryption only).
    pub fn data_key_reuse(mut self, d: Duration) -> Self {
        self.data_key_reuse = Some(d);
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    /// Reports every AWS limit the settings break.
    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let ranges: [(&str, Option<Duration>, u64, u64, &str); 5] = [
            ("MessageRetentionPeriod", self.retention, 60, MAX_RETENTION_SECONDS, "60 seconds to 14 days"),
            ("VisibilityTimeout", self.visibility, 0, 43_200, "0 to 43200 seconds (12 hours)"),
            ("DelaySeconds", self.delivery_delay, 0, 900, "0 to 900 seconds (15 minutes)"),
            ("ReceiveMessageWaitTimeSeconds", self.receive_wait, 0, 20, "0 to 20 seconds"),
            ("KmsDataKeyReusePeriodSeconds", self.data_key_reuse, 60, 86_400, "60 to 86400 seconds (24 hours)"),
        ];
        for (prop, d, min, max, allowed) in ranges {
            if let Some(d) = d {
                if !(min..=max).contains(&d.to_seconds()) {
                    out.push(
                        Diagnostic::error(path, "duration out of range")
                            .property(prop)
                            .value(d.to_string())
                            .allowed(allowed),
                    );
                }
            }
        }
        if let Some(b) = self.max_message_size {
            if !(1024..=1_048_576).contains(&b) {
                out.push(
                    Diagnostic::error(path, "maximum message size out of range")
                        .property("MaximumMessageSize")
                        .value(format!("{b} bytes"))
                        .allowed("1024 to 1048576 bytes"),
                );
            }
        }
        if let QueueEncryption::Kms(Token::Str(k)) = &self.encryption {
            if !k.starts_with("arn:") {
                out.push(
                    Diagnostic::error(path, "a customer managed key is given by ARN (grants name it in IAM)")
                        .property("KmsMasterKeyId")
                        .value(format!("{k:?}"))
                        .allowed("the key's ARN (key.arn())"),
                );
            }
        }
        if self.data_key_reuse.is_some() && self.encryption == QueueEncryption::SqsManaged {
            out.push(
                Diagnostic::error(path, "data key reuse applies to KMS encryption only")
                    .property("KmsDataKeyReusePeriodSeconds")
                    .allowed("KMS encryption (the default or a customer managed key)"),
            );
        }
        if !self.fifo {
            for (on, prop, call) in [
                (self.content_based_deduplication, "ContentBasedDeduplication", ".content_based_deduplication()"),
                (self.high_throughput, "FifoThroughputLimit", ".high_throughput()"),
            ] {
                if on {
                    out.push(
                        Diagnostic::error(path, format!("{call} applies to FIFO queues only"))
                            .property(prop)
                            .allowed("call .fifo() on the queue"),
                    );
                }
            }
        }
        if let Some(n) = &self.name {
            self.check_name(path, n, out);
        }
        if let Redrive::To(dlq) = &self.redrive {
            self.check_redrive(path, *dlq, out);
        }
        if self.redrive == Redrive::Unset {
            out.push(
                Diagnostic::warning(
                    path,
                    "queue neither has a dead-letter queue nor is one (cdk-nag AwsSolutions-SQS3): \
                     messages that keep failing are received again until they expire",
                )
                .property("RedrivePolicy")
                .allowed(
                    "add .dead_letter_queue(DeadLetterQueue::new(dlq, n)), mark a DLQ with .as_dead_letter_queue(), \
                     or say why with .without_dead_letter_queue(reason)",
                ),
            );
        }
    }

    fn check_name(&self, path: &str, n: &Value<String>, out: &mut Vec<Diagnostic>) {
        let Some(known) = KnownName::of(n) else { return };
        let text = known.text();
        let stem = text.strip_suffix(".fifo").unwrap_or(&text);
        if let Some(c) = stem.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
            out.push(
                Diagnostic::error(path, format!("invalid character {c:?} in queue name"))
                    .property("QueueName")
                    .value(format!("{text:?}"))
                    .allowed("letters, digits, '-' and '_' (plus the .fifo suffix of a FIFO queue)"),
            );
        }
        let len = text.chars().count();
        if len > 80 || (known.fully_known() && len == 0) {
            let at_least = if known.fully_known() { "" } else { "at least " };
            out.push(
                Diagnostic::error(path, "queue name length")
                    .property("QueueName")
                    .value(format!("{at_least}{len} characters"))
                    .allowed("1 to 80 characters, .fifo included"),
            );
        }
        crate::name::check_fifo_suffix(path, "QueueName", "queue", self.fifo, &known, out);
    }

    fn check_redrive(&self, path: &str, dlq: DeadLetterQueue, out: &mut Vec<Diagnostic>) {
        if !(1..=1000).contains(&dlq.max_receive_count) {
            out.push(
                Diagnostic::error(path, "maxReceiveCount out of range")
                    .property("RedrivePolicy.maxReceiveCount")
                    .value(dlq.max_receive_count.to_string())
                    .allowed("1 to 1000"),
            );
        }
        let target = dlq.queue;
        if target.is_fifo() != self.fifo {
            let (me, it) = if self.fifo { ("FIFO", "standard") } else { ("standard", "FIFO") };
            out.push(
                Diagnostic::error(path, format!("a {me} queue's dead-letter queue must be {me} too (it is {it})"))
                    .property("RedrivePolicy.deadLetterTargetArn")
                    .allowed(format!("a {me} dead-letter queue")),
            );
        }
        // Standard queues keep a message's first enqueue time in the DLQ, so a
        // DLQ keeping messages for less time than its source loses them early.
        if !self.fifo {
            // The DLQ's handle carries its retention, wherever the DLQ lives.
            let mine = self.retention.map_or(DEFAULT_RETENTION_SECONDS, Duration::to_seconds);
            if let Some(theirs) = Some(target.retention_seconds()) {
                if theirs < mine {
                    out.push(
                        Diagnostic::warning(
                            path,
                            format!(
                                "the dead-letter queue keeps messages {} but this queue {}; a message's age counts \
                                 from its first enqueue, so it can expire in the DLQ before anyone looks",
                                Duration::seconds(theirs),
                                Duration::seconds(mine)
                            ),
                        )
                        .property("RedrivePolicy")
                        .allowed("a DLQ retention at least this queue's (14 days is the most)"),
                    );
                }
            }
        }
    }

    /// Adds the queue and its TLS-only policy to the stack.
    pub fn add_to(self, stack: &mut Stack) -> QueueRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let mut diags = Vec::new();
        self.check(&path, &mut diags);
        let invalid = |prop: &str| diags.iter().any(|d| d.property.as_deref() == Some(prop));
        // A value already reported is left out, so the schema check does not report it twice.
        let secs = |d: Option<Duration>, prop: &str| d.filter(|_| !invalid(prop)).map(|d| d.to_seconds() as i64);

        let mut q = l1::Queue::new();
        match &self.encryption {
            QueueEncryption::AwsManagedKms => q = q.kms_master_key_id(AWS_MANAGED_KEY.to_string()),
            QueueEncryption::SqsManaged => q = q.sqs_managed_sse_enabled(true),
            QueueEncryption::Kms(k) => q = q.kms_master_key_id(Value::Expr(k.clone())),
        }
        if let Some(s) = secs(self.data_key_reuse, "KmsDataKeyReusePeriodSeconds") {
            q = q.kms_data_key_reuse_period_seconds(s);
        }
        if self.fifo {
            q = q.fifo_queue(true);
            if self.content_based_deduplication {
                q = q.content_based_deduplication(true);
            }
            if self.high_throughput {
                q = q
                    .deduplication_scope("messageGroup".to_string())
                    .fifo_throughput_limit("perMessageGroupId".to_string());
            }
        }
        let retention = match self.redrive {
            Redrive::IsDeadLetterQueue => self.retention.or(Some(Duration::seconds(MAX_RETENTION_SECONDS))),
            _ => self.retention,
        };
        if let Some(s) = secs(retention, "MessageRetentionPeriod") {
            q = q.message_retention_period(s);
        }
        if let Some(s) = secs(self.visibility, "VisibilityTimeout") {
            q = q.visibility_timeout(s);
        }
        if let Some(s) = secs(self.delivery_delay, "DelaySeconds") {
            q = q.delay_seconds(s);
        }
        if let Some(s) = secs(self.receive_wait, "ReceiveMessageWaitTimeSeconds") {
            q = q.receive_message_wait_time_seconds(s);
        }
        if let Some(b) = self.max_message_size.filter(|_| !invalid("MaximumMessageSize")) {
            q = q.maximum_message_size(i64::from(b));
        }
        if let Redrive::To(dlq) = &self.redrive {
            q = q.redrive_policy(Token::object([
                ("deadLetterTargetArn", Token::from(dlq.queue.arn())),
                ("maxReceiveCount", Token::from(dlq.max_receive_count)),
            ]));
        }
        if let Some(n) = self.name.clone() {
            q = q.queue_name(n);
        }
        let times = queue_ref::Times {
            visibility: self
                .visibility
                .filter(|_| !invalid("VisibilityTimeout"))
                .map_or(DEFAULT_VISIBILITY_SECONDS, Duration::to_seconds),
            retention: retention
                .filter(|_| !invalid("MessageRetentionPeriod"))
                .map_or(DEFAULT_RETENTION_SECONDS, Duration::to_seconds),
        };
        for d in diags {
            stack.report(d);
        }

        let handle = stack.within(scope, |s| s.add("Resource", q));
        stack.set_removal_policy(handle.id(), removal);
        if self.encryption == QueueEncryption::SqsManaged {
            stack.acknowledge(
                handle.id(),
                Ack::Checkov {
                    id: "CKV_AWS_27".into(),
                    reason: "encrypted at rest with SSE-SQS (SqsManagedSseEnabled), as chosen; checkov only \
                             recognises KMS encryption (KmsMasterKeyId)"
                        .into(),
                },
            );
        }
        if let Redrive::Waived(reason) = &self.redrive {
            stack.add_metadata(
                handle.id(),
                "cdk_nag",
                serde_json::json!({"rules_to_suppress": [{"id": "AwsSolutions-SQS3", "reason": reason}]}),
            );
        }

        let dlq = self.redrive == Redrive::IsDeadLetterQueue;
        let destination_key = match &self.encryption {
            QueueEncryption::AwsManagedKms => DestinationKey::AwsManaged,
            QueueEncryption::SqsManaged => DestinationKey::None,
            QueueEncryption::Kms(k) => {
                crate::customer_key::record(stack, handle.id(), k);
                DestinationKey::Customer(k.clone())
            }
        };
        let kms = matches!(destination_key, DestinationKey::Customer(_));
        stack.record_fact(handle.id(), destination_key);
        let doc = PolicyDocument::new().with(deny_insecure_transport("sqs:*", [handle.attr_arn().into()]));
        let policy = stack.within(scope, |s| {
            s.add("Policy", l1::QueuePolicy::new(doc.to_token(), vec![Value::from(handle.reference())]))
        });
        QueueRef::new(handle, policy, self.fifo, kms, dlq, times)
    }
}
