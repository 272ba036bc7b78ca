//! The SQS constructs against the external validators: minimal stacks of
//! each kind of queue must be clean under cfn-lint (no finding at all) and
//! checkov (no failed check).

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue, QueueEncryption};

fn synth(build: impl FnOnce(&mut Stack)) -> String {
    let mut app = App::new();
    let stack = app.stack("sqs-validate").conventions(Conventions::tap("sqs validator test"));
    build(stack);
    let out = app.synth().expect("synthesizes");
    out.stacks[0].json.clone()
}

#[test]
fn a_minimal_queue_is_clean() {
    let json = synth(|stack| {
        Queue::new("Queue").add_to(stack);
    });
    validators::assert_clean(&json, "minimal-queue", &["us-east-1"]);
}

#[test]
fn a_queue_with_its_dead_letter_queue_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let dlq = Queue::new("OrdersDlq").name(sfx.name("orders-dlq")).as_dead_letter_queue().add_to(stack);
        Queue::new("Orders")
            .name(sfx.name("orders"))
            .visibility_timeout(Duration::minutes(6))
            .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
            .add_to(stack);
    });
    validators::assert_clean(&json, "queue-and-dlq", &["us-east-1"]);
}

#[test]
fn a_fifo_pair_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let dlq = Queue::new("PaymentsDlq")
            .fifo()
            .name(sfx.format("payments-dlq-{}.fifo"))
            .as_dead_letter_queue()
            .add_to(stack);
        Queue::new("Payments")
            .fifo()
            .content_based_deduplication()
            .high_throughput()
            .name(sfx.format("payments-{}.fifo"))
            .dead_letter_queue(DeadLetterQueue::new(dlq, 5))
            .add_to(stack);
    });
    validators::assert_clean(&json, "fifo-pair", &["us-east-1"]);
}

#[test]
fn an_sqs_managed_queue_is_clean_with_its_written_skip() {
    let json = synth(|stack| {
        Queue::new("Payments").encryption(QueueEncryption::SqsManaged).without_dead_letter_queue("test").add_to(stack);
    });
    assert!(json.contains("CKV_AWS_27"), "the skip is written into the queue's Metadata");
    validators::assert_clean(&json, "sqs-managed", &["us-east-1"]);
}

#[test]
fn a_queue_with_a_customer_managed_key_and_its_grants_is_clean() {
    let json = synth(|stack| {
        let key = KmsKey::new("QueueKey").description("Encrypts the queue").add_to(stack);
        let q = Queue::new("Queue").encryption(key.into()).as_dead_letter_queue().add_to(stack);
        let role = Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack);
        q.grant_send_messages(stack, &role);
        q.grant_consume_messages(stack, &role);
        q.grant_purge(stack, &role);
    });
    validators::assert_clean(&json, "queue-cmk", &["us-east-1"]);
}
