//! cfn-lint and checkov on minimal stacks of KMS keys.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::kms::{Key, KeySpec};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

#[test]
fn minimal_keys_are_clean() {
    let mut app = App::new();
    let stack = app.stack("kms").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    Key::new("Plain").add_to(stack);
    Key::new("Shared")
        .description("Encrypts trail logs, function data and log groups")
        .alias(sfx.format("alias/shared-{}"))
        .allow_cloudtrail()
        .allow_service("lambda.amazonaws.com")
        .allow_cloudwatch_logs()
        .add_to(stack);
    Key::new("Mac").key_spec(KeySpec::Hmac256).add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "kms", &["us-east-1"]);
}
