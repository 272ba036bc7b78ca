//! cfn-lint and checkov on a minimal stack of Secrets Manager secrets.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::secretsmanager::{Password, Secret, SecretTemplate};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

#[test]
fn minimal_secrets_are_clean() {
    let mut app = App::new();
    let stack = app.stack("secrets").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    Secret::new("DbPassword").name(sfx.name("db-password")).add_to(stack);
    Secret::new("ProcessorConfig")
        .description("Configuration of the transaction processor")
        .json_with_password(
            SecretTemplate::new().field("username", "processor").field("port", 5432),
            "password",
            Password::new().exclude_characters("\"@/\\"),
        )
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "secrets", &["us-east-1"]);
}
