//! cfn-lint and checkov on a minimal stack of EventBridge rules: a schedule
//! invoking a function, a pattern sending to a queue with a dead-letter
//! queue, and one publishing to an encrypted topic. The defaults alone must
//! pass both.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::events::{EventPattern, Rule, Schedule, Target};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{Code, Function, Runtime};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{Queue, QueueEncryption};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::{Ack, App};
use cfnkit_core::units::Duration;

#[test]
fn event_rules_pass_cfn_lint_and_checkov() {
    let mut app = App::new();
    let stack = app.stack("event-rules").conventions(Conventions::tap("event rules"));
    // The function's own settings (dead-letter queue, concurrency, no VPC)
    // are the Lambda construct's business, as in constructs_lambda.rs.
    let function_dlq = Queue::new("NightlyDlq").as_dead_letter_queue().add_to(stack);
    let f = Function::new("Nightly", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
        .dead_letter_queue(function_dlq)
        .reserved_concurrency(2)
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only public AWS endpoints".into() })
        .add_to(stack);
    let failed = Queue::new("Failed").encryption(QueueEncryption::SqsManaged).add_to(stack);
    Rule::new("NightlyRule")
        .description("Nightly batch")
        .schedule(Schedule::cron("0 3 * * ? *"))
        .target(Target::lambda(f).dead_letter_queue(failed).retry_attempts(2))
        .add_to(stack);
    let key = Key::new("EventsKey").add_to(stack);
    let work = Queue::new("Work").encryption(QueueEncryption::from(key)).add_to(stack);
    let alerts = Topic::new("Alerts").encryption(key).add_to(stack);
    Rule::new("InstanceStopped")
        .pattern(
            EventPattern::new()
                .source(["aws.ec2"])
                .detail_type(["EC2 Instance State-change Notification"])
                .detail(serde_json::json!({"state": ["stopped", "terminated"]})),
        )
        .target(Target::queue(work).dead_letter_queue(failed))
        .target(Target::topic(alerts).max_event_age(Duration::hours(1)))
        .add_to(stack);
    let json = app.synth().expect("synthesizes").stacks[0].json.clone();
    validators::assert_clean(&json, "event-rules", &["us-east-1"]);
}
