//! The SNS additions against the external validators: a topic with a Lambda
//! subscription, a topic with a queue subscription (filter policy, raw
//! delivery, a dead-letter queue, a customer managed key on the queues),
//! and a FIFO topic delivering to a FIFO queue must each be clean under
//! cfn-lint (no finding at all) and checkov (no failed check).
//!
//! What checkov asks of every function and the constructs leave to the user
//! (reserved concurrency, CKV_AWS_115; a VPC, CKV_AWS_117) is decided here
//! explicitly; the functions have no environment variables (CKV_AWS_173).
//! SNS invokes asynchronously, so each function sends failed events to an
//! on-failure destination (CKV_AWS_116).

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::lambda::AsyncConfig;
use cfnkit_constructs::sns::{FilterPolicyScope, Subscription};
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue, QueueEncryption};

const PYTHON: &str = "def handler(event, context):\n    return {'ok': True}\n";

fn synth(build: impl FnOnce(&mut Stack)) -> String {
    let mut app = App::new();
    let stack = app.stack("sns-validate").conventions(Conventions::tap("sns validator test"));
    build(stack);
    let out = app.synth().expect("synthesizes");
    out.stacks[0].json.clone()
}

fn no_vpc() -> Ack {
    Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only public AWS endpoints".into() }
}

/// A function SNS may invoke: failed asynchronous events go to a queue.
fn subscriber(stack: &mut Stack) -> FunctionRef {
    let logs =
        KmsKey::new("FunctionLogsKey").description("Encrypts the function logs").allow_cloudwatch_logs().add_to(stack);
    let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
    Function::new("Handler", Runtime::Python313, Code::inline(PYTHON))
        .log_encryption_key(logs.arn())
        .reserved_concurrency(5)
        .async_config(AsyncConfig::new().on_failure(failures))
        .acknowledge(no_vpc())
        .add_to(stack)
}

#[test]
fn a_topic_with_a_lambda_subscription_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let alerts = Topic::new("Alerts").name(sfx.name("alerts")).add_to(stack);
        let handler = subscriber(stack);
        alerts.subscribe_lambda(stack, "HandlerSubscription", handler);
    });
    validators::assert_clean(&json, "sns-lambda", &["us-east-1"]);
}

#[test]
fn a_topic_with_a_filtered_queue_subscription_and_a_dead_letter_queue_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let key = KmsKey::new("MessagesKey").description("Encrypts the topic and its queues").add_to(stack);
        let orders = Topic::new("Orders").name(sfx.name("orders")).encryption(key).add_to(stack);
        let failed = Queue::new("FailedDeliveries")
            .name(sfx.name("failed-deliveries"))
            .encryption(QueueEncryption::from(key))
            .as_dead_letter_queue()
            .add_to(stack);
        let refunds = Queue::new("Refunds")
            .name(sfx.name("refunds"))
            .encryption(QueueEncryption::from(key))
            .dead_letter_queue(DeadLetterQueue::new(failed, 3))
            .add_to(stack);
        Subscription::queue("RefundsSubscription", orders, refunds)
            .raw_message_delivery()
            .filter_policy(serde_json::json!({"type": ["refund"], "amount": [{"numeric": [">", 0]}]}))
            .filter_policy_scope(FilterPolicyScope::MessageBody)
            .dead_letter_queue(failed)
            .add_to(stack);
    });
    validators::assert_clean(&json, "sns-queue", &["us-east-1"]);
}

#[test]
fn a_fifo_topic_delivering_to_a_fifo_queue_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let key = KmsKey::new("MessagesKey").description("Encrypts the topic and its queue").add_to(stack);
        let ledger = Topic::new("Ledger")
            .name(sfx.format("ledger-{}.fifo"))
            .fifo()
            .content_based_deduplication()
            .encryption(key)
            .add_to(stack);
        let entries = Queue::new("LedgerEntries")
            .name(sfx.format("ledger-entries-{}.fifo"))
            .fifo()
            .encryption(QueueEncryption::from(key))
            .without_dead_letter_queue("entries are replayed from the ledger")
            .add_to(stack);
        ledger.subscribe_queue(stack, "EntriesSubscription", entries);
    });
    validators::assert_clean(&json, "sns-fifo", &["us-east-1"]);
}
