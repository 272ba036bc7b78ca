//! Shared helpers: the template under test, intrinsic-function builders,
//! and walks over the template's resources, statements and strings.

use cfnkit::assertions::Template;
use cfnkit::reference;
use cfnkit::reference::payments_dr::NAME;
use serde_json::{json, Value};

/// The custom-metric namespace, as the template writes it.
pub(crate) const NAMESPACE: &str = "PaymentsDR/${EnvironmentSuffix}";

/// The three functions, by logical id.
pub(crate) const FUNCTIONS: [&str; 3] = ["PaymentValidator", "PaymentProcessor", "FailoverOrchestrator"];

/// The payments-dr template as the reference app ships it.
pub(crate) fn template() -> Template {
    Template::from_stack(&reference::app(), NAME)
}

/// The payments-dr template text as written to disk.
pub(crate) fn template_text() -> String {
    reference::app().synth().expect("the reference app synthesizes").stack(NAME).expect("payments-dr").json.clone()
}

pub(crate) fn sub(s: &str) -> Value {
    json!({ "Fn::Sub": s })
}

/// `{"Fn::Sub": "<name>-${EnvironmentSuffix}"}`.
pub(crate) fn suffixed(name: &str) -> Value {
    sub(&format!("{name}-${{EnvironmentSuffix}}"))
}

pub(crate) fn reference_to(id: &str) -> Value {
    json!({ "Ref": id })
}

pub(crate) fn arn_of(id: &str) -> Value {
    json!({ "Fn::GetAtt": [id, "Arn"] })
}

pub(crate) fn resources(t: &Template) -> &serde_json::Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("a Resources section")
}

/// Every statement of every policy document in the template, with the
/// logical id and type of the resource holding it.
pub(crate) fn all_statements(t: &Template) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let ty = r["Type"].as_str().unwrap_or_default().to_string();
        let p = &r["Properties"];
        for doc in [&p["PolicyDocument"], &p["KeyPolicy"], &p["AssumeRolePolicyDocument"]] {
            for s in doc["Statement"].as_array().into_iter().flatten() {
                out.push((id.clone(), ty.clone(), s.clone()));
            }
        }
    }
    out
}

pub(crate) fn actions_of(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

pub(crate) fn deny_insecure_transport(action: &str, resource: Value) -> Value {
    json!({
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

pub(crate) fn put_metrics_statement() -> Value {
    json!({
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": sub(NAMESPACE)}}
    })
}
