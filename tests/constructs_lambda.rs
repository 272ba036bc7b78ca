//! The Lambda additions against the external validators: a function with an
//! SQS event source, one with an asynchronous invoke config, one in a VPC,
//! and one a service may invoke must each be clean under cfn-lint (no
//! finding at all) and checkov (no failed check). What checkov asks of every
//! function and the construct leaves to the user (reserved concurrency,
//! CKV_AWS_115; a VPC, CKV_AWS_117; a customer managed key for the log
//! group, CKV_AWS_158) is decided here explicitly.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::lambda::{AsyncConfig, Permission, QueueSource, VpcPlacement};
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue};

const NODE: &str = "exports.handler = async (event) => ({ batchItemFailures: [] });";
const PYTHON: &str = "def handler(event, context):\n    return {'ok': True}\n";

fn synth(build: impl FnOnce(&mut Stack)) -> String {
    let mut app = App::new();
    let stack = app.stack("lambda-validate").conventions(Conventions::tap("lambda validator test"));
    build(stack);
    let out = app.synth().expect("synthesizes");
    out.stacks[0].json.clone()
}

/// The key the functions' log groups are encrypted with (checkov's CKV_AWS_158).
fn logs_key(stack: &mut Stack) -> Expr<String> {
    KmsKey::new("LogsKey").description("Encrypts the function logs").allow_cloudwatch_logs().add_to(stack).arn()
}

fn no_vpc() -> Ack {
    Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only public AWS endpoints".into() }
}

#[test]
fn a_function_with_an_sqs_source_is_clean() {
    let json = synth(|stack| {
        let sfx = stack.suffix();
        let dlq = Queue::new("OrdersDlq").name(sfx.name("orders-dlq")).as_dead_letter_queue().add_to(stack);
        let orders = Queue::new("Orders")
            .name(sfx.name("orders"))
            .visibility_timeout(Duration::minutes(6))
            .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
            .add_to(stack);
        let logs = logs_key(stack);
        Function::new("OrderProcessor", Runtime::Nodejs22x, Code::inline(NODE))
            .log_encryption_key(logs)
            .name(sfx.name("order-processor"))
            .timeout(Duration::seconds(60))
            .memory(Size::mebibytes(256))
            .reserved_concurrency(10)
            .event_source(QueueSource::new(orders).batch_size(10).max_concurrency(5))
            .acknowledge(no_vpc())
            .add_to(stack);
    });
    assert!(json.contains("CKV_AWS_116"), "the poll-only DLQ skip is written");
    validators::assert_clean(&json, "sqs-source", &["us-east-1"]);
}

#[test]
fn a_function_with_an_async_config_is_clean() {
    let json = synth(|stack| {
        let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
        let done = Topic::new("Done").add_to(stack);
        let logs = logs_key(stack);
        Function::new("Handler", Runtime::Python313, Code::inline(PYTHON))
            .log_encryption_key(logs)
            .reserved_concurrency(5)
            .async_config(
                AsyncConfig::new()
                    .retry_attempts(2)
                    .max_event_age(Duration::hours(1))
                    .on_failure(failures)
                    .on_success(done),
            )
            .acknowledge(no_vpc())
            .add_to(stack);
    });
    validators::assert_clean(&json, "async-config", &["us-east-1"]);
}

#[test]
fn a_function_in_a_vpc_with_a_dead_letter_queue_and_encrypted_environment_is_clean() {
    let json = synth(|stack| {
        let key = KmsKey::new("EnvKey").description("Encrypts the function's environment").add_to(stack);
        let dlq = Queue::new("HandlerDlq").as_dead_letter_queue().add_to(stack);
        let logs = logs_key(stack);
        Function::new("Handler", Runtime::Python313, Code::inline(PYTHON))
            .log_encryption_key(logs)
            .env("TABLE_NAME", "transactions")
            .environment_encryption(key.arn())
            .reserved_concurrency(5)
            .dead_letter_queue(dlq)
            .vpc(VpcPlacement::new(["subnet-0a1b2c3d", "subnet-4e5f6a7b"], ["sg-0123456789abcdef0"]))
            .add_to(stack);
    });
    assert!(json.contains("CKV_AWS_111"), "the VPC access policy's skip is written");
    validators::assert_clean(&json, "vpc", &["us-east-1"]);
}

#[test]
fn a_function_a_bucket_may_invoke_is_clean() {
    let json = synth(|stack| {
        let uploads = Bucket::new("Uploads").add_to(stack);
        let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
        let logs = logs_key(stack);
        let f = Function::new("OnUpload", Runtime::Python313, Code::inline(PYTHON))
            .log_encryption_key(logs)
            .reserved_concurrency(5)
            .async_config(AsyncConfig::new().on_failure(failures))
            .acknowledge(no_vpc())
            .add_to(stack);
        f.add_permission(
            stack,
            "AllowS3",
            Permission::service("s3.amazonaws.com").source_arn(uploads.arn()).source_account(Pseudo::AccountId),
        );
    });
    validators::assert_clean(&json, "permission", &["us-east-1"]);
}
