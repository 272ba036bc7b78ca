//! S3: [`Bucket`], secure by default.
//!
//! Defaults: SSE-S3 (`AES256`) encryption, versioning on, all four
//! public-access blocks on, `BucketOwnerEnforced` object ownership, a bucket
//! policy that denies every request not made over TLS, and server access
//! logging into a dedicated log bucket created beside it (`<Id>AccessLogs`,
//! itself encrypted, versioned, private, TLS-only and expiring logs after a
//! year). Loosening any of these is a named call.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::Duration;
use cfnkit_l1::s3 as l1;

use crate::arn;
use crate::iam::{deny_insecure_transport, grant, Grantable, PolicyDocument, PolicyStatement, Principal};

/// Default encryption of new objects.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum BucketEncryption {
    /// SSE-S3, `AES256` (the default).
    #[default]
    S3Managed,
    /// SSE-KMS with the AWS managed key `aws/s3`.
    KmsManaged,
    /// SSE-KMS with a customer managed key (its ARN), with S3 Bucket Keys on.
    Kms(Token),
}

/// A storage class objects can move to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageClass {
    /// `STANDARD_IA`
    InfrequentAccess,
    /// `ONEZONE_IA`
    OneZoneInfrequentAccess,
    /// `INTELLIGENT_TIERING`
    IntelligentTiering,
    /// `GLACIER_IR`
    GlacierInstantRetrieval,
    /// `GLACIER`
    Glacier,
    /// `DEEP_ARCHIVE`
    DeepArchive,
}

impl StorageClass {
    fn name(self) -> &'static str {
        match self {
            StorageClass::InfrequentAccess => "STANDARD_IA",
            StorageClass::OneZoneInfrequentAccess => "ONEZONE_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::GlacierInstantRetrieval => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }
    /// Days objects must spend in STANDARD before S3 accepts a transition to this class.
    fn min_days(self) -> u64 {
        match self {
            StorageClass::InfrequentAccess | StorageClass::OneZoneInfrequentAccess => 30,
            _ => 0,
        }
    }
}

/// A lifecycle rule: transitions and expirations.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    id: String,
    prefix: Option<String>,
    transitions: Vec<(StorageClass, Duration)>,
    expiration: Option<Duration>,
    noncurrent_expiration: Option<Duration>,
    abort_incomplete_uploads: Option<Duration>,
}

impl Rule {
    /// An enabled rule named `id` (1 to 255 characters).
    pub fn new(id: &str) -> Self {
        Rule {
            id: id.to_string(),
            prefix: None,
            transitions: Vec::new(),
            expiration: None,
            noncurrent_expiration: None,
            abort_incomplete_uploads: None,
        }
    }
    /// Applies only to keys under `prefix`.
    pub fn prefix(mut self, p: &str) -> Self {
        self.prefix = Some(p.to_string());
        self
    }
    /// Moves objects to `class` after `after` (whole days).
    pub fn transition(mut self, class: StorageClass, after: Duration) -> Self {
        self.transitions.push((class, after));
        self
    }
    /// Deletes objects after `after` (whole days).
    pub fn expiration(mut self, after: Duration) -> Self {
        self.expiration = Some(after);
        self
    }
    /// Deletes noncurrent versions after `after`.
    pub fn noncurrent_version_expiration(mut self, after: Duration) -> Self {
        self.noncurrent_expiration = Some(after);
        self
    }
    /// Aborts incomplete multipart uploads after `after`.
    pub fn abort_incomplete_multipart_uploads(mut self, after: Duration) -> Self {
        self.abort_incomplete_uploads = Some(after);
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let prop = format!("LifecycleConfiguration.Rules.{}", self.id);
        if self.id.is_empty() || self.id.len() > 255 {
            out.push(
                Diagnostic::error(path, "lifecycle rule id length")
                    .property(prop.clone())
                    .value(format!("{:?}", self.id))
                    .allowed("1 to 255 characters"),
            );
        }
        let all = self
            .transitions
            .iter()
            .map(|(_, d)| d)
            .chain(self.expiration.iter())
            .chain(self.noncurrent_expiration.iter())
            .chain(self.abort_incomplete_uploads.iter());
        for d in all {
            if !d.is_whole_days() || d.to_days() == 0 {
                out.push(
                    Diagnostic::error(path, "lifecycle periods are whole days")
                        .property(prop.clone())
                        .value(d.to_string())
                        .allowed("1 or more whole days"),
                );
            }
        }
        for (c, d) in &self.transitions {
            if d.to_days() < c.min_days() {
                out.push(
                    Diagnostic::error(path, format!("transition to {} too early", c.name()))
                        .property(prop.clone())
                        .value(d.to_string())
                        .allowed(format!("at least {} days", c.min_days())),
                );
            }
        }
        if self.transitions.is_empty()
            && self.expiration.is_none()
            && self.noncurrent_expiration.is_none()
            && self.abort_incomplete_uploads.is_none()
        {
            out.push(
                Diagnostic::error(path, "lifecycle rule does nothing")
                    .property(prop)
                    .allowed("at least one transition or expiration"),
            );
        }
    }

