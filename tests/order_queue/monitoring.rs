//! The alarms and the dashboard.

use cfnkit::assertions::Match;
use serde_json::{json, Value};

use super::helpers::{function_timeout_seconds, get_att, r#ref, resource, template};

// ---------------------------------------------------------------------------
// Alarms: function errors, DLQ messages visible (>= 1), duration near the
// timeout; all to an SNS topic.

#[test]
fn an_alarm_fires_on_any_function_error() {
    let t = template();
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": r#ref("OrderProcessor")}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn an_alarm_fires_when_one_message_is_visible_in_the_dead_letter_queue() {
    let t = template();
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": get_att("OrderDlq", "QueueName")}],
            "Statistic": "Maximum",
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn an_alarm_fires_when_the_duration_nears_the_timeout() {
    let t = template();
    let near_timeout_ms = function_timeout_seconds(&t) * 1000 * 8 / 10;
    assert_eq!(near_timeout_ms, 24_000, "decision: 80% of the timeout");
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/Lambda",
            "MetricName": "Duration",
            "Dimensions": [{"Name": "FunctionName", "Value": r#ref("OrderProcessor")}],
            "Statistic": "Maximum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": near_timeout_ms,
            "TreatMissingData": "notBreaching"
        }),
    );
}

#[test]
fn every_alarm_notifies_the_alert_topic() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Alarm", 3);
    t.resource_count_is("AWS::SNS::Topic", 1);
    t.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        Match::obj([
            ("AlarmActions", json!([r#ref("AlertTopic")]).into()),
            ("AlarmDescription", Match::string_like_regexp(r"^\S")),
        ]),
    );
}

// ---------------------------------------------------------------------------
// Dashboard: queue depth and age, DLQ depth, function invocations / errors /
// duration, table consumed capacity.

fn widget(title: &str, metrics: Value) -> Match {
    json!({"type": "metric", "properties": {"title": title, "region": "${AWS::Region}", "metrics": metrics}}).into()
}

#[test]
fn the_dashboard_shows_queue_dlq_function_and_table_metrics() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Dashboard", 1);
    let stat = |s: &str| json!({"stat": s, "period": 300});
    let widgets = Match::array_with(vec![
        widget(
            "Queue depth",
            json!([[
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                "${OrderQueue.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "Age of oldest message (s)",
            json!([[
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "QueueName",
                "${OrderQueue.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "DLQ depth",
            json!([[
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                "${OrderDlq.QueueName}",
                stat("Maximum")
            ]]),
        ),
        widget(
            "Invocations and errors",
            json!([
                ["AWS/Lambda", "Invocations", "FunctionName", "${OrderProcessor}", stat("Sum")],
                ["AWS/Lambda", "Errors", "FunctionName", "${OrderProcessor}", stat("Sum")]
            ]),
        ),
        widget(
            "Duration (ms)",
            json!([["AWS/Lambda", "Duration", "FunctionName", "${OrderProcessor}", stat("Average")]]),
        ),
        widget(
            "Table consumed capacity",
            json!([
                ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "${OrderStatusTable}", stat("Sum")],
                ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", "${OrderStatusTable}", stat("Sum")]
            ]),
        ),
    ]);
    t.has_resource_properties(
        "AWS::CloudWatch::Dashboard",
        Match::obj([(
            "DashboardBody",
            Match::obj([("Fn::Sub", Match::serialized_json(Match::obj([("widgets", widgets)])))]),
        )]),
    );
    // Every widget names the region through the pseudo parameter, and none overlaps the 24-column grid.
    let body = resource(&t, "Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"].as_str().unwrap();
    let parsed: Value = serde_json::from_str(body).unwrap();
    for w in parsed["widgets"].as_array().unwrap() {
        assert_eq!(w["properties"]["region"], "${AWS::Region}", "{w}");
        assert!(w["x"].as_u64().unwrap() + w["width"].as_u64().unwrap() <= 24, "{w}");
    }
}
