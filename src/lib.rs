#![doc = include_str!("guide.md")]

pub use cfnkit_constructs as constructs;
pub use cfnkit_core as core;
/// Assertions for tests of synthesized templates (`Template`, `Match`).
pub use cfnkit_core::assertions;
pub use cfnkit_l1 as l1;
/// The reviewer's checks on any template (`cfnkit lint`): rules, findings, output formats.
pub use cfnkit_lint as lint;
/// JSON values (`json!`) for assertions and raw properties, without a dependency of your own.
pub use serde_json;

pub mod cli;
pub mod import;
#[cfg(feature = "catalogue")]
pub mod reference;

/// The entry point of a cfnkit program: builds the app with `build` and
/// runs the command line (`ls`, `synth`, `diff`, `init`; see [`cli`]) over
/// it, with the context, account and region the AWS CDK CLI passes when it
/// runs the program from `cdk.json`. Returns the exit code for `main`.
///
/// ```no_run
/// use cfnkit::prelude::*;
///
/// fn main() -> std::process::ExitCode {
///     cfnkit::run(|app| {
///         let stage: String = app.context_or("stage", "dev".to_string());
///         let stack = app.stack(&format!("hello-{stage}"));
///         stack.description("My first stack");
///     })
/// }
/// ```
pub fn run(build: impl FnOnce(&mut cfnkit_core::tree::App)) -> std::process::ExitCode {
    let code = cli::run_process(build);
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// Everything a typical program needs: the core prelude and every construct.
pub mod prelude {
    pub use cfnkit_constructs::prelude::*;
    pub use cfnkit_core::prelude::*;
}

/// The README's example, compiled and run as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
