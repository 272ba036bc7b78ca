//! Secrets Manager secrets: defaults, generated values, JSON templates,
//! grants, rotation and validation.

use cfnkit_constructs::iam::{Principal, Role, RoleRef};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{Code, Function, Runtime};
use cfnkit_constructs::secretsmanager::{Password, RotationSchedule, Secret, SecretTemplate};
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

fn worker(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

fn worker_statements(t: &Value) -> Vec<Value> {
    t["Resources"]["WorkerDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

#[test]
fn secret_holds_a_generated_32_character_password_by_default() {
    let mut app = App::new();
    Secret::new("Db").add_to(app.stack("s"));
    let p = &template(&app)["Resources"]["Db"]["Properties"];
    assert_eq!(p["GenerateSecretString"], json!({"PasswordLength": 32}));
    assert!(p.get("SecretString").is_none());
}

#[test]
fn secret_is_encrypted_with_a_dedicated_rotating_key_by_default() {
    let mut app = App::new();
    Secret::new("Db").add_to(app.stack("s"));
    let t = template(&app);
    assert_eq!(t["Resources"]["Db"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(t["Resources"]["DbKey"]["Properties"]["EnableKeyRotation"], true);
}

#[test]
fn secret_uses_a_given_key_instead_of_its_own() {
    let mut app = App::new();
    let stack = app.stack("s");
    let key = Key::new("Shared").add_to(stack);
    Secret::new("Db").encryption_key(key).add_to(stack);
    let t = template(&app);
    assert_eq!(t["Resources"]["Db"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["Shared", "Arn"]}));
    assert!(t["Resources"].get("DbKey").is_none());
}

#[test]
fn secret_with_the_aws_managed_key_acknowledges_checkov_with_the_reason() {
    let mut app = App::new();
    Secret::new("Db").aws_managed_key("read across accounts is not needed; cost").add_to(app.stack("s"));
    let r = &template(&app)["Resources"]["Db"];
    assert!(r["Properties"].get("KmsKeyId").is_none());
    assert_eq!(r["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_149");
}

#[test]
fn secret_follows_the_removal_conventions_and_carries_the_stack_tags() {
    let mut app = App::new();
    let stack = app.stack("s").conventions(Conventions::tap("secrets"));
    let sfx = stack.suffix();
    Secret::new("Db").name(sfx.name("db-password")).add_to(stack);
    let r = &template(&app)["Resources"]["Db"];
    assert_eq!(r["DeletionPolicy"], "Delete");
    assert_eq!(r["Properties"]["Name"], json!({"Fn::Sub": "db-password-${EnvironmentSuffix}"}));
    assert_eq!(r["Properties"]["Tags"][1], json!({"Key": "Purpose", "Value": "secrets"}));
}

#[test]
fn secret_password_options_are_written_as_asked() {
    let mut app = App::new();
    Secret::new("Db")
        .password(Password::new().length(40).exclude_characters("\"@/\\").exclude_punctuation())
        .add_to(app.stack("s"));
    assert_eq!(
        template(&app)["Resources"]["Db"]["Properties"]["GenerateSecretString"],
        json!({"ExcludeCharacters": "\"@/\\", "ExcludePunctuation": true, "PasswordLength": 40})
    );
}

#[test]
fn secret_json_with_password_renders_literal_fields_as_json() {
    let mut app = App::new();
    Secret::new("Config")
        .json_with_password(SecretTemplate::new().field("user", "app").field("port", 5432), "password", Password::new())
        .add_to(app.stack("s"));
    let g = &template(&app)["Resources"]["Config"]["Properties"]["GenerateSecretString"];
    assert_eq!(g["SecretStringTemplate"], r#"{"user":"app","port":5432}"#);
    assert_eq!(g["GenerateStringKey"], "password");
}

#[test]
fn secret_json_joins_expression_fields_into_the_string() {
    let mut app = App::new();
    let stack = app.stack("s");
    let key = Key::new("K").add_to(stack);
    Secret::new("Config").json(SecretTemplate::new().field("keyId", key.key_id()).field("debug", false)).add_to(stack);
    assert_eq!(
        template(&app)["Resources"]["Config"]["Properties"]["SecretString"],
        json!({"Fn::Join": ["", ["{\"keyId\":\"", {"Ref": "K"}, "\",\"debug\":false}"]]})
    );
}

#[test]
fn secret_grant_read_allows_get_and_describe_on_the_secret_and_decrypt_through_secrets_manager() {
    let mut app = App::new();
    let stack = app.stack("s");
    let secret = Secret::new("Db").add_to(stack);
    let w = worker(stack);
    secret.grant_read(stack, &w);
    let s = worker_statements(&template(&app));
    assert_eq!(s[0]["Action"], json!(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]));
    assert_eq!(s[0]["Resource"], json!({"Ref": "Db"}));
    assert_eq!(s[1]["Action"], "kms:Decrypt");
    assert_eq!(s[1]["Resource"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(
        s[1]["Condition"],
        json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}})
    );
}

#[test]
fn secret_grant_write_allows_changing_the_value_only_through_secrets_manager() {
    let mut app = App::new();
    let stack = app.stack("s");
    let secret = Secret::new("Db").add_to(stack);
    let w = worker(stack);
    secret.grant_write(stack, &w);
    let s = worker_statements(&template(&app));
    assert_eq!(
        s[0]["Action"],
        json!([
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecret",
            "secretsmanager:UpdateSecretVersionStage"
        ])
    );
    assert_eq!(s[1]["Action"], "kms:GenerateDataKey");
}

#[test]
fn secret_name_is_read_back_when_given() {
    let mut app = App::new();
    let stack = app.stack("s");
    let named = Secret::new("A").name("app/db").add_to(stack);
    let unnamed = Secret::new("B").add_to(stack);
    assert_eq!(named.name(stack).map(|e| e.token().clone()), Some(cfnkit_core::token::Token::Str("app/db".into())));
    assert!(unnamed.name(stack).is_none());
}

#[test]
fn secret_rotation_schedules_the_function_and_lets_only_this_secret_invoke_it() {
    let mut app = App::new();
    let stack = app.stack("s");
    let f = Function::new("Rotator", Runtime::Python312, Code::inline("def handler(e, c):\n    pass\n"))
        .handler("index.handler")
        .add_to(stack);
    Secret::new("Db").rotation(f, RotationSchedule::Days(30)).add_to(stack);
    let t = template(&app);
    let rs = &t["Resources"]["DbRotationSchedule"];
    assert_eq!(rs["Properties"]["RotationRules"], json!({"ScheduleExpression": "rate(30 days)"}));
    assert_eq!(rs["Properties"]["RotationLambdaARN"], json!({"Fn::GetAtt": ["Rotator", "Arn"]}));
    assert!(rs["DependsOn"].as_array().unwrap().contains(&json!("DbRotationPermission")));
    let perm = &t["Resources"]["DbRotationPermission"]["Properties"];
    assert_eq!(perm["Principal"], "secretsmanager.amazonaws.com");
    assert_eq!(perm["SourceArn"], json!({"Ref": "Db"}));
    let statements = t["Resources"]["RotatorServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone();
    assert!(statements.iter().any(|s| s["Action"] == "secretsmanager:GetRandomPassword" && s["Resource"] == "*"));
    assert!(statements.iter().any(|s| s["Resource"] == json!({"Ref": "Db"})
        && s["Action"].as_array().is_some_and(|a| a.contains(&json!("secretsmanager:PutSecretValue")))));
}

#[test]
fn secret_without_rotation_records_the_reason_for_cdk_nag() {
    let mut app = App::new();
    Secret::new("Config").without_rotation("static configuration, nothing to rotate").add_to(app.stack("s"));
    assert_eq!(
        template(&app)["Resources"]["Config"]["Metadata"]["cdk_nag"]["rules_to_suppress"][0],
        json!({"id": "AwsSolutions-SMG4", "reason": "static configuration, nothing to rotate"})
    );
}

#[test]
fn secret_reports_every_invalid_setting() {
    let mut app = App::new();
    let stack = app.stack("s");
    let f = Function::new("Rotator", Runtime::Python312, Code::inline("def handler(e, c):\n    pass\n")).add_to(stack);
    Secret::new("Db")
        .name("db password")
        .json_with_password(SecretTemplate::new().field("password", "x"), "password", Password::new().length(0))
        .rotation(f, RotationSchedule::Hours(2))
        .without_rotation("both")
        .add_to(stack);
    let e = errors(&app);
    for p in [
        "invalid secret name",
        "password length out of range",
        "the generated field's key is empty or also a template field",
        "rotation schedule out of range",
        "secret both rotated and declared without rotation",
    ] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}

#[test]
fn secret_warns_about_a_name_that_reads_like_an_arn_suffix() {
    let mut app = App::new();
    Secret::new("Db").name("db-abcdef").add_to(app.stack("s"));
    let out = app.synth().expect("a warning only");
    assert!(out.warnings.iter().any(|w| w.property.as_deref() == Some("Name")));
}

#[test]
fn secret_reports_a_password_with_every_character_type_excluded() {
    let mut app = App::new();
    Secret::new("Db")
        .password(Password::new().exclude_lowercase().exclude_uppercase().exclude_numbers().exclude_punctuation())
        .add_to(app.stack("s"));
    assert!(errors(&app).iter().any(|d| d.problem == "every character type is excluded"));
}
