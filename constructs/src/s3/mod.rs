//! S3: [`Bucket`] (`AWS::S3::Bucket`), secure by default, with lifecycle
//! [`Rule`]s, event notifications to Lambda functions, SQS queues and SNS
//! topics, and a bucket policy that says who may do what.
//!
//! Defaults: SSE-S3 (`AES256`) encryption, versioning on, all four
//! public-access blocks on, `BucketOwnerEnforced` object ownership, a bucket
//! policy that denies every request not made over TLS, and server access
//! logging into a dedicated log bucket created beside it (`<Id>AccessLogs`,
//! itself encrypted, versioned, private, TLS-only and expiring logs after a
//! year). Loosening any of these is a named call.
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

use cfnkit_core::token::Token;

use crate::kms::KeyRef;

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
