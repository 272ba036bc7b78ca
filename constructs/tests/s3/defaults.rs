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
fn bucket_defers_access_logs_to_the_hardened_profile_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert!(props(&t, "Data").get("LoggingConfiguration").is_none());
    assert_eq!(t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::S3::Bucket").count(), 1);
    let skip = &t["Resources"]["Data"]["Metadata"]["checkov"]["skip"][0];
    assert_eq!(skip["id"], "CKV_AWS_18");
    assert!(skip["comment"].as_str().unwrap().contains("hardened profile (Conventions::hardened()"));
}

#[test]
fn buckets_share_one_access_log_bucket_they_wait_for_under_the_hardened_profile() {
    let mut app = cfnkit_core::tree::App::new();
    let s = app.stack("test").conventions(cfnkit_core::conventions::Conventions::tap("p").hardened());
    Bucket::new("Data").add_to(s);
    Bucket::new("Other").add_to(s);
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(
        props(&t, "Data")["LoggingConfiguration"],
        json!({"DestinationBucketName": {"Ref": "AccessLogsBucket"}, "LogFilePrefix": "Data/"})
    );
    assert_eq!(props(&t, "Other")["LoggingConfiguration"]["LogFilePrefix"], "Other/");
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["AccessLogsBucketPolicy"]));
    assert!(t["Resources"]["Data"].get("Metadata").is_none(), "nothing acknowledged when hardened");
    let log_bucket = &t["Resources"]["AccessLogsBucket"];
    assert_eq!(
        log_bucket["Properties"]["BucketName"],
        json!({"Fn::Sub": "access-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"})
    );
    assert_eq!(log_bucket["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_18", "the log bucket does not log itself");
    assert_eq!(t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::S3::Bucket").count(), 3);
}

#[test]
fn bucket_takes_the_stack_removal_policy() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(t["Resources"]["Data"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Data"]["UpdateReplacePolicy"], "Delete");
}
