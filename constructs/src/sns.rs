//! SNS: [`Topic`], encrypted and TLS-only by default.
//!
//! Defaults: server-side encryption with the AWS managed key
//! `alias/aws/sns`, and a topic policy that denies publishing over plain
//! HTTP (`<Id>Policy`).

use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::sns as l1;

use crate::cloudwatch::{AlarmAction, Metric, Statistic};
use crate::iam::{deny_insecure_transport, grant, Grantable, PolicyDocument, PolicyStatement};

/// How the topic is encrypted at rest.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum TopicEncryption {
    /// The AWS managed key `alias/aws/sns` (the default).
    #[default]
    AwsManaged,
    /// A customer managed KMS key (its ARN or id).
    Kms(Token),
}

/// An SNS topic.
///
/// ```
/// use cfnkit_constructs::sns::Topic;
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let alerts = Topic::new("AlertTopic").display_name("Order alerts").add_to(stack);
/// let _arn = alerts.arn();
/// ```
#[derive(Clone, Debug)]
pub struct Topic {
    id: String,
    name: Option<Value<String>>,
    display_name: Option<String>,
    encryption: TopicEncryption,
}

impl Topic {
    /// A topic with the secure defaults.
    pub fn new(id: &str) -> Self {
        Topic { id: id.to_string(), name: None, display_name: None, encryption: TopicEncryption::AwsManaged }
    }
    /// Sets `TopicName` (suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `DisplayName` (at most 100 characters).
    pub fn display_name(mut self, d: &str) -> Self {
        self.display_name = Some(d.to_string());
        self
    }
    /// Sets the encryption.
    pub fn encryption(mut self, e: TopicEncryption) -> Self {
        self.encryption = e;
        self
    }

    /// Adds the topic and its TLS-only policy to the stack.
    pub fn add_to(self, stack: &mut Stack) -> TopicRef {
        let scope = stack.construct(&self.id);
        let key: Value<String> = match &self.encryption {
            TopicEncryption::AwsManaged => Value::Lit("alias/aws/sns".into()),
            TopicEncryption::Kms(t) => Value::Expr(t.clone()),
        };
        let mut t = l1::Topic::default().kms_master_key_id(key);
        if let Some(n) = self.name {
            t = t.topic_name(n);
        }
        if let Some(d) = self.display_name {
            t = t.display_name(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", t));
        let me = TopicRef { handle, kms: matches!(self.encryption, TopicEncryption::Kms(_)) };
        let doc = PolicyDocument::new().with(deny_insecure_transport("sns:Publish", [me.arn().into()]));
        stack.within(scope, |s| {
            s.add("Policy", l1::TopicPolicy::new(Value::Lit(doc.to_token()), vec![Value::from(me.arn())]))
        });
        me
    }
}

/// A topic added to a stack: its references, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicRef {
    handle: Handle<l1::Topic>,
    kms: bool,
}

impl TopicRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Topic> {
        self.handle
    }
    /// The topic ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The topic name.
    pub fn name(self) -> Expr<String> {
        self.handle.get_att("TopicName")
    }
    /// Lets `grantee` publish: `sns:Publish` on this topic only (plus
    /// `kms:Decrypt` and `kms:GenerateDataKey*` with a customer managed key).
    pub fn grant_publish(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["sns:Publish"]).resource(self.arn()));
        if self.kms {
            let key = stack.get(self.handle).and_then(|t| match &t.kms_master_key_id {
                Some(Value::Expr(k)) => Some(k.clone()),
                _ => None,
            });
            if let Some(k) = key {
                grant(
                    stack,
                    grantee,
                    PolicyStatement::allow().actions(["kms:Decrypt", "kms:GenerateDataKey"]).resource(k),
                );
            }
        }
    }
    /// `NumberOfMessagesPublished` (Sum).
    pub fn metric_messages_published(self) -> Metric {
        Metric::new("AWS/SNS", "NumberOfMessagesPublished")
            .dimension("TopicName", self.name())
            .statistic(Statistic::Sum)
    }
    /// `NumberOfNotificationsFailed` (Sum).
    pub fn metric_notifications_failed(self) -> Metric {
        Metric::new("AWS/SNS", "NumberOfNotificationsFailed")
            .dimension("TopicName", self.name())
            .statistic(Statistic::Sum)
    }
}

impl AlarmAction for TopicRef {
    fn action_arn(&self) -> Token {
        self.arn().into()
    }
}
