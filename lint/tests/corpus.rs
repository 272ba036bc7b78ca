//! The whole template corpus (`../shared/corpus/aws-cloudformation-templates`,
//! 296 real templates nobody here wrote) through the linter: finding counts
//! per rule as a snapshot, so any rule change shows up in review, and the
//! SARIF output validated against the SARIF 2.1.0 schema.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use cfnkit_lint::output::{self, FileReport};
use cfnkit_lint::{lint_template, packs, Config, Document, ReadError};

fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-cloudformation-templates");
    assert!(dir.is_dir(), "the corpus must sit beside the clone: {} is missing", dir.display());
    dir
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Lints every corpus file; returns the reports and the unreadable files' errors.
fn run() -> (Vec<FileReport>, Vec<ReadError>) {
    let root = corpus_dir();
    let mut all = Vec::new();
    files(&root, &mut all);
    all.sort();
    let config = Config::default();
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for f in &all {
        // Relative paths, so the snapshot is the same in every clone.
        let text = std::fs::read_to_string(f).unwrap();
        match Document::from_text(f.strip_prefix(&root).unwrap(), text) {
            Ok(d) => reports.push(output::locate(&d, lint_template(&d.value, &config))),
            Err(e) => errors.push(e),
        }
    }
    (reports, errors)
}

#[test]
fn corpus_finding_counts_per_rule() {
    let (reports, errors) = run();
    let mut text = String::new();
    writeln!(text, "templates linted: {}", reports.len()).unwrap();
    writeln!(text, "not templates or unreadable: {}", errors.len()).unwrap();
    for e in &errors {
        writeln!(text, "  {e}").unwrap();
    }
    let with = reports.iter().filter(|r| !r.findings.is_empty()).count();
    writeln!(text, "templates with findings: {with}").unwrap();
    for rule in packs::all() {
        let n = reports.iter().flat_map(|r| &r.findings).filter(|f| f.finding.rule == rule.id).count();
        let t = reports.iter().filter(|r| r.findings.iter().any(|f| f.finding.rule == rule.id)).count();
        writeln!(text, "{:<28} {n:>5} findings in {t:>3} templates", rule.id).unwrap();
    }
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("lint_corpus_counts", text);
    });
}

#[test]
fn corpus_sarif_validates_against_the_sarif_2_1_0_schema() {
    let (reports, _) = run();
    assert!(reports.iter().any(|r| !r.findings.is_empty()), "the corpus gives findings to validate");
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-2.1.0-rtm.5.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let sarif = output::sarif::to_value(&reports);
    let problems: Vec<String> =
        validator.iter_errors(&sarif).take(10).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(problems.is_empty(), "SARIF output is invalid:\n{}", problems.join(""));
    // A broken log must fail the same validator (the check can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken), "the validator rejects an unknown level");
}

#[test]
fn corpus_positions_point_at_the_reported_resource() {
    let (reports, _) = run();
    for r in &reports {
        for l in &r.findings {
            if let (Some(id), Some(src)) = (&l.finding.resource, &l.source) {
                if l.finding.pointer == format!("/Resources/{id}/Type") {
                    assert!(src.contains("Type"), "{}:{}: {src}", r.path, l.line);
                }
            }
        }
    }
}
