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

#[path = "../examples/queue_worker.rs"]
mod queue_worker;

#[path = "../examples/rest_api.rs"]
mod rest_api;

#[path = "../examples/custom_construct.rs"]
mod custom_construct;

#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

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

#[test]
fn queue_worker_example() {
    check("queue_worker", &queue_worker::app());
}

#[test]
fn rest_api_example() {
    check("rest_api", &rest_api::app());
}

#[test]
fn custom_construct_example_scopes_each_worker() {
    let app = custom_construct::app();
    let out = app.synth().unwrap();
    let resources = out.stacks[0].template["Resources"].as_object().unwrap();
    for id in ["BillingWorkerQueue", "BillingWorkerFunction", "ShippingWorkerQueue", "ShippingWorkerDeadLettersAlarm"] {
        assert!(resources.contains_key(id), "{id}");
    }
    check("custom_construct", &app);
}

#[test]
fn assertions_example() {
    check("assertions_in_tests", &assertions_in_tests::app());
}
