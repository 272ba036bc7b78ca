//! The snapshot, cfn-lint and checkov, and byte-identical synthesis.

use cfnkit::reference;
use cfnkit::reference::order_monitoring::NAME;

use super::helpers::app;
use super::validators;

// ---------------------------------------------------------------------------
// Snapshot, validators, handler, determinism

#[test]
fn template_snapshot() {
    let out = reference::app().synth().unwrap();
    let json = &out.stack(NAME).unwrap().json;
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("order_monitoring_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    let out = reference::app().synth().unwrap();
    validators::assert_clean(&out.stack(NAME).unwrap().json, NAME, &["ap-southeast-1"]);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let first = app().synth().unwrap();
    let second = app().synth().unwrap();
    assert_eq!(first.stack(NAME).unwrap().json, second.stack(NAME).unwrap().json);
    let with_others = reference::app().synth().unwrap();
    assert_eq!(
        first.stack(NAME).unwrap().json,
        with_others.stack(NAME).unwrap().json,
        "other stacks change nothing here"
    );
}
