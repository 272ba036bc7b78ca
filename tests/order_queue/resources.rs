//! The queue and its dead-letter queue, the function and its event source
//! mapping, the status table and the log group, as the spec lists them.

use cfnkit::assertions::Match;
use cfnkit::reference::order_queue;
use serde_json::json;

use super::helpers::{at, function_timeout_seconds, get_att, r#ref, resource, suffixed, tags, template};

// ---------------------------------------------------------------------------
// SQS: standard queue with SSE, visibility >= 6x the function timeout,
// redrive to a DLQ after 3 receives, DLQ keeps 14 days, TLS-only policies.

#[test]
fn the_order_queue_is_a_standard_encrypted_queue() {
    let t = template();
    t.resource_count_is("AWS::SQS::Queue", 2);
    t.all_resources_properties(
        "AWS::SQS::Queue",
        Match::obj([("FifoQueue", Match::absent()), ("ContentBasedDeduplication", Match::absent())]),
    );
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("order-queue"), "KmsMasterKeyId": "alias/aws/sqs", "MessageRetentionPeriod": 345_600}),
    );
}

#[test]
fn the_visibility_timeout_is_six_times_the_function_timeout() {
    let t = template();
    let timeout = function_timeout_seconds(&t);
    assert_eq!(timeout, order_queue::FUNCTION_TIMEOUT.to_seconds());
    assert_eq!(timeout, 30, "decision: the function times out after 30 s");
    let visibility = resource(&t, "OrderQueue")["Properties"]["VisibilityTimeout"].as_u64().unwrap();
    assert!(visibility >= 6 * timeout, "visibility {visibility} s < 6 x {timeout} s");
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("order-queue"), "VisibilityTimeout": 180}),
    );
}

#[test]
fn the_queue_redrives_to_the_dead_letter_queue_after_three_receives() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::obj([
            ("QueueName", suffixed("order-queue").into()),
            (
                "RedrivePolicy",
                Match::object_equals(json!({"deadLetterTargetArn": get_att("OrderDlq", "Arn"), "maxReceiveCount": 3})),
            ),
        ]),
    );
}

#[test]
fn the_dead_letter_queue_keeps_messages_fourteen_days() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        Match::obj([
            ("QueueName", suffixed("order-dlq").into()),
            ("MessageRetentionPeriod", json!(14 * 24 * 3600).into()),
            ("RedrivePolicy", Match::absent()),
        ]),
    );
    let dlq = resource(&t, "OrderDlq")["Properties"]["MessageRetentionPeriod"].as_u64().unwrap();
    let source = resource(&t, "OrderQueue")["Properties"]["MessageRetentionPeriod"].as_u64().unwrap();
    assert!(dlq > source, "a moved message keeps its age: the DLQ must keep it longer than the source");
}

// ---------------------------------------------------------------------------
// Lambda: the newest Node.js runtime Lambda supports (nodejs24.x), 256 MB, try/catch and structured error logs, records
// success and failure; event source mapping with batch size and
// ReportBatchItemFailures.

#[test]
fn the_function_is_the_newest_nodejs_with_256_mb_and_inline_code() {
    let t = template();
    t.resource_count_is("AWS::Lambda::Function", 1);
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Runtime": "nodejs24.x",
            "MemorySize": 256,
            "Timeout": 30,
            "Handler": "index.handler",
            "Code": {"ZipFile": order_queue::HANDLER_JS},
            "Role": get_att("OrderProcessorServiceRole", "Arn"),
            "LoggingConfig": {"LogGroup": r#ref("OrderProcessorLogGroup")}
        }),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        at(&["Environment", "Variables"], Match::object_equals(json!({"TABLE_NAME": r#ref("OrderStatusTable")}))),
    );
    t.has_resource_properties("AWS::Lambda::Function", Match::obj([("VpcConfig", Match::absent())]));
    // The role's grants exist before the function (and so before its event source) is created.
    t.has_resource("AWS::Lambda::Function", json!({"DependsOn": ["OrderProcessorServiceRoleDefaultPolicy"]}));
}

#[test]
fn the_handler_processes_each_order_with_try_catch_and_structured_error_logs() {
    let code = order_queue::HANDLER_JS;
    assert!(code.contains("require('@aws-sdk/client-dynamodb')"), "AWS SDK v3");
    assert!(code.contains("for (const message of event.Records || [])"), "each record of the batch");
    assert!(code.contains("try {") && code.contains("} catch (err) {"), "try/catch around each order");
    assert!(code.contains("console[level](JSON.stringify({ level, message, ...fields }))"), "structured JSON logs");
    assert!(code.contains("log('error', 'order failed', { messageId: message.messageId"), "structured error log");
    assert!(code.contains("'PROCESSED'") && code.contains("'FAILED'"), "success and failure are recorded");
    assert!(code.contains("process.env.TABLE_NAME"), "the table comes from the environment");
    assert!(code.contains("return { batchItemFailures };"), "partial batch response");
}

#[test]
fn the_event_source_mapping_batches_ten_orders_and_reports_item_failures() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventSourceMapping", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        Match::object_equals(json!({
            "BatchSize": 10,
            "EventSourceArn": get_att("OrderQueue", "Arn"),
            "FunctionName": r#ref("OrderProcessor"),
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "Tags": tags()
        })),
    );
}

// ---------------------------------------------------------------------------
// DynamoDB: each order's processing status, PAY_PER_REQUEST, PITR, SSE.

#[test]
fn the_status_table_records_every_attempt_on_demand_with_pitr_and_sse() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::Table", 1);
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({
            "KeySchema": [
                {"AttributeName": "orderId", "KeyType": "HASH"},
                {"AttributeName": "processedAt", "KeyType": "RANGE"}
            ],
            "AttributeDefinitions": [
                {"AttributeName": "orderId", "AttributeType": "S"},
                {"AttributeName": "processedAt", "AttributeType": "N"}
            ]
        }),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([("BillingMode", json!("PAY_PER_REQUEST").into()), ("ProvisionedThroughput", Match::absent())]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    t.has_resource_properties("AWS::DynamoDB::Table", json!({"SSESpecification": {"SSEEnabled": true}}));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([("GlobalSecondaryIndexes", Match::absent()), ("LocalSecondaryIndexes", Match::absent())]),
    );
    // The handler writes exactly the key the table declares.
    assert!(order_queue::HANDLER_JS.contains("Item: { orderId, processedAt: Date.now(), status, detail }"));
}

// ---------------------------------------------------------------------------
// Logs: 30-day log group; a Logs Insights query definition for errors.

#[test]
fn the_log_group_keeps_thirty_days_and_an_insights_query_finds_errors() {
    let t = template();
    t.resource_count_is("AWS::Logs::LogGroup", 1);
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": suffixed("/aws/lambda/order-processor"), "RetentionInDays": 30}),
    );
    t.resource_count_is("AWS::Logs::QueryDefinition", 1);
    t.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        Match::obj([
            ("LogGroupNames", json!([r#ref("OrderProcessorLogGroup")]).into()),
            ("QueryString", Match::string_like_regexp(r#"(?m)^\| filter level = "error"$"#)),
        ]),
    );
    t.has_resource_properties(
        "AWS::Logs::QueryDefinition",
        Match::obj([("QueryString", Match::string_like_regexp(r"^fields @timestamp, messageId, orderId, error\n"))]),
    );
    // The query filters on the field the handler's error logs carry.
    assert!(order_queue::HANDLER_JS.contains("log('error',"));
}
