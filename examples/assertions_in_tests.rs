//! # Testing your own stack with the assertions API
//!
//! A user's stack is ordinary Rust, so its tests are ordinary `#[test]`s:
//! build the app, load the template with `Template::from_stack`, and state
//! what it must hold. Patterns are partial by default (`has_resource_properties`
//! matches any superset), matchers cover the rest (`Match::array_with`,
//! `absent`, `string_like_regexp`...), and a failure names the closest
//! resource and every place it differs.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! assertions_in_tests -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.
//! Its tests run with `cargo test --example assertions_in_tests`.

use cfnkit::prelude::*;

/// Adds the stack under test: an encrypted table and a topic.
pub fn define(app: &mut App) {
    let stack = app.stack("inventory").region("eu-west-1").conventions(Conventions::tap("assertions example"));
    let sfx = stack.suffix();
    let items = Table::new("Items", Key::string("sku")).name(sfx.name("inventory")).add_to(stack);
    Topic::new("LowStock").name(sfx.name("low-stock")).add_to(stack);
    stack.export("ItemsTableName", items.name()).description("Name of the inventory table");
}

/// The example's app, as the tests build it.
pub fn app() -> App {
    let mut app = App::new();
    define(&mut app);
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() -> std::process::ExitCode {
    cfnkit::run(define)
}

#[cfg(test)]
mod tests {
    use cfnkit::assertions::{Match, Template};
    use serde_json::json;

    fn template() -> Template {
        Template::from_stack(&super::app(), "inventory")
    }

    #[test]
    fn the_table_is_encrypted_recoverable_and_suffixed() {
        let t = template();
        t.resource_count_is("AWS::DynamoDB::Table", 1);
        t.has_resource_properties(
            "AWS::DynamoDB::Table",
            json!({
                "TableName": {"Fn::Sub": "inventory-${EnvironmentSuffix}"},
                "SSESpecification": {"SSEEnabled": true},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}
            }),
        );
        t.has_resource("AWS::DynamoDB::Table", json!({"DeletionPolicy": "Delete"}));
    }

    #[test]
    fn every_taggable_resource_says_what_it_is_for() {
        let t = template();
        for ty in ["AWS::DynamoDB::Table", "AWS::SNS::Topic"] {
            t.all_resources_properties(
                ty,
                Match::obj([(
                    "Tags",
                    Match::array_with(vec![json!({"Key": "Purpose", "Value": "assertions example"}).into()]),
                )]),
            );
        }
    }

    #[test]
    fn the_topic_only_accepts_tls() {
        let t = template();
        t.has_resource_properties(
            "AWS::SNS::TopicPolicy",
            Match::obj([(
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![json!({
                        "Effect": "Deny",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                    })
                    .into()]),
                )]),
            )]),
        );
        t.has_resource_properties(
            "AWS::SNS::Topic",
            Match::obj([("KmsMasterKeyId", Match::string_like_regexp("^alias/"))]),
        );
    }

    #[test]
    fn the_table_name_is_exported() {
        template()
            .has_output("ItemsTableName", json!({"Export": {"Name": {"Fn::Sub": "${AWS::StackName}-ItemsTableName"}}}));
    }
}
