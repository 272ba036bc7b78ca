//! Group 3: AWS limits nobody checked.

use super::{app, rejects};
use cfnkit::prelude::*;
use cfnkit_constructs::cloudwatch::{Alarm, Metric};
use cfnkit_constructs::dynamodb::{Key, Table};
use serde_json::json;

const CODE: &str = "def handler(event, context):\n    return None\n";

fn function(id: &str) -> Function {
    Function::new(id, Runtime::Python313, Code::inline(CODE))
}

#[test]
fn a_lambda_environment_over_4_kb() {
    let a = app(|s| {
        let mut f = function("Handler");
        for i in 0..5 {
            f = f.env(&format!("VAR{i}"), "v".repeat(1000).as_str());
        }
        f.add_to(s);
    });
    rejects(&a, DiagKind::Quota, "environment variables too large", Some("Environment.Variables"));
}

#[test]
fn a_stack_description_over_1024_bytes() {
    let a = app(|s| {
        s.description(&"d".repeat(1025));
    });
    rejects(&a, DiagKind::Length, "stack description too long", Some("Description"));
}

#[test]
fn an_output_description_over_1024_bytes() {
    let a = app(|s| {
        s.output("Out", "x").description(&"d".repeat(1025));
    });
    rejects(&a, DiagKind::Length, "output description too long", Some("Outputs.Out.Description"));
}

#[test]
fn a_metric_period_of_7_seconds() {
    let a = app(|s| {
        let m = Metric::new("AWS/Lambda", "Errors").with_period(Duration::seconds(7));
        Alarm::new("Errors", m).greater_than(1.0).add_to(s);
    });
    rejects(&a, DiagKind::Invalid, "invalid alarm period", Some("Period"));
}

#[test]
fn period_times_evaluation_periods_over_one_day() {
    let a = app(|s| {
        let m = Metric::new("AWS/Lambda", "Errors").with_period(Duration::minutes(5));
        Alarm::new("Errors", m).greater_than(1.0).evaluation_periods(300).add_to(s);
    });
    rejects(&a, DiagKind::Quota, "alarm evaluation range too long", Some("EvaluationPeriods"));
}

#[test]
fn a_parameter_whose_min_length_exceeds_its_max_length() {
    let a = app(|s| {
        s.parameter(Parameter::string("Name").length(10, 2));
    });
    rejects(
        &a,
        DiagKind::Length,
        "parameter MinLength is greater than its MaxLength",
        Some("Parameters.Name.MinLength"),
    );
}

#[test]
fn a_number_parameter_with_a_default_that_is_not_a_number() {
    let a = app(|s| {
        s.parameter(Parameter::number("Count").default("abc"));
    });
    rejects(&a, DiagKind::Length, "parameter default is not a number", Some("Parameters.Count.Default"));
}

#[test]
fn a_number_parameter_with_a_default_outside_its_range() {
    let a = app(|s| {
        s.parameter(Parameter::number("Count").default("11").value_range(1.0, 10.0));
    });
    rejects(&a, DiagKind::Length, "parameter default is outside MinValue..MaxValue", Some("Parameters.Count.Default"));
}

#[test]
fn a_parameter_default_shorter_than_min_length() {
    let a = app(|s| {
        s.parameter(Parameter::string("Name").default("a").length(3, 10));
    });
    rejects(&a, DiagKind::Length, "parameter default is shorter than MinLength", Some("Parameters.Name.Default"));
}

#[test]
fn a_condition_name_that_is_not_alphanumeric() {
    let a = app(|s| {
        let p = s.parameter(Parameter::string("Mode").default("a"));
        s.condition("is-prod", fns::equals(p.value(), "prod"));
    });
    rejects(&a, DiagKind::Pattern, "invalid condition name", Some("Conditions.is-prod"));
}

#[test]
fn a_mapping_name_that_is_not_alphanumeric() {
    let a = app(|s| {
        let mut inner = indexmap::IndexMap::new();
        inner.insert("Size".to_string(), Token::from("small"));
        let mut table = indexmap::IndexMap::new();
        table.insert("us-east-1".to_string(), inner);
        s.mapping("region map", table);
    });
    rejects(&a, DiagKind::Pattern, "invalid mapping name", Some("Mappings.region map"));
}

#[test]
fn a_role_with_inline_policies_over_10240_characters() {
    let a = app(|s| {
        let f = function("Handler").add_to(s);
        for i in 0..120 {
            let t = Table::new(&format!("Table{i}"), Key::string("pk")).add_to(s);
            t.grant_read_data(s, &f);
        }
    });
    rejects(&a, DiagKind::Quota, "inline policies of the role too large", Some("Policies"));
}

#[test]
fn a_statement_without_actions() {
    let a = app(|s| {
        s.add(
            "Policy",
            CfnResource::new("AWS::IAM::ManagedPolicy").property(
                "PolicyDocument",
                Token::from_json(
                    &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
                ),
            ),
        );
    });
    rejects(&a, DiagKind::Missing, "statement without actions", Some("PolicyDocument.Statement.0"));
}

#[test]
fn a_statement_with_a_malformed_action() {
    let a = app(|s| {
        s.add(
            "Policy",
            CfnResource::new("AWS::IAM::ManagedPolicy").property(
                "PolicyDocument",
                Token::from_json(&json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "GetObject"], "Resource": "*"}
                ]})),
            ),
        );
    });
    let errors = rejects(&a, DiagKind::Invalid, "malformed action", Some("PolicyDocument.Statement.0.Action"));
    assert_eq!(errors.iter().filter(|d| d.problem == "malformed action").count(), 1, "s3:GetObject is fine");
}

#[test]
fn a_misspelled_resource_type_of_a_covered_service() {
    let a = app(|s| {
        s.add("Topic", CfnResource::new("AWS::SNS::Topc"));
    });
    let errors = rejects(&a, DiagKind::Unknown, "unknown resource type", Some("Type"));
    assert!(errors.iter().any(|d| d.allowed.as_deref().is_some_and(|x| x.contains("did you mean AWS::SNS::Topic?"))));
}

#[test]
fn a_known_type_without_its_required_properties() {
    let a = app(|s| {
        s.add("Table", CfnResource::new("AWS::DynamoDB::Table"));
    });
    rejects(&a, DiagKind::Missing, "required property missing", Some("KeySchema"));
}

#[test]
fn a_generic_resource_with_a_bad_property_value() {
    let a = app(|s| {
        s.add("Logs", CfnResource::new("AWS::Logs::LogGroup").property("RetentionInDays", 42));
    });
    rejects(&a, DiagKind::NotAllowedValue, "not an allowed value", Some("RetentionInDays"));
}

#[test]
fn more_datapoints_than_evaluation_periods() {
    let a = app(|s| {
        let m = Metric::new("AWS/Lambda", "Errors");
        Alarm::new("Errors", m).greater_than(1.0).evaluation_periods(2).datapoints_to_alarm(3).add_to(s);
    });
    rejects(&a, DiagKind::Invalid, "more datapoints to alarm than evaluation periods", Some("DatapointsToAlarm"));
}
