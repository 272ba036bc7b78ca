//! KMS encryption and its enforcement.

use cfnkit_constructs::s3::{Bucket, BucketEncryption};
use serde_json::{json, Value};

use super::helpers::{bucket_policy, errors, has_error, key, props, template};

// KMS encryption and its enforcement

#[test]
fn kms_bucket_takes_a_key_ref_and_uses_bucket_keys() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(k).add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["BucketEncryption"]["ServerSideEncryptionConfiguration"][0],
        json!({
            "BucketKeyEnabled": true,
            "ServerSideEncryptionByDefault": {"KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]}, "SSEAlgorithm": "aws:kms"}
        })
    );
}

fn upload_deny(sid: &str, op: &str, key: &str, value: Value) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": {"Fn::Sub": "${Data.Arn}/*"},
        "Condition": {op: {key: value}}
    })
}

#[test]
fn kms_bucket_denies_uploads_asking_for_another_encryption_or_key() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(k).add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(
        st[1..],
        [
            upload_deny(
                "DenyUploadsNotEncryptedWithKms",
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption",
                json!("aws:kms")
            ),
            upload_deny(
                "DenyUploadsWithAnotherKey",
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
                json!({"Fn::GetAtt": ["DataKey", "Arn"]})
            ),
        ]
    );
}

#[test]
fn require_kms_upload_headers_denies_uploads_that_do_not_name_them() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(BucketEncryption::kms(k.arn())).require_kms_upload_headers().add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(st[1]["Condition"], json!({"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}));
    assert_eq!(
        st[2]["Condition"],
        json!({"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"Fn::GetAtt": ["DataKey", "Arn"]}}})
    );
}

#[test]
fn kms_managed_bucket_denies_uploads_asking_for_another_encryption() {
    let t = template(|s| {
        Bucket::new("Data").encryption(BucketEncryption::KmsManaged).add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(st.len(), 2);
    assert_eq!(st[1]["Sid"], "DenyUploadsNotEncryptedWithKms");
}

#[test]
fn require_kms_upload_headers_on_an_sse_s3_bucket_is_an_error() {
    let errs = errors(|s| {
        Bucket::new("Data").require_kms_upload_headers().add_to(s);
    });
    assert!(has_error(&errs, "BucketEncryption", "SSE-KMS buckets only"), "{errs:?}");
}

#[test]
fn a_customer_managed_key_given_by_id_is_an_error() {
    let errs = errors(|s| {
        Bucket::new("Data").encryption(BucketEncryption::kms("1234abcd-12ab-34cd-56ef-1234567890ab")).add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("given by ARN")), "{errs:?}");
}
