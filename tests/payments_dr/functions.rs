//! The three functions and their one least-privilege execution role each.

use std::collections::BTreeSet;

use cfnkit::assertions::{Match, Template};
use cfnkit::reference::payments_dr::{ORCHESTRATOR_PY, PROCESSOR_PY, VALIDATOR_PY};
use serde_json::{json, Value};

use super::helpers::{
    actions_of, all_statements, arn_of, put_metrics_statement, reference_to, resources, sub, suffixed, template,
    FUNCTIONS, NAMESPACE,
};

// ---------------------------------------------------------------------------
// The three functions

fn function(id: &str, name: &str, memory: u32, timeout: u32, code: &str) -> Value {
    json!({
        "FunctionName": suffixed(name),
        "MemorySize": memory,
        "Timeout": timeout,
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Code": {"ZipFile": code},
        "Role": arn_of(&format!("{id}ServiceRole")),
        "LoggingConfig": {"LogGroup": reference_to(&format!("{id}LogGroup"))}
    })
}

#[test]
fn there_are_exactly_three_functions() {
    template().resource_count_is("AWS::Lambda::Function", 3);
}

#[test]
fn payment_validator_has_512_mb_and_30_seconds_and_queues_valid_payments() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("PaymentValidator", "payment-validator", 512, 30, VALIDATOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("payment-validator"), "Environment": {"Variables": {
            "QUEUE_URL": reference_to("PaymentQueue"),
            "METRIC_NAMESPACE": sub(NAMESPACE)
        }}}),
    );
    assert!(VALIDATOR_PY.contains(r#"REQUIRED = ("transaction_id", "customer_id", "amount", "currency")"#));
    assert!(VALIDATOR_PY.contains("if amount <= 0:"), "positive amounts only");
    assert!(
        VALIDATOR_PY.contains(r#"REVIEW_THRESHOLD = Decimal("10000")"#)
            && VALIDATOR_PY.contains("amount > REVIEW_THRESHOLD")
    );
    assert!(VALIDATOR_PY.contains("put_metric_data"), "custom metric");
}

#[test]
fn payment_processor_has_1024_mb_and_60_seconds_and_writes_the_table_and_the_topic() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("PaymentProcessor", "payment-processor", 1024, 60, PROCESSOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("payment-processor"), "Environment": {"Variables": {
            "TABLE_NAME": reference_to("PaymentsTable"),
            "TRANSACTION_TOPIC_ARN": reference_to("TransactionsTopic"),
            "METRIC_NAMESPACE": sub(NAMESPACE)
        }}}),
    );
    assert!(PROCESSOR_PY.contains("TABLE.put_item(Item=item)"));
    assert!(PROCESSOR_PY.contains(r#"TopicArn=os.environ["TRANSACTION_TOPIC_ARN"]"#));
    assert!(PROCESSOR_PY.contains("put_metric_data"), "custom metric");
}

#[test]
fn failover_orchestrator_has_256_mb_and_60_seconds_and_emits_a_failover_metric() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::Function",
        function("FailoverOrchestrator", "failover-orchestrator", 256, 60, ORCHESTRATOR_PY),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": suffixed("failover-orchestrator"), "Environment": {"Variables": {
            "METRIC_NAMESPACE": sub(NAMESPACE),
            "SECONDARY_REGION": {"Ref": "SecondaryRegion"}
        }}}),
    );
    assert!(ORCHESTRATOR_PY.contains(r#"json.loads(record["Sns"]["Message"])"#), "parses alarm messages");
    assert!(ORCHESTRATOR_PY.contains(r#""MetricName": "FailoverTriggered""#));
}

#[test]
fn only_the_asynchronously_invoked_orchestrator_retries_twice() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventInvokeConfig", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        json!({"FunctionName": reference_to("FailoverOrchestrator"), "Qualifier": "$LATEST", "MaximumRetryAttempts": 2}),
    );
}

#[test]
fn function_log_groups_are_named_after_the_functions_and_kept_a_month() {
    let t = template();
    for (id, name) in [
        ("PaymentValidatorLogGroup", "payment-validator"),
        ("PaymentProcessorLogGroup", "payment-processor"),
        ("FailoverOrchestratorLogGroup", "failover-orchestrator"),
    ] {
        assert_eq!(
            resources(&t)[id]["Properties"]["LogGroupName"],
            suffixed(&format!("/aws/lambda/{name}")),
            "{id} is the function's own log group"
        );
        assert_eq!(resources(&t)[id]["Properties"]["RetentionInDays"], 30, "{id}");
    }
}

// ---------------------------------------------------------------------------
// One least-privilege execution role per function

fn logs_statement(function: &str) -> Value {
    json!({
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": arn_of(&format!("{function}LogGroup"))
    })
}

fn policy_is_exactly(t: &Template, function: &str, statements: &[Value]) {
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("PolicyName", json!(format!("{function}ServiceRoleDefaultPolicy")).into()),
            ("Roles", json!([reference_to(&format!("{function}ServiceRole"))]).into()),
            ("PolicyDocument", Match::obj([("Statement", Match::exact(Value::Array(statements.to_vec())))])),
        ]),
    );
}

