//! `s3::Bucket` defaults.

use cfnkit_constructs::s3::Bucket;
use serde_json::json;

use super::helpers::{bucket_policy, props, template};

// Defaults

#[test]
fn bucket_is_encrypted_with_sse_s3_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["BucketEncryption"],
        json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    );
}

#[test]
fn bucket_is_versioned_private_and_owner_enforced_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    let p = props(&t, "Data");
    assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(p["OwnershipControls"], json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}));
}

#[test]
fn bucket_has_a_tls_only_policy_and_no_upload_denies_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        bucket_policy(&t),
        vec![json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["Data", "Arn"]}, {"Fn::Sub": "${Data.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })]
    );
}

#[test]
fn bucket_logs_to_a_dedicated_bucket_it_waits_for_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["LoggingConfiguration"],
        json!({"DestinationBucketName": {"Ref": "DataAccessLogs"}, "LogFilePrefix": "access-logs/"})
    );
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["DataAccessLogsPolicy"]));
}

#[test]
fn bucket_takes_the_stack_removal_policy() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(t["Resources"]["Data"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Data"]["UpdateReplacePolicy"], "Delete");
}
