//! The snapshot, cfn-lint and checkov, and byte-identical synthesis.

use cfnkit::reference;

use super::helpers::{NAME, REGION};
use super::validators;

// ---------------------------------------------------------------------------
// Snapshot, validators, handler, determinism.

#[test]
fn template_snapshot() {
    let out = reference::app().synth().unwrap();
    let json = &out.stack(NAME).unwrap().json;
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("order_queue_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    let out = reference::app().synth().unwrap();
    validators::assert_clean(&out.stack(NAME).unwrap().json, NAME, &[REGION]);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let a = reference::app().synth().unwrap();
    let b = reference::app().synth().unwrap();
    assert_eq!(a.stack(NAME).unwrap().json, b.stack(NAME).unwrap().json);
    assert_eq!(a.stack(NAME).unwrap().tree, b.stack(NAME).unwrap().tree);
}
