//! Event notifications: the [`NotificationEvent`]s S3 reports, the
//! [`NotificationFilter`] on object keys, and what each destination needs
//! for S3 to deliver (the Lambda permission, the queue or topic policy
//! statement, the key-policy statement) with the ordering that makes the
//! bucket deployable.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::token::{Expr, Pseudo, Value};
use cfnkit_core::tree::{ResourceId, Stack};
use cfnkit_l1::s3 as l1;

use crate::iam::{PolicyStatement, Principal};
use crate::lambda::{FunctionRef, Permission};
use crate::sns::{allow_on_key, DestinationKey, KeyGrant, TopicRef, AWS_MANAGED_KEY as SNS_MANAGED_KEY};
use crate::sqs::{QueueRef, AWS_MANAGED_KEY as SQS_MANAGED_KEY};

/// The service principal that delivers S3 event notifications.
const S3: &str = "s3.amazonaws.com";
/// S3's limit on a filter rule's value.
const MAX_FILTER_CHARS: usize = 1024;

/// An S3 event a notification fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotificationEvent {
    /// `s3:ObjectCreated:*`: every way an object is created.
    ObjectCreated,
    /// `s3:ObjectCreated:Put`
    ObjectCreatedPut,
    /// `s3:ObjectCreated:Post`
    ObjectCreatedPost,
    /// `s3:ObjectCreated:Copy`
    ObjectCreatedCopy,
    /// `s3:ObjectCreated:CompleteMultipartUpload`
    ObjectCreatedCompleteMultipartUpload,
    /// `s3:ObjectRemoved:*`
    ObjectRemoved,
    /// `s3:ObjectRemoved:Delete`
    ObjectRemovedDelete,
    /// `s3:ObjectRemoved:DeleteMarkerCreated`
    ObjectRemovedDeleteMarkerCreated,
    /// `s3:ObjectRestore:*`
    ObjectRestore,
    /// `s3:ObjectRestore:Post`
    ObjectRestorePost,
    /// `s3:ObjectRestore:Completed`
    ObjectRestoreCompleted,
    /// `s3:ObjectRestore:Delete`
    ObjectRestoreDelete,
    /// `s3:ReducedRedundancyLostObject`
    ReducedRedundancyLostObject,
    /// `s3:Replication:*`
    Replication,
    /// `s3:Replication:OperationFailedReplication`
    ReplicationOperationFailed,
    /// `s3:Replication:OperationMissedThreshold`
    ReplicationOperationMissedThreshold,
    /// `s3:Replication:OperationReplicatedAfterThreshold`
    ReplicationOperationReplicatedAfterThreshold,
    /// `s3:Replication:OperationNotTracked`
    ReplicationOperationNotTracked,
    /// `s3:LifecycleExpiration:*`
    LifecycleExpiration,
    /// `s3:LifecycleExpiration:Delete`
    LifecycleExpirationDelete,
    /// `s3:LifecycleExpiration:DeleteMarkerCreated`
    LifecycleExpirationDeleteMarkerCreated,
    /// `s3:LifecycleTransition`
    LifecycleTransition,
    /// `s3:IntelligentTiering`
    IntelligentTiering,
    /// `s3:ObjectTagging:*`
    ObjectTagging,
    /// `s3:ObjectTagging:Put`
    ObjectTaggingPut,
    /// `s3:ObjectTagging:Delete`
    ObjectTaggingDelete,
    /// `s3:ObjectAcl:Put`
    ObjectAclPut,
}

