//! The dashboard and the alarms.

use cfnkit::assertions::Match;
use serde_json::{json, Value};

use super::helpers::{reference_to, suffixed, template, FUNCTIONS};

// ---------------------------------------------------------------------------
// Dashboard

fn widget(title: &str, metrics: &Value) -> Value {
    json!({"type": "metric", "properties": {"title": title, "region": "${AWS::Region}", "metrics": metrics}})
}

#[test]
fn dashboard_has_the_four_specified_widgets() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Dashboard", 1);
    let sum = json!({"stat": "Sum", "period": 300});
    let sum_right = json!({"stat": "Sum", "period": 300, "yAxis": "right"});
    let max = json!({"stat": "Maximum", "period": 300});
    let api = ["ApiName", "payment-api-${EnvironmentSuffix}", "Stage", "prod"];
    let lambda =
        |metric: &str, f: &str, opts: &Value| json!(["AWS/Lambda", metric, "FunctionName", format!("${{{f}}}"), opts]);
    let widgets = json!([
        widget(
            "API requests and 5XX errors",
            &json!([
                ["AWS/ApiGateway", "Count", api[0], api[1], api[2], api[3], sum],
                ["AWS/ApiGateway", "5XXError", api[0], api[1], api[2], api[3], sum_right]
            ])
        ),
        widget(
            "Function invocations and errors",
            &Value::Array(
                ["Invocations", "Errors"]
                    .iter()
                    .flat_map(|m| {
                        let opts = if *m == "Errors" { &sum_right } else { &sum };
                        FUNCTIONS.map(|f| lambda(m, f, opts))
                    })
                    .collect()
            )
        ),
        widget(
            "Table consumed capacity",
            &json!([
                ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "${PaymentsTable}", sum],
                ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", "${PaymentsTable}", sum]
            ])
        ),
        widget(
            "Queue and DLQ depth",
            &json!([
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${PaymentQueue.QueueName}", max],
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${PaymentDlq.QueueName}", max]
            ])
        )
    ]);
    t.has_resource_properties(
        "AWS::CloudWatch::Dashboard",
        Match::obj([
            ("DashboardName", suffixed("payment-dr").into()),
            (
                "DashboardBody",
                Match::obj([("Fn::Sub", Match::serialized_json(Match::obj([("widgets", Match::from(widgets))])))]),
            ),
        ]),
    );
}

// ---------------------------------------------------------------------------
// Alarms

fn alarm(metric: &str, namespace: &str, threshold: u32, dimensions: &Value) -> Value {
    json!({
        "MetricName": metric,
        "Namespace": namespace,
        "Dimensions": dimensions,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "EvaluationPeriods": 1,
        "Period": 300,
        "AlarmActions": [reference_to("OpsAlertsTopic")]
    })
}

#[test]
fn there_are_six_alarms_all_acting_on_the_ops_topic() {
    let t = template();
    t.resource_count_is("AWS::CloudWatch::Alarm", 6);
    t.all_resources_properties(
        "AWS::CloudWatch::Alarm",
        json!({"AlarmActions": [reference_to("OpsAlertsTopic")], "TreatMissingData": "notBreaching"}),
    );
}

#[test]
fn api_5xx_alarm_fires_at_10_errors() {
    let t = template();
    let dims = json!([{"Name": "ApiName", "Value": suffixed("payment-api")}, {"Name": "Stage", "Value": "prod"}]);
    let mut a = alarm("5XXError", "AWS/ApiGateway", 10, &dims);
    a["AlarmName"] = suffixed("payment-api-5xx");
    a["Statistic"] = json!("Sum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}

#[test]
fn each_function_has_an_errors_alarm_at_5() {
    let t = template();
    for f in FUNCTIONS {
        let mut a = alarm("Errors", "AWS/Lambda", 5, &json!([{"Name": "FunctionName", "Value": reference_to(f)}]));
        a["Statistic"] = json!("Sum");
        t.has_resource_properties("AWS::CloudWatch::Alarm", a);
    }
}

#[test]
fn table_throttles_alarm_fires_at_10() {
    let t = template();
    let dims = json!([{"Name": "TableName", "Value": reference_to("PaymentsTable")}, {"Name": "Operation", "Value": "PutItem"}]);
    let mut a = alarm("ThrottledRequests", "AWS/DynamoDB", 10, &dims);
    a["AlarmName"] = suffixed("payments-table-throttles");
    a["Statistic"] = json!("Sum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}

#[test]
fn dlq_alarm_fires_at_1_visible_message() {
    let t = template();
    let dims = json!([{"Name": "QueueName", "Value": {"Fn::GetAtt": ["PaymentDlq", "QueueName"]}}]);
    let mut a = alarm("ApproximateNumberOfMessagesVisible", "AWS/SQS", 1, &dims);
    a["AlarmName"] = suffixed("payment-dlq-messages");
    a["Statistic"] = json!("Maximum");
    t.has_resource_properties("AWS::CloudWatch::Alarm", a);
}
