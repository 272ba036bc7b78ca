//! Dashboards, composite alarms and alarm region checks, through synthesis.

use cfnkit_constructs::cloudwatch::{
    Alarm, AlarmRef, AlarmRule, AlarmStatusWidget, CompositeAlarm, Dashboard, GraphWidget, MathExpression, Metric,
    SingleValueWidget, Statistic, TextWidget,
};
use cfnkit_constructs::sns::Topic;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, Severity};
use cfnkit_core::fns;
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    let out = app.synth().unwrap_or_else(|e| panic!("synthesis failed: {e}"));
    out.stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    match app.synth() {
        Ok(_) => panic!("synthesis succeeded; expected errors"),
        Err(e) => e.diagnostics,
    }
}

fn has_error(diags: &[Diagnostic], problem: &str) -> bool {
    diags.iter().any(|d| d.problem.contains(problem))
}

/// The dashboard body as (Sub text, variables).
fn body(t: &Value) -> String {
    let b = &t["Resources"]["Dash"]["Properties"]["DashboardBody"];
    match b.get("Fn::Sub") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => panic!("Fn::Sub with variables: {other}"),
        None => b.as_str().map_or_else(|| panic!("body is neither Sub nor string: {b}"), str::to_string),
    }
}

/// The widgets, parsed from the body after replacing placeholders with
/// their names, so the JSON can be inspected.
fn widgets(t: &Value) -> Vec<Value> {
    let text = body(t).replace("${!", "${");
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"));
    parsed["widgets"].as_array().cloned().unwrap_or_default()
}

fn lambda_errors() -> Metric {
    Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", "audit").statistic(Statistic::Sum)
}

fn lambda_invocations() -> Metric {
    Metric::new("AWS/Lambda", "Invocations").dimension("FunctionName", "audit").statistic(Statistic::Sum)
}

fn alarm(stack: &mut Stack, id: &str) -> AlarmRef {
    Alarm::new(id, lambda_errors()).greater_or_equal(1.0).add_to(stack)
}

// ---------------------------------------------------------------- dashboard

