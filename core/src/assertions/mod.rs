//! Assertions for users' tests, in the style of AWS CDK's `assertions`:
//! load a template, then state what it must hold.
//!
//! ```
//! use cfnkit_core::assertions::{Match, Template};
//! use serde_json::json;
//! let t = Template::from_json(json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue",
//!     "Properties": {"VisibilityTimeout": 300, "Tags": [{"Key": "a", "Value": "b"}]}}}}));
//! t.resource_count_is("AWS::SQS::Queue", 1);
//! t.has_resource_properties("AWS::SQS::Queue", json!({"VisibilityTimeout": 300}));
//! t.has_resource_properties("AWS::SQS::Queue", Match::obj([("Tags", Match::array_with(vec![json!({"Key": "a"}).into()]))]));
//! ```
//!
//! Failures panic (they are test failures) with the closest candidate and
//! every place it differs.

// Panicking is this module's job: a failed assertion is a failed test.
#![allow(clippy::missing_panics_doc)]

mod matcher;

pub use matcher::Match;

use serde_json::{Map, Value};

use crate::tree::App;

/// A synthesized template under test.
#[derive(Clone, Debug)]
pub struct Template {
    json: Value,
}

/// Converts JSON (with [`Match`] values embedded through `Into`) into a matcher.
pub trait IntoMatch {
    /// The matcher.
    fn into_match(self) -> Match;
}

impl IntoMatch for Match {
    fn into_match(self) -> Match {
        self
    }
}

impl IntoMatch for Value {
    fn into_match(self) -> Match {
        Match::object_like(self)
    }
}

impl Template {
    /// Synthesizes `app` and takes stack `name`; panics when synthesis fails
    /// or there is no such stack.
    pub fn from_stack(app: &App, name: &str) -> Template {
        let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
        let s = out.stack(name).unwrap_or_else(|| panic!("no stack named {name:?}"));
        Template { json: s.template.clone() }
    }

    /// A template from JSON (any generator's output).
    pub fn from_json(json: Value) -> Template {
        Template { json }
    }

    /// A template from a JSON string; panics when it does not parse.
    pub fn from_str_json(text: &str) -> Template {
        Template::from_json(serde_json::from_str(text).unwrap_or_else(|e| panic!("template is not JSON: {e}")))
    }

    /// A template from YAML or JSON text, short-form tags (`!Ref`, `!GetAtt a.b`)
    /// read as their long forms; panics when it does not parse.
    ///
    /// ```
    /// use cfnkit_core::assertions::Template;
    /// let t = Template::from_yaml("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-q'\n");
    /// t.has_resource_properties("AWS::SQS::Queue", serde_json::json!({"QueueName": {"Fn::Sub": "${AWS::StackName}-q"}}));
    /// ```
    pub fn from_yaml(text: &str) -> Template {
        let parsed = crate::source::parse(text).unwrap_or_else(|e| panic!("template is not YAML or JSON: {e}"));
        Template::from_json(parsed.value)
    }

    /// The whole template.
    pub fn to_json(&self) -> &Value {
        &self.json
    }

    fn section(&self, name: &str) -> Map<String, Value> {
        self.json.get(name).and_then(Value::as_object).cloned().unwrap_or_default()
    }

    fn of_type(&self, ty: &str) -> Vec<(String, Value)> {
        self.section("Resources")
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(ty))
            .collect()
    }

    /// Resources of `ty` whose whole definition matches `pattern`, by logical id.
    pub fn find_resources(&self, ty: &str, pattern: impl IntoMatch) -> Map<String, Value> {
        let m = pattern.into_match();
        self.of_type(ty).into_iter().filter(|(_, r)| m.test(Some(r)).is_empty()).collect()
    }

    /// Asserts there are exactly `n` resources of `ty`.
    pub fn resource_count_is(&self, ty: &str, n: usize) {
        let found = self.of_type(ty).len();
        assert!(found == n, "Expected {n} resources of type {ty}, found {found}");
    }

    /// Asserts some resource of `ty` has properties matching `pattern` (object-like).
    pub fn has_resource_properties(&self, ty: &str, pattern: impl IntoMatch) {
        let m = Match::ObjectLike(vec![("Properties".into(), pattern.into_match())]);
        self.assert_some(ty, &m);
    }

    /// Asserts some resource of `ty` matches `pattern` as a whole
    /// (`DeletionPolicy`, `DependsOn`, `Metadata`...).
    pub fn has_resource(&self, ty: &str, pattern: impl IntoMatch) {
        self.assert_some(ty, &pattern.into_match());
    }

    /// Asserts every resource of `ty` has properties matching `pattern`.
    pub fn all_resources_properties(&self, ty: &str, pattern: impl IntoMatch) {
        let m = Match::ObjectLike(vec![("Properties".into(), pattern.into_match())]);
        let all = self.of_type(ty);
        assert!(!all.is_empty(), "Template has no resources with type {ty}");
        for (id, r) in &all {
            let diffs = m.test(Some(r));
            assert!(diffs.is_empty(), "Resource {id} of type {ty} does not match:\n{}", render(&diffs));
        }
    }

    fn assert_some(&self, ty: &str, m: &Match) {
        let all = self.of_type(ty);
        assert!(!all.is_empty(), "Template has no resources with type {ty}");
        let mut best: Option<(String, Vec<(String, String)>)> = None;
        for (id, r) in &all {
            let d = m.test(Some(r));
            if d.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|(_, b)| d.len() < b.len()) {
                best = Some((id.clone(), d));
            }
        }
        let (id, diffs) = best.unwrap_or_default();
        panic!(
            "Template has {} resources with type {ty}, but none match as expected.\nThe closest match is {id}:\n{}",
            all.len(),
            render(&diffs)
        );
    }

    /// Asserts output `id` exists and matches `pattern`.
    pub fn has_output(&self, id: &str, pattern: impl IntoMatch) {
        self.has_in_section("Outputs", "output", id, pattern);
    }

    /// Asserts parameter `id` exists and matches `pattern`.
    pub fn has_parameter(&self, id: &str, pattern: impl IntoMatch) {
        self.has_in_section("Parameters", "parameter", id, pattern);
    }

    fn has_in_section(&self, section: &str, what: &str, id: &str, pattern: impl IntoMatch) {
        let s = self.section(section);
        let Some(v) = s.get(id) else {
            let names: Vec<&String> = s.keys().collect();
            panic!("Template has no {what} {id:?}; it has {names:?}");
        };
        let diffs = pattern.into_match().test(Some(v));
        assert!(diffs.is_empty(), "{what} {id} does not match:\n{}", render(&diffs));
    }
}

fn render(diffs: &[(String, String)]) -> String {
    diffs.iter().map(|(p, m)| format!("  at {p}: {m}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests;
