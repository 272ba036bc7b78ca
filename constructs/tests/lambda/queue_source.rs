//! The SQS event source: the mapping, its grants, and every limit on batch
//! size, batching window, concurrency and queue visibility.

use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::QueueSource;
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use serde_json::json;

use super::helpers::{errors, has, node, queue, queue_arn, res, statement_on, template, warnings};

fn queue_with_visibility(s: &mut Stack, visibility: Duration) -> QueueRef {
    Queue::new("Queue").visibility_timeout(visibility).as_dead_letter_queue().add_to(s)
}

// SQS event source

#[test]
fn queue_source_maps_the_queue_with_batch_item_failures_by_default() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    let m = res(&t, "FQueueEventSource");
    assert_eq!(m["Type"], "AWS::Lambda::EventSourceMapping");
    assert_eq!(m["Properties"]["EventSourceArn"], queue_arn("Queue"));
    assert_eq!(m["Properties"]["FunctionName"], json!({"Ref": "F"}));
    assert_eq!(m["Properties"]["BatchSize"], 10);
    assert_eq!(m["Properties"]["FunctionResponseTypes"], json!(["ReportBatchItemFailures"]));
    assert!(m["Properties"].get("MaximumBatchingWindowInSeconds").is_none());
    assert!(m["Properties"].get("ScalingConfig").is_none());
}

#[test]
fn queue_source_grants_consume_on_the_queue_only() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    assert_eq!(
        statement_on(&t, &queue_arn("Queue"))["Action"],
        json!([
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueUrl",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes"
        ])
    );
}

#[test]
fn queue_source_on_a_customer_managed_key_grants_decrypt() {
    let t = template(|s| {
        let key = Key::new("K").add_to(s);
        let q = Queue::new("Queue").encryption(QueueEncryption::from(key)).as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    assert_eq!(statement_on(&t, &json!({"Fn::GetAtt": ["K", "Arn"]}))["Action"], "kms:Decrypt");
}

#[test]
fn queue_source_writes_its_window_and_concurrency_cap() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F")
            .event_source(
                QueueSource::new(q).batch_size(500).max_batching_window(Duration::seconds(10)).max_concurrency(5),
            )
            .add_to(s);
    });
    let p = &res(&t, "FQueueEventSource")["Properties"];
    assert_eq!(p["BatchSize"], 500);
    assert_eq!(p["MaximumBatchingWindowInSeconds"], 10);
    assert_eq!(p["ScalingConfig"], json!({"MaximumConcurrency": 5}));
}

#[test]
fn queue_source_can_return_whole_batches_instead() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).without_batch_item_failures()).add_to(s);
    });
    assert!(res(&t, "FQueueEventSource")["Properties"].get("FunctionResponseTypes").is_none());
}

#[test]
fn queue_source_batch_size_outside_1_to_10000_is_an_error() {
    for n in [0, 10_001] {
        let e = errors(|s| {
            let q = queue(s, "Queue");
            node("F")
                .event_source(QueueSource::new(q).batch_size(n).max_batching_window(Duration::seconds(1)))
                .add_to(s);
        });
        assert!(has(&e, "BatchSize", "out of range"), "{n}: {e:?}");
        assert_eq!(e.iter().filter(|d| d.property.as_deref() == Some("BatchSize")).count(), 1, "reported once");
    }
}

#[test]
fn fifo_queue_source_batch_size_above_10_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Queue").fifo().as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q).batch_size(11)).add_to(s);
    });
    assert!(has(&e, "BatchSize", "out of range"));
}

#[test]
fn batch_size_above_10_without_a_batching_window_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).batch_size(11)).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "batch size above 10"));
}

#[test]
fn batching_window_over_300_seconds_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).max_batching_window(Duration::seconds(301))).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "out of range"));
}

#[test]
fn batching_window_on_a_fifo_queue_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Queue").fifo().as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q).max_batching_window(Duration::seconds(1))).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "not supported for FIFO"));
}

#[test]
fn maximum_concurrency_outside_2_to_1000_is_an_error() {
    for n in [1, 1001] {
        let e = errors(|s| {
            let q = queue(s, "Queue");
            node("F").event_source(QueueSource::new(q).max_concurrency(n)).add_to(s);
        });
        assert!(has(&e, "ScalingConfig.MaximumConcurrency", "out of range"), "{n}");
    }
}

#[test]
fn maximum_concurrency_above_the_reserved_concurrency_gives_a_warning() {
    let w = warnings(|s| {
        let q = queue(s, "Queue");
        node("F").reserved_concurrency(3).event_source(QueueSource::new(q).max_concurrency(5)).add_to(s);
    });
    assert!(has(&w, "ScalingConfig.MaximumConcurrency", "reserves only 3"));
}

#[test]
fn queue_visibility_shorter_than_the_function_timeout_is_an_error() {
    let e = errors(|s| {
        let q = queue_with_visibility(s, Duration::seconds(30));
        node("F").timeout(Duration::seconds(60)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&e, "Timeout", "AWS rejects the mapping"));
}

#[test]
fn queue_default_visibility_of_30_seconds_counts_against_the_timeout() {
    let e = errors(|s| {
        let q = Queue::new("Queue").as_dead_letter_queue().add_to(s);
        node("F").timeout(Duration::seconds(31)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&e, "Timeout", "shorter than the function's timeout"));
}

#[test]
fn queue_visibility_under_six_times_the_timeout_gives_a_warning() {
    let w = warnings(|s| {
        let q = queue_with_visibility(s, Duration::seconds(120));
        node("F").timeout(Duration::seconds(60)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&w, "Timeout", "six times"));
}

#[test]
fn queue_visibility_of_six_times_the_timeout_plus_the_window_gives_no_warning() {
    let w = warnings(|s| {
        let q = queue_with_visibility(s, Duration::seconds(365));
        node("F")
            .timeout(Duration::seconds(60))
            .event_source(QueueSource::new(q).max_batching_window(Duration::seconds(5)))
            .add_to(s);
    });
    assert!(w.is_empty(), "{w:?}");
}
