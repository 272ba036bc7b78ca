//! The snapshot, cfn-lint and checkov, the handler's syntax and
//! deterministic synthesis.

use cfnkit::reference::transaction_pipeline;

use super::helpers::{template_json, NAME, REGION};
use super::validators;

// ---------------------------------------------------------------------------
// Snapshot, validators, handler syntax, determinism

#[test]
fn template_snapshot() {
    let json = template_json();
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("transaction_pipeline_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    validators::assert_clean(&template_json(), NAME, &[REGION]);
}

#[test]
fn handler_is_valid_python() {
    let dir = std::env::temp_dir().join(format!("cfnkit-py-{NAME}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("index.py");
    std::fs::write(&file, transaction_pipeline::HANDLER_PY).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to check the handler's syntax and could not be run: {e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    assert_eq!(template_json(), template_json());
}
