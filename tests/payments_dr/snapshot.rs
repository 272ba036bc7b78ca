//! The snapshot, cfn-lint and checkov, and byte-identical synthesis.

use cfnkit::core::tree::App;
use cfnkit::reference;
use cfnkit::reference::payments_dr::{self, PaymentsDrProps, NAME};

use super::helpers::template_text;
use super::validators;

// ---------------------------------------------------------------------------
// Snapshot, validators, handlers, determinism

#[test]
fn template_snapshot() {
    let json = template_text();
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("payments_dr_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing_in_either_region() {
    validators::assert_clean(&template_text(), NAME, &["us-east-1", "us-east-2"]);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let a = reference::app().synth().unwrap();
    let b = reference::app().synth().unwrap();
    assert_eq!(a.stack(NAME).unwrap().json, b.stack(NAME).unwrap().json);
    let mut app = App::new();
    payments_dr::payments_dr(&mut app, &PaymentsDrProps::default());
    assert_eq!(app.synth().unwrap().stack(NAME).unwrap().json, a.stack(NAME).unwrap().json, "standalone = in the app");
}
