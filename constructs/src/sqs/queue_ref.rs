//! [`QueueRef`]: a queue added to a stack, with its references, grants and metrics.

use cfnkit_core::resource::Handle;
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;
use cfnkit_l1::prelude::*;
use cfnkit_l1::sqs as l1;

use crate::cloudwatch::{Metric, Statistic};
use crate::customer_key;
use crate::iam::{grant, Grantable, PolicyStatement};
use crate::sns::DestinationKey;

/// CDK's `grantConsumeMessages` actions.
pub(crate) const CONSUME_ACTIONS: [&str; 5] = [
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];
/// CDK's `grantSendMessages` actions.
pub(crate) const SEND_ACTIONS: [&str; 3] = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];
/// CDK's `grantPurge` actions.
pub(crate) const PURGE_ACTIONS: [&str; 3] = ["sqs:PurgeQueue", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];
/// The key actions a consumer needs with a customer managed key.
const CONSUME_KEY_ACTIONS: [&str; 1] = ["kms:Decrypt"];
/// The key actions a producer gets with a customer managed key: CDK's
/// `kms:Decrypt, Encrypt, ReEncrypt*, GenerateDataKey*`, spelled out.
const SEND_KEY_ACTIONS: [&str; 6] = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
];

/// The timings other constructs check a queue against, in seconds (SQS's
/// defaults when not set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) visibility: u64,
    pub(crate) retention: u64,
}

/// A queue added to a stack: its references, grants and metrics.
///
/// The handle carries the queue's facts (FIFO-ness, timings, whether a
/// customer managed key encrypts it), so checks and grants behave the same
/// in the queue's stack and in any other stack of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueRef {
    handle: Handle<l1::Queue>,
    policy: Handle<l1::QueuePolicy>,
    fifo: bool,
    kms: bool,
    dead_letter_queue: bool,
    times: Times,
}

