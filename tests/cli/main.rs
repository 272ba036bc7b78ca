//! The command line every cfnkit program gets from `cfnkit::run`: through
//! the `cfnkit` binary (the reference stacks), in-process through
//! `cli::main_with`, and driven by the AWS CDK CLI through `cdk.json`.

#[path = "../support/validators.rs"]
mod validators;

mod assembly;
mod assets;
mod basics;
mod cdk;
mod diff;
mod errors;
mod import;
mod init;
mod walkthrough;

use std::path::PathBuf;

use cfnkit::cli::{main_with, Env};
use cfnkit::core::tree::App;

/// The result of one in-process run: exit code, stdout, stderr.
pub(crate) struct Ran {
    pub(crate) code: i32,
    pub(crate) out: String,
    pub(crate) err: String,
}

/// Runs the CLI in-process over `args` (without the program name).
pub(crate) fn run(args: &[&str], env: &Env, build: impl FnOnce(&mut App)) -> Ran {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let all: Vec<&str> = std::iter::once("prog").chain(args.iter().copied()).collect();
    let code = main_with(all, env, build, &mut out, &mut err);
    Ran { code, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

/// A fresh, empty folder for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cfnkit-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Two stacks: `b` imports a queue ARN from `a`; `c` stands alone.
pub(crate) fn linked(app: &mut App) {
    use cfnkit::prelude::*;
    let a = app.stack("a");
    let q = Queue::new("Jobs").add_to(a);
    let b = app.stack("b");
    b.output("JobsArn", q.arn());
    app.stack("c").description("alone");
}
