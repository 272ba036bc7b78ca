//! CloudWatch Logs: log group defaults, grants, metrics, query definitions
//! and metric filters.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::logs::{LogGroup, LogGroupRef, MetricFilter, QueryDefinition, QueryLanguage, Retention, Unit};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(app: &App) -> Value {
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(app: &App) -> Vec<Diagnostic> {
    app.synth().expect_err("synthesis fails").diagnostics
}

fn app_logs(stack: &mut Stack) -> LogGroupRef {
    LogGroup::new("AppLogs", Retention::OneMonth).add_to(stack)
}

#[test]
fn log_group_keeps_its_retention_and_defers_its_key_to_the_hardened_profile_by_default() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("p"));
    app_logs(s);
    let t = template(&app);
    let r = &t["Resources"]["AppLogs"];
    assert_eq!(r["Properties"]["RetentionInDays"], 30);
    assert!(r["Properties"].get("KmsKeyId").is_none(), "no key under the default profile");
    assert!(t["Resources"].get("LogsKey").is_none());
    let skip = &r["Metadata"]["checkov"]["skip"][0];
    assert_eq!(skip["id"], "CKV_AWS_158");
    let reason = skip["comment"].as_str().unwrap();
    assert!(reason.starts_with("default security profile:"), "{reason}");
    assert!(reason.contains("Conventions::hardened()"), "{reason}");
}

#[test]
fn log_groups_share_the_stack_logs_key_under_the_hardened_profile() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("p").hardened());
    app_logs(s);
    LogGroup::new("OtherLogs", Retention::OneWeek).add_to(s);
    let t = template(&app);
    let p = &t["Resources"]["AppLogs"]["Properties"];
    assert_eq!(p["RetentionInDays"], 30);
    assert_eq!(p["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
    assert_eq!(t["Resources"]["OtherLogs"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
    let keys = t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::KMS::Key").count();
    assert_eq!(keys, 1, "one shared key per stack");
    let key = &t["Resources"]["LogsKey"]["Properties"];
    assert_eq!(key["EnableKeyRotation"], true);
    assert_eq!(key["KeyPolicy"]["Statement"][1]["Sid"], "AllowCloudWatchLogs");
    assert!(t["Resources"]["AppLogs"].get("Metadata").is_none(), "nothing to acknowledge when hardened");
}

#[test]
fn a_key_named_logs_key_is_not_taken_for_the_stack_logs_key() {
    // The shared key is a typed stack fact: a program's own construct named
    // `LogsKey` is neither found by id nor silently shared.
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("p").hardened());
    cfnkit_constructs::kms::Key::new("MyKey").allow_cloudwatch_logs().add_to(s);
    app_logs(s);
    let t = template(&app);
    assert_eq!(t["Resources"]["AppLogs"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
}

#[test]
fn a_program_key_can_be_made_the_stack_logs_key() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("p").hardened());
    let key = cfnkit_constructs::kms::Key::new("SharedKey").allow_cloudwatch_logs().add_to(s);
    cfnkit_constructs::logs::use_stack_logs_key(s, key);
    app_logs(s);
    let t = template(&app);
    assert_eq!(t["Resources"]["AppLogs"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["SharedKey", "Arn"]}));
    assert!(t["Resources"].get("LogsKey").is_none());
}

#[test]
fn log_group_can_have_a_dedicated_key() {
    let mut app = App::new();
    LogGroup::new("AppLogs", Retention::OneMonth).dedicated_encryption_key().add_to(app.stack("s"));
    let t = template(&app);
    assert_eq!(t["Resources"]["AppLogs"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["AppLogsKey", "Arn"]}));
    assert!(t["Resources"].get("LogsKey").is_none());
}

