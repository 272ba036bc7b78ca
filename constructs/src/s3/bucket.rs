//! [`Bucket`]: the builder, its checks, and what it adds to a stack (the
//! bucket, its policy, its access-log bucket, and what its notifications need).

use cfnkit_core::conventions::{Hardening, SecurityProfile};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::s3 as l1;

use super::bucket_ref::arn_of_name;
use super::notifications::{self, Destination, Notification};
use super::{name, policy, BucketEncryption, BucketRef, NotificationEvent, NotificationFilter, Rule};
use crate::iam::{deny_insecure_transport, PolicyDocument};
use crate::lambda::FunctionRef;
use crate::sns::TopicRef;
use crate::sqs::QueueRef;

/// Where server access logs go.
#[derive(Clone, Debug, PartialEq, Default)]
enum AccessLogs {
    /// As the stack's security profile says: the stack's shared access-log
    /// bucket under the hardened profile; none (checkov CKV_AWS_18
    /// acknowledged with the profile's reason) under the default one.
    #[default]
    Profile,
    /// An existing bucket (by handle), with a key prefix.
    Into(BucketRef, String),
    /// None, with the reason (recorded as the checkov CKV_AWS_18 skip).
    Off(String),
}

/// Who owns the objects written to the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ownership {
    /// `BucketOwnerEnforced`: ACLs disabled (the default).
    Enforced,
    /// `BucketOwnerPreferred`: ACLs enabled for services that deliver
    /// logs through them (CloudFront standard logs).
    PreferredForAclLogs,
}

/// An S3 bucket.
///
/// Secure properties under every security profile: default encryption,
/// all four public-access blocks, object ownership enforced, versioning,
/// and a bucket policy denying plain HTTP. Server access logs follow the
/// stack's [`SecurityProfile`](cfnkit_core::conventions::SecurityProfile):
/// under the hardened profile they go to the stack's shared access-log
/// bucket ([`stack_access_log_bucket`](super::stack_access_log_bucket));
/// under the default profile there is none and checkov's CKV_AWS_18 is
/// acknowledged with the reason. [`Bucket::access_logs_to`] and
/// [`Bucket::without_access_logs`] decide explicitly under both.
///
/// ```
/// use cfnkit::constructs::kms::Key;
/// use cfnkit::constructs::lambda::{AsyncConfig, Code, Function, Runtime};
/// use cfnkit::constructs::s3::{Bucket, NotificationEvent, NotificationFilter, Rule, StorageClass};
/// use cfnkit::constructs::sqs::Queue;
/// use cfnkit::core::conventions::Conventions;
/// use cfnkit::core::tree::App;
/// use cfnkit::core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo").conventions(Conventions::tap("demo"));
/// let sfx = stack.suffix();
/// let audit = Bucket::new("AuditBucket")
///     .lifecycle(Rule::new("TransitionToGlacier").transition(StorageClass::Glacier, Duration::days(90)))
///     .add_to(stack);
/// let _objects = audit.arn_for_objects("*");
///
/// // A KMS-encrypted bucket that invokes a function for every upload under incoming/.
/// let key = Key::new("DataKey").add_to(stack);
/// let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
/// let processor = Function::new("Processor", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
///     .async_config(AsyncConfig::new().on_failure(failures))
///     .add_to(stack);
/// let uploads = Bucket::new("Uploads")
///     .name(sfx.name("uploads"))
///     .encryption(key)
///     .notify_lambda(processor, NotificationEvent::ObjectCreated, NotificationFilter::prefix("incoming/"))
///     .add_to(stack);
/// uploads.grant_read(stack, &processor);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Bucket {
    id: String,
    name: Option<Value<String>>,
    encryption: BucketEncryption,
    require_kms_headers: bool,
    versioned: bool,
    rules: Vec<Rule>,
    removal: Option<RemovalPolicy>,
    access_logs: AccessLogs,
    log_destination: bool,
    ownership: Ownership,
    notifications: Vec<Notification>,
}

