//! `synth`: validate, then print one template or write a cloud assembly.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use cfnkit_core::diag::SynthError;
use cfnkit_core::synth::Synthesized;
use cfnkit_core::tree::App;

use super::{select, stdout_failed, Env, SynthOpts, DEFAULT_OUTDIR, EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Selects stacks, applies `-p`, synthesizes, and prints or writes.
pub(super) fn synth(
    app: &mut App,
    o: &SynthOpts,
    quiet: bool,
    env: &Env,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
    let (selected, result) = match prepare(app, &o.stacks, &o.parameters, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut result = result;
    let names: Vec<&str> = selected.iter().map(String::as_str).collect();
    result.retain_with_dependencies(&names);
    for w in &result.warnings {
        let stack = w.path.split('/').next().unwrap_or_default();
        if result.stack(stack).is_some() || app.get_stack(stack).is_none() {
            let _ = writeln!(err, "{w}");
        }
    }
    super::lint::report_at_synth(result.stacks.iter().filter(|s| names.contains(&s.name.as_str())), err);
    if o.output.is_some() || selected.len() != 1 {
        let dir = outdir(o.output.as_ref(), env);
        return write_assembly(&result, &dir, quiet, err);
    }
    if quiet {
        return EXIT_OK;
    }
    let Some(s) = result.stack(&selected[0]) else { return EXIT_OK };
    let text = match o.format {
        super::TemplateFormat::Json => std::borrow::Cow::Borrowed(s.json.as_str()),
        super::TemplateFormat::Yaml => std::borrow::Cow::Owned(cfnkit_core::source::to_yaml(&s.template)),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        return stdout_failed(&e, err);
    }
    EXIT_OK
}

/// The assembly folder: `-o`, else `CDK_OUTDIR`, else `cdk.out`.
pub(super) fn outdir(flag: Option<&PathBuf>, env: &Env) -> PathBuf {
    flag.cloned().or_else(|| env.outdir.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_OUTDIR))
}

pub(super) fn write_assembly(result: &Synthesized, dir: &Path, quiet: bool, err: &mut impl Write) -> i32 {
    if dir.is_file() {
        let _ = writeln!(
            err,
            "error: cannot write the cloud assembly: {} is a file, not a directory (name a folder with -o DIR)",
            dir.display()
        );
        return EXIT_USAGE;
    }
    if let Err(e) = result.write_assembly(dir) {
        let _ = writeln!(err, "error: cannot write the cloud assembly to {}: {e}", dir.display());
        return EXIT_USAGE;
    }
    if !quiet {
        let n = result.stacks.len();
        let _ = writeln!(err, "wrote {n} stack{} to {}", if n == 1 { "" } else { "s" }, dir.display());
    }
    EXIT_OK
}

/// Selects the stacks, applies the parameter defaults and synthesizes; on
/// failure prints what went wrong and returns the exit code.
pub(super) fn prepare(
    app: &mut App,
    patterns: &[String],
    parameters: &[String],
    err: &mut impl Write,
) -> Result<(Vec<String>, Synthesized), i32> {
    let selected = match select::select(app, patterns) {
        Ok(s) => s,
        Err(msgs) => return Err(super::report_usage(&msgs, err)),
    };
    let msgs = apply_parameters(app, &selected, parameters);
    if !msgs.is_empty() {
        return Err(super::report_usage(&msgs, err));
    }
    match app.synth() {
        Ok(r) => Ok((selected, r)),
        Err(e) => {
            print_errors(&e, app, err);
            Err(EXIT_INVALID)
        }
    }
}

/// Sets each `KEY=VALUE` as the default of parameter KEY in the selected
/// stacks that declare it; one message per value that cannot be applied.
fn apply_parameters(app: &mut App, selected: &[String], parameters: &[String]) -> Vec<String> {
    let mut msgs = Vec::new();
    for p in parameters {
        let Some((k, v)) = p.split_once('=') else {
            msgs.push(format!("-p {p:?}: expected KEY=VALUE"));
            continue;
        };
        let mut n = 0;
        for name in selected {
            if app.get_stack_mut(name).is_some_and(|s| s.set_parameter_default(k, v)) {
                n += 1;
            }
        }
        if n == 0 {
            msgs.push(unknown_parameter(app, selected, k));
        }
    }
    msgs
}

fn unknown_parameter(app: &App, selected: &[String], key: &str) -> String {
    let mut declared: Vec<String> = Vec::new();
    for name in selected {
        if let Some(s) = app.get_stack(name) {
            for p in s.parameter_names() {
                if !declared.iter().any(|d| d == p) {
                    declared.push(p.to_string());
                }
            }
        }
    }
    let which = if selected.len() == 1 { format!("stack {}", selected[0]) } else { "the selected stacks".into() };
    let verb = if selected.len() == 1 { "declares" } else { "declare" };
    let mut msg = format!("-p {key}: {which} {verb} no parameter named {key:?}");
    if let Some(n) = cfnkit_core::suggest::nearest(key, declared.iter().map(String::as_str)) {
        let _ = write!(msg, "; did you mean {n:?}?");
    }
    if declared.is_empty() {
        msg.push_str(" (no parameters are declared)");
    } else {
        let _ = write!(msg, " (declared: {})", declared.join(", "));
    }
    msg
}

/// Prints the errors, merging the ones that are the same problem in several
/// stacks (a bad `-p` value shared by every stack is one message).
fn print_errors(e: &SynthError, app: &App, err: &mut impl Write) {
    let is_stack = |p: &str| app.get_stack(p).is_some();
    let mut groups: Vec<(Vec<&str>, &cfnkit_core::diag::Diagnostic)> = Vec::new();
    for d in &e.diagnostics {
        if is_stack(&d.path) {
            if let Some(g) = groups.iter_mut().find(|(_, g)| {
                is_stack(&g.path)
                    && g.property == d.property
                    && g.problem == d.problem
                    && g.value == d.value
                    && g.allowed == d.allowed
            }) {
                g.0.push(&d.path);
                continue;
            }
        }
        groups.push((vec![&d.path], d));
    }
    let n = groups.len();
    let _ = writeln!(err, "error: synthesis found {n} problem{}", if n == 1 { "" } else { "s" });
    for (paths, d) in groups {
        let mut d = d.clone();
        d.path = paths.join(", ");
        let _ = writeln!(err, "  {d}");
    }
}
