//! Shared helpers: the app and template under test, its resources and
//! policy statements, and the values the assertions compare against.

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference::order_monitoring::{order_monitoring, NAME};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// Helpers

/// An app holding only the order-monitoring stack.
pub(crate) fn app() -> App {
    let mut app = App::new();
    order_monitoring(&mut app);
    app
}

/// The order-monitoring template under test.
pub(crate) fn template() -> Template {
    Template::from_stack(&app(), NAME)
}

/// The template's resources by logical id.
pub(crate) fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("the template has resources").clone()
}

/// A `Value` that may be one item or a list, as a list (IAM `Action`, `Resource`).
pub(crate) fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Every policy statement in the template (IAM policies, bucket and topic
/// policies, key policies, trust policies), with the logical id holding it.
pub(crate) fn every_statement(t: &Template) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let p = &r["Properties"];
        for doc in [&p["PolicyDocument"], &p["KeyPolicy"], &p["AssumeRolePolicyDocument"]] {
            for s in as_list(&doc["Statement"]) {
                out.push((id.clone(), s));
            }
        }
    }
    out
}

/// The statements of the function's identity policy.
pub(crate) fn role_statements(t: &Template) -> Vec<Value> {
    as_list(&resources(t)["AuditFunctionServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"])
}

/// `{"Fn::Sub": "<text>"}`, exactly.
pub(crate) fn sub(text: &str) -> Match {
    Match::exact(json!({"Fn::Sub": text}))
}

/// A policy document whose statements include `statement` exactly.
pub(crate) fn statements_with(statement: Value) -> Match {
    Match::obj([("Statement", Match::array_with(vec![Match::exact(statement)]))])
}

/// Resource properties whose `PolicyDocument` includes `statement` exactly.
pub(crate) fn document_with(statement: Value) -> Match {
    Match::obj([("PolicyDocument", statements_with(statement))])
}

/// The TLS-only statement a bucket policy must hold for `bucket`.
pub(crate) fn deny_insecure_transport_on(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// The function's inline code.
pub(crate) fn handler_code(t: &Template) -> String {
    resources(t)["AuditFunction"]["Properties"]["Code"]["ZipFile"].as_str().expect("inline code").to_owned()
}
