//! RDS: every default of instances and clusters, connections, grants with
//! their exact actions and resources, metrics, and validation errors.

mod cluster;
mod instance;

use cfnkit_constructs::ec2::{Vpc, VpcRef};
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::{App, Stack};
use serde_json::Value;

/// Builds one stack with `build` and returns its template.
fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

/// Builds one stack with `build` and returns the errors synthesis reports.
fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

/// The error whose problem contains `problem`, if any.
fn error<'a>(errs: &'a [Diagnostic], problem: &str) -> Option<&'a Diagnostic> {
    errs.iter().find(|d| d.problem.contains(problem))
}

/// The resources of type `ty`.
fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).collect()
}

/// A VPC with every default.
fn vpc(stack: &mut Stack) -> VpcRef {
    Vpc::new("Vpc").add_to(stack)
}
