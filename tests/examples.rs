//! Every example in `examples/`: its templates are snapshotted and pass
//! cfn-lint and checkov. The example files are included as modules so the
//! tests call the same `app()` that `cargo run --example NAME` prints.

#[path = "support/validators.rs"]
mod validators;

#[path = "../examples/first_bucket.rs"]
mod first_bucket;

#[path = "../examples/stream_processor.rs"]
mod stream_processor;

#[path = "../examples/cross_stack.rs"]
mod cross_stack;

use cfnkit::core::tree::App;

fn check(example: &str, app: &App) {
    let out = app.synth().unwrap_or_else(|e| panic!("{example}: {e}"));
    let mut templates = Vec::new();
    for s in &out.stacks {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("example_{example}_{}", s.name), s.json);
        });
        templates.push((s.name.as_str(), s.json.as_str()));
    }
    let region = out.stacks[0].region.clone().unwrap_or_else(|| "us-east-1".into());
    validators::assert_all_clean(&templates, &[region.as_str()]);
}

#[test]
fn first_bucket_example() {
    check("first_bucket", &first_bucket::app());
}

#[test]
fn stream_processor_example() {
    check("stream_processor", &stream_processor::app());
}

#[test]
fn cross_stack_example_exports_and_imports() {
    let app = cross_stack::app();
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[1].dependencies, ["data"]);
    assert!(out.stacks[1].json.contains("\"Fn::ImportValue\": \"data:ExportItems\""));
    check("cross_stack", &app);
}
