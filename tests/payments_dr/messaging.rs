//! The queues and the SNS topics.

use cfnkit::assertions::Match;
use cfnkit::reference;
use cfnkit::reference::payments_dr::NAME;
use serde_json::json;

use super::helpers::{
    actions_of, all_statements, arn_of, deny_insecure_transport, reference_to, sub, suffixed, template,
};

// ---------------------------------------------------------------------------
// Queues

#[test]
fn payment_queue_has_300_second_visibility_sqs_managed_sse_and_a_dlq_after_three_receives() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({
            "QueueName": suffixed("payment-queue"),
            "VisibilityTimeout": 300,
            "SqsManagedSseEnabled": true,
            "RedrivePolicy": {"deadLetterTargetArn": arn_of("PaymentDlq"), "maxReceiveCount": 3}
        }),
    );
}

#[test]
fn payment_dlq_keeps_messages_fourteen_days() {
    let t = template();
    t.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": suffixed("payment-dlq"), "MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true}),
    );
}

#[test]
fn synthesis_warns_that_the_specified_visibility_is_under_six_processor_timeouts() {
    // The spec fixes both the visibility (300 s) and the processor timeout
    // (60 s); AWS recommends 6 x 60 = 360 s. The library says so; the only
    // other warning is the template size (deploy through S3).
    let out = reference::app().synth().unwrap();
    let ours: Vec<String> = out.warnings.iter().filter(|w| w.path.starts_with(NAME)).map(ToString::to_string).collect();
    assert!(ours.iter().any(|w| w.contains("visibility timeout (300 seconds)")), "{ours:#?}");
    assert!(
        ours.iter().all(|w| w.contains("visibility timeout (300 seconds)") || w.contains("deploy it through S3")),
        "no other warning: {ours:#?}"
    );
}

#[test]
fn only_the_validator_may_send_to_the_payment_queue() {
    let t = template();
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("Roles", json!([reference_to("PaymentValidatorServiceRole")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                        "Resource": arn_of("PaymentQueue")
                    }))]),
                )]),
            ),
        ]),
    );
    for (id, _, s) in all_statements(&t) {
        if s["Effect"] == "Allow"
            && actions_of(&s).iter().any(|a| a == "sqs:SendMessage")
            && s["Resource"] == arn_of("PaymentQueue")
        {
            assert_eq!(id, "PaymentValidatorServiceRoleDefaultPolicy", "{id} may not send to the payment queue");
        }
    }
}

#[test]
fn the_processor_consumes_the_payment_queue() {
    let t = template();
    t.resource_count_is("AWS::Lambda::EventSourceMapping", 1);
    t.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({"EventSourceArn": arn_of("PaymentQueue"), "FunctionName": reference_to("PaymentProcessor")}),
    );
    t.has_resource_properties(
        "AWS::IAM::Policy",
        Match::obj([
            ("Roles", json!([reference_to("PaymentProcessorServiceRole")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Effect": "Allow",
                        "Action": [
                            "sqs:ReceiveMessage",
                            "sqs:ChangeMessageVisibility",
                            "sqs:GetQueueUrl",
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes"
                        ],
                        "Resource": arn_of("PaymentQueue")
                    }))]),
                )]),
            ),
        ]),
    );
}

// ---------------------------------------------------------------------------
// SNS topics

#[test]
fn ops_alerts_and_transactions_topics_are_suffixed_and_kms_encrypted() {
    let t = template();
    t.resource_count_is("AWS::SNS::Topic", 2);
    t.has_resource_properties(
        "AWS::SNS::Topic",
        json!({"TopicName": suffixed("ops-alerts"), "KmsMasterKeyId": arn_of("TopicKey")}),
    );
    t.has_resource_properties(
        "AWS::SNS::Topic",
        json!({"TopicName": suffixed("transactions"), "KmsMasterKeyId": arn_of("TopicKey")}),
    );
}

#[test]
fn the_orchestrator_is_subscribed_to_the_ops_topic() {
    let t = template();
    t.resource_count_is("AWS::SNS::Subscription", 1);
    t.has_resource(
        "AWS::SNS::Subscription",
        json!({
            "Properties": {"Protocol": "lambda", "TopicArn": reference_to("OpsAlertsTopic"), "Endpoint": arn_of("FailoverOrchestrator")},
            "DependsOn": ["FailoverOrchestratorOrchestratorSubscriptionPermission"]
        }),
    );
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn_of("FailoverOrchestrator"),
            "Principal": "sns.amazonaws.com",
            "SourceArn": reference_to("OpsAlertsTopic")
        }),
    );
}

#[test]
fn cloudwatch_alarms_may_publish_to_the_ops_topic_and_nothing_else_may_publish_to_transactions() {
    // A topic policy replaces SNS's default one; without this Allow every
    // alarm action fails ("no resource-based policy allows the SNS:Publish
    // action") and the orchestrator never hears of an alarm.
    let t = template();
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        Match::obj([
            ("Topics", json!([reference_to("OpsAlertsTopic")]).into()),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::array_with(vec![Match::exact(json!({
                        "Sid": "AllowCloudWatchAlarmsToPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": reference_to("OpsAlertsTopic"),
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {"aws:SourceArn": sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*")}
                        }
                    }))]),
                )]),
            ),
        ]),
    );
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        json!({
            "Topics": [reference_to("TransactionsTopic")],
            "PolicyDocument": {"Statement": [deny_insecure_transport("sns:Publish", reference_to("TransactionsTopic"))]}
        }),
    );
}
