//! Failed invocations: the acknowledgements of CKV_AWS_116, the dead-letter
//! queue and the asynchronous invoke config.

use cfnkit_constructs::lambda::{AsyncConfig, FunctionRef, QueueSource};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::Queue;
use cfnkit_core::tree::Ack;
use cfnkit_core::units::Duration;
use serde_json::json;

use super::helpers::{checkov_skips, errors, has, node, queue, queue_arn, res, statement_on, template};

// Acknowledgements of CKV_AWS_116

#[test]
fn function_fed_only_by_poll_based_sources_acknowledges_the_missing_dlq() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    let skips = checkov_skips(&t, "F");
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].0, "CKV_AWS_116");
    assert!(skips[0].1.contains("poll-based"));
}

#[test]
fn function_without_sources_acknowledges_nothing() {
    let t = template(|s| {
        node("F").add_to(s);
    });
    assert!(checkov_skips(&t, "F").is_empty());
}

#[test]
fn acknowledgement_by_hand_replaces_the_constructs_own() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F")
            .event_source(QueueSource::new(q))
            .acknowledge(Ack::Checkov { id: "CKV_AWS_116".into(), reason: "mine".into() })
            .add_to(s);
    });
    assert_eq!(checkov_skips(&t, "F"), vec![("CKV_AWS_116".to_string(), "mine".to_string())]);
}

#[test]
fn on_failure_destination_acknowledges_the_missing_dlq() {
    let t = template(|s| {
        let q = queue(s, "Failures");
        node("F").async_config(AsyncConfig::new().on_failure(q)).add_to(s);
    });
    let skips = checkov_skips(&t, "F");
    assert_eq!(skips.len(), 1);
    assert!(skips[0].1.contains("on-failure destination"));
}

#[test]
fn async_config_without_a_failure_destination_acknowledges_nothing() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).async_config(AsyncConfig::new().retry_attempts(0)).add_to(s);
    });
    assert!(checkov_skips(&t, "F").is_empty());
}

// Dead-letter queue

#[test]
fn dead_letter_queue_is_written_and_granted_send_only() {
    let t = template(|s| {
        let q = queue(s, "Dlq");
        node("F").dead_letter_queue(q).add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["DeadLetterConfig"], json!({"TargetArn": queue_arn("Dlq")}));
    assert_eq!(statement_on(&t, &queue_arn("Dlq"))["Action"], "sqs:SendMessage");
    assert!(checkov_skips(&t, "F").is_empty(), "the DLQ satisfies CKV_AWS_116 itself");
}

#[test]
fn fifo_dead_letter_queue_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Dlq").fifo().as_dead_letter_queue().add_to(s);
        node("F").dead_letter_queue(q).add_to(s);
    });
    assert!(has(&e, "DeadLetterConfig.TargetArn", "FIFO"));
}

// Asynchronous invoke config

#[test]
fn async_config_writes_an_event_invoke_config_on_latest() {
    let t = template(|s| {
        node("F").async_config(AsyncConfig::new().retry_attempts(0).max_event_age(Duration::hours(1))).add_to(s);
    });
    let c = res(&t, "FEventInvokeConfig");
    assert_eq!(c["Type"], "AWS::Lambda::EventInvokeConfig");
    assert_eq!(
        c["Properties"],
        json!({"FunctionName": {"Ref": "F"}, "MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 0, "Qualifier": "$LATEST"})
    );
}

#[test]
fn destinations_are_written_and_granted_what_they_need() {
    let t = template(|s| {
        let q = queue(s, "Failures");
        let topic = Topic::new("Done").add_to(s);
        node("F").async_config(AsyncConfig::new().on_failure(q).on_success(topic)).add_to(s);
    });
    assert_eq!(
        res(&t, "FEventInvokeConfig")["Properties"]["DestinationConfig"],
        json!({"OnFailure": {"Destination": queue_arn("Failures")}, "OnSuccess": {"Destination": {"Ref": "Done"}}})
    );
    assert_eq!(statement_on(&t, &queue_arn("Failures"))["Action"], "sqs:SendMessage");
    assert_eq!(statement_on(&t, &json!({"Ref": "Done"}))["Action"], "sns:Publish");
}

#[test]
fn function_destination_is_granted_invoke() {
    let t = template(|s| {
        let next: FunctionRef = node("Next").add_to(s);
        node("F").async_config(AsyncConfig::new().on_success(next)).add_to(s);
    });
    let st = statement_on(&t, &json!([{"Fn::GetAtt": ["Next", "Arn"]}, {"Fn::Sub": "${Next.Arn}:*"}]));
    assert_eq!(st["Action"], "lambda:InvokeFunction");
}

#[test]
fn retry_attempts_above_2_are_an_error() {
    let e = errors(|s| {
        node("F").async_config(AsyncConfig::new().retry_attempts(3)).add_to(s);
    });
    assert!(has(&e, "MaximumRetryAttempts", "out of range"));
    assert_eq!(e.len(), 1, "reported once: {e:?}");
}

#[test]
fn event_age_outside_a_minute_to_6_hours_is_an_error() {
    for d in [Duration::seconds(59), Duration::seconds(21_601)] {
        let e = errors(|s| {
            node("F").async_config(AsyncConfig::new().max_event_age(d)).add_to(s);
        });
        assert!(has(&e, "MaximumEventAgeInSeconds", "out of range"), "{d}");
    }
}

#[test]
fn fifo_queue_destination_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Failures").fifo().as_dead_letter_queue().add_to(s);
        node("F").async_config(AsyncConfig::new().on_failure(q)).add_to(s);
    });
    assert!(has(&e, "DestinationConfig.OnFailure.Destination", "FIFO"));
}
