//! The EC2 networking constructs: every default, every policy with its
//! exact actions and resources, and every validation error. One module per
//! construct family; the helpers below build a stack and synthesize it.

mod connections;
mod endpoints;
mod instance;
mod launch_template;
mod security_group;
mod vpc;

use cfnkit_constructs::ec2::{Vpc, VpcRef};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use serde_json::Value;

/// Builds one stack with `build` and returns its template.
fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

/// Like [`template`], with the hardened security profile.
fn hardened(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    let stack = app.stack("test");
    stack.set_security_profile(cfnkit_core::conventions::SecurityProfile::Hardened);
    build(stack);
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

/// Builds one stack with `build` and returns the errors synthesis reports.
fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

/// True when some error's problem contains `problem`.
fn has_error(errs: &[Diagnostic], problem: &str) -> bool {
    errs.iter().any(|d| d.problem.contains(problem))
}

/// True when some error of `kind` has a problem containing `problem`.
fn has_error_of(errs: &[Diagnostic], kind: DiagKind, problem: &str) -> bool {
    errs.iter().any(|d| d.kind == kind && d.problem.contains(problem))
}

/// The resources of type `ty`.
fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).collect()
}

/// A VPC with every default.
fn vpc_only(stack: &mut Stack) -> VpcRef {
    Vpc::new("Vpc").add_to(stack)
}
