//! # A queue worker with a dead-letter queue and alarms
//!
//! Orders arrive on a queue; a function processes them in batches of 10 and
//! reports failed messages one by one, which the queue retries and, after
//! three receives, moves to the dead-letter queue. Two alarms notify a
//! topic: any message in the DLQ, and any function error.
//!
//! What cfnkit checks for you here: the queue's visibility timeout covers
//! the function's timeout (AWS rejects the mapping otherwise), the DLQ of a
//! standard queue is standard, the consume grant is written by the event
//! source, and both queues deny plain-HTTP access.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! queue_worker -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

const HANDLER: &str = r"exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      console.log(JSON.stringify({ msg: 'processed', orderId: order.orderId }));
    } catch (err) {
      console.error(JSON.stringify({ msg: 'failed', messageId: record.messageId, error: err.message }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
";

/// Adds the example's stacks to `app`.
pub fn define(app: &mut App) {
    let stack = app.stack("queue-worker").region("us-east-1").conventions(Conventions::tap("queue worker example"));
    let sfx = stack.suffix();
    let dlq = Queue::new("OrdersDlq").name(sfx.name("orders-dlq")).as_dead_letter_queue().add_to(stack);
    let orders = Queue::new("Orders")
        .name(sfx.name("orders"))
        .visibility_timeout(Duration::minutes(3))
        .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
        .add_to(stack);
    // CloudWatch can only publish to topics whose key lets it: not the AWS managed alias/aws/sns.
    let alerts_key = KmsKey::new("AlertsKey").allow_alarm_notifications().add_to(stack);
    let alerts = Topic::new("Alerts").name(sfx.name("orders-alerts")).encryption(alerts_key).add_to(stack);
    let worker = Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER))
        .name(sfx.name("orders-worker"))
        .timeout(Duration::seconds(30))
        .event_source(QueueSource::new(orders).batch_size(10))
        .reserved_concurrency(10)
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only the SQS endpoint".into() })
        .add_to(stack);
    Alarm::new("DlqNotEmpty", dlq.metric_approximate_number_of_messages_visible())
        .greater_or_equal(1.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    Alarm::new("WorkerErrors", worker.metric_errors())
        .greater_or_equal(1.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    stack.export("OrdersQueueUrl", orders.url()).description("Where producers send orders");
}

/// The example's app, as the tests build it.
pub fn app() -> App {
    let mut app = App::new();
    define(&mut app);
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() -> std::process::ExitCode {
    cfnkit::run(define)
}