#[test]
fn log_group_and_its_key_follow_the_removal_conventions() {
    let mut app = App::new();
    app_logs(app.stack("s").conventions(Conventions::tap("p").hardened()));
    let t = template(&app);
    assert_eq!(t["Resources"]["AppLogs"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["LogsKey"]["DeletionPolicy"], "Delete");
}

#[test]
fn log_group_uses_a_given_key_instead_of_its_own() {
    let mut app = App::new();
    LogGroup::new("L", Retention::OneWeek)
        .encryption_key("arn:aws:kms:us-east-1:111122223333:key/k")
        .add_to(app.stack("s"));
    let t = template(&app);
    assert_eq!(t["Resources"]["L"]["Properties"]["KmsKeyId"], "arn:aws:kms:us-east-1:111122223333:key/k");
    assert!(t["Resources"].get("LKey").is_none());
}

#[test]
fn log_group_with_service_managed_encryption_acknowledges_checkov_with_the_reason() {
    let mut app = App::new();
    LogGroup::new("L", Retention::OneWeek)
        .service_managed_encryption("holds only public request counts")
        .add_to(app.stack("s"));
    let t = template(&app);
    assert!(t["Resources"]["L"]["Properties"].get("KmsKeyId").is_none());
    assert_eq!(
        t["Resources"]["L"]["Metadata"]["checkov"]["skip"][0],
        json!({"id": "CKV_AWS_158", "comment": "holds only public request counts"})
    );
}

#[test]
fn log_group_infinite_retention_writes_no_retention() {
    let mut app = App::new();
    LogGroup::new("L", Retention::Infinite).add_to(app.stack("s"));
    assert!(template(&app)["Resources"]["L"]["Properties"].get("RetentionInDays").is_none());
}

#[test]
fn log_group_reports_an_invalid_name() {
    let mut app = App::new();
    LogGroup::new("L", Retention::OneWeek).name("bad name!").add_to(app.stack("s"));
    assert!(errors(&app).iter().any(|d| d.problem == "invalid log group name"));
}

#[test]
fn log_group_grant_write_allows_creating_streams_and_putting_events_on_this_group_only() {
    let mut app = App::new();
    let stack = app.stack("s");
    let lg = app_logs(stack);
    let role = Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack);
    lg.grant_write(stack, &role);
    let s = &template(&app)["Resources"]["WorkerDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(s["Action"], json!(["logs:CreateLogStream", "logs:PutLogEvents"]));
    assert_eq!(s["Resource"], json!({"Fn::GetAtt": ["AppLogs", "Arn"]}));
}

#[test]
fn log_group_metrics_use_the_real_metric_names() {
    let mut app = App::new();
    let lg = app_logs(app.stack("s"));
    let events = lg.metric_incoming_log_events();
    assert_eq!((events.namespace(), events.name()), ("AWS/Logs", "IncomingLogEvents"));
    assert_eq!(events.dimensions()[0].0, "LogGroupName");
    assert_eq!(lg.metric_incoming_bytes().name(), "IncomingBytes");
    assert_eq!(lg.metric_incoming_bytes().stat(), &Statistic::Sum);
}

#[test]
fn query_definition_names_its_query_and_log_groups() {
    let mut app = App::new();
    let stack = app.stack("s");
    let lg = app_logs(stack);
    QueryDefinition::new("Errors", "orders/errors", "fields @message | filter level = 'ERROR'")
        .log_group(lg)
        .add_to(stack);
    let p = &template(&app)["Resources"]["Errors"]["Properties"];
    assert_eq!(
        p,
        &json!({
            "LogGroupNames": [{"Ref": "AppLogs"}],
            "Name": "orders/errors",
            "QueryString": "fields @message | filter level = 'ERROR'"
        })
    );
}

#[test]
fn query_definition_writes_a_language_other_than_logs_insights() {
    let mut app = App::new();
    QueryDefinition::new("Q", "q", "SELECT 1").language(QueryLanguage::Sql).add_to(app.stack("s"));
    assert_eq!(template(&app)["Resources"]["Q"]["Properties"]["QueryLanguage"], "SQL");
}

#[test]
fn query_definition_reports_an_empty_query_and_a_long_name() {
    let mut app = App::new();
    QueryDefinition::new("Q", "n".repeat(256), " ").add_to(app.stack("s"));
    let e = errors(&app);
    assert!(e.iter().any(|d| d.problem == "query string empty or too long"));
    assert!(e.iter().any(|d| d.problem == "query name length out of range"));
}

#[test]
fn metric_filter_publishes_one_per_match_and_gives_the_metric_for_alarms() {
    let mut app = App::new();
    let stack = app.stack("s");
    let lg = app_logs(stack);
    let f = MetricFilter::new("ErrorCount", lg, "ERROR", "Orders", "Errors")
        .default_value(0.0)
        .unit(Unit::Count)
        .add_to(stack);
    let p = &template(&app)["Resources"]["ErrorCount"]["Properties"];
    assert_eq!(p["FilterPattern"], "ERROR");
    assert_eq!(p["LogGroupName"], json!({"Ref": "AppLogs"}));
    assert_eq!(
        p["MetricTransformations"],
        json!([{
            "DefaultValue": 0, "MetricName": "Errors", "MetricNamespace": "Orders", "MetricValue": "1", "Unit": "Count"
        }])
    );
    let m = f.metric();
    assert_eq!((m.namespace(), m.name(), m.stat()), ("Orders", "Errors", &Statistic::Sum));
}

#[test]
fn metric_filter_takes_values_and_dimensions_from_fields() {
    let mut app = App::new();
    let stack = app.stack("s");
    let lg = app_logs(stack);
    MetricFilter::new("Latency", lg, "{ $.latency = * }", "Orders", "Latency")
        .value("$.latency")
        .dimension("Operation", "$.op")
        .add_to(stack);
    let t = &template(&app)["Resources"]["Latency"]["Properties"]["MetricTransformations"][0];
    assert_eq!(t["MetricValue"], "$.latency");
    assert_eq!(t["Dimensions"], json!([{"Key": "Operation", "Value": "$.op"}]));
}

#[test]
fn metric_filter_reports_every_invalid_setting() {
    let mut app = App::new();
    let stack = app.stack("s");
    let lg = app_logs(stack);
    MetricFilter::new("F", lg, "x", "AWS/Lambda", "a:b")
        .value("lots")
        .default_value(0.0)
        .dimension("A", "$.a")
        .dimension("B", "$.b")
        .dimension("C", "$.c")
        .dimension("D", "$.d")
        .add_to(stack);
    let e = errors(&app);
    for p in [
        "metric namespace reserved by AWS",
        "invalid metric name",
        "invalid metric value",
        "too many dimensions",
        "a default value cannot be set on a metric with dimensions",
    ] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}
