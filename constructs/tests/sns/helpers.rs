//! Shared helpers: synthesizing one stack, reading its template and
//! diagnostics, and the topics, functions, keys, queues and roles the tests use.

use cfnkit_constructs::kms::{Key, KeyRef};
use cfnkit_constructs::lambda::{AsyncConfig, Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::sns::{Topic, TopicRef};
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

/// Builds one stack with conventions, returning the synthesis result.
pub(crate) fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("sns tests"));
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

pub(crate) fn topic(stack: &mut Stack) -> TopicRef {
    Topic::new("Topic").add_to(stack)
}

pub(crate) fn function(stack: &mut Stack) -> FunctionRef {
    let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
    Function::new("Handler", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
        .async_config(AsyncConfig::new().on_failure(failures))
        .add_to(stack)
}

pub(crate) fn key(stack: &mut Stack) -> KeyRef {
    Key::new("QueueKey").add_to(stack)
}

pub(crate) fn queue(stack: &mut Stack, id: &str, key: KeyRef) -> QueueRef {
    Queue::new(id).encryption(QueueEncryption::from(key)).without_dead_letter_queue("unit test").add_to(stack)
}

pub(crate) fn sns_send(queue: &str, topic: Value) -> Value {
    json!({
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": [queue, "Arn"]},
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}
    })
}
