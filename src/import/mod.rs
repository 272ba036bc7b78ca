#![doc = include_str!("guide.md")]
//!
//! ## How the importer works
//!
//! `cfnkit import`: a CloudFormation template (JSON or YAML) becomes a Rust
//! program against cfnkit's public API that synthesizes the same template.
//!
//! Pipeline (each stage a module):
//!
//! | stage | takes | gives |
//! | --- | --- | --- |
//! | read (`cfnkit_core::source`) | template text | long-form JSON and the position of every node |
//! | `program` | the JSON | the statements of `build(app)`: parameters, mappings, conditions, resources in dependency order, outputs |
//! | `resource` | one resource | `stack.add(..)` of its typed L1 struct, then condition, `DependsOn`, policies and metadata on its handle |
//! | `values` | a property value and its L1 type | a Rust expression: typed literals, `fns::*` intrinsics over typed handles |
//! | `api` | `l1/api-index.tsv` (generated with L1) | struct names, constructor arguments and field types |
//!
//! Every reference is a handle: `Ref` of a resource is `bucket.reference()`,
//! `Fn::GetAtt` is `bucket.get_att("Arn")`, a `${Bucket}` inside `Fn::Sub`
//! is a variable bound to the handle, a parameter is `env.value()`.
//!
//! What a program cannot express is an error naming its place in the
//! template (JSON pointer, line and column), and no program is produced:
//! a `Transform`, `Fn::Transform` and `Fn::ForEach` (macros expand at
//! deploy time), a resource type cfnkit's L1 lacks, a reference to nothing,
//! a malformed intrinsic. Every such problem is reported at once.
//!
//! What it must never know: the CLI, the file system (callers read and write).

mod api;
mod program;
mod resource;
mod values;

use std::fmt;
use std::fmt::Write as _;

use cfnkit_core::source::{self, Position};

/// One thing the importer cannot express, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer into the template (`/Resources/Fn/Properties/Code`).
    pub pointer: String,
    /// What is wrong, and what would work.
    pub message: String,
}

/// Why a template could not be imported: every problem, with positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// Problems with the line and column of their nearest node, in template order.
    pub problems: Vec<(Option<Position>, Problem)>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (at, p)) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match at {
                Some(at) => write!(f, "{}:{}: {}: {}", at.line, at.column, p.pointer, p.message)?,
                None => write!(f, "{}: {}", p.pointer, p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// A template turned into Rust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// A whole program (`fn build(app)` and a `main` running the cfnkit CLI).
    pub program: String,
    /// The same without `main` and crate attributes, to embed as a module.
    pub module: String,
    /// The cargo features of `cfnkit` it needs (one per L1 service module).
    pub features: Vec<String>,
}

/// Imports template `text` (JSON or YAML) as a stack named `stack_name`.
///
/// ```
/// let yaml = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !GetAtt Queue.Arn\n";
/// let out = cfnkit::import::import(yaml, "demo").unwrap();
/// assert!(out.program.contains("display_name(queue.attr_arn())"), "{}", out.program);
/// assert_eq!(out.features, ["sns", "sqs"]);
///
/// let err = cfnkit::import::import("Transform: AWS::Serverless-2016-10-31\nResources: {}\n", "demo").unwrap_err();
/// assert!(err.to_string().starts_with("1:1: /Transform: Transform: macros"), "{err}");
/// ```
pub fn import(text: &str, stack_name: &str) -> Result<Imported, ImportError> {
    let parsed = source::parse(text).map_err(|e| ImportError {
        problems: vec![(Some(e.at), Problem { pointer: String::new(), message: e.message })],
    })?;
    let mut problems = Vec::new();
    let body = program::body(&parsed.value, stack_name, api::Api::get(), &mut problems);
    if !problems.is_empty() {
        let mut located: Vec<(Option<Position>, Problem)> =
            problems.into_iter().map(|p| (parsed.positions.nearest(&p.pointer), p)).collect();
        located.sort_by_key(|a| a.0);
        located.dedup();
        return Err(ImportError { problems: located });
    }
    let features: Vec<String> = body.modules.iter().cloned().collect();
    let uses = uses(&body.code, &features, &body.traits);
    let build = format!("/// Adds the imported stack to `app`.\npub fn build(app: &mut App) {{\n{}}}\n", body.code);
    let module = rustfmt(&format!("{uses}\n{build}"));
    let feature_note = if features.is_empty() {
        String::new()
    } else {
        format!("//!\n//! Needs the `cfnkit` cargo features: {}.\n", features.join(", "))
    };
    let program = format!(
        "//! Stack `{stack_name}`, imported by `cfnkit import`. Run `cargo run -- synth {stack_name}`.\n{feature_note}\
         #![allow(clippy::too_many_lines)]\n\n{module}\n\
         fn main() -> std::process::ExitCode {{\n    cfnkit::run(build)\n}}\n"
    );
    Ok(Imported { program, module, features })
}

/// The `use` lines the body needs, and no others.
fn uses(code: &str, modules: &[String], traits: &std::collections::BTreeSet<String>) -> String {
    let mut out = String::new();
    let has = |s: &str| code.contains(s);
    if has("fns::") {
        out.push_str("use cfnkit::core::fns;\n");
    }
    let resource: Vec<&str> = ["CfnResource", "RemovalPolicy"].into_iter().filter(|n| has(&format!("{n}::"))).collect();
    if !resource.is_empty() {
        let _ = writeln!(out, "use cfnkit::core::resource::{{{}}};", resource.join(", "));
    }
    let template: Vec<&str> =
        ["ParamType", "Parameter"].into_iter().filter(|n| has(&format!("{n}::")) || has(&format!("{n} {{"))).collect();
    if !template.is_empty() {
        let _ = writeln!(out, "use cfnkit::core::template::{{{}}};", template.join(", "));
    }
    let token: Vec<&str> =
        ["Expr", "Intrinsic", "Pseudo", "Token", "Value"].into_iter().filter(|n| has(&format!("{n}::"))).collect();
    if !token.is_empty() {
        let _ = writeln!(out, "use cfnkit::core::token::{{{}}};", token.join(", "));
    }
    out.push_str("use cfnkit::core::tree::App;\n");
    if !modules.is_empty() {
        let list = if modules.len() == 1 { modules[0].clone() } else { format!("{{{}}}", modules.join(", ")) };
        let _ = writeln!(out, "use cfnkit::l1::{list};");
    }
    for t in traits {
        let _ = writeln!(out, "use cfnkit::l1::{t} as _;");
    }
    out
}

/// Formats with `rustfmt` when it is installed (it comes with every Rust
/// toolchain); the text is valid Rust either way.
fn rustfmt(src: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return src.to_string();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(src.as_bytes());
    }
    match child.wait_with_output() {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => {
            String::from_utf8(o.stdout).unwrap_or_else(|_| src.to_string())
        }
        _ => src.to_string(),
    }
}

#[cfg(test)]
mod tests;