#[test]
fn each_function_has_its_own_role_that_only_lambda_may_assume() {
    let t = template();
    t.resource_count_is("AWS::IAM::Role", 4);
    t.resource_count_is("AWS::IAM::Policy", 3);
    let trust = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]});
    assert_eq!(t.find_resources("AWS::IAM::Role", json!({"Properties": {"AssumeRolePolicyDocument": trust}})).len(), 3);
    let roles: BTreeSet<String> = FUNCTIONS
        .iter()
        .map(|f| resources(&t)[*f]["Properties"]["Role"]["Fn::GetAtt"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roles.len(), 3, "no role is shared");
}

#[test]
fn validator_role_may_write_its_logs_send_to_the_queue_and_put_metrics_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "PaymentValidator",
        &[
            logs_statement("PaymentValidator"),
            json!({
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                "Resource": arn_of("PaymentQueue")
            }),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn processor_role_may_put_items_in_the_table_publish_and_consume_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "PaymentProcessor",
        &[
            logs_statement("PaymentProcessor"),
            json!({
                "Effect": "Allow",
                "Action": [
                    "sqs:ReceiveMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueUrl",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes"
                ],
                "Resource": arn_of("PaymentQueue")
            }),
            json!({
                "Effect": "Allow",
                "Action": "dynamodb:PutItem",
                "Resource": arn_of("PaymentsTable")
            }),
            json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": reference_to("TransactionsTopic")}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn_of("TopicKey")}),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn orchestrator_role_may_write_its_logs_its_failures_and_metrics_only() {
    let t = template();
    policy_is_exactly(
        &t,
        "FailoverOrchestrator",
        &[
            logs_statement("FailoverOrchestrator"),
            json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn_of("OrchestratorFailures")}),
            put_metrics_statement(),
        ],
    );
}

#[test]
fn only_the_processor_touches_the_table_and_only_with_item_actions() {
    let t = template();
    for (id, ty, s) in all_statements(&t) {
        let dynamo: Vec<String> = actions_of(&s).into_iter().filter(|a| a.starts_with("dynamodb:")).collect();
        if !dynamo.is_empty() {
            assert_eq!(id, "PaymentProcessorServiceRoleDefaultPolicy", "{id} ({ty}) may not use the table");
            assert_eq!(dynamo, ["dynamodb:PutItem"], "item actions only");
            // Scoped to the table (and `table-arn/index/*` only for reads: PutItem never reaches an index).
            let allowed = [arn_of("PaymentsTable"), sub("${PaymentsTable.Arn}/index/*")];
            let resources = match &s["Resource"] {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            assert!(resources.iter().all(|r| allowed.contains(r)), "{id}: table resources only: {s}");
        }
    }
}
