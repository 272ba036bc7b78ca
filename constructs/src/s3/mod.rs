//! S3: [`Bucket`] (`AWS::S3::Bucket`), secure by default, with lifecycle
//! [`Rule`]s, event notifications to Lambda functions, SQS queues and SNS
//! topics, and a bucket policy that says who may do what.
//!
//! Defaults: SSE-S3 (`AES256`) encryption, versioning on, all four
//! public-access blocks on, `BucketOwnerEnforced` object ownership, a bucket
//! policy that denies every request not made over TLS. Server access logs
//! follow the stack's security profile: under the hardened profile they go
//! to the stack's one access-log bucket ([`stack_access_log_bucket`], itself
//! encrypted, versioned, private, TLS-only and expiring logs after a year),
//! under the default profile there are none and checkov's CKV_AWS_18 is
//! acknowledged with the reason. Loosening any of these is a named call.
//!
//! A bucket encrypted with a customer managed key
//! ([`BucketEncryption::Kms`], or a [`KeyRef`]) uses S3
//! Bucket Keys, and its policy denies every upload that asks for another
//! encryption or another key (`s3:x-amz-server-side-encryption` other than
//! `aws:kms`, `s3:x-amz-server-side-encryption-aws-kms-key-id` other than the
//! key's ARN). Uploads that name neither get the default encryption, which
//! is that key; [`Bucket::require_kms_upload_headers`] denies those too.
//!
//! Event notifications ([`Bucket::notify_lambda`], [`Bucket::notify_queue`],
//! [`Bucket::notify_topic`]) are deployable on the first try: S3 checks that
//! it may deliver to every destination when the bucket's notification
//! configuration is created, so the bucket `DependsOn` the Lambda permission,
//! queue policy or topic policy that lets `s3.amazonaws.com` in, and those
//! name the bucket by an ARN built from its name
//! (`arn:${AWS::Partition}:s3:::<name>`), never by a reference to it (that
//! would be a cycle). A bucket with notifications therefore needs a name, and
//! its grants use the same name-built ARN, so a notified function's role can
//! be granted access to the bucket without a cycle either.
//!
//! Checked when added: the bucket name (3 to 63 lowercase letters, digits,
//! `.` and `-`, and S3's other naming rules, as far as the name is known),
//! lifecycle rules, a customer managed key given by ARN, notification
//! filters (at most 1,024 characters), notifications S3 would call
//! ambiguous (overlapping events with overlapping prefixes and suffixes), and
//! destinations S3 cannot deliver to (FIFO queues and topics, destinations
//! encrypted with an AWS managed key).

mod bucket;
mod bucket_ref;
mod lifecycle;
mod name;
mod notifications;
mod policy;

pub use bucket::Bucket;
pub use bucket_ref::BucketRef;
pub use lifecycle::{Rule, StorageClass};
pub use notifications::{NotificationEvent, NotificationFilter};

use cfnkit_core::fns;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::Token;
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;

use crate::kms::KeyRef;

/// The stack fact holding its shared access-log bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackAccessLogBucket(BucketRef);

/// The stack's one server access-log bucket (hardened profile): created
/// at the stack root as `AccessLogsBucket` the first time a bucket needs it
/// and reused by every later one, each logging under its own prefix
/// (`<BucketId>/`). Private, encrypted, versioned and TLS-only like every
/// bucket; its policy lets the S3 logging service write for this account
/// only; logs expire after a year, old versions after 30 days. Named
/// `access-logs-<suffix>-<account>-<region>` when the stack has an
/// environment suffix (bucket names are global). Kept as a typed stack
/// fact, never looked up by construct id.
pub fn stack_access_log_bucket(stack: &mut Stack) -> BucketRef {
    if let Some(StackAccessLogBucket(b)) = stack.stack_fact() {
        return b;
    }
    let removal = stack.default_removal_policy().unwrap_or(RemovalPolicy::Retain);
    let name = stack.environment_suffix().map(|sfx| {
        fns::sub("access-logs-${Suffix}-${AWS::AccountId}-${AWS::Region}").var("Suffix", sfx.value()).expr()
    });
    let root = stack.root();
    let bucket = stack.within(root, |s| {
        let mut b = Bucket::new("AccessLogsBucket")
            .access_log_destination()
            .lifecycle(Rule::new("ExpireAccessLogs").expiration(Duration::days(365)))
            .lifecycle(Rule::new("ExpireNoncurrentAccessLogs").noncurrent_version_expiration(Duration::days(30)))
            .removal_policy(removal);
        if let Some(n) = name {
            b = b.name(n);
        }
        b.add_to(s)
    });
    stack.set_stack_fact(StackAccessLogBucket(bucket));
    bucket
}

/// Default encryption of new objects.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum BucketEncryption {
    /// SSE-S3, `AES256` (the default).
    #[default]
    S3Managed,
    /// SSE-KMS with the AWS managed key `aws/s3`.
    KmsManaged,
    /// SSE-KMS with a customer managed key (its ARN), with S3 Bucket Keys on
    /// and a bucket policy denying uploads with another encryption or key.
    Kms(Token),
}

impl BucketEncryption {
    /// SSE-KMS with a customer managed key, by ARN (`key.arn()`).
    pub fn kms(key_arn: impl Into<Token>) -> Self {
        BucketEncryption::Kms(key_arn.into())
    }
}

impl From<KeyRef> for BucketEncryption {
    fn from(key: KeyRef) -> Self {
        BucketEncryption::Kms(key.arn().into())
    }
}
