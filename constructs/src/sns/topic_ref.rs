//! [`TopicRef`]: a topic added to a stack, with its references, resource
//! policy, subscriptions, grants and metrics.

use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::sns as l1;

use super::{Subscription, SubscriptionRef};
use crate::cloudwatch::{AlarmAction, Metric, Statistic};
use crate::iam::{grant, Grantable, PolicyStatement};
use crate::lambda::FunctionRef;
use crate::sqs::QueueRef;
use cfnkit_l1::sns::TopicAttrs;

/// A topic added to a stack: its references, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicRef {
    handle: Handle<l1::Topic>,
    policy: Handle<l1::TopicPolicy>,
    kms: bool,
    fifo: bool,
}

impl TopicRef {
    pub(super) fn new(handle: Handle<l1::Topic>, policy: Handle<l1::TopicPolicy>, kms: bool, fifo: bool) -> Self {
        TopicRef { handle, policy, kms, fifo }
    }
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Topic> {
        self.handle
    }
    /// The topic policy's handle.
    pub fn policy(self) -> Handle<l1::TopicPolicy> {
        self.policy
    }
    /// The topic ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The topic name.
    pub fn name(self) -> Expr<String> {
        self.handle.attr_topic_name()
    }
    /// True for a FIFO topic.
    pub fn is_fifo(self) -> bool {
        self.fifo
    }
    /// True when the topic is encrypted with a customer managed key.
    pub fn has_customer_managed_key(self) -> bool {
        self.kms
    }
    /// The customer managed key's ARN, when the topic has one (in any stack of the app).
    pub(crate) fn customer_managed_key(self, stack: &Stack) -> Option<Token> {
        crate::customer_key::of(stack, self.handle.id())
    }

    /// The name the topic was given, if any (in any stack of the app).
    pub(crate) fn given_name(self, stack: &Stack) -> Option<Value<String>> {
        stack.fact::<super::TopicName>(self.handle.id()).map(|n| n.0)
    }

    /// Adds a statement to the topic policy (for a service principal, scope
    /// it with `aws:SourceArn` or `aws:SourceAccount`), in whichever stack of
    /// the app holds the topic. Identical statements are written once.
    pub fn add_to_resource_policy(self, stack: &mut Stack, s: PolicyStatement) {
        stack.append_to_property(self.policy.id(), "PolicyDocument.Statement", s.to_token());
    }

    /// Subscribes `function` (construct `id` in the current scope): the
    /// subscription, and the permission letting SNS invoke the function for
    /// this topic only. Options (filter policy, dead-letter queue) are on
    /// [`Subscription::lambda`].
    pub fn subscribe_lambda(self, stack: &mut Stack, id: &str, function: FunctionRef) -> SubscriptionRef {
        Subscription::lambda(id, self, function).add_to(stack)
    }
    /// Subscribes `queue` (construct `id` in the current scope): the
    /// subscription, and the queue-policy statement letting SNS send for
    /// this topic only. Options (raw delivery, filter policy, dead-letter
    /// queue) are on [`Subscription::queue`].
    pub fn subscribe_queue(self, stack: &mut Stack, id: &str, queue: QueueRef) -> SubscriptionRef {
        Subscription::queue(id, self, queue).add_to(stack)
    }

    /// Lets `grantee` publish: `sns:Publish` on this topic only (plus
    /// `kms:Decrypt` and `kms:GenerateDataKey` on a customer managed key).
    pub fn grant_publish(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["sns:Publish"]).resource(self.arn()));
        crate::customer_key::grant_key(stack, grantee, self.handle.id(), &["kms:Decrypt", "kms:GenerateDataKey"]);
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/SNS", name).dimension("TopicName", self.name()).statistic(stat)
    }
    /// `NumberOfMessagesPublished` (Sum).
    pub fn metric_messages_published(self) -> Metric {
        self.metric("NumberOfMessagesPublished", Statistic::Sum)
    }
    /// `NumberOfNotificationsDelivered` (Sum).
    pub fn metric_notifications_delivered(self) -> Metric {
        self.metric("NumberOfNotificationsDelivered", Statistic::Sum)
    }
    /// `NumberOfNotificationsFailed` (Sum).
    pub fn metric_notifications_failed(self) -> Metric {
        self.metric("NumberOfNotificationsFailed", Statistic::Sum)
    }
    /// `NumberOfNotificationsFilteredOut` (Sum): messages a subscription's
    /// filter policy rejected.
    pub fn metric_notifications_filtered_out(self) -> Metric {
        self.metric("NumberOfNotificationsFilteredOut", Statistic::Sum)
    }
    /// `NumberOfNotificationsRedrivenToDlq` (Sum): messages moved to a
    /// subscription's dead-letter queue.
    pub fn metric_notifications_redriven_to_dlq(self) -> Metric {
        self.metric("NumberOfNotificationsRedrivenToDlq", Statistic::Sum)
    }
}

impl AlarmAction for TopicRef {
    fn action_arn(&self) -> Token {
        self.arn().into()
    }
    fn topic(&self) -> Option<TopicRef> {
        Some(*self)
    }
    fn delivery_problem(&self) -> Option<String> {
        (!self.has_customer_managed_key()).then(|| {
            "CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns: give the topic a \
             customer managed key whose policy allows cloudwatch.amazonaws.com"
                .to_string()
        })
    }
}
