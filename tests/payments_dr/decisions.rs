//! The decisions the program's doc comment records where the spec is silent.

use cfnkit::assertions::Match;
use cfnkit::reference::payments_dr::PROCESSOR_PY;
use serde_json::json;

use super::helpers::{arn_of, put_metrics_statement, reference_to, sub, suffixed, template, template_text, NAMESPACE};

// ---------------------------------------------------------------------------
// Decisions of the program's doc comment

#[test]
fn decision_functions_run_python_3_12_inline() {
    let t = template();
    t.all_resources_properties(
        "AWS::Lambda::Function",
        Match::obj([("Runtime", json!("python3.12").into()), ("Code", Match::obj([("ZipFile", Match::any_value())]))]),
    );
}

#[test]
fn decision_posts_require_iam_and_health_is_open_with_a_written_reason() {
    let t = template();
    assert_eq!(
        t.find_resources(
            "AWS::ApiGateway::Method",
            json!({"Properties": {"HttpMethod": "POST", "AuthorizationType": "AWS_IAM"}})
        )
        .len(),
        2
    );
    t.has_resource(
        "AWS::ApiGateway::Method",
        Match::obj([
            ("Properties", Match::from(json!({"HttpMethod": "GET", "AuthorizationType": "NONE"}))),
            (
                "Metadata",
                json!({"checkov": {"skip": [{
                    "id": "CKV_AWS_59",
                    "comment": "the Route 53 health checkers call it and cannot sign requests; it returns a constant"
                }]}})
                .into(),
            ),
        ]),
    );
}

#[test]
fn decision_topic_key_is_customer_managed_and_lets_cloudwatch_use_it() {
    let t = template();
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::obj([
            ("Description", json!("Encrypts the payment topics; CloudWatch alarms may publish with it").into()),
            (
                "KeyPolicy",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Sid": "AllowCloudWatchAlarmNotifications",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
                    }))]),
                )]),
            ),
        ]),
    );
    t.resource_count_is("AWS::KMS::Alias", 0);
    let with_topic_key = json!({"Properties": {"KmsMasterKeyId": arn_of("TopicKey")}});
    assert_eq!(t.find_resources("AWS::SNS::Topic", with_topic_key).len(), 2, "both topics use TopicKey");
    assert!(!template_text().contains("alias/aws/sns"), "no topic uses the AWS managed key");
}

#[test]
fn decision_processor_takes_batches_of_ten_reports_failed_items_and_serves_post_process() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    assert!(PROCESSOR_PY.contains(r#"return {"batchItemFailures": failures}"#));
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"ResourceId": reference_to("PaymentApiProcess"), "Integration": {"Type": "AWS_PROXY"}}),
    );
}

#[test]
fn decision_each_function_puts_metrics_into_its_namespace_only() {
    let t = template();
    t.all_resources_properties(
        "AWS::Lambda::Function",
        json!({"Environment": {"Variables": {"METRIC_NAMESPACE": sub(NAMESPACE)}}}),
    );
    t.all_resources_properties(
        "AWS::IAM::Policy",
        Match::obj([(
            "PolicyDocument",
            Match::obj([("Statement", Match::array_with(vec![put_metrics_statement().into()]))]),
        )]),
    );
}

#[test]
fn decision_orchestrator_failures_land_in_its_on_failure_queue_after_two_retries() {
    let t = template();
    t.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        json!({"MaximumRetryAttempts": 2, "DestinationConfig": {"OnFailure": {"Destination": arn_of("OrchestratorFailures")}}}),
    );
    t.has_resource(
        "AWS::SQS::Queue",
        json!({
            "Properties": {
                "QueueName": suffixed("failover-orchestrator-failures"),
                "MessageRetentionPeriod": 1_209_600,
                "SqsManagedSseEnabled": true
            },
            "DeletionPolicy": "Delete"
        }),
    );
}

#[test]
fn decision_stage_logging_depends_on_the_account_cloudwatch_role() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Account", 1);
    t.has_resource(
        "AWS::ApiGateway::Account",
        json!({"Properties": {"CloudWatchRoleArn": arn_of("ApiGatewayAccountCloudWatchRole")}}),
    );
    t.has_resource("AWS::ApiGateway::Stage", json!({"DependsOn": ["ApiGatewayAccount"]}));
}
