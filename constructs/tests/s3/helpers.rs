//! Shared helpers: synthesizing one stack, reading its template and
//! errors, and the keys, roles, functions, queues and buckets the tests use.

use cfnkit_constructs::kms::{Key, KeyRef};
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::tree::{App, Stack};
use serde_json::Value;

/// Builds one stack with conventions, returning the synthesis result.
pub(crate) fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("s3 tests"));
    f(stack);
    app.synth()
}

pub(crate) fn template(f: impl FnOnce(&mut Stack)) -> Value {
    build(f).expect("synthesizes").stacks[0].template.clone()
}

pub(crate) fn errors(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect_err("synthesis fails").diagnostics
}

/// True when one error names `property` and its problem contains `problem`.
pub(crate) fn has_error(errs: &[Diagnostic], property: &str, problem: &str) -> bool {
    errs.iter().any(|d| d.property.as_deref() == Some(property) && d.problem.contains(problem))
}

pub(crate) fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    &t["Resources"][id]["Properties"]
}

pub(crate) fn statements(t: &Value, id: &str, property: &str) -> Vec<Value> {
    props(t, id)[property]["Statement"].as_array().expect("statements").clone()
}

pub(crate) fn bucket_policy(t: &Value) -> Vec<Value> {
    statements(t, "DataPolicy", "PolicyDocument")
}

pub(crate) fn key(stack: &mut Stack) -> KeyRef {
    Key::new("DataKey").add_to(stack)
}

/// A named bucket, ready for notifications.
pub(crate) fn named(stack: &mut Stack) -> Bucket {
    let sfx = stack.suffix();
    Bucket::new("Data").name(sfx.name("data"))
}
