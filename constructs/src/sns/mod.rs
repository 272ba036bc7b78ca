//! SNS: [`Topic`] (`AWS::SNS::Topic`), encrypted and TLS-only by default,
//! and [`Subscription`]s (`AWS::SNS::Subscription`) delivering it to Lambda
//! functions and SQS queues with exactly the permissions delivery needs.
//!
//! Topic defaults: server-side encryption with the AWS managed key
//! `alias/aws/sns` (or a customer managed key), a topic policy that denies
//! publishing over plain HTTP (`<Id>Policy`), and a standard topic unless
//! [`Topic::fifo`] says otherwise. Checked when added: the display name (at
//! most 100 characters), the topic name (1 to 256 letters, digits, `-` and
//! `_`, ending in `.fifo` exactly when the topic is FIFO), a FIFO topic's
//! name being set (CloudFormation does not add `.fifo` to a generated name),
//! and content-based deduplication only on FIFO topics.
//!
//! Subscription defaults: a Lambda subscription adds the
//! `AWS::Lambda::Permission` letting `sns.amazonaws.com` invoke the function
//! for this topic only (`SourceArn`); a queue subscription adds a statement
//! to the queue's policy letting `sns.amazonaws.com` send for this topic
//! only (`aws:SourceArn`), and so does a dead-letter queue. The subscription
//! waits (`DependsOn`) for that permission or policy, because a delivery
//! SNS is refused is a client error it does not retry: the message would be
//! lost. A queue encrypted with a customer managed key defined in the same
//! stack gets a key-policy statement letting SNS use the key for this topic;
//! a key defined elsewhere gets a synthesis warning saying what its policy
//! must allow. A queue encrypted with the AWS managed key `alias/aws/sqs`
//! cannot receive from SNS at all (that key's policy cannot name SNS), which
//! is a synthesis error naming the fix.

mod key_policy;
mod subscription;
mod topic_ref;

pub(crate) use key_policy::{allow_on_key, DestinationKey, KeyGrant};
pub use subscription::{FilterPolicyScope, SubscribedTopic, Subscription, SubscriptionRef};
pub use topic_ref::TopicRef;

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::sns as l1;

use crate::iam::{deny_insecure_transport, PolicyDocument};
use crate::kms::KeyRef;
use crate::name::KnownName;

/// The name a topic was given, as a fact for wirings in any stack of the app.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TopicName(pub(crate) Value<String>);

/// The AWS managed key SNS uses when no customer managed key is given.
pub const AWS_MANAGED_KEY: &str = "alias/aws/sns";

/// How the topic is encrypted at rest. There is no unencrypted option.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum TopicEncryption {
    /// The AWS managed key `alias/aws/sns` (the default). AWS services that
    /// publish to topics themselves (S3 event notifications, CloudWatch
    /// alarms of other services) cannot use it: its policy cannot name them.
    #[default]
    AwsManaged,
    /// A customer managed KMS key (its ARN); grants add the key actions.
    Kms(Token),
}

impl From<KeyRef> for TopicEncryption {
    fn from(key: KeyRef) -> Self {
        TopicEncryption::Kms(key.arn().into())
    }
}

/// An SNS topic.
///
/// ```
/// use cfnkit_constructs::sns::Topic;
/// use cfnkit_core::conventions::Conventions;
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo").conventions(Conventions::tap("demo"));
/// let sfx = stack.suffix();
/// let alerts = Topic::new("AlertTopic").display_name("Order alerts").add_to(stack);
/// let orders = Topic::new("OrderEvents")
///     .name(sfx.format("order-events-{}.fifo"))
///     .fifo()
///     .content_based_deduplication()
///     .add_to(stack);
/// let _arns = (alerts.arn(), orders.arn());
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Topic {
    id: String,
    name: Option<Value<String>>,
    display_name: Option<String>,
    encryption: TopicEncryption,
    fifo: bool,
    content_based_deduplication: bool,
}

