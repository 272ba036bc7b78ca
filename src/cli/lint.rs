//! `cfnkit lint`: the convention and security rules of `cfnkit-lint` over
//! template files and folders, or over the app's own stacks.
//!
//! Exit codes: 0 no findings, 1 findings, 2 usage error or an input that
//! cannot be read as a template (every readable template is still linted
//! and reported). Files found in a folder that are not templates at all
//! (no `Resources`, Rain sources) are named on stderr and skipped.

use std::io::Write;
use std::path::{Path, PathBuf};

use cfnkit_core::tree::App;
use cfnkit_lint::output::{self, FileReport};
use cfnkit_lint::{lint_template, Config, Document, ReadError};

use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Path, line and column, rule, message, source line and fix.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// What `lint` was asked to do.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LintArgs {
    /// Template files (JSON or YAML) and folders to search for them; none
    /// means the app's own stacks, synthesized.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Config file (a `cfnkit.toml`, or a `Cargo.toml` with
    /// `[package.metadata.cfnkit.lint]`); default: the one in the current folder.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List the rules (id, pack, severity, title, corresponding ids) and exit.
    #[arg(long)]
    pub rules: bool,
}

/// Runs `cfnkit lint`.
pub fn lint(app: &mut App, args: &LintArgs, out: &mut impl Write, err: &mut impl Write) -> i32 {
    if args.rules {
        return list_rules(out);
    }
    let config = match &args.config {
        Some(p) => Config::load(p),
        None => Config::discover(Path::new(".")),
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut unreadable = false;
    let mut docs = Vec::new();
    if args.paths.is_empty() {
        match app.synth() {
            Ok(s) => {
                for stack in &s.stacks {
                    let name = format!("{}.template.json", stack.name);
                    match Document::from_text(Path::new(&name), stack.json.clone()) {
                        Ok(d) => docs.push(d),
                        Err(e) => {
                            let _ = writeln!(err, "error: {e}");
                            unreadable = true;
                        }
                    }
                }
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_INVALID;
            }
        }
    }
    for (file, found) in expand(&args.paths, err, &mut unreadable) {
        match Document::read(&file) {
            Ok(d) => docs.push(d),
            // A folder may hold files that are not templates (Rain sources,
            // parameter files): they are named and skipped, not failed on.
            // A file named on the command line must be a template.
            Err(e @ ReadError::NotATemplate { .. }) if found => {
                let _ = writeln!(err, "note: skipped {e}");
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                unreadable = true;
            }
        }
    }
    let reports: Vec<FileReport> = docs.iter().map(|d| output::locate(d, lint_template(&d.value, &config))).collect();
    let written = match args.format {
        Format::Text => output::text::write(&reports, out),
        Format::Json => output::json::write(&reports, out),
        Format::Sarif => output::sarif::write(&reports, out),
    };
    if written.is_err() || unreadable {
        return EXIT_USAGE;
    }
    if output::Summary::of(&reports).total() > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

/// Template files under the given paths: files as given, folders searched
/// recursively for `.json`, `.yaml`, `.yml` and `.template`, sorted; each
/// with whether it was found in a folder (rather than named).
fn expand(paths: &[PathBuf], err: &mut impl Write, unreadable: &mut bool) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, err, unreadable);
            found.sort();
            files.extend(found.into_iter().map(|f| (f, true)));
        } else {
            files.push((p.clone(), false));
        }
    }
    files
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, err: &mut impl Write, unreadable: &mut bool) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(err, "error: {}: cannot read folder: {e}", dir.display());
            *unreadable = true;
            return;
        }
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, found, err, unreadable);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x, "json" | "yaml" | "yml" | "template"))
        {
            found.push(p);
        }
    }
}

fn list_rules(out: &mut impl Write) -> i32 {
    for r in cfnkit_lint::packs::all() {
        let mut also: Vec<&str> = Vec::new();
        also.extend(r.checkov);
        also.extend(r.cdk_nag);
        also.extend(r.cfn_lint);
        let line = format!(
            "{:<28} {:<12} {:<8} {}{}",
            r.id,
            r.pack.as_str(),
            r.severity.as_str(),
            r.title,
            if also.is_empty() { String::new() } else { format!(" ({})", also.join(", ")) }
        );
        if writeln!(out, "{}", line.trim_end()).is_err() {
            return EXIT_USAGE;
        }
    }
    EXIT_OK
}

/// The lint rules at `synth`: every finding on the synthesized stacks goes
/// to `err` as a warning (`cfnkit lint` is the command that fails on them),
/// with the default config or the one in the current folder.
pub fn report_at_synth<'a>(
    stacks: impl IntoIterator<Item = &'a cfnkit_core::synth::SynthesizedStack>,
    err: &mut impl Write,
) {
    let config = match Config::discover(Path::new(".")) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "warning: lint: {e}");
            return;
        }
    };
    for s in stacks {
        let Ok(t) = serde_json::from_str::<serde_json::Value>(&s.json) else { continue };
        for f in lint_template(&t, &config) {
            let _ = writeln!(
                err,
                "warning: lint {}[{}] {}{}: {}",
                f.severity.as_str(),
                f.rule,
                s.name,
                f.pointer,
                f.message
            );
        }
    }
}
