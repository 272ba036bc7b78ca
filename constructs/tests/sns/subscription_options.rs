//! Subscription filter policies and dead-letter queues.

use cfnkit_constructs::sns::{FilterPolicyScope, Subscription};
use cfnkit_constructs::sqs::{Queue, QueueEncryption};
use cfnkit_core::diag::Diagnostic;
use serde_json::{json, Value};

use super::helpers::{errors, function, has_error, key, props, queue, sns_send, statements, template, topic};

// Filter policies

#[test]
fn filter_policy_is_written_and_its_default_scope_is_not() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f).filter_policy(json!({"status": ["FAILED"]})).add_to(s);
    });
    assert_eq!(props(&t, "HandlerSubscription")["FilterPolicy"], json!({"status": ["FAILED"]}));
    assert!(props(&t, "HandlerSubscription").get("FilterPolicyScope").is_none());
}

#[test]
fn filter_policy_scope_message_body_is_written() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f)
            .filter_policy(json!({"order": {"status": ["FAILED"]}}))
            .filter_policy_scope(FilterPolicyScope::MessageBody)
            .add_to(s);
    });
    assert_eq!(props(&t, "HandlerSubscription")["FilterPolicyScope"], "MessageBody");
}

fn filter_errors(policy: Value, scope: FilterPolicyScope) -> Vec<Diagnostic> {
    errors(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f)
            .filter_policy(policy)
            .filter_policy_scope(scope)
            .add_to(s);
    })
}

#[test]
fn a_filter_policy_that_is_not_an_object_is_an_error() {
    let errs = filter_errors(json!(["FAILED"]), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "is a JSON object"), "{errs:?}");
}

#[test]
fn an_empty_filter_policy_is_an_error() {
    let errs = filter_errors(json!({}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "empty"), "{errs:?}");
}

#[test]
fn a_nested_attribute_filter_is_an_error() {
    let errs = filter_errors(json!({"order": {"status": ["FAILED"]}}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "are an array"), "{errs:?}");
}

#[test]
fn a_filter_policy_of_more_than_five_keys_is_an_error() {
    let errs = filter_errors(
        json!({"a": ["1"], "b": ["1"], "c": ["1"], "d": {"e": ["1"], "f": ["1"], "g": ["1"]}}),
        FilterPolicyScope::MessageBody,
    );
    assert!(has_error(&errs, "FilterPolicy", "too many keys"), "{errs:?}");
}

#[test]
fn a_filter_policy_of_more_than_150_combinations_is_an_error() {
    let values: Vec<String> = (0..13).map(|i| i.to_string()).collect();
    let errs = filter_errors(json!({"a": values, "b": values}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "too many value combinations"), "{errs:?}");
}

// Dead-letter queues

#[test]
fn dead_letter_queue_is_the_redrive_policy_and_lets_sns_send() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        let dlq = Queue::new("Undelivered").encryption(QueueEncryption::from(k)).as_dead_letter_queue().add_to(s);
        Subscription::queue("WorkSubscription", topic, q).dead_letter_queue(dlq).add_to(s);
    });
    assert_eq!(
        props(&t, "WorkSubscription")["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["Undelivered", "Arn"]}})
    );
    assert_eq!(
        statements(&t, "UndeliveredPolicy", "PolicyDocument")[1],
        sns_send("Undelivered", json!({"Ref": "Topic"}))
    );
    assert_eq!(t["Resources"]["WorkSubscription"]["DependsOn"], json!(["WorkPolicy", "UndeliveredPolicy"]));
}

#[test]
fn a_dead_letter_queue_of_the_other_kind_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        let dlq = Queue::new("Undelivered")
            .name("undelivered.fifo")
            .fifo()
            .encryption(QueueEncryption::from(k))
            .as_dead_letter_queue()
            .add_to(s);
        Subscription::queue("WorkSubscription", topic, q).dead_letter_queue(dlq).add_to(s);
    });
    assert!(has_error(&errs, "RedrivePolicy.deadLetterTargetArn", "is standard"), "{errs:?}");
}

#[test]
fn a_dead_letter_queue_with_the_aws_managed_key_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let f = function(s);
        let dlq = Queue::new("Undelivered").as_dead_letter_queue().add_to(s);
        Subscription::lambda("HandlerSubscription", topic, f).dead_letter_queue(dlq).add_to(s);
    });
    assert!(
        has_error(
            &errs,
            "RedrivePolicy.deadLetterTargetArn",
            "the dead-letter queue is encrypted with the AWS managed key"
        ),
        "{errs:?}"
    );
}
