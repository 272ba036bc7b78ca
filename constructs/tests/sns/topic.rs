//! `sns::Topic`: defaults, grants, policy, metrics and validation.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::iam::{PolicyStatement, Principal, Role, RoleRef};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::sns::{Topic, TopicEncryption};
use cfnkit_core::tree::{App, Stack};
use serde_json::json;

use super::helpers::{errors, has_error, props, statements, template, topic};

fn role(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

// Topic defaults

#[test]
fn topic_is_encrypted_with_the_aws_managed_key_by_default() {
    let t = template(|s| {
        topic(s);
    });
    assert_eq!(props(&t, "Topic")["KmsMasterKeyId"], "alias/aws/sns");
}

#[test]
fn topic_has_a_tls_only_policy_by_default() {
    let t = template(|s| {
        topic(s);
    });
    assert_eq!(props(&t, "TopicPolicy")["Topics"], json!([{"Ref": "Topic"}]));
    assert_eq!(
        statements(&t, "TopicPolicy", "PolicyDocument"),
        vec![json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": {"Ref": "Topic"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })]
    );
}

#[test]
fn topic_is_standard_by_default() {
    let t = template(|s| {
        topic(s);
    });
    assert!(props(&t, "Topic").get("FifoTopic").is_none());
    assert!(props(&t, "Topic").get("ContentBasedDeduplication").is_none());
}

#[test]
fn fifo_topic_is_written_with_content_based_deduplication() {
    let t = template(|s| {
        let sfx = s.suffix();
        Topic::new("Ledger").name(sfx.format("ledger-{}.fifo")).fifo().content_based_deduplication().add_to(s);
    });
    assert_eq!(props(&t, "Ledger")["FifoTopic"], true);
    assert_eq!(props(&t, "Ledger")["ContentBasedDeduplication"], true);
    assert_eq!(props(&t, "Ledger")["TopicName"], json!({"Fn::Sub": "ledger-${EnvironmentSuffix}.fifo"}));
}

#[test]
fn topic_takes_a_key_ref_for_encryption() {
    let t = template(|s| {
        let k = Key::new("TopicKey").add_to(s);
        Topic::new("Topic").encryption(k).add_to(s);
    });
    assert_eq!(props(&t, "Topic")["KmsMasterKeyId"], json!({"Fn::GetAtt": ["TopicKey", "Arn"]}));
}

#[test]
fn topic_ref_knows_whether_it_is_fifo_and_has_a_customer_managed_key() {
    let mut app = App::new();
    let s = app.stack("refs");
    let k = Key::new("TopicKey").add_to(s);
    let plain = Topic::new("Plain").add_to(s);
    let ledger =
        Topic::new("Ledger").name("ledger.fifo").fifo().encryption(TopicEncryption::Kms(k.arn().into())).add_to(s);
    assert!(!plain.is_fifo() && !plain.has_customer_managed_key());
    assert!(ledger.is_fifo() && ledger.has_customer_managed_key());
}

// Topic grants, policy and metrics

#[test]
fn grant_publish_allows_publish_on_the_topic_only() {
    let t = template(|s| {
        let topic = topic(s);
        let r = role(s);
        topic.grant_publish(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument"),
        vec![json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "Topic"}})]
    );
}

#[test]
fn grant_publish_lists_the_key_actions_one_by_one_with_a_customer_managed_key() {
    let t = template(|s| {
        let k = Key::new("TopicKey").add_to(s);
        let topic = Topic::new("Topic").encryption(k).add_to(s);
        let r = role(s);
        topic.grant_publish(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument")[1],
        json!({
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": {"Fn::GetAtt": ["TopicKey", "Arn"]}
        })
    );
}

#[test]
fn add_to_resource_policy_appends_a_statement_once() {
    let t = template(|s| {
        let topic = topic(s);
        let allow = PolicyStatement::allow()
            .principal(Principal::service("events.amazonaws.com"))
            .actions(["sns:Publish"])
            .resource(topic.arn());
        topic.add_to_resource_policy(s, allow.clone());
        topic.add_to_resource_policy(s, allow);
    });
    let st = statements(&t, "TopicPolicy", "PolicyDocument");
    assert_eq!(st.len(), 2);
    assert_eq!(st[1]["Principal"], json!({"Service": "events.amazonaws.com"}));
}

#[test]
fn topic_metrics_name_the_topic() {
    let mut app = App::new();
    let s = app.stack("metrics");
    let topic = topic(s);
    for (m, name) in [
        (topic.metric_messages_published(), "NumberOfMessagesPublished"),
        (topic.metric_notifications_delivered(), "NumberOfNotificationsDelivered"),
        (topic.metric_notifications_failed(), "NumberOfNotificationsFailed"),
        (topic.metric_notifications_filtered_out(), "NumberOfNotificationsFilteredOut"),
        (topic.metric_notifications_redriven_to_dlq(), "NumberOfNotificationsRedrivenToDlq"),
    ] {
        assert_eq!((m.namespace(), m.name(), m.stat()), ("AWS/SNS", name, &Statistic::Sum));
        assert_eq!(m.dimensions()[0].0, "TopicName");
    }
}

// Topic validation

#[test]
fn display_name_over_100_characters_is_an_error() {
    let errs = errors(|s| {
        Topic::new("Topic").display_name(&"x".repeat(101)).add_to(s);
    });
    assert!(has_error(&errs, "DisplayName", "too long"), "{errs:?}");
}

#[test]
fn fifo_topic_without_a_name_is_an_error() {
    let errs = errors(|s| {
        Topic::new("Topic").fifo().add_to(s);
    });
    assert!(has_error(&errs, "TopicName", "needs a name ending in .fifo"), "{errs:?}");
}

#[test]
fn fifo_topic_name_must_end_in_fifo() {
    let errs = errors(|s| {
        let sfx = s.suffix();
        Topic::new("Topic").name(sfx.name("ledger")).fifo().add_to(s);
    });
    assert!(has_error(&errs, "TopicName", "must end in .fifo"), "{errs:?}");
}

#[test]
fn standard_topic_name_must_not_end_in_fifo() {
    let errs = errors(|s| {
        Topic::new("Topic").name("ledger.fifo").add_to(s);
    });
    assert!(has_error(&errs, "TopicName", "only a FIFO topic"), "{errs:?}");
}

#[test]
fn content_based_deduplication_on_a_standard_topic_is_an_error() {
    let errs = errors(|s| {
        Topic::new("Topic").content_based_deduplication().add_to(s);
    });
    assert!(has_error(&errs, "ContentBasedDeduplication", "FIFO topics only"), "{errs:?}");
}

#[test]
fn topic_name_with_an_invalid_character_is_an_error() {
    let errs = errors(|s| {
        Topic::new("Topic").name("order alerts").add_to(s);
    });
    assert!(has_error(&errs, "TopicName", "invalid character ' '"), "{errs:?}");
}

#[test]
fn topic_name_over_256_characters_is_an_error() {
    let errs = errors(|s| {
        let sfx = s.suffix();
        Topic::new("Topic").name(sfx.name(&"a".repeat(256))).add_to(s);
    });
    assert!(has_error(&errs, "TopicName", "length"), "{errs:?}");
}
