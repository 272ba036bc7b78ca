//! IAM policy documents inside resources: where they are, and their
//! statements in a normal form.

use serde_json::Value;

use crate::template::{one_or_many, Res};

/// Whose policy a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Attached to a role, user or group (identity-based).
    Identity,
    /// On a resource (bucket, queue, topic, key, secret...): names principals.
    Resource,
    /// A role's trust policy.
    Trust,
}

/// The policy documents a resource holds, with their property paths.
pub fn documents<'a>(r: &Res<'a>) -> Vec<(Kind, &'a Value, String)> {
    let mut out = Vec::new();
    let mut push = |kind, path: String| {
        if let Some(d) = r.prop(&path) {
            out.push((kind, d, path));
        }
    };
    match r.kind {
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => push(Kind::Identity, "PolicyDocument".into()),
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            if r.kind == "AWS::IAM::Role" {
                push(Kind::Trust, "AssumeRolePolicyDocument".into());
            }
            if let Some(Value::Array(list)) = r.props.get("Policies") {
                for i in 0..list.len() {
                    push(Kind::Identity, format!("Policies/{i}/PolicyDocument"));
                }
            }
        }
        "AWS::S3::BucketPolicy"
        | "AWS::SQS::QueuePolicy"
        | "AWS::SNS::TopicPolicy"
        | "AWS::SecretsManager::ResourcePolicy"
        | "AWS::OpenSearchService::Domain"
        | "AWS::Logs::ResourcePolicy" => {
            push(Kind::Resource, "PolicyDocument".into());
            push(Kind::Resource, "ResourcePolicy".into());
            push(Kind::Resource, "AccessPolicies".into());
        }
        "AWS::KMS::Key" => push(Kind::Resource, "KeyPolicy".into()),
        "AWS::ECR::Repository" => push(Kind::Resource, "RepositoryPolicyText".into()),
        "AWS::SNS::TopicInlinePolicy" | "AWS::SQS::QueueInlinePolicy" => push(Kind::Resource, "PolicyDocument".into()),
        _ => {}
    }
    out
}

/// A statement of a document, with its index.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'a> {
    /// Position in `Statement`, or `None` when `Statement` is one object.
    pub index: Option<usize>,
    /// The statement object.
    pub raw: &'a Value,
}

impl<'a> Statement<'a> {
    /// Path of this statement below the document.
    pub fn path(&self, doc_path: &str) -> String {
        match self.index {
            Some(i) => format!("{doc_path}/Statement/{i}"),
            None => format!("{doc_path}/Statement"),
        }
    }

    /// True for `Allow` (also when `Effect` is not a literal).
    pub fn allows(&self) -> bool {
        self.raw.get("Effect").and_then(Value::as_str) != Some("Deny")
    }

    /// True for a literal `Deny`.
    pub fn denies(&self) -> bool {
        self.raw.get("Effect").and_then(Value::as_str) == Some("Deny")
    }

    /// The literal actions of `Action`.
    pub fn actions(&self) -> Vec<&'a str> {
        self.raw
            .get("Action")
            .map(|a| one_or_many(a).into_iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// True when the statement has a `Condition`.
    pub fn has_condition(&self) -> bool {
        self.raw.get("Condition").is_some_and(|c| c.as_object().is_none_or(|m| !m.is_empty()))
    }

    /// True when the principal is everyone (`"*"` or `{"AWS": "*"}`).
    pub fn principal_is_everyone(&self) -> bool {
        match self.raw.get("Principal") {
            Some(Value::String(s)) => s == "*",
            Some(Value::Object(m)) => {
                m.get("AWS").is_some_and(|a| one_or_many(a).into_iter().any(|x| x.as_str() == Some("*")))
            }
            _ => false,
        }
    }
}

/// The statements of a policy document.
pub fn statements(doc: &Value) -> Vec<Statement<'_>> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().enumerate().map(|(i, raw)| Statement { index: Some(i), raw }).collect(),
        Some(raw @ Value::Object(_)) => vec![Statement { index: None, raw }],
        _ => Vec::new(),
    }
}