impl NotificationEvent {
    /// The `Event` value (`s3:ObjectCreated:*`).
    pub fn name(self) -> &'static str {
        use NotificationEvent as E;
        match self {
            E::ObjectCreated => "s3:ObjectCreated:*",
            E::ObjectCreatedPut => "s3:ObjectCreated:Put",
            E::ObjectCreatedPost => "s3:ObjectCreated:Post",
            E::ObjectCreatedCopy => "s3:ObjectCreated:Copy",
            E::ObjectCreatedCompleteMultipartUpload => "s3:ObjectCreated:CompleteMultipartUpload",
            E::ObjectRemoved => "s3:ObjectRemoved:*",
            E::ObjectRemovedDelete => "s3:ObjectRemoved:Delete",
            E::ObjectRemovedDeleteMarkerCreated => "s3:ObjectRemoved:DeleteMarkerCreated",
            E::ObjectRestore => "s3:ObjectRestore:*",
            E::ObjectRestorePost => "s3:ObjectRestore:Post",
            E::ObjectRestoreCompleted => "s3:ObjectRestore:Completed",
            E::ObjectRestoreDelete => "s3:ObjectRestore:Delete",
            E::ReducedRedundancyLostObject => "s3:ReducedRedundancyLostObject",
            E::Replication => "s3:Replication:*",
            E::ReplicationOperationFailed => "s3:Replication:OperationFailedReplication",
            E::ReplicationOperationMissedThreshold => "s3:Replication:OperationMissedThreshold",
            E::ReplicationOperationReplicatedAfterThreshold => "s3:Replication:OperationReplicatedAfterThreshold",
            E::ReplicationOperationNotTracked => "s3:Replication:OperationNotTracked",
            E::LifecycleExpiration => "s3:LifecycleExpiration:*",
            E::LifecycleExpirationDelete => "s3:LifecycleExpiration:Delete",
            E::LifecycleExpirationDeleteMarkerCreated => "s3:LifecycleExpiration:DeleteMarkerCreated",
            E::LifecycleTransition => "s3:LifecycleTransition",
            E::IntelligentTiering => "s3:IntelligentTiering",
            E::ObjectTagging => "s3:ObjectTagging:*",
            E::ObjectTaggingPut => "s3:ObjectTagging:Put",
            E::ObjectTaggingDelete => "s3:ObjectTagging:Delete",
            E::ObjectAclPut => "s3:ObjectAcl:Put",
        }
    }

    /// The event family (`s3:ObjectCreated`) and whether this is its wildcard.
    fn family(self) -> (&'static str, bool) {
        let n = self.name();
        match n.strip_suffix(":*") {
            Some(f) => (f, true),
            None if n.matches(':').count() == 2 => (&n[..n.rfind(':').unwrap_or(n.len())], false),
            None => (n, false),
        }
    }

    /// True when an event fires both (`ObjectCreated` and `ObjectCreatedPut`).
    fn overlaps(self, other: NotificationEvent) -> bool {
        let ((f1, w1), (f2, w2)) = (self.family(), other.family());
        f1 == f2 && (self == other || w1 || w2)
    }
}

/// Which object keys a notification is for: all of them, or those with a
/// prefix, a suffix, or both.
///
/// ```
/// use cfnkit_constructs::s3::NotificationFilter;
/// let csv_uploads = NotificationFilter::prefix("incoming/").with_suffix(".csv");
/// # let _ = (csv_uploads, NotificationFilter::all());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NotificationFilter {
    prefix: Option<String>,
    suffix: Option<String>,
}

impl NotificationFilter {
    /// Every object key.
    pub fn all() -> Self {
        NotificationFilter::default()
    }
    /// Keys starting with `p` (at most 1,024 characters).
    pub fn prefix(p: &str) -> Self {
        NotificationFilter::all().with_prefix(p)
    }
    /// Keys ending with `s` (at most 1,024 characters).
    pub fn suffix(s: &str) -> Self {
        NotificationFilter::all().with_suffix(s)
    }
    /// Also requires the prefix `p`.
    pub fn with_prefix(mut self, p: &str) -> Self {
        self.prefix = Some(p.to_string());
        self
    }
    /// Also requires the suffix `s`.
    pub fn with_suffix(mut self, s: &str) -> Self {
        self.suffix = Some(s.to_string());
        self
    }

    /// True when some key matches both filters.
    fn overlaps(&self, other: &NotificationFilter) -> bool {
        let prefixes = match (&self.prefix, &other.prefix) {
            (Some(a), Some(b)) => a.starts_with(b.as_str()) || b.starts_with(a.as_str()),
            _ => true,
        };
        let suffixes = match (&self.suffix, &other.suffix) {
            (Some(a), Some(b)) => a.ends_with(b.as_str()) || b.ends_with(a.as_str()),
            _ => true,
        };
        prefixes && suffixes
    }

