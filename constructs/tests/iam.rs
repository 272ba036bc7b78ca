//! IAM: roles and their options, managed policies, pass-role grants and
//! validation.

use cfnkit_constructs::iam::{Grantable, ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role, RoleRef};
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
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

fn put_metrics() -> PolicyStatement {
    PolicyStatement::allow().actions(["cloudwatch:PutMetricData"]).resource("*").condition(
        "StringEquals",
        "cloudwatch:namespace",
        "Payments",
    )
}

#[test]
fn role_trusts_only_its_principal_and_holds_no_permission_by_default() {
    let mut app = App::new();
    worker(app.stack("s"));
    let p = &template(&app)["Resources"]["Worker"]["Properties"];
    assert_eq!(
        p["AssumeRolePolicyDocument"],
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    );
    for absent in ["Policies", "ManagedPolicyArns", "MaxSessionDuration", "Path"] {
        assert!(p.get(absent).is_none(), "{absent}");
    }
}

#[test]
fn role_writes_inline_policies_path_session_duration_and_boundary() {
    let mut app = App::new();
    Role::new("Worker", Principal::service("lambda.amazonaws.com"))
        .inline_policy("PutMetrics", PolicyDocument::new().with(put_metrics()))
        .path("/payments/")
        .max_session_duration(Duration::hours(2))
        .permissions_boundary("arn:aws:iam::111122223333:policy/boundary")
        .add_to(app.stack("s"));
    let p = &template(&app)["Resources"]["Worker"]["Properties"];
    assert_eq!(p["MaxSessionDuration"], 7200);
    assert_eq!(p["Path"], "/payments/");
    assert_eq!(p["PermissionsBoundary"], "arn:aws:iam::111122223333:policy/boundary");
    assert_eq!(p["Policies"][0]["PolicyName"], "PutMetrics");
    assert_eq!(p["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"], "cloudwatch:PutMetricData");
}

