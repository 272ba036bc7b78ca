//! The statements a bucket writes into its own policy: the TLS-only deny,
//! the deny of uploads not encrypted with the bucket's key, and the
//! delivery of server access logs.

use cfnkit_core::token::{Expr, Pseudo};

use super::BucketEncryption;
use crate::iam::{PolicyStatement, Principal};

/// The denies of uploads that would not be encrypted as the bucket's
/// encryption says: with SSE-KMS, any other `s3:x-amz-server-side-encryption`
/// than `aws:kms`, and with a customer managed key, any other
/// `s3:x-amz-server-side-encryption-aws-kms-key-id` than its ARN.
///
/// With `require_headers` false the conditions use `...IfExists`: an upload
/// naming neither header gets the bucket's default encryption (that key), so
/// it is allowed. With `require_headers` true, uploads must name both.
pub(super) fn kms_upload_denies(
    objects: Expr<String>,
    encryption: &BucketEncryption,
    require_headers: bool,
) -> Vec<PolicyStatement> {
    let op = if require_headers { "StringNotEquals" } else { "StringNotEqualsIfExists" };
    let deny = |sid: &str| {
        PolicyStatement::deny().sid(sid).principal(Principal::Any).actions(["s3:PutObject"]).resource(objects.clone())
    };
    match encryption {
        BucketEncryption::S3Managed => Vec::new(),
        BucketEncryption::KmsManaged => {
            vec![deny("DenyUploadsNotEncryptedWithKms").condition(op, "s3:x-amz-server-side-encryption", "aws:kms")]
        }
        BucketEncryption::Kms(key) => vec![
            deny("DenyUploadsNotEncryptedWithKms").condition(op, "s3:x-amz-server-side-encryption", "aws:kms"),
            deny("DenyUploadsWithAnotherKey").condition(
                op,
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
                key.clone(),
            ),
        ],
    }
}

/// Lets the S3 logging service write server access logs, from this account only.
pub(super) fn allow_access_logs(objects: Expr<String>) -> PolicyStatement {
    PolicyStatement::allow()
        .sid("AllowServerAccessLogs")
        .principal(Principal::service("logging.s3.amazonaws.com"))
        .actions(["s3:PutObject"])
        .resource(objects)
        .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
}