    fn describe(&self) -> String {
        match (&self.prefix, &self.suffix) {
            (None, None) => "every key".into(),
            (Some(p), None) => format!("prefix {p:?}"),
            (None, Some(s)) => format!("suffix {s:?}"),
            (Some(p), Some(s)) => format!("prefix {p:?} and suffix {s:?}"),
        }
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        for (which, v) in [("prefix", &self.prefix), ("suffix", &self.suffix)] {
            let Some(v) = v else { continue };
            let len = v.chars().count();
            if len == 0 || len > MAX_FILTER_CHARS {
                out.push(
                    Diagnostic::error(path, format!("notification filter {which} length"))
                        .property("NotificationConfiguration.Filter.S3Key.Rules")
                        .value(format!("{len} characters"))
                        .allowed("1 to 1024 characters (NotificationFilter::all() for every key)"),
                );
            }
        }
    }

    fn to_l1(&self) -> Option<l1::NotificationFilter> {
        let rules: Vec<l1::FilterRule> = [("prefix", &self.prefix), ("suffix", &self.suffix)]
            .into_iter()
            .filter_map(|(name, v)| v.as_ref().map(|v| l1::FilterRule::new(name.to_string(), v.clone())))
            .collect();
        (!rules.is_empty()).then(|| l1::NotificationFilter::new(l1::S3KeyFilter::new(rules)))
    }
}

/// Where a notification goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Destination {
    Lambda(FunctionRef),
    Queue(QueueRef),
    Topic(TopicRef),
}

/// One notification of the bucket.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Notification {
    pub(super) destination: Destination,
    pub(super) event: NotificationEvent,
    pub(super) filter: NotificationFilter,
}

/// Reports every notification S3 would refuse, and a bucket whose
/// notifications cannot be ordered because it has no name.
pub(super) fn check(path: &str, stack: &Stack, named: bool, notifications: &[Notification], out: &mut Vec<Diagnostic>) {
    if notifications.is_empty() {
        return;
    }
    if !named {
        out.push(
            Diagnostic::error(
                path,
                "a bucket with event notifications needs a name: S3 checks its permission to deliver when the \
                 notification configuration is created, so the bucket waits for the Lambda permission or queue or \
                 topic policy, and those must name the bucket by an ARN built from its name (a reference to the \
                 bucket would be a dependency cycle)",
            )
            .property("BucketName")
            .allowed(".name(sfx.name(\"uploads\")) on the bucket"),
        );
    }
    let error = |problem: String, allowed: &str| {
        Diagnostic::error(path, problem).property("NotificationConfiguration").allowed(allowed)
    };
    for n in notifications {
        n.filter.check(path, out);
        match n.destination {
            Destination::Lambda(_) => {}
            Destination::Queue(q) => {
                if q.is_fifo() {
                    out.push(error("S3 cannot notify a FIFO queue".into(), "a standard queue"));
                }
                if q.destination_key(stack) == DestinationKey::AwsManaged {
                    out.push(error(
                        format!(
                            "the notified queue is encrypted with the AWS managed key {SQS_MANAGED_KEY}, whose key \
                             policy cannot let S3 encrypt messages"
                        ),
                        "a queue encrypted with a customer managed key (QueueEncryption::from(key)) or with SSE-SQS \
                         (QueueEncryption::SqsManaged)",
                    ));
                }
            }
            Destination::Topic(t) => {
                if t.is_fifo() {
                    out.push(error("S3 cannot notify a FIFO topic".into(), "a standard topic"));
                }
                if !t.has_customer_managed_key() {
                    out.push(error(
                        format!(
                            "the notified topic is encrypted with the AWS managed key {SNS_MANAGED_KEY}, whose key \
                             policy cannot let S3 publish"
                        ),
                        "a topic encrypted with a customer managed key (Topic::encryption(key))",
                    ));
                }
            }
        }
    }
    for (i, a) in notifications.iter().enumerate() {
        for b in &notifications[i + 1..] {
            if a.event.overlaps(b.event) && a.filter.overlaps(&b.filter) {
                out.push(error(
                    format!(
                        "ambiguous notifications: {} ({}) and {} ({}) fire for the same objects",
                        a.event.name(),
                        a.filter.describe(),
                        b.event.name(),
                        b.filter.describe()
                    ),
                    "notifications of overlapping events with prefixes or suffixes that do not overlap",
                ));
            }
        }
    }
}

