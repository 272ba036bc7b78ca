//! The decisions in the program's doc comment not asserted elsewhere.

use cfnkit::reference;
use serde_json::json;

use super::helpers::{data_key_arn, resource, template, trail_arn, NAME, REGION};

// ---------------------------------------------------------------------------
// Decisions in the program's doc comment

#[test]
fn decision_the_stack_is_deployed_to_us_east_1() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    assert_eq!(out.stack(NAME).expect("the stack").region.as_deref(), Some(REGION));
}

#[test]
fn decision_one_data_key_encrypts_bucket_table_secret_trail_and_function_environment() {
    let t = template();
    let key = data_key_arn();
    let users: Vec<(&str, &str)> = vec![
        (
            "TransactionDataBucket",
            concat!(
                "/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0",
                "/ServerSideEncryptionByDefault/KMSMasterKeyID"
            ),
        ),
        ("TransactionsTable", "/Properties/SSESpecification/KMSMasterKeyId"),
        ("ProcessorConfig", "/Properties/KmsKeyId"),
        ("AuditTrail", "/Properties/KMSKeyId"),
        ("TransactionProcessorFunction", "/Properties/KmsKeyArn"),
    ];
    for (id, pointer) in users {
        assert_eq!(resource(&t, id).pointer(pointer), Some(&key), "{id} is encrypted with the data key");
    }
}

#[test]
fn decision_each_service_may_use_the_data_key_for_this_account_only() {
    let t = template();
    let key = resource(&t, "DataKey");
    for s in key["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap() {
        if s["Principal"].get("Service").is_some() {
            let condition = s["Condition"]["StringEquals"].as_object().expect("a StringEquals condition");
            assert!(
                condition.get("aws:SourceAccount") == Some(&json!({"Ref": "AWS::AccountId"}))
                    || condition.get("aws:SourceArn") == Some(&trail_arn()),
                "{s} is not limited to this account"
            );
        }
    }
}

#[test]
fn decision_synthesis_gives_no_deprecation_warning_for_python_3_12() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    let ours: Vec<String> = out.warnings.iter().filter(|w| w.path.starts_with(NAME)).map(ToString::to_string).collect();
    assert!(!ours.iter().any(|w| w.contains("deprecated")), "{ours:?}");
}
