//! Rules for L2 source that the compiler cannot enforce on its own (issue 7,
//! "hygienic tokens"): attributes through the generated typed `attr_*`
//! accessors only (a misspelt `get_att("Arnn")` compiles, `attr_arnn()` does
//! not), every construct builder `#[must_use]` (a construct built without
//! `.add_to(stack)` would vanish without a word), and every diagnostic of a
//! construct carries a specific `DiagKind` ("structured errors").

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("constructs/src is readable").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 30, "found only {} source files", files.len());
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).expect("readable"))).collect()
}

/// Lines of code, with `//` comments (doc comments included) dropped.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")).map(|(i, l)| (i + 1, l))
}

/// The names of the types whose own `impl` block has `pub fn add_to(self`.
fn builders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for (_, line) in code_lines(text) {
        if let Some(rest) = line.strip_prefix("impl ") {
            // `impl Name {` (inherent impls only: a trait impl has ` for `).
            current = (!rest.contains(" for ")).then(|| rest.trim_end_matches(" {").trim().to_string());
        } else if line.starts_with('}') {
            current = None;
        } else if line.contains("pub fn add_to(self") {
            if let Some(name) = &current {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
    }
    out
}

#[test]
fn l2_code_reads_attributes_through_typed_accessors_only() {
    let mut found = Vec::new();
    for (path, text) in all_sources() {
        for (n, line) in code_lines(&text) {
            if line.contains(".get_att(") {
                found.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "use the generated attr_* accessor instead of get_att:\n{}", found.join("\n"));
}

#[test]
fn every_construct_builder_is_must_use() {
    let mut checked = 0;
    let mut missing = Vec::new();
    for (path, text) in all_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for name in builders(&text) {
            let Some(at) = lines.iter().position(|l| *l == format!("pub struct {name} {{")) else {
                continue; // declared in another file of the module; checked there
            };
            checked += 1;
            let attrs = lines[..at].iter().rev().take_while(|l| l.starts_with("#[") || l.starts_with("///"));
            if !attrs.clone().any(|l| l.starts_with("#[must_use")) {
                missing.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(checked >= 30, "only {checked} builders found: the scan no longer matches the source layout");
    assert!(missing.is_empty(), "builders without #[must_use]:\n{}", missing.join("\n"));
}

#[test]
fn every_construct_diagnostic_has_a_kind() {
    // `Diagnostic::error`/`warning` give `DiagKind::Other`: construct checks
    // name a specific kind with `error_of`/`warning_of`, so tests and tools
    // match on kinds rather than on message text (issue 7, structured errors).
    let mut found = Vec::new();
    for (path, text) in all_sources() {
        for (n, line) in code_lines(&text) {
            if line.contains("Diagnostic::error(") || line.contains("Diagnostic::warning(") {
                found.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "use Diagnostic::error_of / warning_of with a specific DiagKind:\n{}", found.join("\n"));
}