#[test]
fn dashboard_body_is_one_sub_with_region_and_references_inlined() {
    let t = template(|s| {
        let table = s.add("Thing", cfnkit_core::resource::CfnResource::new("AWS::SNS::Topic"));
        let m = Metric::new("AWS/SNS", "NumberOfMessagesPublished").dimension("TopicName", table.get_att("TopicName"));
        Dashboard::new("Dash").widget(GraphWidget::new("Published").left(m)).add_to(s);
    });
    let text = body(&t);
    assert!(text.contains(r#""region":"${AWS::Region}""#), "{text}");
    assert!(text.contains(r#""TopicName","${Thing.TopicName}""#), "{text}");
}

#[test]
fn dashboard_body_splices_suffixed_names_into_the_same_sub() {
    let t = template(|s| {
        let name = s.suffix().name("orders");
        let m = Metric::new("AWS/DynamoDB", "ConsumedReadCapacityUnits").dimension("TableName", name);
        Dashboard::new("Dash").widget(GraphWidget::new("Reads").left(m)).add_to(s);
    });
    assert!(body(&t).contains(r#""TableName","orders-${EnvironmentSuffix}""#));
}

#[test]
fn dashboard_keeps_other_intrinsics_as_sub_variables() {
    let t = template(|s| {
        let joined = fns::join("-", ["a", "b"]);
        let m = Metric::new("AWS/SNS", "NumberOfMessagesPublished").dimension("TopicName", joined);
        Dashboard::new("Dash").widget(GraphWidget::new("Published").left(m)).add_to(s);
    });
    let sub = &t["Resources"]["Dash"]["Properties"]["DashboardBody"]["Fn::Sub"];
    assert!(sub[0].as_str().unwrap().contains(r#""TopicName","${Value2}""#), "{sub}");
    assert_eq!(sub[1]["Value2"], json!({"Fn::Join": ["-", ["a", "b"]]}));
}

#[test]
fn dashboard_metrics_are_written_with_stat_and_period() {
    let t = template(|s| {
        Dashboard::new("Dash").widget(GraphWidget::new("Errors").left(lambda_errors().label("Errors"))).add_to(s);
    });
    let w = &widgets(&t)[0];
    assert_eq!(w["type"], "metric");
    assert_eq!(w["properties"]["view"], "timeSeries");
    assert_eq!(w["properties"]["title"], "Errors");
    assert_eq!(
        w["properties"]["metrics"],
        json!([["AWS/Lambda", "Errors", "FunctionName", "audit", {"stat": "Sum", "period": 300, "label": "Errors"}]])
    );
}

#[test]
fn dashboard_right_axis_series_say_so() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(GraphWidget::new("Calls").left(lambda_invocations()).right(lambda_errors()))
            .add_to(s);
    });
    let metrics = &widgets(&t)[0]["properties"]["metrics"];
    assert!(metrics[0][4].get("yAxis").is_none());
    assert_eq!(metrics[1][4]["yAxis"], "right");
}

#[test]
fn dashboard_metric_math_hides_the_metrics_it_binds() {
    let t = template(|s| {
        let rate = MathExpression::new("(errors / invocations) * 100")
            .using("errors", lambda_errors())
            .using("invocations", lambda_invocations())
            .period(Duration::minutes(1))
            .label("Error rate");
        Dashboard::new("Dash").widget(GraphWidget::new("Rate").left(rate)).add_to(s);
    });
    let metrics = &widgets(&t)[0]["properties"]["metrics"];
    assert_eq!(
        metrics[0],
        json!([{"expression": "(errors / invocations) * 100", "label": "Error rate", "id": "expr1"}])
    );
    assert_eq!(
        metrics[1],
        json!(["AWS/Lambda", "Errors", "FunctionName", "audit", {"stat": "Sum", "period": 60, "id": "errors", "visible": false}])
    );
    assert_eq!(metrics[2][4]["id"], "invocations");
    assert_eq!(metrics[2][4]["visible"], false);
}

#[test]
fn dashboard_expression_ids_avoid_variable_names() {
    let t = template(|s| {
        let e = MathExpression::new("expr1 * 2").using("expr1", lambda_errors());
        Dashboard::new("Dash").widget(GraphWidget::new("Double").left(e)).add_to(s);
    });
    let metrics = &widgets(&t)[0]["properties"]["metrics"];
    assert_eq!(metrics[0][0]["id"], "expr2");
    assert_eq!(metrics[1][4]["id"], "expr1");
}

#[test]
fn dashboard_shares_a_variable_bound_to_the_same_metric_twice_in_one_widget() {
    let t = template(|s| {
        let a = MathExpression::new("errors / invocations")
            .using("errors", lambda_errors())
            .using("invocations", lambda_invocations());
        let b = MathExpression::new("invocations * 2").using("invocations", lambda_invocations());
        Dashboard::new("Dash").widget(GraphWidget::new("Math").left(a).left(b)).add_to(s);
    });
    let metrics = widgets(&t)[0]["properties"]["metrics"].as_array().unwrap().clone();
    // expr1, errors, invocations, expr2 (invocations is not repeated).
    assert_eq!(metrics.len(), 4);
}

#[test]
fn dashboard_reports_a_variable_bound_to_two_metrics_in_one_widget() {
    let d = errors(|s| {
        let a = MathExpression::new("m * 1").using("m", lambda_errors());
        let b = MathExpression::new("m * 2").using("m", lambda_invocations());
        Dashboard::new("Dash").widget(GraphWidget::new("Math").left(a).left(b)).add_to(s);
    });
    assert!(has_error(&d, "bound to two different metrics in one widget"), "{d:?}");
}

#[test]
fn dashboard_reports_an_invalid_metric_math_variable_name() {
    let d = errors(|s| {
        let e = MathExpression::new("Errors * 2").using("Errors", lambda_errors());
        Dashboard::new("Dash").widget(GraphWidget::new("Math").left(e)).add_to(s);
    });
    let e = d.iter().find(|d| d.problem == "invalid metric math variable name").expect("reported");
    assert_eq!(e.path, "test/Dash/Resource");
    assert_eq!(e.property.as_deref(), Some("DashboardBody.widgets.0.metrics"));
}

#[test]
fn dashboard_graph_period_overrides_the_periods_of_its_series() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(GraphWidget::new("Errors").left(lambda_errors()).period(Duration::minutes(1)))
            .add_to(s);
    });
    let w = &widgets(&t)[0]["properties"];
    assert_eq!(w["period"], 60);
    assert_eq!(w["metrics"][0][4]["period"], 60);
}

#[test]
fn dashboard_metric_pinned_to_a_region_is_read_there() {
    let t = template(|s| {
        let m = Metric::new("AWS/Route53", "HealthCheckStatus").region("us-east-1").statistic(Statistic::Minimum);
        Dashboard::new("Dash").widget(SingleValueWidget::new("Health").metric(m).sparkline()).add_to(s);
    });
    let w = &widgets(&t)[0]["properties"];
    assert_eq!(w["view"], "singleValue");
    assert_eq!(w["sparkline"], true);
    assert_eq!(w["region"], "${AWS::Region}");
    assert_eq!(w["metrics"][0][2]["region"], "us-east-1");
    // The literal region is deliberate: said so for `cfnkit lint`'s conv-hardcoded-region.
    let why = t["Resources"]["Dash"]["Metadata"]["cfnkit:acknowledgements"]["conv-hardcoded-region"].as_str();
    assert!(why.is_some_and(|w| w.contains("us-east-1")), "{}", t["Resources"]["Dash"]);
}

#[test]
fn dashboard_without_pinned_metrics_acknowledges_nothing() {
    let t = template(|s| {
        Dashboard::new("Dash").widget(GraphWidget::new("Errors").left(lambda_errors())).add_to(s);
    });
    assert!(t["Resources"]["Dash"]["Metadata"].is_null(), "{}", t["Resources"]["Dash"]);
}

#[test]
fn dashboard_widgets_flow_left_to_right_and_wrap_at_column_24() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(GraphWidget::new("A").left(lambda_errors()).width(12).height(4))
            .widget(GraphWidget::new("B").left(lambda_errors()).width(8).height(6))
            .widget(GraphWidget::new("C").left(lambda_errors()).width(8))
            .add_to(s);
    });
    let w = widgets(&t);
    let at: Vec<(i64, i64)> = w.iter().map(|w| (w["x"].as_i64().unwrap(), w["y"].as_i64().unwrap())).collect();
    assert_eq!(at, [(0, 0), (12, 0), (0, 6)]);
}

