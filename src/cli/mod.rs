//! The `cfnkit` command line, which every cfnkit program gets through
//! [`crate::run`]: `ls`, `synth`, `diff`, `init`, `import` and `lint`, with the AWS CDK CLI's
//! habits (`-o`, `-c`, `-p`, `-q`, stack globs) and its environment
//! (`CDK_OUTDIR`, `CDK_CONTEXT_JSON`, `CDK_DEFAULT_ACCOUNT`,
//! `CDK_DEFAULT_REGION`), so a `cdk.json` of
//! `{"app": "cargo run --release --quiet"}` lets `cdk synth`, `cdk diff` and
//! `cdk deploy` drive the program.
//!
//! Every command writes through `impl Write`, so tests run it in-process
//! with [`main_with`]. Exit codes: 0 success, 1 validation findings (or a
//! difference, for `diff --fail`), 2 usage or I/O errors.

pub mod diff;
mod import;
pub mod init;
pub mod lint;
mod select;
mod synth;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use cfnkit_core::tree::App;
use clap::{Args, Parser, Subcommand};

pub use select::matches;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: validation findings, or differences for `diff --fail`.
pub const EXIT_INVALID: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: i32 = 2;

/// The assembly folder when neither `-o` nor `CDK_OUTDIR` names one.
pub const DEFAULT_OUTDIR: &str = "cdk.out";

#[derive(Debug, Parser)]
#[command(name = "cfnkit", version, about = "Synthesize, list and diff the CloudFormation stacks of a cfnkit program")]
struct Cli {
    #[command(flatten)]
    context: ContextArgs,
    /// Print no templates and no progress (errors and warnings still go to stderr).
    #[arg(short = 'q', long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the app's stack names, one a line (optionally only those matching PATTERNS).
    #[command(visible_alias = "list")]
    Ls {
        /// Stack names or globs (`order-*`).
        patterns: Vec<String>,
        #[command(flatten)]
        context: ContextArgs,
    },
    /// Synthesize: one stack to stdout, several (or with -o) into a cloud assembly folder.
    Synth(SynthOpts),
    /// Compare stacks with a template file or with the previous assembly.
    Diff(diff::DiffOpts),
    /// Turn a JSON or YAML template into a Rust program against cfnkit (see `cfnkit::import`).
    Import(import::ImportOpts),
    /// Create a new cfnkit project in DIR: Cargo.toml, src/main.rs, cdk.json, a test, a README.
    Init(init::InitOpts),
    /// Check templates (files, folders, or the app's stacks) against the convention and security rules.
    Lint(lint::LintArgs),
}

/// `-c KEY=VALUE`, accepted before and after the command name (a clap
/// global argument would keep only the occurrences after it).
#[derive(Debug, Clone, Default, Args)]
pub struct ContextArgs {
    /// Set a context value the program reads with `App::context`: KEY=VALUE (repeatable).
    #[arg(short = 'c', long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
}

/// Options of `synth`.
#[derive(Debug, Clone, Default, Args)]
pub struct SynthOpts {
    /// Stack names or globs (`order-*`); every stack when none is given.
    #[arg(value_name = "STACKS")]
    pub stacks: Vec<String>,
    /// Every stack (the same as naming none).
    #[arg(long, conflicts_with = "stacks")]
    pub all: bool,
    /// Write the cloud assembly into DIR (default: $CDK_OUTDIR, else cdk.out).
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Set a parameter's default in the selected stacks that declare it: KEY=VALUE (repeatable).
    #[arg(short = 'p', long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// How one stack printed on stdout is spelled (the cloud assembly is always JSON).
    #[arg(long, value_enum, default_value = "json")]
    pub format: TemplateFormat,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub context: ContextArgs,
}

/// How `synth` prints one stack's template on stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateFormat {
    /// Pretty JSON, as written into the cloud assembly.
    #[default]
    Json,
    /// Block-style YAML with short-form intrinsics ([`cfnkit_core::source::to_yaml`]).
    Yaml,
}

/// What the process environment tells the program; the AWS CDK CLI sets
/// these when it runs an app.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `CDK_OUTDIR`: where to write the cloud assembly.
    pub outdir: Option<PathBuf>,
    /// `CDK_CONTEXT_JSON`: the context, a JSON object.
    pub context_json: Option<String>,
    /// `CONTEXT_OVERFLOW_LOCATION_ENV`: a file holding the context when it
    /// is too large for an environment variable.
    pub context_file: Option<PathBuf>,
    /// `CDK_DEFAULT_ACCOUNT`.
    pub account: Option<String>,
    /// `CDK_DEFAULT_REGION`.
    pub region: Option<String>,
}

impl Env {
    /// Reads the variables from this process's environment.
    pub fn from_process() -> Env {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Env {
            outdir: std::env::var_os("CDK_OUTDIR").filter(|v| !v.is_empty()).map(PathBuf::from),
            context_json: var("CDK_CONTEXT_JSON"),
            context_file: std::env::var_os("CONTEXT_OVERFLOW_LOCATION_ENV")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            account: var("CDK_DEFAULT_ACCOUNT"),
            region: var("CDK_DEFAULT_REGION"),
        }
    }

