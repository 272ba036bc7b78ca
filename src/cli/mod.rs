//! The `cfnkit` command line: `list`, `synth` and `import`.
//!
//! Every command is a function over `impl Write`, so tests call them
//! directly as well as through the binary. Exit codes: 0 success, 1
//! validation findings, 2 usage or I/O errors (an unknown stack name, a bad
//! `-p` value, an unwritable output folder).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use cfnkit_core::tree::App;
use clap::{Parser, Subcommand};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: validation findings.
pub const EXIT_INVALID: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Parser)]
#[command(name = "cfnkit", version, about = "Synthesize CloudFormation templates from cfnkit stacks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the app's stack names, one a line.
    List,
    /// Print a stack's template, or write a cloud assembly with --out.
    Synth {
        /// The stack to synthesize (see `cfnkit list`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        name: Option<String>,
        /// Every stack of the app (needs --out).
        #[arg(long, requires = "out")]
        all: bool,
        /// Write a cloud assembly (manifest.json, NAME.template.json, tree.json) into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Set a parameter's default: KEY=VALUE (repeatable).
        #[arg(short = 'p', long = "parameter", value_name = "KEY=VALUE")]
        parameters: Vec<String>,
        /// The spelling of a template printed on stdout (the cloud assembly is always JSON).
        #[arg(long, value_enum, default_value = "json")]
        format: TemplateFormat,
    },
    /// Turn a JSON or YAML template into a Rust program against cfnkit (see `cfnkit::import`).
    Import {
        /// The template file.
        template: PathBuf,
        /// Write the program here (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The stack name in the program (default: the file name, made a valid stack name).
        #[arg(long)]
        name: Option<String>,
    },
}

/// How `synth` prints a template.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateFormat {
    /// Pretty JSON, as written into the cloud assembly.
    #[default]
    Json,
    /// Block-style YAML with short-form intrinsics (`cfnkit_core::source::to_yaml`).
    Yaml,
}

/// Runs the CLI over `args` (program name first) against the app `build`
/// returns; writes results to `out` and messages to `err`; returns the exit code.
pub fn run<I, T>(args: I, build: impl FnOnce() -> App, out: &mut impl Write, err: &mut impl Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            if e.use_stderr() {
                let _ = write!(err, "{text}");
            } else {
                let _ = write!(out, "{text}");
            }
            return code;
        }
    };
    if let Command::Import { template, out: file, name } = &cli.command {
        return import(template, file.as_deref(), name.as_deref(), out, err);
    }
    let mut app = build();
    match cli.command {
        Command::List => list(&app, out),
        Command::Synth { name, all, out: dir, parameters, format } => {
            synth(&mut app, &SynthArgs { name, all, out: dir, parameters, format }, out, err)
        }
        Command::Import { .. } => EXIT_OK,
    }
}

/// `cfnkit import`: prints or writes the program; every problem goes to
/// `err` as `FILE:LINE:COLUMN: POINTER: MESSAGE` with exit 1, and no program is written.
pub fn import(
    template: &std::path::Path,
    file: Option<&std::path::Path>,
    name: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
    let text = match std::fs::read_to_string(template) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", template.display());
            return EXIT_USAGE;
        }
    };
    let stack = name.map_or_else(|| stack_name_of(template), str::to_string);
    let imported = match crate::import::import(&text, &stack) {
        Ok(i) => i,
        Err(e) => {
            for line in e.to_string().lines() {
                let _ = writeln!(err, "{}:{line}", template.display());
            }
            let _ = writeln!(err, "error: {} problem(s); no program written", e.problems.len());
            return EXIT_INVALID;
        }
    };
    if !imported.features.is_empty() {
        let _ = writeln!(err, "needs the cfnkit features: {}", imported.features.join(", "));
    }
    match file {
        None => {
            if out.write_all(imported.program.as_bytes()).is_err() {
                return EXIT_USAGE;
            }
        }
        Some(path) => {
            let tmp = path.with_extension("rs.tmp");
            let written = std::fs::write(&tmp, &imported.program).and_then(|()| std::fs::rename(&tmp, path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}

/// A stack name from a file name: letters, digits and hyphens, starting with a letter.
fn stack_name_of(path: &std::path::Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "stack-");
    }
    name.truncate(128);
    name
}

/// Prints the stack names, one a line.
pub fn list(app: &App, out: &mut impl Write) -> i32 {
    for s in app.stacks() {
        if writeln!(out, "{}", s.name()).is_err() {
            return EXIT_USAGE;
        }
    }
    EXIT_OK
}

/// What `synth` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct SynthArgs {
    /// One stack by name.
    pub name: Option<String>,
    /// Every stack.
    pub all: bool,
    /// Where to write the cloud assembly.
    pub out: Option<PathBuf>,
    /// `KEY=VALUE` parameter defaults.
    pub parameters: Vec<String>,
    /// How a template printed on stdout is spelled.
    pub format: TemplateFormat,
}

/// Synthesizes and prints or writes templates.
pub fn synth(app: &mut App, args: &SynthArgs, out: &mut impl Write, err: &mut impl Write) -> i32 {
    if let Some(name) = &args.name {
        if app.get_stack(name).is_none() {
            let names: Vec<&str> = app.stacks().iter().map(cfnkit_core::tree::Stack::name).collect();
            let _ = writeln!(err, "error: no stack named {name:?}; stacks: {}", names.join(", "));
            return EXIT_USAGE;
        }
    }
    for p in &args.parameters {
        let Some((k, v)) = p.split_once('=') else {
            let _ = writeln!(err, "error: -p {p:?}: expected KEY=VALUE");
            return EXIT_USAGE;
        };
        if app.set_parameter_default(k, v) == 0 {
            let _ = writeln!(err, "error: -p {k}: no stack declares a parameter named {k:?}");
            return EXIT_USAGE;
        }
    }
    let result = match app.synth() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_INVALID;
        }
    };
    for w in &result.warnings {
        let stack = w.path.split('/').next().unwrap_or_default();
        if args.name.as_ref().is_none_or(|n| n == stack) {
            let _ = writeln!(err, "{w}");
        }
    }
    let mut result = result;
    if let Some(name) = &args.name {
        result.stacks.retain(|s| &s.name == name);
    }
    if let Some(dir) = &args.out {
        if let Err(e) = result.write_assembly(dir) {
            let _ = writeln!(err, "error: cannot write the cloud assembly to {}: {e}", dir.display());
            return EXIT_USAGE;
        }
        let _ = writeln!(err, "wrote {} stack(s) to {}", result.stacks.len(), dir.display());
        return EXIT_OK;
    }
    for s in &result.stacks {
        let text = match args.format {
            TemplateFormat::Json => s.json.clone(),
            TemplateFormat::Yaml => cfnkit_core::source::to_yaml(&s.template),
        };
        if out.write_all(text.as_bytes()).is_err() {
            return EXIT_USAGE;
        }
    }
    EXIT_OK
}