#[test]
fn dashboard_row_starts_a_new_line() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(TextWidget::new("# Title").width(6))
            .row([GraphWidget::new("A").left(lambda_errors()), GraphWidget::new("B").left(lambda_errors())])
            .add_to(s);
    });
    let w = widgets(&t);
    let at: Vec<(i64, i64)> = w.iter().map(|w| (w["x"].as_i64().unwrap(), w["y"].as_i64().unwrap())).collect();
    assert_eq!(at, [(0, 0), (0, 2), (12, 2)]);
}

#[test]
fn dashboard_default_sizes_are_graph_12x6_value_6x3_text_24x2_alarms_24x3() {
    let t = template(|s| {
        let a = alarm(s, "A");
        Dashboard::new("Dash")
            .widget(GraphWidget::new("G").left(lambda_errors()))
            .widget(SingleValueWidget::new("V").metric(lambda_errors()))
            .widget(TextWidget::new("T"))
            .widget(AlarmStatusWidget::new("S").alarm(a))
            .add_to(s);
    });
    let sizes: Vec<(i64, i64)> =
        widgets(&t).iter().map(|w| (w["width"].as_i64().unwrap(), w["height"].as_i64().unwrap())).collect();
    assert_eq!(sizes, [(12, 6), (6, 3), (24, 2), (24, 3)]);
}

#[test]
fn dashboard_alarm_status_widget_lists_alarms_by_arn() {
    let t = template(|s| {
        let a = alarm(s, "Errors");
        let b = alarm(s, "Throttles");
        Dashboard::new("Dash").widget(AlarmStatusWidget::new("Alarms").alarm(a).alarm(b)).add_to(s);
    });
    let w = &widgets(&t)[0];
    assert_eq!(w["type"], "alarm");
    assert_eq!(w["properties"]["alarms"], json!(["${Errors.Arn}", "${Throttles.Arn}"]));
}

