//! KMS keys: defaults, key policy statements, grants and validation.

use cfnkit_constructs::iam::{Principal, Role, RoleRef};
use cfnkit_constructs::kms::{Key, KeySpec, KeyUsage};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(app: &App) -> Value {
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(app: &App) -> Vec<Diagnostic> {
    app.synth().expect_err("synthesis fails").diagnostics
}

fn key_resource(t: &Value) -> Value {
    t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::KMS::Key").unwrap().clone()
}

fn key_statements(t: &Value) -> Vec<Value> {
    key_resource(t)["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap().clone()
}

fn role_statements(t: &Value) -> Vec<Value> {
    t["Resources"]["WorkerDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

fn worker(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

#[test]
fn key_rotates_yearly_by_default() {
    let mut app = App::new();
    Key::new("K").add_to(app.stack("s"));
    let p = &key_resource(&template(&app))["Properties"];
    assert_eq!(p["EnableKeyRotation"], true);
    assert!(p.get("RotationPeriodInDays").is_none());
    assert!(p.get("KeySpec").is_none(), "symmetric keys leave the spec to its default");
}

#[test]
fn key_rotation_period_is_written_when_set() {
    let mut app = App::new();
    Key::new("K").rotation_period(180).add_to(app.stack("s"));
    assert_eq!(key_resource(&template(&app))["Properties"]["RotationPeriodInDays"], 180);
}

#[test]
fn key_policy_lets_the_account_root_administer_the_key_and_names_no_star_principal() {
    let mut app = App::new();
    Key::new("K").allow_service("lambda.amazonaws.com").allow_cloudtrail().add_to(app.stack("s"));
    let s = key_statements(&template(&app));
    assert_eq!(s[0]["Sid"], "AllowAccountRootToAdministerKey");
    assert_eq!(s[0]["Principal"], json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}));
    assert!(s.iter().all(|st| st["Principal"] != "*" && st["Principal"]["AWS"] != "*"));
}

#[test]
fn key_is_retained_for_seven_days_pending_without_conventions_and_deleted_with_them() {
    let mut app = App::new();
    Key::new("K").add_to(app.stack("s"));
    let k = key_resource(&template(&app));
    assert_eq!(
        (k["DeletionPolicy"].clone(), k["Properties"]["PendingWindowInDays"].clone()),
        (json!("Retain"), json!(7))
    );

    let mut app = App::new();
    Key::new("K").add_to(app.stack("s").conventions(Conventions::tap("p")));
    assert_eq!(key_resource(&template(&app))["DeletionPolicy"], "Delete");
}

#[test]
fn key_alias_points_at_the_key() {
    let mut app = App::new();
    let k = Key::new("K").alias("alias/orders").add_to(app.stack("s"));
    assert!(k.alias_name().is_some());
    let t = template(&app);
    assert_eq!(
        t["Resources"]["KAlias"]["Properties"],
        json!({"AliasName": "alias/orders", "TargetKeyId": {"Ref": "K"}})
    );
}

#[test]
fn key_allow_cloudtrail_lets_cloudtrail_generate_data_keys_for_this_accounts_trails_only() {
    let mut app = App::new();
    Key::new("K").allow_cloudtrail().add_to(app.stack("s"));
    let s = key_statements(&template(&app));
    assert_eq!(s[1]["Principal"], json!({"Service": "cloudtrail.amazonaws.com"}));
    assert_eq!(s[1]["Action"], "kms:GenerateDataKey");
    assert_eq!(s[1]["Condition"]["StringEquals"], json!({"aws:SourceAccount": {"Ref": "AWS::AccountId"}}));
    let trails = json!({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"});
    assert_eq!(s[1]["Condition"]["StringLike"], json!({"kms:EncryptionContext:aws:cloudtrail:arn": trails}));
    assert_eq!(
        (s[2]["Sid"].clone(), s[2]["Action"].clone()),
        (json!("AllowCloudTrailToDescribeKey"), json!("kms:DescribeKey"))
    );
}

#[test]
fn key_grant_encrypt_lists_the_encrypt_actions_on_the_key() {
    let mut app = App::new();
    let stack = app.stack("s");
    let k = Key::new("K").add_to(stack);
    let w = worker(stack);
    k.grant_encrypt(stack, &w);
    let s = &role_statements(&template(&app))[0];
    assert_eq!(
        s["Action"],
        json!([
            "kms:Encrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext"
        ])
    );
    assert_eq!(s["Resource"], json!({"Fn::GetAtt": ["K", "Arn"]}));
}

#[test]
fn key_grant_decrypt_is_decrypt_only() {
    let mut app = App::new();
    let stack = app.stack("s");
    let k = Key::new("K").add_to(stack);
    let w = worker(stack);
    k.grant_decrypt(stack, &w);
    assert_eq!(role_statements(&template(&app))[0]["Action"], "kms:Decrypt");
}

#[test]
fn key_grant_encrypt_decrypt_lists_every_action_without_wildcards() {
    let mut app = App::new();
    let stack = app.stack("s");
    let k = Key::new("K").add_to(stack);
    let w = worker(stack);
    k.grant_encrypt_decrypt(stack, &w);
    let actions = role_statements(&template(&app))[0]["Action"].as_array().unwrap().clone();
    assert_eq!(actions.len(), 6);
    assert!(actions.contains(&json!("kms:Decrypt")));
    assert!(actions.iter().all(|a| !a.as_str().unwrap().contains('*')));
}

#[test]
fn asymmetric_key_writes_its_spec_and_usage_and_no_rotation() {
    let mut app = App::new();
    Key::new("K").key_spec(KeySpec::EccNistP256).add_to(app.stack("s"));
    let p = &key_resource(&template(&app))["Properties"];
    assert_eq!((p["KeySpec"].clone(), p["KeyUsage"].clone()), (json!("ECC_NIST_P256"), json!("SIGN_VERIFY")));
    assert!(p.get("EnableKeyRotation").is_none());
}

#[test]
fn hmac_key_acknowledges_checkov_rotation_with_the_reason() {
    let mut app = App::new();
    Key::new("K").key_spec(KeySpec::Hmac256).add_to(app.stack("s"));
    let k = key_resource(&template(&app));
    assert_eq!(k["Properties"]["KeyUsage"], "GENERATE_VERIFY_MAC");
    assert_eq!(k["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_7");
}

#[test]
fn key_reports_a_usage_its_spec_does_not_support() {
    let mut app = App::new();
    Key::new("K").key_spec(KeySpec::Hmac256).key_usage(KeyUsage::EncryptDecrypt).add_to(app.stack("s"));
    let e = errors(&app);
    assert!(e
        .iter()
        .any(|d| d.problem == "key usage not supported by the key spec" && d.property.as_deref() == Some("KeyUsage")));
}

#[test]
fn key_reports_every_out_of_range_setting() {
    let mut app = App::new();
    Key::new("K").rotation_period(30).pending_window(3).alias("alias/aws/mine").add_to(app.stack("s"));
    let e = errors(&app);
    for p in ["rotation period out of range", "pending window out of range", "invalid alias name"] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}

#[test]
fn key_reports_a_rotation_period_on_a_key_that_does_not_rotate() {
    let mut app = App::new();
    Key::new("K").without_rotation().rotation_period(365).add_to(app.stack("s"));
    assert!(errors(&app).iter().any(|d| d.problem == "rotation period on a key that does not rotate"));
}
