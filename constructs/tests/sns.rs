//! `sns::Topic` and `sns::Subscription`: defaults, settings, grants,
//! metrics, what subscriptions add for delivery, and every validation error.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::iam::{PolicyStatement, Principal, Role, RoleRef};
use cfnkit_constructs::kms::{Key, KeyRef};
use cfnkit_constructs::lambda::{AsyncConfig, Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::sns::{FilterPolicyScope, SubscribedTopic, Subscription, Topic, TopicEncryption, TopicRef};
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::fns;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

/// Builds one stack with conventions, returning the synthesis result.
fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("sns tests"));
    f(stack);
    app.synth()
}

fn template(f: impl FnOnce(&mut Stack)) -> Value {
    build(f).expect("synthesizes").stacks[0].template.clone()
}

fn warnings(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect("synthesizes").warnings
}

fn errors(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect_err("synthesis fails").diagnostics
}

/// True when one error names `property` and its problem contains `problem`.
fn has_error(errs: &[Diagnostic], property: &str, problem: &str) -> bool {
    errs.iter().any(|d| d.property.as_deref() == Some(property) && d.problem.contains(problem))
}

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    &t["Resources"][id]["Properties"]
}

fn statements(t: &Value, id: &str, property: &str) -> Vec<Value> {
    props(t, id)[property]["Statement"].as_array().expect("statements").clone()
}

fn topic(stack: &mut Stack) -> TopicRef {
    Topic::new("Topic").add_to(stack)
}

fn function(stack: &mut Stack) -> FunctionRef {
    let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
    Function::new("Handler", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
        .async_config(AsyncConfig::new().on_failure(failures))
        .add_to(stack)
}

fn key(stack: &mut Stack) -> KeyRef {
    Key::new("QueueKey").add_to(stack)
}

fn queue(stack: &mut Stack, id: &str, key: KeyRef) -> QueueRef {
    Queue::new(id).encryption(QueueEncryption::from(key)).without_dead_letter_queue("unit test").add_to(stack)
}

fn role(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

fn sns_send(queue: &str, topic: Value) -> Value {
    json!({
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": [queue, "Arn"]},
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}
    })
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

// Filter policies

#[test]
fn filter_policy_is_written_and_its_default_scope_is_not() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f).filter_policy(json!({"status": ["FAILED"]})).add_to(s);
    });
    assert_eq!(props(&t, "HandlerSubscription")["FilterPolicy"], json!({"status": ["FAILED"]}));
    assert!(props(&t, "HandlerSubscription").get("FilterPolicyScope").is_none());
}

#[test]
fn filter_policy_scope_message_body_is_written() {
    let t = template(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f)
            .filter_policy(json!({"order": {"status": ["FAILED"]}}))
            .filter_policy_scope(FilterPolicyScope::MessageBody)
            .add_to(s);
    });
    assert_eq!(props(&t, "HandlerSubscription")["FilterPolicyScope"], "MessageBody");
}

fn filter_errors(policy: Value, scope: FilterPolicyScope) -> Vec<Diagnostic> {
    errors(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", topic, f)
            .filter_policy(policy)
            .filter_policy_scope(scope)
            .add_to(s);
    })
}

#[test]
fn a_filter_policy_that_is_not_an_object_is_an_error() {
    let errs = filter_errors(json!(["FAILED"]), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "is a JSON object"), "{errs:?}");
}

#[test]
fn an_empty_filter_policy_is_an_error() {
    let errs = filter_errors(json!({}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "empty"), "{errs:?}");
}

#[test]
fn a_nested_attribute_filter_is_an_error() {
    let errs = filter_errors(json!({"order": {"status": ["FAILED"]}}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "are an array"), "{errs:?}");
}

#[test]
fn a_filter_policy_of_more_than_five_keys_is_an_error() {
    let errs = filter_errors(
        json!({"a": ["1"], "b": ["1"], "c": ["1"], "d": {"e": ["1"], "f": ["1"], "g": ["1"]}}),
        FilterPolicyScope::MessageBody,
    );
    assert!(has_error(&errs, "FilterPolicy", "too many keys"), "{errs:?}");
}

#[test]
fn a_filter_policy_of_more_than_150_combinations_is_an_error() {
    let values: Vec<String> = (0..13).map(|i| i.to_string()).collect();
    let errs = filter_errors(json!({"a": values, "b": values}), FilterPolicyScope::MessageAttributes);
    assert!(has_error(&errs, "FilterPolicy", "too many value combinations"), "{errs:?}");
}

