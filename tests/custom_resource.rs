//! A Lambda-backed custom resource (`cfnkit::l1::cloudformation::CustomResource`)
//! against the external validators: the stack with the provider function,
//! a `Custom::OrderSeeder` whose `ServiceToken` is the function's ARN and an
//! output reading the provider's `Data` must be clean under cfn-lint (no
//! finding at all) and checkov (no failed check).
//!
//! The provider function is made checkov-clean the way the SNS test's
//! subscriber is: a customer managed key for its logs, reserved
//! concurrency, failed asynchronous events to a queue (CKV_AWS_116), no
//! environment variables (CKV_AWS_173), and no VPC, acknowledged
//! (CKV_AWS_117: a provider that reaches only AWS endpoints).

#[path = "support/validators.rs"]
mod validators;

use cfnkit::l1::cloudformation::{CustomResource, CustomResourceAttrs};
use cfnkit::prelude::*;
use cfnkit_constructs::lambda::AsyncConfig;
use cfnkit_constructs::sqs::Queue;
use serde_json::json;

const PROVIDER: &str = "import cfnresponse\n\ndef handler(event, context):\n    \
                        cfnresponse.send(event, context, cfnresponse.SUCCESS, {'Count': '10'})\n";

#[test]
fn a_lambda_backed_custom_resource_is_clean() {
    let mut app = App::new();
    let stack = app.stack("custom-resource-validate").conventions(Conventions::tap("custom resource validator test"));
    let logs = KmsKey::new("ProviderLogsKey")
        .description("Encrypts the provider's logs")
        .allow_cloudwatch_logs()
        .add_to(stack);
    let failures = Queue::new("ProviderFailures").as_dead_letter_queue().add_to(stack);
    let provider = Function::new("Provider", Runtime::Python313, Code::inline(PROVIDER))
        .log_encryption_key(logs.arn())
        .reserved_concurrency(5)
        .async_config(AsyncConfig::new().on_failure(failures))
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only AWS endpoints".into() })
        .add_to(stack);
    let seed = stack.add(
        "SeedOrders",
        CustomResource::new(provider.arn())
            .custom_type("OrderSeeder")
            .service_timeout(300)
            .property("TableName", "orders")
            .property("Rows", 10)
            .property("Options", json!({"Overwrite": false})),
    );
    stack.output("SeededCount", seed.attr("Count"));
    let out = app.synth().expect("synthesizes");
    let template = &out.stacks[0].template;

    let r = &template["Resources"]["SeedOrders"];
    assert_eq!(r["Type"], "Custom::OrderSeeder");
    let function_id = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v["Type"] == "AWS::Lambda::Function")
        .map(|(k, _)| k.clone())
        .expect("the provider function");
    assert_eq!(
        r["Properties"],
        json!({
            "ServiceToken": {"Fn::GetAtt": [function_id, "Arn"]},
            "ServiceTimeout": 300,
            "TableName": "orders",
            "Rows": 10,
            "Options": {"Overwrite": false}
        })
    );
    let keys: Vec<&String> = r["Properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ServiceToken", "ServiceTimeout", "TableName", "Rows", "Options"]);
    assert_eq!(template["Outputs"]["SeededCount"]["Value"], json!({"Fn::GetAtt": ["SeedOrders", "Count"]}));

    validators::assert_clean(&out.stacks[0].json, "custom-resource", &["us-east-1"]);
}
