//! The checked-in `l1/` is exactly what the generator makes, the generator
//! is deterministic, and fix-ups fail loudly once they no longer apply.

use cfnkit_codegen::{check, fixups, generate, load_schemas, workspace_root};

#[test]
fn checked_in_l1_matches_the_generator_and_generation_is_deterministic() {
    let root = workspace_root();
    let first = generate(&root).expect("generation succeeds on every vendored schema");
    let stale = check(&root, &first);
    assert!(stale.is_empty(), "stale generated files (run `cargo run -p cfnkit-codegen`): {stale:?}");
    let second = generate(&root).expect("generation succeeds");
    assert_eq!(first.files, second.files, "two runs must give identical bytes");
    assert_eq!(first.summary.schemas, 1854);
    assert_eq!(first.summary.emit.resources, 1854);
}

#[test]
fn fixups_fail_once_the_upstream_defect_is_gone() {
    let root = workspace_root();
    let mut schemas = load_schemas(&root).unwrap();
    let applied = fixups::apply(&mut schemas).expect("fix-ups apply to the vendored schemas");
    assert_eq!(applied.len(), fixups::FIXUPS.len());
    // Applying again finds the defect already gone: a loud error, not a silent patch.
    let err = fixups::apply(&mut schemas).unwrap_err();
    assert!(err.to_string().contains("no longer applies"), "{err}");
}
