//! Group 2: physical names built from the suffix parameter are measured
//! with its shortest and longest allowed values, inside `Fn::Sub` too, and
//! `Suffix::format` mistakes are errors.

use super::{app, rejects};
use cfnkit::prelude::*;
use cfnkit_constructs::dynamodb::{Key, Table};
use cfnkit_constructs::sqs::Queue;

const CODE: &str = "def handler(event, context):\n    return None\n";

#[test]
fn a_bucket_name_too_long_even_with_a_one_character_suffix() {
    let a = app(|s| {
        let sfx = s.suffix();
        Bucket::new("Uploads").name(sfx.name(&"a".repeat(62))).add_to(s);
    });
    rejects(&a, DiagKind::Length, "name too long even with the shortest parameter values", Some("BucketName"));
}

#[test]
fn a_bucket_name_too_long_with_the_longest_suffix() {
    let a = app(|s| {
        let sfx = s.suffix();
        Bucket::new("Uploads").name(sfx.name(&"a".repeat(50))).add_to(s);
    });
    let errors = rejects(&a, DiagKind::Length, "name too long with the longest parameter values", Some("BucketName"));
    assert!(errors.iter().any(|d| d.value.as_deref() == Some("71 characters with EnvironmentSuffix at its MaxLength")));
}

#[test]
fn a_table_name_with_a_space_inside_fn_sub() {
    let a = app(|s| {
        let sfx = s.suffix();
        Table::new("Orders", Key::string("pk")).name(sfx.name("orders table!")).add_to(s);
    });
    rejects(&a, DiagKind::Pattern, "invalid table name", Some("TableName"));
}

#[test]
fn a_function_name_with_a_space_inside_fn_sub() {
    let a = app(|s| {
        let sfx = s.suffix();
        Function::new("Handler", Runtime::Python313, Code::inline(CODE)).name(sfx.name("orders table!")).add_to(s);
    });
    rejects(
        &a,
        DiagKind::Pattern,
        "does not match the pattern with the parameters' default values",
        Some("FunctionName"),
    );
}

#[test]
fn a_format_with_two_placeholders() {
    let a = app(|s| {
        let sfx = s.suffix();
        Queue::new("Orders").name(sfx.format("orders-{}-{}")).add_to(s);
    });
    rejects(&a, DiagKind::Pattern, "suffixed name has more than one {} placeholder", Some("QueueName"));
}

#[test]
fn a_format_without_a_placeholder() {
    let a = app(|s| {
        let sfx = s.suffix();
        Queue::new("Orders").name(sfx.format("orders-static")).add_to(s);
    });
    rejects(
        &a,
        DiagKind::Pattern,
        "suffixed name has no {} placeholder: the suffix would be dropped",
        Some("QueueName"),
    );
}

#[test]
fn a_pseudo_parameter_in_a_suffixed_name_is_substituted_not_escaped() {
    let a = app(|s| {
        let sfx = s.suffix();
        Queue::new("Orders").name(sfx.name("orders-${AWS::Region}")).add_to(s);
    });
    let out = a.synth().expect("synthesizes");
    let name = &out.stacks[0].template["Resources"]["Orders"]["Properties"]["QueueName"];
    assert_eq!(name, &serde_json::json!({"Fn::Sub": "orders-${AWS::Region}-${EnvironmentSuffix}"}));
}

#[test]
fn a_suffix_parameter_has_a_max_length_and_pattern() {
    let a = app(|_| {});
    let out = a.synth().expect("synthesizes");
    let p = &out.stacks[0].template["Parameters"]["EnvironmentSuffix"];
    assert!(p["MaxLength"].is_number() && p["AllowedPattern"].is_string(), "{p}");
}