/// The bucket's `NotificationConfiguration`.
pub(super) fn configuration(notifications: &[Notification]) -> l1::NotificationConfiguration {
    let (mut lambdas, mut queues, mut topics) = (Vec::new(), Vec::new(), Vec::new());
    for n in notifications {
        let event = n.event.name().to_string();
        let filter = n.filter.to_l1();
        match n.destination {
            Destination::Lambda(f) => {
                let mut c = l1::LambdaConfiguration::new(event, f.arn());
                if let Some(fl) = filter {
                    c = c.filter(fl);
                }
                lambdas.push(c);
            }
            Destination::Queue(q) => {
                let mut c = l1::QueueConfiguration::new(event, q.arn());
                if let Some(fl) = filter {
                    c = c.filter(fl);
                }
                queues.push(c);
            }
            Destination::Topic(t) => {
                let mut c = l1::TopicConfiguration::new(event, t.arn());
                if let Some(fl) = filter {
                    c = c.filter(fl);
                }
                topics.push(c);
            }
        }
    }
    let mut c = l1::NotificationConfiguration::new();
    if !lambdas.is_empty() {
        c = c.lambda_configurations(lambdas);
    }
    if !queues.is_empty() {
        c = c.queue_configurations(queues);
    }
    if !topics.is_empty() {
        c = c.topic_configurations(topics);
    }
    c
}

/// Lets S3 deliver to every destination on behalf of this bucket
/// (`bucket_arn`, built from its name) and this account only, and makes the
/// bucket wait for each permission or policy.
pub(super) fn connect(
    stack: &mut Stack,
    bucket: ResourceId,
    bucket_id: &str,
    bucket_arn: &Expr<String>,
    notifications: &[Notification],
    path: &str,
) {
    let key_grant = KeyGrant { service: S3, condition: None };
    let allow = |action: &str, resource: Expr<String>| {
        PolicyStatement::allow()
            .principal(Principal::service(S3))
            .actions([action])
            .resource(resource)
            .condition("ArnEquals", "aws:SourceArn", bucket_arn.clone())
            .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
    };
    let mut functions: Vec<FunctionRef> = Vec::new();
    for n in notifications {
        match n.destination {
            Destination::Lambda(f) => {
                if functions.contains(&f) {
                    continue;
                }
                functions.push(f);
                let permission = f.add_permission(
                    stack,
                    &format!("{bucket_id}Permission"),
                    Permission::service(S3)
                        .source_arn(Value::from(bucket_arn.clone()))
                        .source_account(Pseudo::AccountId),
                );
                stack.add_dependency(bucket, permission.id());
            }
            Destination::Queue(q) => {
                q.add_to_resource_policy(stack, allow("sqs:SendMessage", q.arn()));
                stack.add_dependency(bucket, q.policy().id());
                if let DestinationKey::Customer(k) = q.destination_key(stack) {
                    allow_on_key(stack, &k, &key_grant, path, "the notified queue");
                }
            }
            Destination::Topic(t) => {
                t.add_to_resource_policy(stack, allow("sns:Publish", t.arn()));
                stack.add_dependency(bucket, t.policy().id());
                if let Some(k) = t.customer_managed_key(stack) {
                    allow_on_key(stack, &k, &key_grant, path, "the notified topic");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_overlap_their_family_only() {
        use NotificationEvent as E;
        assert!(E::ObjectCreated.overlaps(E::ObjectCreatedPut));
        assert!(E::ObjectCreatedPut.overlaps(E::ObjectCreatedPut));
        assert!(!E::ObjectCreatedPut.overlaps(E::ObjectCreatedCopy));
        assert!(!E::ObjectCreated.overlaps(E::ObjectRemoved));
        assert!(E::LifecycleTransition.overlaps(E::LifecycleTransition));
        assert!(!E::LifecycleTransition.overlaps(E::LifecycleExpiration));
    }

    #[test]
    fn filters_overlap_when_some_key_matches_both() {
        let f = NotificationFilter::prefix;
        assert!(f("a/").overlaps(&f("a/b/")));
        assert!(!f("a/").overlaps(&f("b/")));
        assert!(NotificationFilter::all().overlaps(&f("b/")));
        assert!(!f("a/").with_suffix(".csv").overlaps(&f("a/").with_suffix(".json")));
    }
}