#[test]
fn dashboard_text_is_escaped_for_json_and_for_sub() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(TextWidget::new("say \"hi\" to ${name}"))
            .widget(GraphWidget::new("G").left(lambda_errors()))
            .add_to(s);
    });
    assert!(body(&t).contains(r#"say \"hi\" to ${!name}"#), "{}", body(&t));
    assert_eq!(widgets(&t)[0]["properties"]["markdown"], "say \"hi\" to ${name}");
}

#[test]
fn dashboard_without_deploy_time_values_is_a_plain_string() {
    let t = template(|s| {
        Dashboard::new("Dash").widget(TextWidget::new("costs ${5}")).add_to(s);
    });
    let b = &t["Resources"]["Dash"]["Properties"]["DashboardBody"];
    let text = b.as_str().expect("a plain string");
    assert!(text.contains("costs ${5}"));
    assert!(serde_json::from_str::<Value>(text).is_ok());
}

#[test]
fn dashboard_writes_one_widget_a_line() {
    let t = template(|s| {
        Dashboard::new("Dash")
            .widget(GraphWidget::new("A").left(lambda_errors()))
            .widget(GraphWidget::new("B").left(lambda_errors()))
            .add_to(s);
    });
    let text = body(&t);
    assert!(text.starts_with("{\"widgets\":[\n{\"type\":\"metric\""), "{text}");
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn dashboard_time_range_is_an_iso_8601_duration() {
    let t = template(|s| {
        Dashboard::new("Dash").time_range(Duration::hours(6)).widget(TextWidget::new("x")).add_to(s);
    });
    let b = t["Resources"]["Dash"]["Properties"]["DashboardBody"].as_str().unwrap().to_string();
    assert!(b.starts_with(r#"{"start":"-PT6H","widgets""#), "{b}");
}

#[test]
fn dashboard_name_is_written_as_given() {
    let t = template(|s| {
        let n = s.suffix().name("payment-dr");
        Dashboard::new("Dash").name(n).widget(TextWidget::new("x")).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Dash"]["Properties"]["DashboardName"],
        json!({"Fn::Sub": "payment-dr-${EnvironmentSuffix}"})
    );
}

#[test]
fn dashboard_is_tagged_with_the_stack_conventions() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("testing"));
    Dashboard::new("Dash").widget(TextWidget::new("x")).add_to(s);
    let t = app.synth().unwrap().stacks[0].template.clone();
    let tags = t["Resources"]["Dash"]["Properties"]["Tags"].as_array().unwrap().clone();
    assert!(tags.contains(&json!({"Key": "Purpose", "Value": "testing"})));
}

#[test]
fn dashboard_synthesizes_the_same_bytes_every_time() {
    let build = || {
        let mut app = App::new();
        let s = app.stack("test");
        let a = alarm(s, "A");
        let rate = MathExpression::new("e / i").using("e", lambda_errors()).using("i", lambda_invocations());
        Dashboard::new("Dash")
            .widget(GraphWidget::new("G").left(rate).right(lambda_errors()))
            .widget(AlarmStatusWidget::new("S").alarm(a))
            .add_to(s);
        app.synth().unwrap().stacks[0].json.clone()
    };
    assert_eq!(build(), build());
}

#[test]
fn dashboard_reports_a_widget_width_out_of_range() {
    let d = errors(|s| {
        Dashboard::new("Dash").widget(GraphWidget::new("G").left(lambda_errors()).width(25)).add_to(s);
    });
    let e = d.iter().find(|d| d.problem == "widget width out of range").expect("reported");
    assert_eq!(e.property.as_deref(), Some("DashboardBody.widgets.0.width"));
    assert_eq!(e.value.as_deref(), Some("25"));
}

#[test]
fn dashboard_reports_a_zero_width() {
    let d = errors(|s| {
        Dashboard::new("Dash").widget(TextWidget::new("x").width(0)).add_to(s);
    });
    assert!(has_error(&d, "widget width out of range"));
}

#[test]
fn dashboard_reports_a_widget_height_out_of_range() {
    let d = errors(|s| {
        Dashboard::new("Dash").widget(TextWidget::new("x").height(1001)).add_to(s);
    });
    assert!(has_error(&d, "widget height out of range"));
}

#[test]
fn dashboard_reports_more_than_500_widgets() {
    let d = errors(|s| {
        let mut dash = Dashboard::new("Dash");
        for i in 0..501 {
            dash = dash.widget(TextWidget::new(&format!("{i}")).width(1).height(1));
        }
        dash.add_to(s);
    });
    let e = d.iter().find(|d| d.problem == "too many widgets").expect("reported");
    assert_eq!(e.value.as_deref(), Some("501"));
}

#[test]
fn dashboard_reports_more_than_500_metrics_in_one_widget() {
    let d = errors(|s| {
        let mut g = GraphWidget::new("Many");
        for i in 0..501 {
            g = g.left(Metric::new("Custom", &format!("M{i}")));
        }
        Dashboard::new("Dash").widget(g).add_to(s);
    });
    assert!(has_error(&d, "too many metrics in one widget"));
}

#[test]
fn dashboard_reports_an_invalid_name() {
    let d = errors(|s| {
        Dashboard::new("Dash").name("ops dashboard").widget(TextWidget::new("x")).add_to(s);
    });
    assert!(has_error(&d, "invalid dashboard name"));
}

#[test]
fn dashboard_reports_an_empty_graph_and_an_empty_alarm_status() {
    let d = errors(|s| {
        Dashboard::new("Dash").widget(GraphWidget::new("G")).widget(AlarmStatusWidget::new("S")).add_to(s);
    });
    assert!(has_error(&d, "graph widget shows nothing"));
    assert!(has_error(&d, "alarm status widget shows no alarm"));
}

// ------------------------------------------------------------ composite alarm

#[test]
fn composite_alarm_rule_references_alarms_by_arn() {
    let t = template(|s| {
        let a = alarm(s, "Errors");
        let b = alarm(s, "Latency");
        CompositeAlarm::new("Down", AlarmRule::any_of([a, b])).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Down"]["Properties"]["AlarmRule"],
        json!({"Fn::Sub": "ALARM(\"${Errors.Arn}\") OR ALARM(\"${Latency.Arn}\")"})
    );
}

#[test]
fn composite_alarm_rule_parenthesizes_nested_combinations() {
    let t = template(|s| {
        let a = alarm(s, "A");
        let b = alarm(s, "B");
        let c = alarm(s, "C");
        let rule = AlarmRule::all_of([AlarmRule::any_of([a, b]), AlarmRule::not(AlarmRule::any_of([c, a]))]);
        CompositeAlarm::new("Down", rule).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Down"]["Properties"]["AlarmRule"]["Fn::Sub"],
        "(ALARM(\"${A.Arn}\") OR ALARM(\"${B.Arn}\")) AND NOT (ALARM(\"${C.Arn}\") OR ALARM(\"${A.Arn}\"))"
    );
}

#[test]
fn composite_alarm_rule_tests_ok_and_insufficient_data() {
    let t = template(|s| {
        let a = alarm(s, "A");
        let b = alarm(s, "B");
        CompositeAlarm::new("Down", AlarmRule::all_of([AlarmRule::ok(a), AlarmRule::insufficient_data(b)])).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Down"]["Properties"]["AlarmRule"]["Fn::Sub"],
        "OK(\"${A.Arn}\") AND INSUFFICIENT_DATA(\"${B.Arn}\")"
    );
}

#[test]
fn composite_alarm_can_watch_another_composite_alarm() {
    let t = template(|s| {
        let a = alarm(s, "A");
        let inner = CompositeAlarm::new("Inner", AlarmRule::alarm(a)).add_to(s);
        CompositeAlarm::new("Outer", AlarmRule::not(inner)).add_to(s);
    });
    assert_eq!(t["Resources"]["Outer"]["Properties"]["AlarmRule"]["Fn::Sub"], "NOT ALARM(\"${Inner.Arn}\")");
}

#[test]
fn composite_alarm_notifies_its_topics() {
    let t = template(|s| {
        let topic = Topic::new("Ops").add_to(s);
        let a = alarm(s, "A");
        CompositeAlarm::new("Down", AlarmRule::alarm(a)).action(topic).notify_on_ok().add_to(s);
    });
    let p = &t["Resources"]["Down"]["Properties"];
    assert_eq!(p["AlarmActions"], json!([{"Ref": "Ops"}]));
    assert_eq!(p["OKActions"], json!([{"Ref": "Ops"}]));
}

#[test]
fn composite_alarm_name_and_description_are_written() {
    let t = template(|s| {
        let name = s.suffix().name("service-down");
        let a = alarm(s, "A");
        CompositeAlarm::new("Down", AlarmRule::alarm(a)).name(name).description("Service is down").add_to(s);
    });
    let p = &t["Resources"]["Down"]["Properties"];
    assert_eq!(p["AlarmName"], json!({"Fn::Sub": "service-down-${EnvironmentSuffix}"}));
    assert_eq!(p["AlarmDescription"], "Service is down");
}

#[test]
fn composite_alarm_can_be_suppressed_by_another_alarm() {
    let t = template(|s| {
        let a = alarm(s, "A");
        let maintenance = alarm(s, "Maintenance");
        CompositeAlarm::new("Down", AlarmRule::alarm(a))
            .suppressed_by(maintenance, Duration::minutes(2), Duration::minutes(10))
            .add_to(s);
    });
    let p = &t["Resources"]["Down"]["Properties"];
    assert_eq!(p["ActionsSuppressor"], json!({"Fn::GetAtt": ["Maintenance", "Arn"]}));
    assert_eq!(p["ActionsSuppressorWaitPeriod"], 120);
    assert_eq!(p["ActionsSuppressorExtensionPeriod"], 600);
}

#[test]
fn composite_alarm_reports_an_empty_combination() {
    let d = errors(|s| {
        CompositeAlarm::new("Down", AlarmRule::any_of(Vec::<AlarmRule>::new())).add_to(s);
    });
    let e = d.iter().find(|d| d.problem == "alarm rule combines no rule").expect("reported");
    assert_eq!(e.path, "test/Down/Resource");
}

#[test]
fn composite_alarm_reports_more_than_100_alarms() {
    let d = errors(|s| {
        let alarms: Vec<AlarmRef> = (0..101).map(|i| alarm(s, &format!("A{i}"))).collect();
        CompositeAlarm::new("Down", AlarmRule::any_of(alarms)).add_to(s);
    });
    assert!(has_error(&d, "alarm rule references too many alarms"));
}

#[test]
fn composite_alarm_reports_more_than_5_actions() {
    let d = errors(|s| {
        let a = alarm(s, "A");
        let mut c = CompositeAlarm::new("Down", AlarmRule::alarm(a));
        for i in 0..6 {
            c = c.action(Topic::new(&format!("T{i}")).add_to(s));
        }
        c.add_to(s);
    });
    assert!(has_error(&d, "too many alarm actions"));
}

#[test]
fn composite_alarm_reports_a_suppressor_that_is_part_of_the_rule() {
    let d = errors(|s| {
        let a = alarm(s, "A");
        CompositeAlarm::new("Down", AlarmRule::alarm(a))
            .suppressed_by(a, Duration::minutes(1), Duration::minutes(1))
            .add_to(s);
    });
    assert!(has_error(&d, "cannot also suppress it"));
}

// ------------------------------------------------------------ alarm regions

#[test]
fn alarm_on_a_metric_published_in_another_region_is_an_error() {
    let d = errors(|s| {
        s.region("eu-west-1");
        let m = Metric::new("AWS/Route53", "HealthCheckStatus").region("us-east-1");
        Alarm::new("Health", m).less_than(1.0).add_to(s);
    });
    let e = d.iter().find(|d| d.problem.contains("published only in us-east-1")).expect("reported");
    assert_eq!(e.severity, Severity::Error);
}

#[test]
fn alarm_on_a_pinned_metric_in_a_stack_without_region_is_a_warning() {
    let mut app = App::new();
    let s = app.stack("test");
    Alarm::new("Health", Metric::new("AWS/Route53", "HealthCheckStatus").region("us-east-1")).less_than(1.0).add_to(s);
    let out = app.synth().expect("a warning only");
    assert!(out.warnings.iter().any(|w| w.problem.contains("published only in us-east-1")));
}

#[test]
fn alarm_on_a_pinned_metric_in_its_region_is_fine() {
    let mut app = App::new();
    let s = app.stack("test");
    s.region("us-east-1");
    Alarm::new("Health", Metric::new("AWS/Route53", "HealthCheckStatus").region("us-east-1")).less_than(1.0).add_to(s);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty());
}

#[test]
fn alarm_stays_a_metric_alarm_on_the_stack_region_by_default() {
    let t = template(|s| {
        Alarm::new("Errors", lambda_errors()).greater_or_equal(1.0).add_to(s);
    });
    assert_eq!(t["Resources"]["Errors"]["Properties"]["Namespace"], "AWS/Lambda");
}

#[test]
fn alarm_notifying_a_topic_with_the_aws_managed_key_warns_that_cloudwatch_cannot_publish() {
    use cfnkit_constructs::kms::Key as KmsKey;
    let mut app = App::new();
    let s = app.stack("s");
    let plain = Topic::new("Plain").add_to(s);
    let key = KmsKey::new("K").allow_alarm_notifications().add_to(s);
    let keyed = Topic::new("Keyed").encryption(key).add_to(s);
    let m = cfnkit_constructs::cloudwatch::Metric::new("AWS/Lambda", "Errors");
    Alarm::new("A", m.clone()).action(plain).add_to(s);
    Alarm::new("B", m).action(keyed).add_to(s);
    let out = app.synth().expect("warnings do not fail synthesis");
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("warning: s/A/Resource: AlarmActions: CloudWatch cannot publish"), "{warnings:?}");
}