    fn to_l1(&self) -> l1::Rule {
        let mut r = l1::Rule::new("Enabled".to_string()).id(self.id.clone());
        if let Some(p) = &self.prefix {
            r = r.prefix(p.clone());
        }
        if !self.transitions.is_empty() {
            r = r.transitions(
                self.transitions
                    .iter()
                    .map(|(c, d)| l1::Transition::new(c.name().to_string()).transition_in_days(d.to_days() as i64))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(d) = self.expiration {
            r = r.expiration_in_days(d.to_days() as i64);
        }
        if let Some(d) = self.noncurrent_expiration {
            r = r.noncurrent_version_expiration(l1::NoncurrentVersionExpiration::new(d.to_days() as i64));
        }
        if let Some(d) = self.abort_incomplete_uploads {
            r = r.abort_incomplete_multipart_upload(l1::AbortIncompleteMultipartUpload::new(d.to_days() as i64));
        }
        r
    }
}

/// Where server access logs go.
#[derive(Clone, Debug, PartialEq, Default)]
enum AccessLogs {
    /// A dedicated log bucket created beside the bucket.
    #[default]
    Dedicated,
    /// An existing bucket (by handle), with a key prefix.
    Into(BucketRef, String),
    /// None, with the reason (recorded as the checkov CKV_AWS_18 skip).
    Off(String),
}

/// An S3 bucket.
///
/// ```
/// use cfnkit_constructs::s3::{Bucket, Rule, StorageClass};
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let audit = Bucket::new("AuditBucket")
///     .lifecycle(Rule::new("TransitionToGlacier").transition(StorageClass::Glacier, Duration::days(90)))
///     .add_to(stack);
/// let _objects = audit.arn_for_objects("*");
/// ```
#[derive(Clone, Debug)]
pub struct Bucket {
    id: String,
    name: Option<Value<String>>,
    encryption: BucketEncryption,
    versioned: bool,
    rules: Vec<Rule>,
    removal: Option<RemovalPolicy>,
    access_logs: AccessLogs,
    log_destination: bool,
}

impl Bucket {
    /// A bucket with the secure defaults.
    pub fn new(id: &str) -> Self {
        Bucket {
            id: id.to_string(),
            name: None,
            encryption: BucketEncryption::S3Managed,
            versioned: true,
            rules: Vec::new(),
            removal: None,
            access_logs: AccessLogs::Dedicated,
            log_destination: false,
        }
    }
    /// Sets `BucketName` (3 to 63 lowercase characters; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the default encryption.
    pub fn encryption(mut self, e: BucketEncryption) -> Self {
        self.encryption = e;
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
    /// Sends server access logs to an existing bucket under `prefix`
    /// (instead of a dedicated log bucket).
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

    /// Adds the bucket (and its policy, and its log bucket) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> BucketRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let mut diags = Vec::new();
        for r in &self.rules {
            r.check(&path, &mut diags);
        }
        for d in diags {
            stack.report(d);
        }
        let logs = match &self.access_logs {
            AccessLogs::Dedicated => {
                let target = stack.within(scope, |s| {
                    Bucket::new("AccessLogs")
                        .access_log_destination()
                        .lifecycle(Rule::new("ExpireAccessLogs").expiration(Duration::days(365)))
                        .lifecycle(
                            Rule::new("ExpireNoncurrentAccessLogs").noncurrent_version_expiration(Duration::days(30)),
                        )
                        .removal_policy(removal)
                        .add_to(s)
                });
                Some((target, "access-logs/".to_string()))
            }
            AccessLogs::Into(t, p) => Some((*t, p.clone())),
            AccessLogs::Off(_) => None,
        };

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
        let mut b = l1::Bucket::default()
            .bucket_encryption(l1::BucketEncryption::new(vec![rule]))
            .public_access_block_configuration(
                l1::PublicAccessBlockConfiguration::default()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            )
            .ownership_controls(l1::OwnershipControls::new(vec![
                l1::OwnershipControlsRule::default().object_ownership("BucketOwnerEnforced".to_string())
            ]));
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
        if let Some(n) = self.name {
            b = b.bucket_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", b));
        stack.set_removal_policy(handle.id(), removal);
        if let AccessLogs::Off(reason) = &self.access_logs {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_18".into(), reason: reason.clone() });
        }
        if let Some((target, _)) = &logs {
            // The log bucket must exist with its policy before S3 validates the logging target.
            if let Some(p) = target.policy {
                stack.add_dependency(handle.id(), p.id());
            }
        }

        let me = BucketRef { handle, policy: None, kms: matches!(self.encryption, BucketEncryption::Kms(_)) };
        let mut doc = PolicyDocument::new()
            .with(deny_insecure_transport("s3:*", [me.arn().into(), me.arn_for_objects("*").into()]));
        if self.log_destination {
            doc.add(
                PolicyStatement::allow()
                    .sid("AllowServerAccessLogs")
                    .principal(Principal::service("logging.s3.amazonaws.com"))
                    .actions(["s3:PutObject"])
                    .resource(me.arn_for_objects("*"))
                    .condition("StringEquals", "aws:SourceAccount", cfnkit_core::token::Pseudo::AccountId.expr()),
            );
        }
        let policy = stack.within(scope, |s| {
            s.add("Policy", l1::BucketPolicy::new(Value::from(me.name()), Value::Lit(doc.to_token())))
        });
        BucketRef { policy: Some(policy), ..me }
    }
}

/// A bucket added to a stack: its references and grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketRef {
    handle: Handle<l1::Bucket>,
    policy: Option<Handle<l1::BucketPolicy>>,
    kms: bool,
}

impl BucketRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Bucket> {
        self.handle
    }
    /// The bucket policy's handle.
    pub fn policy(self) -> Option<Handle<l1::BucketPolicy>> {
        self.policy
    }
    /// The bucket name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The bucket ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.get_att("Arn")
    }
    /// `<arn>/<pattern>`: objects matching a key pattern (`*`, `orders/*`).
    pub fn arn_for_objects(self, pattern: &str) -> Expr<String> {
        arn::child_of(self.arn(), &format!("/{pattern}"))
    }

