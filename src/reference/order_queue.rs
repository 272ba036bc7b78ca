//! `order-queue`: retail order processing, about 1,000 orders a day (spec section 3).
//!
//! SQS -> Lambda (Node.js) -> DynamoDB, with a dead-letter queue, alarms
//! and a dashboard, in us-east-1.
//!
//! Profile: the default security profile (secure properties, and only the
//! extra resources a wiring needs); the one check only hardening would
//! satisfy (CKV_AWS_158, a customer managed key for the log group) is
//! acknowledged in the log group's Metadata, naming `Conventions::hardened()`.
//!
//! The seed's resources: the order queue and its DLQ, the processor with its
//! role, policy, log group and event source mapping, the status table, the
//! Logs Insights query, three alarms, the alert topic and the dashboard.
//! Added, each because the system needs it to work as specified:
//! - `OrderQueuePolicy` and `OrderDlqPolicy`: TLS-only queue policies (spec).
//! - `AlertsKey`: a customer managed key for the alert topic whose policy
//!   lets CloudWatch use it; without it no alarm could notify (CloudWatch
//!   cannot publish to a topic encrypted with `alias/aws/sns`).
//! - `AlertTopicPolicy`: denies plain-HTTP publishes and lets this
//!   account's alarms publish.
//!
//! Decisions where the spec is silent, as a careful AWS engineer would take them:
//! - The function times out after 30 s; the queue's visibility timeout is
//!   180 s, six times that, as AWS recommends for Lambda sources.
//! - Both queues are encrypted with the AWS managed key `alias/aws/sqs`
//!   (SSE-KMS), which checkov recognises; the spec only asks for SSE.
//! - Batches of 10 with `ReportBatchItemFailures`, so one bad order is
//!   retried alone; after 3 receives it moves to the DLQ.
//! - The status table is keyed by `orderId` (S) and `processedAt` (N), so
//!   every attempt of an order is recorded.
//! - The function's log group keeps 30 days (spec). Under the default
//!   security profile it is encrypted by CloudWatch Logs (checkov
//!   CKV_AWS_158 acknowledged on it, naming `Conventions::hardened()`).
//! - The alert topic is encrypted with a customer managed key (`AlertsKey`)
//!   whose policy lets CloudWatch use it: alarms cannot publish to a topic
//!   encrypted with the AWS managed `alias/aws/sns` key.
//! - Wildcards, named as the conventions ask: in the `AlertsKey` key
//!   policy `"Resource": "*"` means the key itself, and the key's first
//!   statement is AWS's default key policy (the account
//!   root may `kms:*`), which delegates the key's use to IAM. No IAM policy
//!   of the stack has a `*` action or resource.
//! - "Duration near its timeout" is the maximum duration over 5 minutes
//!   above 80% of the timeout (24,000 ms).
//! - The function runs `nodejs24.x`, the newest Node.js runtime Lambda
//!   supports: the seed says only "Node.js". The handler is `async` (Node.js
//!   24 no longer accepts callback handlers) and uses the AWS SDK v3 the
//!   runtime bundles.
//! - Execution role named `order-processor-role-<suffix>`.

use cfnkit_constructs::cloudwatch::{Alarm, Dashboard, GraphWidget, SingleValueWidget, Statistic, TreatMissingData};
use cfnkit_constructs::dynamodb::{Key, Table, TableAction};
use cfnkit_constructs::kms::Key as KmsKey;
use cfnkit_constructs::lambda::{Code, Function, QueueSource, Runtime};
use cfnkit_constructs::logs::{QueryDefinition, Retention};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue};
use cfnkit_core::conventions::{Conventions, SecurityProfile};

use super::profiled;
use cfnkit_core::token::Pseudo;
use cfnkit_core::tree::{Ack, App};
use cfnkit_core::units::{Duration, Size};

/// The handler, syntax-checked by the tests with `node --check`.
pub const HANDLER_JS: &str = include_str!("order_queue.js");

/// The stack name.
pub const NAME: &str = "order-queue";

/// The function's timeout; the queue's visibility timeout is six times it.
pub const FUNCTION_TIMEOUT: Duration = Duration::seconds(30);

/// The newest Node.js runtime Lambda supports (the seed names no version).
pub const NODE_RUNTIME: Runtime = Runtime::Nodejs24x;

/// Adds the order-queue stack to `app`.
pub fn order_queue(app: &mut App) {
    order_queue_with_profile(app, SecurityProfile::Default);
}