impl Topic {
    /// A standard topic with the secure defaults.
    pub fn new(id: &str) -> Self {
        Topic {
            id: id.to_string(),
            name: None,
            display_name: None,
            encryption: TopicEncryption::AwsManaged,
            fifo: false,
            content_based_deduplication: false,
        }
    }
    /// Sets `TopicName` (1 to 256 letters, digits, `-` and `_`, plus `.fifo`
    /// for a FIFO topic; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `DisplayName` (at most 100 characters).
    pub fn display_name(mut self, d: &str) -> Self {
        self.display_name = Some(d.to_string());
        self
    }
    /// Sets the encryption (`TopicEncryption::Kms`, or a [`KeyRef`] directly).
    pub fn encryption(mut self, e: impl Into<TopicEncryption>) -> Self {
        self.encryption = e.into();
        self
    }
    /// Makes the topic FIFO: ordered, deduplicated delivery to SQS queues.
    /// Its name must be set and end in `.fifo`.
    pub fn fifo(mut self) -> Self {
        self.fifo = true;
        self
    }
    /// Deduplicates by a SHA-256 of the message body (FIFO topics only).
    pub fn content_based_deduplication(mut self) -> Self {
        self.content_based_deduplication = true;
        self
    }

    /// Reports every AWS limit the settings break.
    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if let Some(d) = &self.display_name {
            let len = d.chars().count();
            if len > 100 {
                out.push(
                    Diagnostic::error(path, "display name too long")
                        .property("DisplayName")
                        .value(format!("{len} characters"))
                        .allowed("at most 100 characters"),
                );
            }
        }
        if self.content_based_deduplication && !self.fifo {
            out.push(
                Diagnostic::error(path, ".content_based_deduplication() applies to FIFO topics only")
                    .property("ContentBasedDeduplication")
                    .allowed("call .fifo() on the topic"),
            );
        }
        match &self.name {
            Some(n) => self.check_name(path, n, out),
            None if self.fifo => out.push(
                Diagnostic::error(path, "a FIFO topic needs a name ending in .fifo (CloudFormation does not add it)")
                    .property("TopicName")
                    .allowed(".name(sfx.format(\"orders-{}.fifo\"))"),
            ),
            None => {}
        }
    }

    fn check_name(&self, path: &str, n: &Value<String>, out: &mut Vec<Diagnostic>) {
        let Some(known) = KnownName::of(n) else { return };
        let text = known.text();
        let stem = text.strip_suffix(".fifo").unwrap_or(&text);
        if let Some(c) = stem.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
            out.push(
                Diagnostic::error(path, format!("invalid character {c:?} in topic name"))
                    .property("TopicName")
                    .value(format!("{text:?}"))
                    .allowed("letters, digits, '-' and '_' (plus the .fifo suffix of a FIFO topic)"),
            );
        }
        let len = text.chars().count();
        if len > 256 || (known.fully_known() && len == 0) {
            out.push(
                Diagnostic::error(path, "topic name length")
                    .property("TopicName")
                    .value(known.describe_len())
                    .allowed("1 to 256 characters, .fifo included"),
            );
        }
        crate::name::check_fifo_suffix(path, "TopicName", "topic", self.fifo, &known, out);
    }

    /// Adds the topic and its TLS-only policy to the stack.
    pub fn add_to(self, stack: &mut Stack) -> TopicRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        self.check(&path, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let key: Value<String> = match &self.encryption {
            TopicEncryption::AwsManaged => Value::Lit(AWS_MANAGED_KEY.into()),
            TopicEncryption::Kms(t) => Value::Expr(t.clone()),
        };
        let mut t = l1::Topic::default().kms_master_key_id(key);
        if self.fifo {
            t = t.fifo_topic(true);
            if self.content_based_deduplication {
                t = t.content_based_deduplication(true);
            }
        }
        let name = self.name.clone();
        if let Some(n) = self.name {
            t = t.topic_name(n);
        }
        if let Some(d) = self.display_name {
            t = t.display_name(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", t));
        if let Some(n) = name {
            stack.record_fact(handle.id(), TopicName(n));
        }
        let doc = PolicyDocument::new().with(deny_insecure_transport("sns:Publish", [handle.reference().into()]));
        let policy = stack.within(scope, |s| {
            s.add("Policy", l1::TopicPolicy::new(Value::Lit(doc.to_token()), vec![Value::from(handle.reference())]))
        });
        if let TopicEncryption::Kms(k) = &self.encryption {
            crate::customer_key::record(stack, handle.id(), k);
        }
        TopicRef::new(handle, policy, matches!(self.encryption, TopicEncryption::Kms(_)), self.fifo)
    }
}
