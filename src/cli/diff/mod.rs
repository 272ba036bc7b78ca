//! `diff`: what would change, per stack, against a template file or the
//! previous cloud assembly: resources added, removed and changed (with the
//! properties, and whether the change replaces the resource, from the
//! schemas' `createOnlyProperties`), parameters and outputs, with IAM and
//! security-group changes called out. `--fail` exits 1 on any difference.

mod compare;
mod create_only;
mod replacement;

use std::io::Write;
use std::path::{Path, PathBuf};

use cfnkit_core::tree::App;
use clap::Args;
use serde_json::Value as Json;

use super::{stdout_failed, synth, Env, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
pub use compare::{compare, Change, StackDiff};

/// Options of `diff`.
#[derive(Debug, Clone, Default, Args)]
pub struct DiffOpts {
    /// Stack names or globs; every stack when none is given.
    #[arg(value_name = "STACKS")]
    pub stacks: Vec<String>,
    /// Compare with this template (JSON) instead of the previous assembly; needs one stack.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// The previous assembly to compare with (default: $CDK_OUTDIR, else cdk.out).
    #[arg(short = 'o', long = "output", visible_alias = "out", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Exit with code 1 when anything differs.
    #[arg(long)]
    pub fail: bool,
    /// Set a parameter's default in the selected stacks: KEY=VALUE (repeatable).
    #[arg(short = 'p', long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub context: super::ContextArgs,
}

pub(super) fn diff(app: &mut App, o: &DiffOpts, env: &Env, out: &mut impl Write, err: &mut impl Write) -> i32 {
    let (selected, result) = match synth::prepare(app, &o.stacks, &o.parameters, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut pairs: Vec<(String, Json, Json)> = Vec::new();
    if let Some(file) = &o.template {
        if selected.len() != 1 {
            let _ = writeln!(
                err,
                "error: --template compares one stack, but {} are selected ({}); name one",
                selected.len(),
                selected.join(", ")
            );
            return EXIT_USAGE;
        }
        let old = match read_template(file) {
            Ok(t) => t,
            Err(msg) => {
                let _ = writeln!(err, "error: {msg}");
                return EXIT_USAGE;
            }
        };
        if let Some(s) = result.stack(&selected[0]) {
            pairs.push((s.name.clone(), old, s.template.clone()));
        }
    } else {
        let dir = synth::outdir(o.output.as_ref(), env);
        let previous = match previous_templates(&dir) {
            Ok(p) => p,
            Err(msg) => {
                let _ = writeln!(err, "error: {msg}");
                return EXIT_USAGE;
            }
        };
        for name in &selected {
            if let Some(s) = result.stack(name) {
                let old = previous.iter().find(|(n, _)| n == name).map_or(Json::Null, |(_, t)| t.clone());
                pairs.push((name.clone(), old, s.template.clone()));
            }
        }
    }
    let mut differs = false;
    let mut text = String::new();
    for (name, old, new) in &pairs {
        let d = compare(old, new);
        differs |= !d.is_empty();
        text.push_str(&d.render(name));
    }
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        return stdout_failed(&e, err);
    }
    if differs && o.fail {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

/// Reads a template file (JSON).
fn read_template(path: &Path) -> Result<Json, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the template {}: {e}", path.display()))?;
    serde_json::from_str::<Json>(&text)
        .map_err(|e| format!("{} is not a JSON template ({e}); convert a YAML template to JSON first", path.display()))
}

/// The stack templates of the assembly in `dir` (none when it has no manifest).
fn previous_templates(dir: &Path) -> Result<Vec<(String, Json)>, String> {
    let manifest = dir.join("manifest.json");
    if !manifest.is_file() {
        return Ok(Vec::new());
    }
    let m: Json = std::fs::read_to_string(&manifest)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot read the previous assembly's {}: {e}", manifest.display()))?;
    let mut out = Vec::new();
    if let Some(arts) = m.get("artifacts").and_then(Json::as_object) {
        for (id, a) in arts {
            if a.get("type").and_then(Json::as_str) != Some("aws:cloudformation:stack") {
                continue;
            }
            let Some(file) = a.pointer("/properties/templateFile").and_then(Json::as_str) else { continue };
            let name = a.get("displayName").and_then(Json::as_str).unwrap_or(id);
            out.push((name.to_string(), read_template(&dir.join(file))?));
        }
    }
    Ok(out)
}