/// Adds the stack to `app` under the given security profile (the
/// reference is the default one; the tests check both with the validators).
pub fn order_queue_with_profile(app: &mut App, profile: SecurityProfile) {
    let stack = app
        .stack(NAME)
        .region("us-east-1")
        .description("Retail order processing: SQS -> Lambda -> DynamoDB with a dead-letter queue and monitoring")
        .conventions(profiled(Conventions::tap("retail-order-processing"), profile));
    let sfx = stack.suffix();

    let dlq = Queue::new("OrderDlq")
        .name(sfx.name("order-dlq"))
        .as_dead_letter_queue()
        .retention(Duration::days(14))
        .add_to(stack);
    let queue = Queue::new("OrderQueue")
        .name(sfx.name("order-queue"))
        .visibility_timeout(Duration::seconds(FUNCTION_TIMEOUT.to_seconds() * 6))
        .retention(Duration::days(4))
        .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
        .add_to(stack);

    let table = Table::new("OrderStatusTable", Key::string("orderId"))
        .sort_key(Key::number("processedAt"))
        .name(sfx.name("order-status"))
        .add_to(stack);

    let alerts_key = KmsKey::new("AlertsKey")
        .description("Encrypts the alert topic; CloudWatch alarms may publish with it")
        .allow_alarm_notifications()
        .add_to(stack);
    let alerts = Topic::new("AlertTopic")
        .name(sfx.name("order-queue-alerts"))
        .display_name("Order queue alerts")
        .encryption(alerts_key)
        .add_to(stack);

    let processor = Function::new("OrderProcessor", NODE_RUNTIME, Code::inline(HANDLER_JS))
        .name(sfx.name("order-processor"))
        .role_name(sfx.name("order-processor-role"))
        .description("Processes each order from the queue and records its status")
        .timeout(FUNCTION_TIMEOUT)
        .memory(Size::mebibytes(256))
        .env("TABLE_NAME", table.name())
        .log_retention(Retention::OneMonth)
        .event_source(QueueSource::new(queue).batch_size(10))
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_115".into(),
            reason: "about 1,000 orders a day: the SQS event source scales the function, and reserving capacity would only throttle bursts".into(),
        })
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_117".into(),
            reason: "reaches only the SQS and DynamoDB endpoints; no VPC resources to reach".into(),
        })
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_173".into(),
            reason: "the environment holds only the table name, no secrets; Lambda encrypts it at rest with the AWS managed key".into(),
        })
        .add_to(stack);
    table.grant(stack, &processor, &[TableAction::PutItem]);

    QueryDefinition::new(
        "ErrorsQuery",
        sfx.name("order-processor-errors"),
        "fields @timestamp, messageId, orderId, error\n| filter level = \"error\"\n| sort @timestamp desc\n| limit 100",
    )
    .log_group(processor.log_group())
    .add_to(stack);

    Alarm::new("FunctionErrorsAlarm", processor.metric_errors())
        .name(sfx.name("order-processor-errors"))
        .description("The order processor reported errors")
        .greater_or_equal(1.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    Alarm::new("DlqMessagesAlarm", dlq.metric_approximate_number_of_messages_visible())
        .name(sfx.name("order-dlq-messages"))
        .description("Orders reached the dead-letter queue")
        .greater_or_equal(1.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);
    let near_timeout_ms = FUNCTION_TIMEOUT.to_seconds() as f64 * 1000.0 * 0.8;
    Alarm::new("FunctionDurationAlarm", processor.metric_duration().statistic(Statistic::Maximum))
        .name(sfx.name("order-processor-duration"))
        .description("The order processor ran for more than 80% of its timeout")
        .greater_than(near_timeout_ms)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(alerts)
        .add_to(stack);

    Dashboard::new("Dashboard")
        .name(sfx.name("order-queue"))
        .row([
            GraphWidget::new("Queue depth").left(queue.metric_approximate_number_of_messages_visible()).width(8),
            GraphWidget::new("Age of oldest message (s)")
                .left(queue.metric_approximate_age_of_oldest_message())
                .width(8),
            GraphWidget::new("DLQ depth").left(dlq.metric_approximate_number_of_messages_visible()).width(8),
        ])
        .row([
            GraphWidget::new("Invocations and errors")
                .left(processor.metric_invocations())
                .left(processor.metric_errors())
                .width(8),
            GraphWidget::new("Duration (ms)").left(processor.metric_duration()).width(8),
            GraphWidget::new("Table consumed capacity")
                .left(table.metric_consumed_read_capacity_units())
                .left(table.metric_consumed_write_capacity_units())
                .width(8),
        ])
        .widget(SingleValueWidget::new("Messages sent (5 min)").metric(queue.metric_number_of_messages_sent()))
        .add_to(stack);

    stack.export("OrderQueueUrl", queue.url()).description("URL of the order queue");
    stack.export("OrderQueueArn", queue.arn()).description("ARN of the order queue");
    stack.export("OrderDlqUrl", dlq.url()).description("URL of the order dead-letter queue");
    stack.export("OrderDlqArn", dlq.arn()).description("ARN of the order dead-letter queue");
    stack.export("OrderStatusTableName", table.name()).description("Name of the order status table");
    stack.export("OrderProcessorArn", processor.arn()).description("ARN of the order processor function");
    stack.export("AlertTopicArn", alerts.arn()).description("ARN of the alert topic");
    stack.export("StackRegion", Pseudo::Region.expr()).description("Region the stack is deployed in");
}