impl Bucket {
    /// A bucket with the secure defaults.
    pub fn new(id: &str) -> Self {
        Bucket {
            id: id.to_string(),
            name: None,
            encryption: BucketEncryption::S3Managed,
            require_kms_headers: false,
            versioned: true,
            rules: Vec::new(),
            removal: None,
            access_logs: AccessLogs::Profile,
            log_destination: false,
            ownership: Ownership::Enforced,
            notifications: Vec::new(),
        }
    }
    /// Sets `BucketName` (3 to 63 lowercase letters, digits, `.` and `-`;
    /// suffix it with the environment). Required for notifications.
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the default encryption (a [`BucketEncryption`], or a
    /// [`KeyRef`](crate::kms::KeyRef) for SSE-KMS with that key).
    pub fn encryption(mut self, e: impl Into<BucketEncryption>) -> Self {
        self.encryption = e.into();
        self
    }
    /// Denies uploads that do not name the encryption and key themselves
    /// (`x-amz-server-side-encryption: aws:kms` and
    /// `x-amz-server-side-encryption-aws-kms-key-id: <key ARN>`), instead of
    /// only those that name another. SSE-KMS buckets only.
    pub fn require_kms_upload_headers(mut self) -> Self {
        self.require_kms_headers = true;
        self
    }
    /// Turns versioning off (it is on by default).
    pub fn unversioned(mut self) -> Self {
        self.versioned = false;
        self
    }
    /// Adds a lifecycle rule.
    pub fn lifecycle(mut self, r: Rule) -> Self {
        self.rules.push(r);
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }
    /// Sends server access logs to an existing bucket under `prefix`,
    /// under every security profile.
    pub fn access_logs_to(mut self, target: BucketRef, prefix: &str) -> Self {
        self.access_logs = AccessLogs::Into(target, prefix.to_string());
        self
    }
    /// Turns server access logging off, saying why.
    pub fn without_access_logs(mut self, reason: &str) -> Self {
        self.access_logs = AccessLogs::Off(reason.to_string());
        self
    }
    /// Makes this bucket a destination for other buckets' server access logs:
    /// its policy lets the S3 logging service write, from this account only.
    pub fn access_log_destination(mut self) -> Self {
        self.log_destination = true;
        self.access_logs =
            AccessLogs::Off("this bucket receives server access logs; logging it would log the logs".into());
        self
    }
    /// Makes this bucket a destination for services that deliver logs
    /// through object ACLs (CloudFront standard logs): object ownership
    /// `BucketOwnerPreferred` instead of `BucketOwnerEnforced`, so ACLs
    /// stay enabled and the bucket owner still owns every object delivered
    /// with `bucket-owner-full-control`. Public access stays blocked.
    pub fn acl_log_destination(mut self) -> Self {
        self.ownership = Ownership::PreferredForAclLogs;
        self.access_logs = AccessLogs::Off("this bucket receives delivered logs; logging it would log the logs".into());
        self
    }
    /// Invokes `function` on `event` for the keys `filter` matches
    /// (`LambdaConfigurations`), adding the permission that lets
    /// `s3.amazonaws.com` invoke it for this bucket and account only
    /// (`<Function>/<BucketId>Permission`); the bucket waits for it. The
    /// bucket needs a name. S3 invokes asynchronously: give the function a
    /// dead-letter queue or an on-failure destination.
    pub fn notify_lambda(
        mut self,
        function: FunctionRef,
        event: NotificationEvent,
        filter: NotificationFilter,
    ) -> Self {
        self.notifications.push(Notification { destination: Destination::Lambda(function), event, filter });
        self
    }
    /// Sends `event` for the keys `filter` matches to a standard `queue`
    /// (`QueueConfigurations`), adding the queue-policy statement that lets
    /// `s3.amazonaws.com` send for this bucket and account only; the bucket
    /// waits for the queue policy. The queue must not use the AWS managed
    /// key; a customer managed key of this stack gets a statement letting S3 use it.
    pub fn notify_queue(mut self, queue: QueueRef, event: NotificationEvent, filter: NotificationFilter) -> Self {
        self.notifications.push(Notification { destination: Destination::Queue(queue), event, filter });
        self
    }
    /// Publishes `event` for the keys `filter` matches to a standard `topic`
    /// (`TopicConfigurations`), adding the topic-policy statement that lets
    /// `s3.amazonaws.com` publish for this bucket and account only; the
    /// bucket waits for the topic policy. The topic must use a customer
    /// managed key (S3 cannot use `alias/aws/sns`); one of this stack gets a
    /// statement letting S3 use it.
    pub fn notify_topic(mut self, topic: TopicRef, event: NotificationEvent, filter: NotificationFilter) -> Self {
        self.notifications.push(Notification { destination: Destination::Topic(topic), event, filter });
        self
    }

    /// Reports every problem of the settings.
    fn check(&self, path: &str, stack: &Stack, out: &mut Vec<Diagnostic>) {
        for r in &self.rules {
            r.check(path, out);
        }
        if let Some(n) = &self.name {
            name::check_bucket_name(path, n, out);
        }
        if let BucketEncryption::Kms(Token::Str(k)) = &self.encryption {
            if !k.starts_with("arn:") {
                out.push(
                    Diagnostic::error_of(DiagKind::Wiring, path, "a customer managed key is given by ARN (the bucket policy and grants name it)")
                        .property("BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault.KMSMasterKeyID")
                        .value(format!("{k:?}"))
                        .allowed("the key's ARN (key.arn(), or the KeyRef itself)"),
                );
            }
        }
        if self.require_kms_headers && self.encryption == BucketEncryption::S3Managed {
            out.push(
                Diagnostic::error_of(
                    DiagKind::Conflict,
                    path,
                    ".require_kms_upload_headers() applies to SSE-KMS buckets only",
                )
                .property("BucketEncryption")
                .allowed("BucketEncryption::Kms(key) or BucketEncryption::KmsManaged"),
            );
        }
        notifications::check(path, stack, self.name.is_some(), &self.notifications, out);
    }

    fn encryption_l1(&self) -> l1::BucketEncryption {
        let sse = match &self.encryption {
            BucketEncryption::S3Managed => l1::ServerSideEncryptionByDefault::new("AES256".to_string()),
            BucketEncryption::KmsManaged => l1::ServerSideEncryptionByDefault::new("aws:kms".to_string()),
            BucketEncryption::Kms(k) => {
                l1::ServerSideEncryptionByDefault::new("aws:kms".to_string()).kms_master_key_id(Value::Expr(k.clone()))
            }
        };
        let mut rule = l1::ServerSideEncryptionRule::default().server_side_encryption_by_default(sse);
        if matches!(self.encryption, BucketEncryption::Kms(_) | BucketEncryption::KmsManaged) {
            rule = rule.bucket_key_enabled(true);
        }
        l1::BucketEncryption::new(vec![rule])
    }

    /// Adds the bucket (and its policy, its log bucket, and what its
    /// notifications need) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> BucketRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let mut diags = Vec::new();
        self.check(&path, stack, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let hardened = stack.security_profile() == SecurityProfile::Hardened;
        let logs = match &self.access_logs {
            AccessLogs::Profile if hardened => Some((super::stack_access_log_bucket(stack), format!("{}/", self.id))),
            AccessLogs::Profile | AccessLogs::Off(_) => None,
            AccessLogs::Into(t, p) => Some((*t, p.clone())),
        };

        let mut b = l1::Bucket::default()
            .bucket_encryption(self.encryption_l1())
            .public_access_block_configuration(
                l1::PublicAccessBlockConfiguration::default()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            )
            .ownership_controls(l1::OwnershipControls::new(vec![l1::OwnershipControlsRule::default()
                .object_ownership(
                    match self.ownership {
                        Ownership::Enforced => "BucketOwnerEnforced",
                        Ownership::PreferredForAclLogs => "BucketOwnerPreferred",
                    }
                    .to_string(),
                )]));
        if self.versioned {
            b = b.versioning_configuration(l1::VersioningConfiguration::new("Enabled".to_string()));
        }
        if !self.rules.is_empty() {
            b = b.lifecycle_configuration(l1::LifecycleConfiguration::new(
                self.rules.iter().map(Rule::to_l1).collect::<Vec<_>>(),
            ));
        }
        if let Some((target, prefix)) = &logs {
            b = b.logging_configuration(
                l1::LoggingConfiguration::default()
                    .destination_bucket_name(Value::from(target.name()))
                    .log_file_prefix(prefix.clone()),
            );
        }
        // Without a name the notifications cannot be ordered (reported above).
        let name_arn = self.name.as_ref().map(|n| arn_of_name(Expr::from_token(Token::from(n.clone()))));
        if name_arn.is_some() && !self.notifications.is_empty() {
            b = b.notification_configuration(notifications::configuration(&self.notifications));
        }
        if let Some(n) = self.name.clone() {
            b = b.bucket_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", b));
        // What grants, event sources and checks read back: not to be overridden.
        stack.guard_property(handle.id(), "BucketEncryption", "Bucket::encryption");
        if let Some(n) = self.name.clone() {
            // Read by BucketRef::physical_name from any stack of the app.
            stack.record_fact(handle.id(), super::bucket_ref::BucketName(n));
            stack.guard_property(handle.id(), "BucketName", "Bucket::name");
        }
        stack.set_removal_policy(handle.id(), removal);
        match &self.access_logs {
            AccessLogs::Off(reason) => {
                stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_18".into(), reason: reason.clone() });
            }
            AccessLogs::Profile if !hardened => {
                stack.defer_to_hardened(
                    handle.id(),
                    Hardening::checkov("CKV_AWS_18", "server access logging to the stack's access-log bucket"),
                );
            }
            _ => {}
        }
        if let Some((target, _)) = &logs {
            // The log bucket must exist with its policy before S3 validates the logging target.
            if let Some(p) = target.policy() {
                stack.add_dependency(handle.id(), p.id());
            }
        }

        if let BucketEncryption::Kms(k) = &self.encryption {
            crate::customer_key::record(stack, handle.id(), k);
        }
        #[cfg(feature = "elasticloadbalancingv2")]
        if matches!(self.encryption, BucketEncryption::Kms(_) | BucketEncryption::KmsManaged) {
            // Read by ALB access logs, which cannot be written with SSE-KMS.
            stack.record_fact(handle.id(), crate::elasticloadbalancingv2::SseKms);
        }
        if self.ownership == Ownership::PreferredForAclLogs {
            stack.record_fact(handle.id(), super::AclLogDestination);
        }
        let notifies = name_arn.is_some() && !self.notifications.is_empty();
        let me = BucketRef::new(handle, matches!(self.encryption, BucketEncryption::Kms(_)), notifies);
        let objects = me.arn_for_objects("*");
        let mut doc =
            PolicyDocument::new().with(deny_insecure_transport("s3:*", [me.arn().into(), objects.clone().into()]));
        for s in policy::kms_upload_denies(objects.clone(), &self.encryption, self.require_kms_headers) {
            doc.add(s);
        }
        if self.log_destination {
            doc.add(policy::allow_access_logs(objects));
        }
        let bucket_policy = stack.within(scope, |s| {
            s.add("Policy", l1::BucketPolicy::new(Value::from(me.name()), Value::Lit(doc.to_token())))
        });
        if let (Some(arn), true) = (&name_arn, notifies) {
            let resource_path = format!("{path}/Resource");
            notifications::connect(stack, handle.id(), &self.id, arn, &self.notifications, &resource_path);
        }
        me.with_policy(bucket_policy)
    }
}
