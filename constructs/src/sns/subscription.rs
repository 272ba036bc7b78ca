//! [`Subscription`]: a Lambda function or SQS queue subscribed to a topic
//! (`AWS::SNS::Subscription`), with the permission that lets SNS deliver,
//! a filter policy, a dead-letter queue, and cross-region topics.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{ResourceId, Stack};
use cfnkit_l1::sns as l1;

use super::{allow_on_key, DestinationKey, KeyGrant, TopicRef};
use crate::arn;
use crate::iam::{PolicyStatement, Principal};
use crate::lambda::{FunctionRef, Permission};
use crate::sqs::{QueueRef, AWS_MANAGED_KEY as SQS_MANAGED_KEY};

/// The service principal that delivers SNS messages.
const SNS: &str = "sns.amazonaws.com";
/// SNS's limit on the attribute names (keys) of one filter policy.
const MAX_FILTER_KEYS: usize = 5;
/// SNS's limit on the combinations of values of one filter policy.
const MAX_FILTER_COMBINATIONS: u64 = 150;
/// SNS's limit on a filter policy's size, in bytes.
const MAX_FILTER_BYTES: usize = 256 * 1024;

/// Which part of a message a filter policy matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FilterPolicyScope {
    /// The message attributes (SNS's default; not written).
    #[default]
    MessageAttributes,
    /// The message body, which publishers must send as JSON.
    MessageBody,
}

impl FilterPolicyScope {
    /// The `FilterPolicyScope` value.
    pub fn name(self) -> &'static str {
        match self {
            FilterPolicyScope::MessageAttributes => "MessageAttributes",
            FilterPolicyScope::MessageBody => "MessageBody",
        }
    }
}

/// The topic a subscription listens to: a topic of this stack (any
/// [`TopicRef`] converts), or one of another stack or region, by ARN.
///
/// ```
/// use cfnkit_constructs::sns::SubscribedTopic;
/// use cfnkit_core::fns;
/// let ops = SubscribedTopic::from_arn(fns::sub("arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:ops-alerts"))
///     .in_region("us-east-1");
/// # let _ = ops;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SubscribedTopic {
    arn: Token,
    region: Option<Value<String>>,
    fifo: bool,
    local: Option<TopicRef>,
}

