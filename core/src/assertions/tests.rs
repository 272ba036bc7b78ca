use serde_json::json;

use super::{Match, Template};

fn t() -> Template {
    Template::from_json(json!({
        "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"}},
        "Resources": {
            "A": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 300, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
                "RedrivePolicy": {"maxReceiveCount": 3, "deadLetterTargetArn": "x"}, "Policy": "{\"Version\":\"2012-10-17\"}"},
                "DeletionPolicy": "Delete"},
            "B": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}
        },
        "Outputs": {"QueueUrl": {"Value": {"Ref": "A"}, "Description": "d"}}
    }))
}

#[test]
fn object_like_matches_deeply_and_partially() {
    t().has_resource_properties("AWS::SQS::Queue", json!({"RedrivePolicy": {"maxReceiveCount": 3}}));
    t().has_resource("AWS::SQS::Queue", json!({"DeletionPolicy": "Delete"}));
    t().resource_count_is("AWS::SQS::Queue", 2);
    assert_eq!(t().find_resources("AWS::SQS::Queue", json!({"Properties": {"VisibilityTimeout": 30}})).len(), 1);
}

#[test]
fn matchers_cover_arrays_absence_regexps_and_serialized_json() {
    let q = "AWS::SQS::Queue";
    t().has_resource_properties(q, Match::obj([("Tags", Match::array_with(vec![json!({"Key": "b"}).into()]))]));
    t().has_resource_properties(
        q,
        Match::obj([("Missing", Match::absent()), ("VisibilityTimeout", Match::any_value())]),
    );
    t().has_resource_properties(
        q,
        Match::obj([("Policy", Match::serialized_json(Match::obj([("Version", Match::string_like_regexp("^2012"))])))]),
    );
    t().has_resource_properties(q, Match::obj([("VisibilityTimeout", Match::not(json!(5)))]));
    t().has_resource_properties(q, Match::obj([("Policy", Match::serialized_json(json!({"Version": "2012-10-17"})))]));
    t().has_output("QueueUrl", json!({"Value": {"Ref": "A"}}));
    t().has_parameter("EnvironmentSuffix", json!({"Default": "dev"}));
}

#[test]
fn exact_and_object_equals_reject_extra_keys() {
    let m = Match::object_equals(json!({"a": 1}));
    assert_eq!(m.test(Some(&json!({"a": 1, "b": 2}))).len(), 1);
    assert!(Match::exact(json!([1, 2])).test(Some(&json!([1, 2]))).is_empty());
    assert_eq!(Match::exact(json!({"a": 1})).test(Some(&json!({"a": 1, "b": 1}))).len(), 1);
}

#[test]
fn failures_name_the_closest_candidate_and_where_it_differs() {
    let r =
        std::panic::catch_unwind(|| t().has_resource_properties("AWS::SQS::Queue", json!({"VisibilityTimeout": 301})));
    let msg = *r.unwrap_err().downcast::<String>().unwrap();
    assert!(msg.contains("Template has 2 resources with type AWS::SQS::Queue, but none match as expected"), "{msg}");
    assert!(msg.contains("at /Properties/VisibilityTimeout: expected 301, found 300"), "{msg}");
}

#[test]
fn array_with_keeps_order() {
    let m = Match::array_with(vec![json!(2).into(), json!(1).into()]);
    assert_eq!(m.test(Some(&json!([1, 2]))).len(), 1);
    assert!(Match::array_with(vec![json!(1).into(), json!(3).into()]).test(Some(&json!([1, 2, 3]))).is_empty());
}