#[test]
fn role_attaches_aws_managed_policies_by_name() {
    let mut app = App::new();
    Role::new("Worker", Principal::service("lambda.amazonaws.com"))
        .managed_policy("service-role/AWSLambdaBasicExecutionRole")
        .add_to(app.stack("s"));
    assert_eq!(
        template(&app)["Resources"]["Worker"]["Properties"]["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}])
    );
}

#[test]
fn role_reports_a_session_duration_outside_one_to_twelve_hours() {
    for d in [Duration::minutes(30), Duration::hours(13)] {
        let mut app = App::new();
        Role::new("W", Principal::service("lambda.amazonaws.com")).max_session_duration(d).add_to(app.stack("s"));
        let e = errors(&app);
        assert!(e.iter().any(|x| x.property.as_deref() == Some("MaxSessionDuration")), "{d}: {e:?}");
    }
}

#[test]
fn role_reports_every_invalid_setting() {
    let mut app = App::new();
    Role::new("W", Principal::service("lambda.amazonaws.com"))
        .name("has spaces")
        .path("no-slashes")
        .inline_policy("P", PolicyDocument::new())
        .inline_policy("P", PolicyDocument::new().with(put_metrics().principal(Principal::account_root())))
        .add_to(app.stack("s"));
    let e = errors(&app);
    for p in [
        "invalid role name",
        "invalid path",
        "inline policy without statements",
        "inline policy name used twice",
        "identity policy statement with a principal",
    ] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}

#[test]
fn role_ref_is_a_grant_target_and_grants_pass_role_on_itself_only() {
    let mut app = App::new();
    let stack = app.stack("s");
    let passed = Role::new("Execution", Principal::service("states.amazonaws.com")).add_to(stack);
    let w = worker(stack);
    assert_eq!(w.grant_role(), w);
    passed.grant_pass_role(stack, &w);
    let s = &template(&app)["Resources"]["WorkerDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(s["Action"], "iam:PassRole");
    assert_eq!(s["Resource"], json!({"Fn::GetAtt": ["Execution", "Arn"]}));
}

#[test]
fn managed_policy_holds_its_statements_and_attaches_to_roles() {
    let mut app = App::new();
    let stack = app.stack("s");
    let w = worker(stack);
    let other = Role::new("Other", Principal::service("lambda.amazonaws.com")).add_to(stack);
    let mp = ManagedPolicy::new("Metrics")
        .name("put-metrics")
        .description("Publishes the payment metrics")
        .path("/payments/")
        .statement(put_metrics())
        .attach_to(w)
        .add_to(stack);
    mp.attach_to(stack, other);
    let t = template(&app);
    let p = &t["Resources"]["Metrics"]["Properties"];
    assert_eq!(t["Resources"]["Metrics"]["Type"], "AWS::IAM::ManagedPolicy");
    assert_eq!(p["ManagedPolicyName"], "put-metrics");
    assert_eq!(p["Path"], "/payments/");
    assert_eq!(p["Roles"], json!([{"Ref": "Worker"}, {"Ref": "Other"}]));
    assert_eq!(
        p["PolicyDocument"]["Statement"][0]["Condition"],
        json!({"StringEquals": {"cloudwatch:namespace": "Payments"}})
    );
}

/// Attaching a policy of another stack adds the role to its `Roles` in the
/// policy's stack (the role's name imported), where it used to do nothing.
#[test]
fn a_managed_policy_of_another_stack_attaches_to_a_role() {
    let mut app = App::new();
    let shared = app.stack("shared");
    let mp = ManagedPolicy::new("Metrics").statement(put_metrics()).add_to(shared);
    let compute = app.stack("compute");
    let w = worker(compute);
    mp.attach_to(compute, w);
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let shared = &out.stacks.iter().find(|s| s.name == "shared").unwrap().template;
    let roles = &shared["Resources"]["Metrics"]["Properties"]["Roles"];
    assert_eq!(roles.as_array().map(Vec::len), Some(1), "{roles}");
    assert!(roles[0].get("Fn::ImportValue").is_some(), "{roles}");
}

#[test]
fn managed_policy_reports_an_empty_document_and_bad_statements() {
    let mut app = App::new();
    let stack = app.stack("s");
    ManagedPolicy::new("Empty").add_to(stack);
    ManagedPolicy::new("Bad")
        .name("no spaces")
        .statement(PolicyStatement::allow().actions(["s3:GetObject"]))
        .statement(put_metrics().principal(Principal::account_root()))
        .add_to(stack);
    let e = errors(&app);
    for p in [
        "managed policy without statements",
        "invalid policy name",
        "statement without actions or resources",
        "identity policy statement with a principal",
    ] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}

#[test]
fn managed_policy_reports_a_document_over_the_iam_size_limit() {
    let mut app = App::new();
    let mut s = PolicyStatement::allow().actions(["s3:GetObject"]);
    for i in 0..200 {
        s = s.resource(format!("arn:aws:s3:::bucket-number-{i}/*"));
    }
    ManagedPolicy::new("Huge").statement(s).add_to(app.stack("s"));
    assert!(errors(&app).iter().any(|d| d.problem == "policy document too large"));
}

#[test]
fn grants_on_the_same_resource_and_conditions_merge_into_one_statement() {
    let mut app = App::new();
    let stack = app.stack("s");
    let role = worker(stack);
    let on =
        |actions: &[&str], resource: &str| PolicyStatement::allow().actions(actions.iter().copied()).resource(resource);
    role.add_to_policy(stack, on(&["kms:Decrypt"], "arn:aws:kms:us-east-1:111122223333:key/k"));
    role.add_to_policy(stack, on(&["kms:Encrypt", "kms:Decrypt"], "arn:aws:kms:us-east-1:111122223333:key/k"));
    role.add_to_policy(stack, on(&["s3:GetObject"], "arn:aws:s3:::b/*"));
    role.add_to_policy(
        stack,
        on(&["kms:Decrypt"], "arn:aws:kms:us-east-1:111122223333:key/k").condition(
            "StringEquals",
            "kms:ViaService",
            "x",
        ),
    );
    let t = template(&app);
    let policy = t["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::IAM::Policy").unwrap();
    let statements = policy["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3, "{statements:?}");
    assert_eq!(statements[0]["Action"], json!(["kms:Decrypt", "kms:Encrypt"]));
    assert_eq!(statements[1]["Action"], "s3:GetObject");
    assert_eq!(
        statements[2]["Condition"],
        json!({"StringEquals": {"kms:ViaService": "x"}}),
        "conditions keep statements apart"
    );
}