impl SubscribedTopic {
    /// A topic outside this stack, by ARN (`arn:<partition>:sns:<region>:<account>:<name>`).
    pub fn from_arn(arn: impl Into<Token>) -> Self {
        let arn = arn.into();
        #[allow(clippy::case_sensitive_file_extension_comparisons, reason = "SNS requires the lowercase suffix")]
        let fifo = arn.as_str().is_some_and(|a| a.ends_with(".fifo"));
        SubscribedTopic { arn, region: None, fifo, local: None }
    }
    /// The topic's region, when it is not the stack's (`Region`): a
    /// cross-region subscription.
    pub fn in_region(mut self, region: impl Into<Value<String>>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Declares the topic FIFO (known already for a topic of this stack or a
    /// literal ARN ending in `.fifo`).
    pub fn fifo(mut self) -> Self {
        self.fifo = true;
        self
    }
    /// The topic ARN.
    pub fn arn(&self) -> &Token {
        &self.arn
    }

    /// The `aws:SourceArn` condition a key-policy statement for `key` scopes
    /// SNS with. A key policy naming the topic by `Ref` would be a cycle when
    /// the topic is encrypted with the same key, so a topic of this stack is
    /// named by an ARN built from its name when it has one, else (sharing
    /// the key) by every topic of this account and region.
    fn key_condition(&self, stack: &Stack, key: &Token) -> (&'static str, Token) {
        let Some(t) = self.local else { return ("ArnEquals", self.arn.clone()) };
        if let Some(n) = t.given_name(stack) {
            return ("ArnEquals", arn::regional("sns", "${Name}", [("Name", Token::from(n))]).into());
        }
        if t.customer_managed_key(stack).as_ref() == Some(key) {
            return ("ArnLike", arn::regional("sns", "*", Vec::<(&str, Token)>::new()).into());
        }
        ("ArnEquals", self.arn.clone())
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if self.local.is_some() && self.region.is_some() {
            out.push(
                Diagnostic::error(path, "a topic of this stack is in the stack's region")
                    .property("Region")
                    .allowed("SubscribedTopic::from_arn(arn).in_region(region) for a topic of another region"),
            );
        }
        let Some(a) = self.arn.as_str() else { return };
        let parts: Vec<&str> = a.split(':').collect();
        if parts.len() != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[5].is_empty() {
            out.push(
                Diagnostic::error(path, "not a topic ARN")
                    .property("TopicArn")
                    .value(format!("{a:?}"))
                    .allowed("arn:<partition>:sns:<region>:<account>:<name> (better built with Fn::Sub)"),
            );
        } else if let Some(Value::Lit(r)) = &self.region {
            if parts[3] != r {
                out.push(
                    Diagnostic::error(path, format!("the topic ARN names region {}", parts[3]))
                        .property("Region")
                        .value(format!("{r:?}"))
                        .allowed("the region in the topic's ARN"),
                );
            }
        }
    }
}

impl From<TopicRef> for SubscribedTopic {
    fn from(t: TopicRef) -> Self {
        SubscribedTopic { arn: t.arn().into(), region: None, fifo: t.is_fifo(), local: Some(t) }
    }
}

/// What the subscription delivers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    Lambda(FunctionRef),
    Queue(QueueRef),
}

/// A subscription of a Lambda function or SQS queue to a topic.
///
/// Adding it also adds what delivery needs: for a function, the
/// `AWS::Lambda::Permission` at `<Function>/<id>Permission` letting
/// `sns.amazonaws.com` invoke it with `SourceArn` = the topic; for a queue
/// (and a dead-letter queue), a queue-policy statement letting
/// `sns.amazonaws.com` `sqs:SendMessage` with `aws:SourceArn` = the topic,
/// plus a key-policy statement when the queue's customer managed key is in
/// this stack. The subscription `DependsOn` that permission or policy.
///
/// ```
/// use cfnkit_constructs::sns::{FilterPolicyScope, Subscription, Topic};
/// use cfnkit_constructs::kms::Key;
/// use cfnkit_constructs::sqs::{Queue, QueueEncryption};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let orders = Topic::new("Orders").add_to(stack);
/// let key = Key::new("QueueKey").add_to(stack);
/// let failed = Queue::new("FailedDeliveries").encryption(QueueEncryption::from(key)).as_dead_letter_queue().add_to(stack);
/// let refunds = Queue::new("Refunds")
///     .encryption(QueueEncryption::from(key))
///     .without_dead_letter_queue("messages that fail stay in the subscription's DLQ")
///     .add_to(stack);
/// Subscription::queue("RefundsSubscription", orders, refunds)
///     .raw_message_delivery()
///     .filter_policy(serde_json::json!({"type": ["refund"]}))
///     .filter_policy_scope(FilterPolicyScope::MessageBody)
///     .dead_letter_queue(failed)
///     .add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Subscription {
    id: String,
    topic: SubscribedTopic,
    endpoint: Endpoint,
    filter_policy: Option<serde_json::Value>,
    filter_scope: FilterPolicyScope,
    raw: bool,
    dead_letter_queue: Option<QueueRef>,
}

impl Subscription {
    fn new(id: &str, topic: SubscribedTopic, endpoint: Endpoint) -> Self {
        Subscription {
            id: id.to_string(),
            topic,
            endpoint,
            filter_policy: None,
            filter_scope: FilterPolicyScope::MessageAttributes,
            raw: false,
            dead_letter_queue: None,
        }
    }
    /// Delivers the topic's messages to a Lambda function (`Protocol: lambda`).
    pub fn lambda(id: &str, topic: impl Into<SubscribedTopic>, function: FunctionRef) -> Self {
        Subscription::new(id, topic.into(), Endpoint::Lambda(function))
    }
    /// Delivers the topic's messages to an SQS queue (`Protocol: sqs`).
    pub fn queue(id: &str, topic: impl Into<SubscribedTopic>, queue: QueueRef) -> Self {
        Subscription::new(id, topic.into(), Endpoint::Queue(queue))
    }
    /// Delivers only the messages the policy matches (a JSON object of at
    /// most 5 keys and 150 value combinations, at most 256 KiB).
    pub fn filter_policy(mut self, policy: serde_json::Value) -> Self {
        self.filter_policy = Some(policy);
        self
    }
    /// Matches the filter policy against the message body instead of its attributes.
    pub fn filter_policy_scope(mut self, scope: FilterPolicyScope) -> Self {
        self.filter_scope = scope;
        self
    }
    /// Delivers the message as published, without SNS's JSON envelope
    /// (queue subscriptions only).
    pub fn raw_message_delivery(mut self) -> Self {
        self.raw = true;
        self
    }
    /// Moves messages SNS cannot deliver (the endpoint refused them, or
    /// retries ran out) to `queue` (`RedrivePolicy`); the queue's policy lets
    /// SNS send for this topic only.
    pub fn dead_letter_queue(mut self, queue: QueueRef) -> Self {
        self.dead_letter_queue = Some(queue);
        self
    }