impl QueueRef {
    pub(crate) fn new(
        handle: Handle<l1::Queue>,
        policy: Handle<l1::QueuePolicy>,
        fifo: bool,
        kms: bool,
        dead_letter_queue: bool,
        times: Times,
    ) -> Self {
        QueueRef { handle, policy, fifo, kms, dead_letter_queue, times }
    }
    /// The visibility timeout in seconds (SQS's 30 when not set).
    pub fn visibility_timeout_seconds(self) -> u64 {
        self.times.visibility
    }
    /// How long messages are kept, in seconds (SQS's 4 days when not set).
    pub fn retention_seconds(self) -> u64 {
        self.times.retention
    }
    /// The L1 handle (its settings are readable through `stack.get(queue.handle())`).
    pub fn handle(self) -> Handle<l1::Queue> {
        self.handle
    }
    /// The queue policy's handle.
    pub fn policy(self) -> Handle<l1::QueuePolicy> {
        self.policy
    }
    /// The queue URL (`Ref`).
    pub fn url(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The queue ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The queue name (`Fn::GetAtt QueueName`).
    pub fn name(self) -> Expr<String> {
        self.handle.attr_queue_name()
    }
    /// True for a FIFO queue.
    pub fn is_fifo(self) -> bool {
        self.fifo
    }
    /// True when the queue was marked with `as_dead_letter_queue()`.
    pub fn is_dead_letter_queue(self) -> bool {
        self.dead_letter_queue
    }
    /// How the queue is encrypted, as a service delivering to it sees it
    /// (in any stack of the app).
    pub(crate) fn destination_key(self, stack: &Stack) -> DestinationKey {
        stack.fact::<DestinationKey>(self.handle.id()).unwrap_or(DestinationKey::None)
    }
    /// True when the queue is encrypted with a customer managed key.
    pub fn has_customer_managed_key(self) -> bool {
        self.kms
    }

    /// Adds a statement to the queue policy (for a service principal, scope
    /// it with `aws:SourceArn` or `aws:SourceAccount`), in whichever stack of
    /// the app holds the queue. Identical statements are written once.
    pub fn add_to_resource_policy(self, stack: &mut Stack, s: PolicyStatement) {
        stack.append_to_property(self.policy.id(), "PolicyDocument.Statement", s.to_token());
    }

    fn key_statement(self, stack: &mut Stack, grantee: &impl Grantable, actions: &[&str]) {
        customer_key::grant_key(stack, grantee, self.handle.id(), actions);
    }

    /// Lets `grantee` receive and delete messages: `sqs:ReceiveMessage`,
    /// `ChangeMessageVisibility`, `GetQueueUrl`, `DeleteMessage` and
    /// `GetQueueAttributes` on this queue only (plus `kms:Decrypt` on a
    /// customer managed key).
    pub fn grant_consume_messages(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(CONSUME_ACTIONS).resource(self.arn()));
        self.key_statement(stack, grantee, &CONSUME_KEY_ACTIONS);
    }
    /// Lets `grantee` send messages: `sqs:SendMessage`, `GetQueueAttributes`
    /// and `GetQueueUrl` on this queue only (plus, on a customer managed key,
    /// `kms:Decrypt`, `Encrypt`, `ReEncryptFrom`, `ReEncryptTo`,
    /// `GenerateDataKey` and `GenerateDataKeyWithoutPlaintext`).
    pub fn grant_send_messages(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(SEND_ACTIONS).resource(self.arn()));
        self.key_statement(stack, grantee, &SEND_KEY_ACTIONS);
    }
    /// Lets `grantee` purge the queue: `sqs:PurgeQueue`, `GetQueueAttributes`
    /// and `GetQueueUrl` on this queue only.
    pub fn grant_purge(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(PURGE_ACTIONS).resource(self.arn()));
    }
    /// `sqs:SendMessage` alone (plus the producer's key actions): what Lambda
    /// needs to put failed events on a dead-letter queue.
    pub(crate) fn grant_send_only(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["sqs:SendMessage"]).resource(self.arn()));
        self.key_statement(stack, grantee, &SEND_KEY_ACTIONS);
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/SQS", name).dimension("QueueName", self.name()).statistic(stat)
    }
    /// `ApproximateNumberOfMessagesVisible` (Maximum): the backlog.
    pub fn metric_approximate_number_of_messages_visible(self) -> Metric {
        self.metric("ApproximateNumberOfMessagesVisible", Statistic::Maximum)
    }
    /// `ApproximateNumberOfMessagesNotVisible` (Maximum): messages in flight.
    pub fn metric_approximate_number_of_messages_not_visible(self) -> Metric {
        self.metric("ApproximateNumberOfMessagesNotVisible", Statistic::Maximum)
    }
    /// `ApproximateNumberOfMessagesDelayed` (Maximum).
    pub fn metric_approximate_number_of_messages_delayed(self) -> Metric {
        self.metric("ApproximateNumberOfMessagesDelayed", Statistic::Maximum)
    }
    /// `ApproximateAgeOfOldestMessage` (Maximum, seconds).
    pub fn metric_approximate_age_of_oldest_message(self) -> Metric {
        self.metric("ApproximateAgeOfOldestMessage", Statistic::Maximum)
    }
    /// `NumberOfMessagesSent` (Sum).
    pub fn metric_number_of_messages_sent(self) -> Metric {
        self.metric("NumberOfMessagesSent", Statistic::Sum)
    }
    /// `NumberOfMessagesReceived` (Sum).
    pub fn metric_number_of_messages_received(self) -> Metric {
        self.metric("NumberOfMessagesReceived", Statistic::Sum)
    }
    /// `NumberOfMessagesDeleted` (Sum).
    pub fn metric_number_of_messages_deleted(self) -> Metric {
        self.metric("NumberOfMessagesDeleted", Statistic::Sum)
    }
    /// `NumberOfEmptyReceives` (Sum).
    pub fn metric_number_of_empty_receives(self) -> Metric {
        self.metric("NumberOfEmptyReceives", Statistic::Sum)
    }
}
