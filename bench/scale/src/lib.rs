//! The scale app of `bench/`, as a library for the `cfnkit-scale` binary and
//! the criterion benchmark: `stacks` stacks of `groups` messaging groups.

use cfnkit::prelude::*;

/// Builds `stacks` stacks of `groups` groups of 7 resources: a dead-letter
/// queue and a queue redriving to it (SSE-SQS, each with its TLS-only
/// policy), a topic with its TLS-only policy, and a raw-delivery SQS
/// subscription of the queue.
pub fn app(stacks: usize, groups: usize) -> App {
    let mut app = App::new();
    for s in 0..stacks {
        let stack = app.stack(&format!("scale-{s}")).region("us-east-1");
        for g in 0..groups {
            let dlq = Queue::new(&format!("Dlq{g}"))
                .encryption(QueueEncryption::SqsManaged)
                .as_dead_letter_queue()
                .add_to(stack);
            let queue = Queue::new(&format!("Queue{g}"))
                .encryption(QueueEncryption::SqsManaged)
                .dead_letter_queue(DeadLetterQueue::new(dlq, 5))
                .add_to(stack);
            let topic = Topic::new(&format!("Topic{g}")).add_to(stack);
            Subscription::queue(&format!("Sub{g}"), topic, queue).raw_message_delivery().add_to(stack);
        }
    }
    app
}
