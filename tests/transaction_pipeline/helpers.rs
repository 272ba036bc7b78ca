//! Shared helpers: the template under test, its resources and policies,
//! and the ARNs and tags the assertions compare against.

use cfnkit::assertions::{Match, Template};
use cfnkit::reference::{self, transaction_pipeline};
use serde_json::{json, Map, Value};

pub(crate) const NAME: &str = transaction_pipeline::NAME;

pub(crate) const REGION: &str = "us-east-1";

/// The stack's template as `cfnkit::reference::app()` synthesizes it.
pub(crate) fn template() -> Template {
    Template::from_stack(&reference::app(), NAME)
}

/// The stack's template as written to disk.
pub(crate) fn template_json() -> String {
    let out = reference::app().synth().expect("the reference app synthesizes");
    out.stack(NAME).expect("the transaction-pipeline stack").json.clone()
}

pub(crate) fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().cloned().expect("the template has Resources")
}

pub(crate) fn resource(t: &Template, id: &str) -> Value {
    let all = resources(t);
    all.get(id).cloned().unwrap_or_else(|| panic!("no resource {id}; the template has {:?}", all.keys()))
}

/// Asserts that the resource `id` exists, has type `ty` and matches
/// `pattern` as a whole (Properties, DependsOn, policies, Metadata).
pub(crate) fn assert_resource(t: &Template, id: &str, ty: &str, pattern: impl Into<Match>) {
    let r = resource(t, id);
    assert_eq!(r["Type"], ty, "{id} is a {ty}");
    let diffs = pattern.into().test(Some(&r));
    assert!(diffs.is_empty(), "{id} does not match:\n{diffs:#?}\nresource: {r:#}");
}

/// `{"Properties": pattern}`.
pub(crate) fn props(pattern: impl Into<Match>) -> Match {
    Match::obj([("Properties", pattern.into())])
}

pub(crate) fn get_att(id: &str, attr: &str) -> Value {
    json!({"Fn::GetAtt": [id, attr]})
}

pub(crate) fn data_key_arn() -> Value {
    get_att("DataKey", "Arn")
}

/// The trail's ARN as the policies name it before the trail exists.
pub(crate) fn trail_arn() -> Value {
    json!({"Fn::Sub": concat!(
        "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}",
        ":trail/transaction-audit-${EnvironmentSuffix}"
    )})
}

/// The transaction bucket's name and ARN, spelled out (as the permission and
/// the role must, to keep the bucket -> function -> role graph acyclic).
pub(crate) const BUCKET_NAME: &str = "txn-data-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}";

pub(crate) fn bucket_arn_by_name(suffix: &str) -> Value {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}{suffix}")})
}

/// The deny-plain-HTTP statement every bucket policy starts with.
pub(crate) fn deny_insecure_transport(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// Every statement of every policy (IAM policies, bucket policies, key
/// policies, trust policies) as `(logical id, resource type, statement)`.
pub(crate) fn all_statements(t: &Template) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let ty = r["Type"].as_str().unwrap().to_owned();
        for key in ["PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"] {
            if let Some(statements) = r["Properties"].get(key).and_then(|d| d["Statement"].as_array()) {
                out.extend(statements.iter().map(|s| (id.clone(), ty.clone(), s.clone())));
            }
        }
    }
    out
}

/// A statement's actions, whether written as a string or a list.
pub(crate) fn actions(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(list) => list.iter().map(|a| a.as_str().expect("actions are strings").to_owned()).collect(),
        other => panic!("statement without an Action: {other} in {statement}"),
    }
}
