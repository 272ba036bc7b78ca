//! Shared helpers: synthesizing one stack, reading its template and
//! diagnostics, and the functions and queues the tests build on.

use cfnkit_constructs::lambda::{Code, Function, Runtime};
use cfnkit_constructs::sqs::{Queue, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value as Json};

pub(crate) const NODE: &str = "exports.handler = async (event) => ({ batchItemFailures: [] });";

pub(crate) fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("lambda tests"));
    f(stack);
    app.synth()
}

pub(crate) fn template(f: impl FnOnce(&mut Stack)) -> Json {
    build(f).expect("synthesizes").stacks[0].template.clone()
}

pub(crate) fn warnings(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect("synthesizes").warnings
}

pub(crate) fn errors(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect_err("synthesis fails").diagnostics
}

pub(crate) fn has(ds: &[Diagnostic], property: &str, problem: &str) -> bool {
    ds.iter().any(|d| d.property.as_deref() == Some(property) && d.problem.contains(problem))
}

pub(crate) fn res<'a>(t: &'a Json, id: &str) -> &'a Json {
    &t["Resources"][id]
}

pub(crate) fn statements(t: &Json) -> Vec<Json> {
    res(t, "FServiceRoleDefaultPolicy")["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements")
        .clone()
}

pub(crate) fn statement_on(t: &Json, resource: &Json) -> Json {
    statements(t)
        .into_iter()
        .find(|s| &s["Resource"] == resource)
        .unwrap_or_else(|| panic!("no statement on {resource}"))
}

pub(crate) fn queue_arn(id: &str) -> Json {
    json!({"Fn::GetAtt": [id, "Arn"]})
}

pub(crate) fn checkov_skips(t: &Json, id: &str) -> Vec<(String, String)> {
    res(t, id)["Metadata"]["checkov"]["skip"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|s| (s["id"].as_str().unwrap_or("").to_string(), s["comment"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn node(id: &str) -> Function {
    Function::new(id, Runtime::Nodejs22x, Code::inline(NODE))
}

pub(crate) fn queue(s: &mut Stack, id: &str) -> QueueRef {
    Queue::new(id).as_dead_letter_queue().add_to(s)
}