// Dead-letter queues

#[test]
fn dead_letter_queue_is_the_redrive_policy_and_lets_sns_send() {
    let t = template(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        let dlq = Queue::new("Undelivered").encryption(QueueEncryption::from(k)).as_dead_letter_queue().add_to(s);
        Subscription::queue("WorkSubscription", topic, q).dead_letter_queue(dlq).add_to(s);
    });
    assert_eq!(
        props(&t, "WorkSubscription")["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["Undelivered", "Arn"]}})
    );
    assert_eq!(
        statements(&t, "UndeliveredPolicy", "PolicyDocument")[1],
        sns_send("Undelivered", json!({"Ref": "Topic"}))
    );
    assert_eq!(t["Resources"]["WorkSubscription"]["DependsOn"], json!(["WorkPolicy", "UndeliveredPolicy"]));
}

#[test]
fn a_dead_letter_queue_of_the_other_kind_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let k = key(s);
        let q = queue(s, "Work", k);
        let dlq = Queue::new("Undelivered")
            .name("undelivered.fifo")
            .fifo()
            .encryption(QueueEncryption::from(k))
            .as_dead_letter_queue()
            .add_to(s);
        Subscription::queue("WorkSubscription", topic, q).dead_letter_queue(dlq).add_to(s);
    });
    assert!(has_error(&errs, "RedrivePolicy.deadLetterTargetArn", "is standard"), "{errs:?}");
}

#[test]
fn a_dead_letter_queue_with_the_aws_managed_key_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let f = function(s);
        let dlq = Queue::new("Undelivered").as_dead_letter_queue().add_to(s);
        Subscription::lambda("HandlerSubscription", topic, f).dead_letter_queue(dlq).add_to(s);
    });
    assert!(
        has_error(
            &errs,
            "RedrivePolicy.deadLetterTargetArn",
            "the dead-letter queue is encrypted with the AWS managed key"
        ),
        "{errs:?}"
    );
}

// Topics of other stacks and regions

#[test]
fn a_topic_of_another_region_sets_the_region() {
    let t = template(|s| {
        let f = function(s);
        let ops = SubscribedTopic::from_arn(fns::sub("arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:ops"))
            .in_region("us-east-1");
        Subscription::lambda("OpsSubscription", ops, f).add_to(s);
    });
    assert_eq!(props(&t, "OpsSubscription")["Region"], "us-east-1");
    assert_eq!(
        props(&t, "OpsSubscription")["TopicArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:ops"})
    );
    assert_eq!(
        props(&t, "HandlerOpsSubscriptionPermission")["SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:ops"})
    );
}

#[test]
fn a_topic_of_this_stack_in_another_region_is_an_error() {
    let errs = errors(|s| {
        let topic = topic(s);
        let f = function(s);
        Subscription::lambda("HandlerSubscription", SubscribedTopic::from(topic).in_region("us-west-2"), f).add_to(s);
    });
    assert!(has_error(&errs, "Region", "in the stack's region"), "{errs:?}");
}

#[test]
fn a_literal_arn_that_is_not_a_topic_is_an_error() {
    let errs = errors(|s| {
        let f = function(s);
        Subscription::lambda("OpsSubscription", SubscribedTopic::from_arn("arn:aws:sqs:us-east-1:111122223333:ops"), f)
            .add_to(s);
    });
    assert!(has_error(&errs, "TopicArn", "not a topic ARN"), "{errs:?}");
}

#[test]
fn a_literal_arn_of_another_region_than_declared_is_an_error() {
    let errs = errors(|s| {
        let f = function(s);
        let ops = SubscribedTopic::from_arn("arn:aws:sns:us-east-1:111122223333:ops").in_region("us-east-2");
        Subscription::lambda("OpsSubscription", ops, f).add_to(s);
    });
    assert!(has_error(&errs, "Region", "names region us-east-1"), "{errs:?}");
}

#[test]
fn a_literal_fifo_topic_arn_is_known_to_be_fifo() {
    let errs = errors(|s| {
        let f = function(s);
        let ledger = SubscribedTopic::from_arn("arn:aws:sns:us-east-1:111122223333:ledger.fifo");
        Subscription::lambda("LedgerSubscription", ledger, f).add_to(s);
    });
    assert!(has_error(&errs, "Protocol", "SQS queues only"), "{errs:?}");
}
