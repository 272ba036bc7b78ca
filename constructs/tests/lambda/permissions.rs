//! Environment encryption and service permissions.

use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{Permission, QueueSource};
use cfnkit_core::token::Pseudo;
use serde_json::json;

use super::helpers::{errors, has, node, queue, res, statement_on, template};

// Environment encryption

#[test]
fn environment_encryption_writes_the_key_and_grants_decrypt() {
    let t = template(|s| {
        let key = Key::new("EnvKey").add_to(s);
        node("F").env("TABLE", "t").environment_encryption(key.arn()).add_to(s);
    });
    let arn = json!({"Fn::GetAtt": ["EnvKey", "Arn"]});
    assert_eq!(res(&t, "F")["Properties"]["KmsKeyArn"], arn);
    assert_eq!(statement_on(&t, &arn)["Action"], "kms:Decrypt");
}

// Permissions

#[test]
fn permission_for_a_service_is_scoped_to_its_source() {
    let t = template(|s| {
        let f = node("F").add_to(s);
        f.add_permission(
            s,
            "AllowS3",
            Permission::service("s3.amazonaws.com")
                .source_arn(cfnkit_core::fns::sub("arn:${AWS::Partition}:s3:::uploads").expr())
                .source_account(Pseudo::AccountId),
        );
    });
    let p = res(&t, "FAllowS3");
    assert_eq!(p["Type"], "AWS::Lambda::Permission");
    assert_eq!(
        p["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["F", "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::uploads"}
        })
    );
}

#[test]
fn permission_without_source_arn_or_account_is_an_error() {
    let e = errors(|s| {
        let f = node("F").add_to(s);
        f.add_permission(s, "AllowS3", Permission::service("s3.amazonaws.com"));
    });
    assert!(has(&e, "SourceArn", "confused deputy"));
    assert!(e.iter().any(|d| d.path == "test/F/AllowS3"));
}

#[test]
fn permission_for_something_not_a_service_principal_is_an_error() {
    let e = errors(|s| {
        let f = node("F").add_to(s);
        f.add_permission(s, "AllowS3", Permission::service("s3").source_account("123456789012"));
    });
    assert!(has(&e, "Principal", "not a service principal"));
}

#[test]
fn asynchronous_service_on_a_poll_only_function_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        let f = node("F").event_source(QueueSource::new(q)).add_to(s);
        f.add_permission(s, "AllowSns", Permission::service("sns.amazonaws.com").source_account(Pseudo::AccountId));
    });
    assert!(has(&e, "Principal", "invokes asynchronously"));
}

#[test]
fn synchronous_service_on_a_poll_only_function_is_fine() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        let f = node("F").event_source(QueueSource::new(q)).add_to(s);
        f.add_permission(
            s,
            "AllowApi",
            Permission::service("apigateway.amazonaws.com").source_account(Pseudo::AccountId.expr()),
        );
    });
    assert_eq!(res(&t, "FAllowApi")["Properties"]["Principal"], "apigateway.amazonaws.com");
}
