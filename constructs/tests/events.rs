//! `events::Rule`: schedules, patterns, targets with what each needs
//! (permission, queue and topic policies, key policies), dead-letter
//! queues, metrics and every validation error.

use cfnkit_constructs::events::{EventPattern, Rule, Schedule, Target};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

fn template(f: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    f(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    f(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

fn has_error(errs: &[Diagnostic], kind: DiagKind, property: &str, problem: &str) -> bool {
    errs.iter().any(|d| d.kind == kind && d.property.as_deref() == Some(property) && d.problem.contains(problem))
}

fn function(s: &mut Stack) -> FunctionRef {
    Function::new("Handler", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n")).add_to(s)
}

fn sse_queue(s: &mut Stack, id: &str) -> QueueRef {
    Queue::new(id).encryption(QueueEncryption::SqsManaged).add_to(s)
}

#[test]
fn rates_use_the_largest_whole_unit_and_cron_is_wrapped() {
    assert_eq!(Schedule::rate(Duration::minutes(1)).expression(), "rate(1 minute)");
    assert_eq!(Schedule::rate(Duration::minutes(5)).expression(), "rate(5 minutes)");
    assert_eq!(Schedule::rate(Duration::minutes(120)).expression(), "rate(2 hours)");
    assert_eq!(Schedule::rate(Duration::days(1)).expression(), "rate(1 day)");
    assert_eq!(Schedule::cron(" 0 3 * * ? * ").expression(), "cron(0 3 * * ? *)");
}

#[test]
fn a_scheduled_rule_invokes_a_function_with_a_permission_scoped_to_the_rule() {
    let t = template(|s| {
        let f = function(s);
        Rule::new("Nightly").schedule(Schedule::cron("0 3 * * ? *")).target(Target::lambda(f)).add_to(s);
    });
    let rule = &t["Resources"]["Nightly"]["Properties"];
    assert_eq!(rule["ScheduleExpression"], "cron(0 3 * * ? *)");
    assert_eq!(rule["State"], "ENABLED");
    assert_eq!(rule["Targets"], json!([{"Arn": {"Fn::GetAtt": ["Handler", "Arn"]}, "Id": "Target0"}]));
    let p = &t["Resources"]["HandlerNightlyPermission"]["Properties"];
    assert_eq!(p["Principal"], "events.amazonaws.com");
    assert_eq!(p["Action"], "lambda:InvokeFunction");
    assert_eq!(p["SourceArn"], json!({"Fn::GetAtt": ["Nightly", "Arn"]}));
}

#[test]
fn a_pattern_rule_sends_to_a_queue_through_its_policy_with_a_dead_letter_queue() {
    let t = template(|s| {
        let q = sse_queue(s, "Work");
        let dlq = sse_queue(s, "Failed");
        Rule::new("Stopped")
            .pattern(
                EventPattern::new()
                    .source(["aws.ec2"])
                    .detail_type(["EC2 Instance State-change Notification"])
                    .detail(json!({"state": ["stopped"]})),
            )
            .target(Target::queue(q).dead_letter_queue(dlq).retry_attempts(3).max_event_age(Duration::hours(2)))
            .add_to(s);
    });
    let rule = &t["Resources"]["Stopped"]["Properties"];
    assert_eq!(
        rule["EventPattern"],
        json!({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["stopped"]}})
    );
    assert!(rule.get("ScheduleExpression").is_none());
    assert_eq!(
        rule["Targets"][0],
        json!({"Arn": {"Fn::GetAtt": ["Work", "Arn"]}, "Id": "Target0",
               "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Failed", "Arn"]}},
               "RetryPolicy": {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3}})
    );
    for (policy, queue) in [("WorkPolicy", "Work"), ("FailedPolicy", "Failed")] {
        let statements = t["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap();
        let s = statements.iter().find(|s| s["Principal"] == json!({"Service": "events.amazonaws.com"})).unwrap();
        assert_eq!(s["Action"], "sqs:SendMessage");
        assert_eq!(s["Resource"], json!({"Fn::GetAtt": [queue, "Arn"]}));
        assert_eq!(s["Condition"], json!({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Stopped", "Arn"]}}}));
    }
}

#[test]
fn an_encrypted_topic_gets_its_policy_and_its_key_lets_eventbridge_in() {
    let t = template(|s| {
        let key = Key::new("TopicKey").add_to(s);
        let topic = Topic::new("Alerts").encryption(key).add_to(s);
        Rule::new("Hourly").schedule(Schedule::rate(Duration::hours(1))).target(Target::topic(topic)).add_to(s);
    });
    let statements = t["Resources"]["AlertsPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap();
    let s = statements.iter().find(|s| s["Principal"] == json!({"Service": "events.amazonaws.com"})).unwrap();
    assert_eq!(s["Action"], "sns:Publish");
    assert_eq!(s["Condition"]["ArnEquals"]["aws:SourceArn"], json!({"Fn::GetAtt": ["Hourly", "Arn"]}));
    let key = t["Resources"]["TopicKey"]["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap();
    let k = key.iter().find(|s| s["Principal"] == json!({"Service": "events.amazonaws.com"})).unwrap();
    assert_eq!(k["Action"], json!(["kms:GenerateDataKey", "kms:Decrypt"]));
    assert_eq!(
        k["Condition"],
        json!({"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"}}})
    );
}

#[test]
fn rule_metrics_name_the_rule() {
    let mut app = App::new();
    let s = app.stack("test");
    let rule = Rule::new("R").schedule(Schedule::rate(Duration::minutes(5))).add_to(s);
    let m = rule.metric_failed_invocations();
    assert_eq!((m.namespace(), m.name()), ("AWS/Events", "FailedInvocations"));
    assert_eq!(m.dimensions()[0].0, "RuleName");
    assert_eq!(m.dimensions()[0].1, rule.name().into());
    assert_eq!(rule.metric_invocations().name(), "Invocations");
    assert_eq!(rule.metric_triggered_rules().name(), "TriggeredRules");
    assert_eq!(rule.metric_invocations_sent_to_dlq().name(), "InvocationsSentToDlq");
}

#[test]
fn bad_rules_are_reported_together() {
    let errs = errors(|s| {
        Rule::new("Nothing").add_to(s);
        Rule::new("Fast").schedule(Schedule::rate(Duration::seconds(30))).add_to(s);
        Rule::new("Cron").schedule(Schedule::cron("0 3 * * MON *")).add_to(s);
        Rule::new("Short").schedule(Schedule::cron("0 3 * *")).add_to(s);
        Rule::new("Empty").pattern(EventPattern::new()).add_to(s);
        Rule::new("Scalar").pattern(EventPattern::new().field("source", json!("aws.ec2"))).add_to(s);
        let aws_managed = Queue::new("AwsManaged").add_to(s);
        let fifo = Queue::new("Fifo").fifo().encryption(QueueEncryption::SqsManaged).add_to(s);
        let topic = Topic::new("Plain").add_to(s);
        let mut many = Rule::new("Many").schedule(Schedule::rate(Duration::minutes(5)));
        for _ in 0..6 {
            many = many.target(Target::queue(fifo).message_group_id("g"));
        }
        many.add_to(s);
        Rule::new("Targets")
            .schedule(Schedule::rate(Duration::minutes(5)))
            .target(Target::queue(aws_managed))
            .target(Target::queue(fifo).dead_letter_queue(fifo))
            .target(Target::topic(topic).retry_attempts(200).max_event_age(Duration::seconds(10)))
            .add_to(s);
    });
    assert!(has_error(&errs, DiagKind::Missing, "ScheduleExpression", "needs a schedule or an event pattern"));
    assert!(has_error(&errs, DiagKind::Invalid, "ScheduleExpression", "whole minutes"));
    assert!(has_error(&errs, DiagKind::Invalid, "ScheduleExpression", "neither day of month nor day of week is ?"));
    assert!(has_error(&errs, DiagKind::Invalid, "ScheduleExpression", "4 fields"));
    assert!(has_error(&errs, DiagKind::Missing, "EventPattern", "an empty event pattern"));
    assert!(has_error(&errs, DiagKind::Invalid, "EventPattern.source", "non-empty array"));
    assert!(has_error(&errs, DiagKind::ItemCount, "Targets", "too many targets"));
    assert!(has_error(&errs, DiagKind::Wiring, "Targets[0].Arn", "alias/aws/sqs"));
    assert!(has_error(&errs, DiagKind::Missing, "Targets[1].SqsParameters.MessageGroupId", "needs a message group id"));
    assert!(has_error(&errs, DiagKind::Wiring, "Targets[1].DeadLetterConfig.Arn", "a FIFO dead-letter queue"));
    assert!(has_error(&errs, DiagKind::Wiring, "Targets[2].Arn", "alias/aws/sns"));
    assert!(has_error(
        &errs,
        DiagKind::OutOfRange,
        "Targets[2].RetryPolicy.MaximumRetryAttempts",
        "too many retry attempts"
    ));
    assert!(has_error(&errs, DiagKind::OutOfRange, "Targets[2].RetryPolicy.MaximumEventAgeInSeconds", "out of range"));
    let fast = errs.iter().find(|d| d.problem.contains("whole minutes")).unwrap();
    assert_eq!(fast.value.as_deref(), Some("30 seconds"));
    assert!(fast.path.contains("Fast"), "{fast:?}");
}