    /// The context from `CDK_CONTEXT_JSON` and the overflow file, merged.
    fn context(&self) -> Result<serde_json::Map<String, serde_json::Value>, String> {
        let mut all = serde_json::Map::new();
        if let Some(text) = &self.context_json {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(m)) => all.extend(m),
                Ok(_) | Err(_) => return Err("CDK_CONTEXT_JSON is not a JSON object".into()),
            }
        }
        if let Some(path) = &self.context_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!("cannot read the context file {} (CONTEXT_OVERFLOW_LOCATION_ENV): {e}", path.display())
            })?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(m)) => all.extend(m),
                Ok(_) | Err(_) => return Err(format!("the context file {} is not a JSON object", path.display())),
            }
        }
        Ok(all)
    }
}

/// Runs the command line of this process (`std::env::args_os`, the
/// environment, stdout and stderr) over the app that `build` fills in, and
/// returns the exit code. [`crate::run`] is this for `main`.
pub fn run_process(build: impl FnOnce(&mut App)) -> i32 {
    let (code, app) = run_app(
        std::env::args_os(),
        &Env::from_process(),
        build,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    // The process ends here: the app is not dropped. Dropping it frees every
    // value one recursion per nesting level, so a value nested deeper than
    // the synthesis limit (reported as an error) would overflow the stack
    // and abort instead of exiting with the error's code; it also saves the
    // time of freeing a large app.
    std::mem::forget(app);
    code
}

/// Runs the CLI over `args` (program name first) and `env` against the app
/// that `build` fills in; writes results to `out` and messages to `err`;
/// returns the exit code.
pub fn main_with<I, T>(
    args: I,
    env: &Env,
    build: impl FnOnce(&mut App),
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_app(args, env, build, out, err).0
}

/// [`main_with`], handing back the app it built (if it got that far).
fn run_app<I, T>(
    args: I,
    env: &Env,
    build: impl FnOnce(&mut App),
    out: &mut impl Write,
    err: &mut impl Write,
) -> (i32, Option<App>)
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let text = e.render().to_string();
            return if e.use_stderr() {
                let _ = write!(err, "{text}");
                (EXIT_USAGE, None)
            } else {
                let _ = write!(out, "{text}");
                (EXIT_OK, None)
            };
        }
    };
    if let Some(Command::Import(o)) = &cli.command {
        return (import::import(o, out, err), None);
    }
    if let Some(Command::Init(o)) = &cli.command {
        return (init::init(o, cli.quiet, err), None);
    }
    let mut app = App::new();
    match env.context() {
        Ok(m) => {
            for (k, v) in m {
                app.set_context(&k, v);
            }
        }
        Err(msg) => {
            let _ = writeln!(err, "error: {msg}");
            return (EXIT_USAGE, Some(app));
        }
    }
    let after = match &cli.command {
        Some(Command::Ls { context, .. }) => context.context.clone(),
        Some(Command::Synth(o)) => o.context.context.clone(),
        Some(Command::Diff(o)) => o.context.context.clone(),
        Some(Command::Import(_) | Command::Init(_) | Command::Lint(_)) | None => Vec::new(),
    };
    for kv in cli.context.context.iter().chain(&after) {
        let Some((k, v)) = kv.split_once('=') else {
            let _ = writeln!(err, "error: -c {kv:?}: expected KEY=VALUE");
            return (EXIT_USAGE, Some(app));
        };
        app.set_context(k, serde_json::Value::String(v.to_string()));
    }
    app.set_default_env(env.account.clone(), env.region.clone());
    build(&mut app);
    let code = match cli.command {
        Some(Command::Ls { patterns, .. }) => ls(&app, &patterns, out, err),
        Some(Command::Synth(o)) => synth::synth(&mut app, &o, cli.quiet, env, out, err),
        Some(Command::Diff(o)) => diff::diff(&mut app, &o, env, out, err),
        Some(Command::Import(_) | Command::Init(_)) => EXIT_OK,
        Some(Command::Lint(a)) => lint::lint(&mut app, &a, out, err),
        None => {
            if let Some(dir) = &env.outdir {
                // Run by the AWS CDK CLI: write every stack into the folder it names.
                let o = SynthOpts { output: Some(dir.clone()), ..SynthOpts::default() };
                synth::synth(&mut app, &o, true, env, out, err)
            } else {
                let _ = writeln!(
                    err,
                    "error: no command given\n\n{}",
                    <Cli as clap::CommandFactory>::command().render_usage()
                );
                let _ = writeln!(err, "run with --help for the commands (ls, synth, diff, init)");
                EXIT_USAGE
            }
        }
    };
    (code, Some(app))
}

/// Prints the stack names (those matching `patterns`, or all), one a line.
pub fn ls(app: &App, patterns: &[String], out: &mut impl Write, err: &mut impl Write) -> i32 {
    let names = match select::select(app, patterns) {
        Ok(n) => n,
        Err(msgs) => return report_usage(&msgs, err),
    };
    for n in names {
        if let Err(e) = writeln!(out, "{n}") {
            return stdout_failed(&e, err);
        }
    }
    if let Err(e) = out.flush() {
        return stdout_failed(&e, err);
    }
    EXIT_OK
}

fn report_usage(msgs: &[String], err: &mut impl Write) -> i32 {
    for m in msgs {
        let _ = writeln!(err, "error: {m}");
    }
    EXIT_USAGE
}

fn stdout_failed(e: &std::io::Error, err: &mut impl Write) -> i32 {
    let _ = writeln!(err, "error: cannot write to standard output: {e}");
    EXIT_USAGE
}