    /// Reports every limit the settings break.
    fn check(&self, path: &str, stack: &Stack, out: &mut Vec<Diagnostic>) {
        self.topic.check(path, out);
        match self.endpoint {
            Endpoint::Lambda(_) => {
                if self.topic.fifo {
                    out.push(
                        Diagnostic::error(path, "a FIFO topic delivers to SQS queues only")
                            .property("Protocol")
                            .value("lambda")
                            .allowed("a queue subscription (the function can consume the queue)"),
                    );
                }
                if self.raw {
                    out.push(
                        Diagnostic::error(path, "raw message delivery applies to SQS and HTTP(S) subscriptions only")
                            .property("RawMessageDelivery")
                            .allowed("a queue subscription"),
                    );
                }
            }
            Endpoint::Queue(q) => {
                if q.is_fifo() && !self.topic.fifo {
                    out.push(
                        Diagnostic::error(path, "a standard topic cannot deliver to a FIFO queue")
                            .property("Endpoint")
                            .allowed("a standard queue, or a FIFO topic"),
                    );
                }
                check_queue_key(path, stack, q, ("the subscribed queue", "Endpoint"), out);
            }
        }
        if let Some(dlq) = self.dead_letter_queue {
            if dlq.is_fifo() != self.topic.fifo {
                let (kind, other) = if self.topic.fifo { ("FIFO", "standard") } else { ("standard", "FIFO") };
                out.push(
                    Diagnostic::error(
                        path,
                        format!("the dead-letter queue of a {kind} topic's subscription is {kind}"),
                    )
                    .property("RedrivePolicy.deadLetterTargetArn")
                    .value(format!("a {other} queue"))
                    .allowed(format!("a {kind} queue")),
                );
            }
            check_queue_key(path, stack, dlq, ("the dead-letter queue", "RedrivePolicy.deadLetterTargetArn"), out);
        }
        if let Some(p) = &self.filter_policy {
            check_filter_policy(path, p, self.filter_scope, out);
        }
    }

    /// Adds the subscription and the permissions delivery needs.
    pub fn add_to(self, stack: &mut Stack) -> SubscriptionRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        self.check(&path, stack, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let topic = self.topic.arn.clone();
        let (protocol, endpoint) = match self.endpoint {
            Endpoint::Lambda(f) => ("lambda", f.arn()),
            Endpoint::Queue(q) => ("sqs", q.arn()),
        };
        let mut s = l1::Subscription::new(protocol.to_string(), Value::Expr(topic.clone())).endpoint(endpoint);
        if let Some(p) = &self.filter_policy {
            s = s.filter_policy(Token::from_json(p));
            if self.filter_scope != FilterPolicyScope::MessageAttributes {
                s = s.filter_policy_scope(self.filter_scope.name().to_string());
            }
        }
        if self.raw {
            s = s.raw_message_delivery(true);
        }
        if let Some(dlq) = self.dead_letter_queue {
            s = s.redrive_policy(Token::object([("deadLetterTargetArn", Token::from(dlq.arn()))]));
        }
        if let Some(r) = &self.topic.region {
            s = s.region(r.clone());
        }
        let handle = stack.within(scope, |st| st.add("Resource", s));

        // A delivery SNS is refused is a client error it does not retry, so
        // the subscription waits for the permission that lets delivery in.
        match self.endpoint {
            Endpoint::Lambda(f) => {
                let permission = f.add_permission(
                    stack,
                    &format!("{}Permission", self.id),
                    Permission::service(SNS).source_arn(Value::<String>::Expr(topic.clone())),
                );
                stack.add_dependency(handle.id(), permission.id());
            }
            Endpoint::Queue(q) => allow_delivery(stack, q, &self.topic, handle.id(), &path, "the subscribed queue"),
        }
        if let Some(dlq) = self.dead_letter_queue {
            allow_delivery(stack, dlq, &self.topic, handle.id(), &path, "the dead-letter queue");
        }
        SubscriptionRef { handle }
    }
}