    /// Adds a statement to the bucket policy.
    pub fn add_to_resource_policy(self, stack: &mut Stack, s: PolicyStatement) {
        if let Some(p) = self.policy.and_then(|p| stack.get_mut(p)) {
            if let Value::Lit(Token::Map(doc)) = &mut p.policy_document {
                if let Some(Token::List(list)) = doc.get_mut("Statement") {
                    let t = s.to_token();
                    if !list.contains(&t) {
                        list.push(t);
                    }
                }
            }
        }
    }

    fn key_statement(self, stack: &mut Stack, grantee: &impl Grantable, actions: &[&str]) {
        if !self.kms {
            return;
        }
        let key = stack.get(self.handle).and_then(|b| {
            let Value::Lit(enc) = b.bucket_encryption.as_ref()? else { return None };
            let Value::Lit(rules) = &enc.server_side_encryption_configuration else { return None };
            let def = rules.first()?.server_side_encryption_by_default.clone()?;
            let Value::Lit(def) = def else { return None };
            match def.kms_master_key_id {
                Some(Value::Expr(t)) => Some(t),
                _ => None,
            }
        });
        if let Some(k) = key {
            grant(stack, grantee, PolicyStatement::allow().actions(actions.iter().copied()).resource(k));
        }
    }

    /// Lets `grantee` put objects: `s3:PutObject` on the bucket's objects only
    /// (plus the KMS actions a customer managed key needs).
    pub fn grant_put(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:PutObject"]).resource(self.arn_for_objects("*")));
        self.key_statement(
            stack,
            grantee,
            &[
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:Decrypt",
            ],
        );
    }
    /// Lets `grantee` read objects: `s3:GetObject` on the objects and
    /// `s3:ListBucket` on the bucket.
    pub fn grant_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:GetObject"]).resource(self.arn_for_objects("*")));
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:ListBucket"]).resource(self.arn()));
        self.key_statement(stack, grantee, &["kms:Decrypt", "kms:DescribeKey"]);
    }
}
