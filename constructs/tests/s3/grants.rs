//! Grants.

use cfnkit_constructs::iam::{Principal, Role, RoleRef};
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::{App, Stack};
use serde_json::json;

use super::helpers::{key, named, statements, template};

fn role(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

// Grants

#[test]
fn grant_put_allows_put_object_on_the_objects_only() {
    let t = template(|s| {
        let b = Bucket::new("Data").add_to(s);
        let r = role(s);
        b.grant_put(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument"),
        vec![json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${Data.Arn}/*"}})]
    );
}

#[test]
fn grant_put_lists_the_key_actions_with_a_customer_managed_key() {
    let t = template(|s| {
        let k = key(s);
        let b = Bucket::new("Data").encryption(k).add_to(s);
        let r = role(s);
        b.grant_put(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument")[1],
        json!({
            "Effect": "Allow",
            "Action": [
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:Decrypt"
            ],
            "Resource": {"Fn::GetAtt": ["DataKey", "Arn"]}
        })
    );
}

#[test]
fn grant_read_allows_get_object_and_list_bucket() {
    let t = template(|s| {
        let b = Bucket::new("Data").add_to(s);
        let r = role(s);
        b.grant_read(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument"),
        vec![
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${Data.Arn}/*"}}),
            json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": ["Data", "Arn"]}}),
        ]
    );
}

#[test]
fn physical_name_and_arn_from_name_do_not_reference_the_bucket() {
    let mut app = App::new();
    let s = app.stack("names").conventions(Conventions::tap("names"));
    let plain = Bucket::new("Plain").add_to(s);
    let data = named(s).add_to(s);
    assert!(plain.physical_name(s).is_none() && plain.arn_from_name(s).is_none());
    let arn = data.arn_from_name(s).map(|a| format!("{:?}", a.token()));
    assert!(arn.is_some_and(|a| a.contains("arn:${AWS::Partition}:s3:::${Name}")), "a Sub over the name");
}