/// Reports a queue SNS can never deliver to: one encrypted with the AWS
/// managed key `alias/aws/sqs`, whose key policy cannot be changed to let SNS in.
fn check_queue_key(path: &str, stack: &Stack, q: QueueRef, (what, property): (&str, &str), out: &mut Vec<Diagnostic>) {
    if q.destination_key(stack) == DestinationKey::AwsManaged {
        out.push(
            Diagnostic::error(
                path,
                format!(
                    "{what} is encrypted with the AWS managed key {SQS_MANAGED_KEY}, whose key policy cannot let \
                     SNS encrypt messages: every delivery would fail"
                ),
            )
            .property(property)
            .allowed(
                "a queue encrypted with a customer managed key (QueueEncryption::from(key)) or with SSE-SQS \
                 (QueueEncryption::SqsManaged)",
            ),
        );
    }
}

/// Lets SNS send to `q` for `topic` only, and makes the subscription wait for it.
fn allow_delivery(
    stack: &mut Stack,
    q: QueueRef,
    topic: &SubscribedTopic,
    subscription: ResourceId,
    path: &str,
    what: &str,
) {
    q.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .principal(Principal::service(SNS))
            .actions(["sqs:SendMessage"])
            .resource(q.arn())
            .condition("ArnEquals", "aws:SourceArn", topic.arn.clone()),
    );
    stack.add_dependency(subscription, q.policy().id());
    if let DestinationKey::Customer(k) = q.destination_key(stack) {
        let (op, source) = topic.key_condition(stack, &k);
        let grant = KeyGrant { service: SNS, condition: Some((op, "aws:SourceArn", source)) };
        allow_on_key(stack, &k, &grant, path, what);
    }
}

/// Reports what SNS would reject in a filter policy.
fn check_filter_policy(path: &str, policy: &serde_json::Value, scope: FilterPolicyScope, out: &mut Vec<Diagnostic>) {
    let error = |problem: &str, value: String, allowed: &str| {
        Diagnostic::error(path, problem).property("FilterPolicy").value(value).allowed(allowed)
    };
    let Some(obj) = policy.as_object() else {
        out.push(error("a filter policy is a JSON object", policy.to_string(), "an object of attribute conditions"));
        return;
    };
    if obj.is_empty() {
        out.push(error("an empty filter policy", "{}".into(), "at least one attribute condition, or no filter policy"));
        return;
    }
    if scope == FilterPolicyScope::MessageAttributes {
        if let Some((k, _)) = obj.iter().find(|(_, v)| !v.is_array()) {
            out.push(error(
                "each message attribute's conditions are an array",
                format!("{k:?}"),
                "\"name\": [conditions]; nest objects only with FilterPolicyScope::MessageBody",
            ));
            return;
        }
    }
    let keys = leaf_keys(obj);
    if keys > MAX_FILTER_KEYS {
        out.push(error("too many keys in the filter policy", format!("{keys} keys"), "at most 5 keys"));
    }
    let combinations = combinations(obj);
    if combinations > MAX_FILTER_COMBINATIONS {
        out.push(error(
            "too many value combinations in the filter policy",
            format!("{combinations} combinations"),
            "at most 150 (the product of the number of values of each key)",
        ));
    }
    let bytes = policy.to_string().len();
    if bytes > MAX_FILTER_BYTES {
        out.push(error("filter policy too large", format!("{bytes} bytes"), "at most 256 KiB"));
    }
}

/// The keys holding conditions (nested objects counted by their leaves; an
/// `$or` counted by its largest branch).
fn leaf_keys(obj: &serde_json::Map<String, serde_json::Value>) -> usize {
    obj.iter()
        .map(|(k, v)| match v {
            serde_json::Value::Array(branches) if k == "$or" => {
                branches.iter().filter_map(serde_json::Value::as_object).map(leaf_keys).max().unwrap_or(0)
            }
            serde_json::Value::Object(inner) => leaf_keys(inner),
            _ => 1,
        })
        .sum()
}

/// The value combinations SNS counts: the product over keys of the number of
/// values (an `$or` adds its branches).
fn combinations(obj: &serde_json::Map<String, serde_json::Value>) -> u64 {
    obj.iter()
        .map(|(k, v)| match v {
            serde_json::Value::Array(branches) if k == "$or" => {
                branches.iter().filter_map(serde_json::Value::as_object).map(combinations).sum::<u64>().max(1)
            }
            serde_json::Value::Array(values) => (values.len() as u64).max(1),
            serde_json::Value::Object(inner) => combinations(inner),
            _ => 1,
        })
        .fold(1u64, u64::saturating_mul)
}

/// A subscription added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionRef {
    handle: Handle<l1::Subscription>,
}

impl SubscriptionRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Subscription> {
        self.handle
    }
    /// The subscription ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
}
