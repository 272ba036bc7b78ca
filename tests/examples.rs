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

#[path = "../examples/cross_stack_encrypted.rs"]
mod cross_stack_encrypted;

#[path = "../examples/queue_worker.rs"]
mod queue_worker;

#[path = "../examples/rest_api.rs"]
mod rest_api;

#[path = "../examples/custom_construct.rs"]
mod custom_construct;

#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

use cfnkit::core::tree::App;
use serde_json::json;

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
    // The export carries the environment suffix: a second environment exports its own.
    let import = json!({"Fn::ImportValue": {"Fn::Sub": "data-Items-Ref-${EnvironmentSuffix}"}});
    let env = &out.stacks[1].template["Resources"]["Reader"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["TABLE_NAME"], import);
    check("cross_stack", &app);
}

#[test]
fn cross_stack_encrypted_example_grants_the_data_key_across_stacks() {
    let app = cross_stack_encrypted::app();
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let data = &out.stacks[0].template;
    let compute = &out.stacks[1].template;
    assert_eq!(out.stacks[1].dependencies, ["data"]);
    // The compute stack's role may use the data key, imported from `data`,
    // for the queue, the bucket and the table alike.
    let key = json!({"Fn::ImportValue": {"Fn::Sub": "data-DataKey-Arn-${EnvironmentSuffix}"}});
    let statements = compute["Resources"]["WorkerServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]
        ["Statement"]
        .as_array()
        .unwrap();
    let on_key: Vec<String> = statements
        .iter()
        .filter(|s| s["Resource"] == key)
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_else(|| vec![s["Action"].clone()]))
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    for action in ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"] {
        assert!(on_key.iter().any(|a| a == action), "{action} missing on the data key: {on_key:?}");
    }
    assert_eq!(data["Outputs"]["ExportDataKeyArn"]["Value"], json!({"Fn::GetAtt": ["DataKey", "Arn"]}));
    // S3 may use the key to put notifications on the queue: written in the key's own stack.
    let key_policy = data["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"].to_string();
    assert!(key_policy.contains("s3.amazonaws.com"), "{key_policy}");
    check("cross_stack_encrypted", &app);
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
