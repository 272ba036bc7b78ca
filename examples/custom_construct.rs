//! # A custom construct: a monitored queue worker
//!
//! Teams repeat patterns; a custom (L3) construct is a plain Rust type that
//! composes L2 constructs under a scope of its own. `MonitoredQueueWorker`
//! is a queue with a dead-letter queue, a function consuming it, and two
//! alarms, all named and tagged by one call. Its resources live under the
//! construct's id (`BillingWorkerQueue`, `BillingWorkerFunction`...), so two
//! workers never collide, and it returns a `Copy` handle like any construct.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! custom_construct -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

/// A queue, its dead-letter queue, a worker function and its alarms.
pub struct MonitoredQueueWorker {
    id: String,
    code: String,
    timeout: Duration,
    alerts: TopicRef,
}

/// The parts of a [`MonitoredQueueWorker`] other constructs refer to.
#[derive(Clone, Copy, Debug)]
pub struct MonitoredQueueWorkerRef {
    /// Where producers send messages.
    pub queue: QueueRef,
    /// Where failed messages end up.
    pub dead_letters: QueueRef,
    /// The worker.
    pub function: FunctionRef,
}

impl MonitoredQueueWorker {
    /// A worker running Node.js `code`, alerting `alerts`.
    pub fn new(id: &str, code: &str, alerts: TopicRef) -> Self {
        MonitoredQueueWorker { id: id.to_string(), code: code.to_string(), timeout: Duration::seconds(30), alerts }
    }

    /// Sets the function's timeout; the queue's visibility is six times it.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Adds everything under a scope named after the worker.
    pub fn add_to(self, stack: &mut Stack) -> MonitoredQueueWorkerRef {
        let scope = stack.construct(&self.id);
        let sfx = stack.suffix();
        let base = self.id.to_lowercase();
        stack.within(scope, |s| {
            let dead_letters =
                Queue::new("DeadLetters").name(sfx.name(&format!("{base}-dlq"))).as_dead_letter_queue().add_to(s);
            let queue = Queue::new("Queue")
                .name(sfx.name(&base))
                .visibility_timeout(Duration::seconds(self.timeout.to_seconds() * 6))
                .dead_letter_queue(DeadLetterQueue::new(dead_letters, 3))
                .add_to(s);
            let function = Function::new("Function", Runtime::Nodejs24x, Code::inline(&self.code))
                .name(sfx.name(&format!("{base}-worker")))
                .timeout(self.timeout)
                .event_source(QueueSource::new(queue))
                .reserved_concurrency(5)
                .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only the SQS endpoint".into() })
                .add_to(s);
            Alarm::new("DeadLettersAlarm", dead_letters.metric_approximate_number_of_messages_visible())
                .greater_or_equal(1.0)
                .treat_missing_data(TreatMissingData::NotBreaching)
                .action(self.alerts)
                .add_to(s);
            Alarm::new("ErrorsAlarm", function.metric_errors())
                .greater_or_equal(1.0)
                .treat_missing_data(TreatMissingData::NotBreaching)
                .action(self.alerts)
                .add_to(s);
            MonitoredQueueWorkerRef { queue, dead_letters, function }
        })
    }
}

const HANDLER: &str = "exports.handler = async (event) => ({ batchItemFailures: [] });";

/// Adds the example's stacks to `app`: two workers sharing one alert topic.
pub fn define(app: &mut App) {
    let stack = app.stack("workers").region("us-east-1").conventions(Conventions::tap("custom construct example"));
    // CloudWatch can only publish to topics whose key lets it: not the AWS managed alias/aws/sns.
    let alerts_key = KmsKey::new("AlertsKey").allow_alarm_notifications().add_to(stack);
    let alerts = Topic::new("Alerts").name(stack.suffix().name("worker-alerts")).encryption(alerts_key).add_to(stack);
    let billing = MonitoredQueueWorker::new("BillingWorker", HANDLER, alerts).add_to(stack);
    let shipping =
        MonitoredQueueWorker::new("ShippingWorker", HANDLER, alerts).timeout(Duration::seconds(60)).add_to(stack);
    stack.export("BillingQueueUrl", billing.queue.url()).description("Queue of the billing worker");
    stack.export("ShippingQueueUrl", shipping.queue.url()).description("Queue of the shipping worker");
    stack.export("BillingDeadLettersUrl", billing.dead_letters.url()).description("Dead letters of the billing worker");
    stack.export("ShippingWorkerName", shipping.function.name()).description("Function of the shipping worker");
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
