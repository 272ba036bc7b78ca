//! Shared helpers: the template under test, its resources and policy
//! statements, intrinsic-function builders, and the handler's runner.

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference::order_queue;
use serde_json::{json, Map, Value};

pub(crate) const NAME: &str = order_queue::NAME;

pub(crate) const REGION: &str = "us-east-1";

pub(crate) const PURPOSE: &str = "retail-order-processing";

/// The order-queue stack, built alone in an app of its own.
pub(crate) fn template() -> Template {
    let mut app = App::new();
    order_queue::order_queue(&mut app);
    Template::from_stack(&app, NAME)
}

pub(crate) fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().expect("the template has resources").clone()
}

pub(crate) fn resource<'a>(t: &'a Template, id: &str) -> &'a Value {
    let r = &t.to_json()["Resources"][id];
    assert!(r.is_object(), "no resource {id}");
    r
}

pub(crate) fn sub(s: &str) -> Value {
    json!({"Fn::Sub": s})
}

pub(crate) fn suffixed(name: &str) -> Value {
    sub(&format!("{name}-${{EnvironmentSuffix}}"))
}

pub(crate) fn get_att(id: &str, attr: &str) -> Value {
    json!({"Fn::GetAtt": [id, attr]})
}

/// `m` nested under `keys` (outermost first), each level a partial object.
pub(crate) fn at(keys: &[&str], m: impl Into<Match>) -> Match {
    keys.iter().rev().fold(m.into(), |inner, k| Match::obj([(*k, inner)]))
}

pub(crate) fn r#ref(id: &str) -> Value {
    json!({"Ref": id})
}

pub(crate) fn tags() -> Value {
    json!([
        {"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}},
        {"Key": "Purpose", "Value": PURPOSE}
    ])
}

/// The statements of the function's one identity policy.
pub(crate) fn identity_statements(t: &Template) -> Vec<Value> {
    let policies = t.find_resources("AWS::IAM::Policy", Match::any_value());
    assert_eq!(policies.len(), 1, "exactly one identity policy");
    let policy = policies.values().next().unwrap();
    policy["Properties"]["PolicyDocument"]["Statement"].as_array().expect("statements").clone()
}

pub(crate) fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

pub(crate) fn function_timeout_seconds(t: &Template) -> u64 {
    resource(t, "OrderProcessor")["Properties"]["Timeout"].as_u64().expect("the function has a timeout")
}
