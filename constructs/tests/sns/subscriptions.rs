//! Lambda and queue subscriptions: what they add for delivery, and their errors.

use cfnkit_constructs::sns::{Subscription, Topic};
use cfnkit_constructs::sqs::{Queue, QueueEncryption};
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::Stack;
use serde_json::json;

use super::helpers::{build, errors, function, has_error, key, props, queue, sns_send, statements, template, topic};

fn warnings(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect("synthesizes").warnings
}

// Lambda subscriptions

#[test]
fn lambda_subscription_delivers_to_the_function() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        topic.subscribe_lambda(s, "HandlerSubscription", f);
    });
    assert_eq!(
        *props(&t, "HandlerSubscription"),
        json!({
            "Endpoint": {"Fn::GetAtt": ["Handler", "Arn"]},
            "Protocol": "lambda",
            "TopicArn": {"Ref": "Topic"}
        })
    );
}

#[test]
fn lambda_subscription_lets_sns_invoke_the_function_for_this_topic_only() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        topic.subscribe_lambda(s, "HandlerSubscription", f);
    });
    assert_eq!(t["Resources"]["HandlerHandlerSubscriptionPermission"]["Type"], "AWS::Lambda::Permission");
    assert_eq!(
        *props(&t, "HandlerHandlerSubscriptionPermission"),
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["Handler", "Arn"]},
            "Principal": "sns.amazonaws.com",
            "SourceArn": {"Ref": "Topic"}
        })
    );
}

#[test]
fn lambda_subscription_waits_for_its_permission_only() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        topic.subscribe_lambda(s, "HandlerSubscription", f);
    });
    assert_eq!(t["Resources"]["HandlerSubscription"]["DependsOn"], json!(["HandlerHandlerSubscriptionPermission"]));
}

#[test]
fn a_fifo_topic_cannot_deliver_to_a_function() {
    let errs = errors(|s| {
        let ledger = Topic::new("Ledger").name("ledger.fifo").fifo().add_to(s);
        let f = function(s);
        ledger.subscribe_lambda(s, "HandlerSubscription", f);
    });
    assert!(has_error(&errs, "Protocol", "SQS queues only"), "{errs:?}");
}

#[test]
fn raw_message_delivery_to_a_function_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f).raw_message_delivery().add_to(s);
    });
    assert!(has_error(&errs, "RawMessageDelivery", "SQS and HTTP(S)"), "{errs:?}");
}

// Queue subscriptions

#[test]
fn queue_subscription_delivers_to_the_queue_and_waits_for_its_policy() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    assert_eq!(
        *props(&t, "WorkSubscription"),
        json!({"Endpoint": {"Fn::GetAtt": ["Work", "Arn"]}, "Protocol": "sqs", "TopicArn": {"Ref": "Topic"}})
    );
    assert_eq!(t["Resources"]["WorkSubscription"]["DependsOn"], json!(["WorkPolicy"]));
}

#[test]
fn queue_subscription_lets_sns_send_for_this_topic_only() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    let st = statements(&t, "WorkPolicy", "PolicyDocument");
    assert_eq!(st.len(), 2, "the TLS deny and the SNS allow");
    assert_eq!(st[1], sns_send("Work", json!({"Ref": "Topic"})));
}

#[test]
fn queue_key_lets_sns_use_it_for_this_topic() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    let st = statements(&t, "QueueKey", "KeyPolicy");
    assert_eq!(
        st.last(),
        Some(&json!({
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "Topic"}}}
        }))
    );
}

#[test]
fn a_key_shared_with_a_named_topic_names_it_by_an_arn_built_from_its_name() {
    let t = template(|s| {
        let k = key(s);
        let sfx = s.suffix();
        let topic = Topic::new("Topic").name(sfx.name("orders")).encryption(k).add_to(s);
        let q = queue(s, "Work", k);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    let st = statements(&t, "QueueKey", "KeyPolicy");
    assert_eq!(
        st.last().map(|s| s["Condition"].clone()),
        Some(json!({"ArnEquals": {"aws:SourceArn": {
            "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:orders-${EnvironmentSuffix}"
        }}}))
    );
}

#[test]
fn a_key_shared_with_an_unnamed_topic_names_the_account_s_topics_to_avoid_a_cycle() {
    let t = template(|s| {
        let k = key(s);
        let topic = Topic::new("Topic").encryption(k).add_to(s);
        let q = queue(s, "Work", k);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    let st = statements(&t, "QueueKey", "KeyPolicy");
    assert_eq!(
        st.last().map(|s| s["Condition"].clone()),
        Some(json!({"ArnLike": {"aws:SourceArn": {
            "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"
        }}}))
    );
}

#[test]
fn a_queue_key_outside_the_stack_gets_a_warning() {
    let w = warnings(|s| {
        let topic = topic(s);
        let q = Queue::new("Work")
            .encryption(QueueEncryption::kms(
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ))
            .without_dead_letter_queue("unit test")
            .add_to(s);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    assert!(w.iter().any(|d| d.problem.contains("cannot edit") && d.problem.contains("sns.amazonaws.com")), "{w:?}");
}

#[test]
fn sse_sqs_queues_need_no_key_statement() {
    let t = template(|s| {
        let topic = topic(s);
        let q =
            Queue::new("Work").encryption(QueueEncryption::SqsManaged).without_dead_letter_queue("unit test").add_to(s);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    assert_eq!(statements(&t, "WorkPolicy", "PolicyDocument").len(), 2);
    assert_eq!(t["Resources"]["WorkSubscription"]["Type"], "AWS::SNS::Subscription");
}

#[test]
fn a_queue_with_the_aws_managed_key_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let q = Queue::new("Work").without_dead_letter_queue("unit test").add_to(s);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    assert!(has_error(&errs, "Endpoint", "alias/aws/sqs"), "{errs:?}");
}

#[test]
fn a_standard_topic_cannot_deliver_to_a_fifo_queue() {
    let errs = errors(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = Queue::new("Work.fifo")
            .fifo()
            .encryption(QueueEncryption::from(k))
            .without_dead_letter_queue("unit test")
            .add_to(s);
        topic.subscribe_queue(s, "WorkSubscription", q);
    });
    assert!(has_error(&errs, "Endpoint", "standard topic cannot deliver to a FIFO queue"), "{errs:?}");
}

#[test]
fn a_fifo_topic_delivers_to_a_fifo_queue() {
    let t = template(|s| {
        let ledger = Topic::new("Ledger").name("ledger.fifo").fifo().add_to(s);
        let k = key(s);
        let q = Queue::new("Entries")
            .name("entries.fifo")
            .fifo()
            .encryption(QueueEncryption::from(k))
            .without_dead_letter_queue("unit test")
            .add_to(s);
        ledger.subscribe_queue(s, "EntriesSubscription", q);
    });
    assert_eq!(props(&t, "EntriesSubscription")["Protocol"], "sqs");
}

#[test]
fn raw_message_delivery_is_written() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        Subscription::queue("WorkSubscription", topic, q).raw_message_delivery().add_to(s);
    });
    assert_eq!(props(&t, "WorkSubscription")["RawMessageDelivery"], true);
}
