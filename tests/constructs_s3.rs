//! The S3 additions against the external validators: a bucket notifying a
//! Lambda function, a bucket notifying a queue and a topic, and a bucket
//! whose policy enforces its KMS key must each be clean under cfn-lint (no
//! finding at all) and checkov (no failed check).
//!
//! What checkov asks of every function and the constructs leave to the user
//! (reserved concurrency, CKV_AWS_115; a VPC, CKV_AWS_117) is decided here
//! explicitly; the functions have no environment variables (CKV_AWS_173).
//! S3 invokes asynchronously, so the function sends failed events to an
//! on-failure destination (CKV_AWS_116).

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::lambda::AsyncConfig;
use cfnkit_constructs::s3::{NotificationEvent, NotificationFilter};
use cfnkit_constructs::sqs::{Queue, QueueEncryption};

const PYTHON: &str = "def handler(event, context):\n    return {'ok': True}\n";

fn synth(build: impl FnOnce(&mut Stack)) -> String {
    let mut app = App::new();
    let stack = app.stack("s3-validate").conventions(Conventions::tap("s3 validator test"));
    build(stack);
    let out = app.synth().expect("synthesizes");
    out.stacks[0].json.clone()
}

fn no_vpc() -> Ack {
    Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only public AWS endpoints".into() }
}

#[test]
fn a_bucket_notifying_a_function_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let key = KmsKey::new("DataKey").description("Encrypts the uploads").add_to(stack);
        let logs = KmsKey::new("FunctionLogsKey")
            .description("Encrypts the function logs")
            .allow_cloudwatch_logs()
            .add_to(stack);
        let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
        let processor = Function::new("Processor", Runtime::Python313, Code::inline(PYTHON))
            .log_encryption_key(logs.arn())
            .reserved_concurrency(5)
            .async_config(AsyncConfig::new().on_failure(failures))
            .acknowledge(no_vpc())
            .add_to(stack);
        let uploads = Bucket::new("Uploads")
            .name(sfx.name("uploads"))
            .encryption(key)
            .notify_lambda(processor, NotificationEvent::ObjectCreated, NotificationFilter::prefix("incoming/"))
            .add_to(stack);
        uploads.grant_read(stack, &processor);
    });
    assert!(json.contains("\"s3:ObjectCreated:*\""), "the notification is written");
    validators::assert_clean(&json, "s3-lambda", &["us-east-1"]);
}

#[test]
fn a_bucket_notifying_a_queue_and_a_topic_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let key = KmsKey::new("EventsKey").description("Encrypts the event queue and topic").add_to(stack);
        let events = Queue::new("Events")
            .name(sfx.name("bucket-events"))
            .encryption(QueueEncryption::from(key))
            .without_dead_letter_queue("events are advisory; the bucket keeps the objects")
            .add_to(stack);
        let removals = Topic::new("Removals").name(sfx.name("bucket-removals")).encryption(key).add_to(stack);
        Bucket::new("Archive")
            .name(sfx.name("archive"))
            .notify_queue(events, NotificationEvent::ObjectCreated, NotificationFilter::suffix(".csv"))
            .notify_topic(removals, NotificationEvent::ObjectRemoved, NotificationFilter::all())
            .add_to(stack);
    });
    validators::assert_clean(&json, "s3-queue-topic", &["us-east-1"]);
}

#[test]
fn a_bucket_enforcing_its_kms_key_is_clean() {
    let json = synth(|stack| {
        let key = KmsKey::new("DataKey").description("Encrypts the transactions").add_to(stack);
        Bucket::new("Transactions").encryption(key).require_kms_upload_headers().add_to(stack);
    });
    assert!(json.contains("DenyUploadsWithAnotherKey"), "the key is enforced");
    validators::assert_clean(&json, "s3-kms", &["us-east-1"]);
}
