//! Event notifications to functions, queues and topics, the permissions and
//! ordering they need, and their errors.

use cfnkit_constructs::kms::KeyRef;
use cfnkit_constructs::lambda::{AsyncConfig, Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::s3::{Bucket, NotificationEvent, NotificationFilter};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::tree::Stack;
use serde_json::{json, Value};

use super::helpers::{errors, has_error, key, named, props, statements, template};

fn function(stack: &mut Stack) -> FunctionRef {
    let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
    Function::new("Processor", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
        .async_config(AsyncConfig::new().on_failure(failures))
        .add_to(stack)
}

fn queue(stack: &mut Stack, key: KeyRef) -> QueueRef {
    Queue::new("Events").encryption(QueueEncryption::from(key)).without_dead_letter_queue("unit test").add_to(stack)
}

const NAME_ARN: &str = "arn:${AWS::Partition}:s3:::data-${EnvironmentSuffix}";

// Notifications: Lambda

#[test]
fn notify_lambda_writes_the_lambda_configuration() {
    let t = template(|s| {
        let f = function(s);
        named(s)
            .notify_lambda(
                f,
                NotificationEvent::ObjectCreated,
                NotificationFilter::prefix("incoming/").with_suffix(".csv"),
            )
            .add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["NotificationConfiguration"],
        json!({"LambdaConfigurations": [{
            "Event": "s3:ObjectCreated:*",
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "incoming/"}, {"Name": "suffix", "Value": ".csv"}]}},
            "Function": {"Fn::GetAtt": ["Processor", "Arn"]}
        }]})
    );
}

#[test]
fn notify_lambda_lets_s3_invoke_for_this_bucket_and_account_only() {
    let t = template(|s| {
        let f = function(s);
        named(s).notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert_eq!(
        *props(&t, "ProcessorDataPermission"),
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["Processor", "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": NAME_ARN}
        })
    );
}

#[test]
fn bucket_waits_for_the_lambda_permission() {
    let t = template(|s| {
        let f = function(s);
        named(s).notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["ProcessorDataPermission"]));
}

#[test]
fn a_function_notified_twice_gets_one_permission() {
    let t = template(|s| {
        let f = function(s);
        named(s)
            .notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all())
            .notify_lambda(f, NotificationEvent::ObjectRemoved, NotificationFilter::all())
            .add_to(s);
    });
    let permissions =
        t["Resources"].as_object().map_or(0, |r| r.values().filter(|v| v["Type"] == "AWS::Lambda::Permission").count());
    assert_eq!(permissions, 1);
}

#[test]
fn grants_on_a_notifying_bucket_use_the_arn_built_from_its_name() {
    let t = template(|s| {
        let f = function(s);
        let b = named(s).notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
        b.grant_read(s, &f);
    });
    let st = statements(&t, "ProcessorServiceRoleDefaultPolicy", "PolicyDocument");
    assert!(st.contains(&json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::Sub": NAME_ARN}})));
    assert!(st.contains(
        &json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": format!("{NAME_ARN}/*")}})
    ));
}

// Notifications: queues and topics

#[test]
fn notify_queue_lets_s3_send_and_the_bucket_waits_for_the_queue_policy() {
    let t = template(|s| {
        let k = key(s);
        let q = queue(s, k);
        named(s).notify_queue(q, NotificationEvent::ObjectRemoved, NotificationFilter::all()).add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["NotificationConfiguration"],
        json!({"QueueConfigurations": [{"Event": "s3:ObjectRemoved:*", "Queue": {"Fn::GetAtt": ["Events", "Arn"]}}]})
    );
    assert_eq!(
        statements(&t, "EventsPolicy", "PolicyDocument")[1],
        json!({
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::GetAtt": ["Events", "Arn"]},
            "Condition": {
                "ArnEquals": {"aws:SourceArn": {"Fn::Sub": NAME_ARN}},
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
            }
        })
    );
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["EventsPolicy"]));
}

fn s3_key_statement() -> Value {
    json!({
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*"
    })
}

#[test]
fn notify_queue_lets_s3_use_the_queue_key() {
    let t = template(|s| {
        let k = key(s);
        let q = queue(s, k);
        named(s).notify_queue(q, NotificationEvent::ObjectRemoved, NotificationFilter::all()).add_to(s);
    });
    assert_eq!(statements(&t, "DataKey", "KeyPolicy").last(), Some(&s3_key_statement()));
}

#[test]
fn notify_topic_lets_s3_publish_and_use_the_key_and_the_bucket_waits_for_the_topic_policy() {
    let t = template(|s| {
        let k = key(s);
        let topic = Topic::new("Removals").encryption(k).add_to(s);
        named(s).notify_topic(topic, NotificationEvent::ObjectRemoved, NotificationFilter::all()).add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["NotificationConfiguration"],
        json!({"TopicConfigurations": [{"Event": "s3:ObjectRemoved:*", "Topic": {"Ref": "Removals"}}]})
    );
    assert_eq!(
        statements(&t, "RemovalsPolicy", "PolicyDocument")[1],
        json!({
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": {"Ref": "Removals"},
            "Condition": {
                "ArnEquals": {"aws:SourceArn": {"Fn::Sub": NAME_ARN}},
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
            }
        })
    );
    assert_eq!(statements(&t, "DataKey", "KeyPolicy").last(), Some(&s3_key_statement()));
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["RemovalsPolicy"]));
}

#[test]
fn notifications_of_separate_prefixes_are_not_ambiguous() {
    let t = template(|s| {
        let f = function(s);
        named(s)
            .notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::prefix("a/"))
            .notify_lambda(f, NotificationEvent::ObjectCreatedPut, NotificationFilter::prefix("b/"))
            .add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["NotificationConfiguration"]["LambdaConfigurations"].as_array().map(Vec::len),
        Some(2)
    );
}

// Notification errors

#[test]
fn a_bucket_with_notifications_needs_a_name() {
    let errs = errors(|s| {
        let f = function(s);
        Bucket::new("Data").notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "BucketName", "needs a name"), "{errs:?}");
}

#[test]
fn overlapping_notifications_are_an_error() {
    let errs = errors(|s| {
        let f = function(s);
        named(s)
            .notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::prefix("in/"))
            .notify_lambda(f, NotificationEvent::ObjectCreatedPut, NotificationFilter::prefix("in/csv/"))
            .add_to(s);
    });
    assert!(has_error(&errs, "NotificationConfiguration", "ambiguous notifications"), "{errs:?}");
}

#[test]
fn an_empty_or_too_long_filter_is_an_error() {
    let errs = errors(|s| {
        let f = function(s);
        named(s)
            .notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::prefix(""))
            .notify_lambda(f, NotificationEvent::ObjectRemoved, NotificationFilter::suffix(&"x".repeat(1025)))
            .add_to(s);
    });
    let prop = "NotificationConfiguration.Filter.S3Key.Rules";
    assert!(has_error(&errs, prop, "prefix length") && has_error(&errs, prop, "suffix length"), "{errs:?}");
}

#[test]
fn notifying_a_fifo_queue_is_an_error() {
    let errs = errors(|s| {
        let k = key(s);
        let q = Queue::new("Events")
            .fifo()
            .encryption(QueueEncryption::from(k))
            .without_dead_letter_queue("unit test")
            .add_to(s);
        named(s).notify_queue(q, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "NotificationConfiguration", "FIFO queue"), "{errs:?}");
}

#[test]
fn notifying_a_queue_with_the_aws_managed_key_is_an_error() {
    let errs = errors(|s| {
        let q = Queue::new("Events").without_dead_letter_queue("unit test").add_to(s);
        named(s).notify_queue(q, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "NotificationConfiguration", "alias/aws/sqs"), "{errs:?}");
}

#[test]
fn notifying_a_topic_with_the_aws_managed_key_is_an_error() {
    let errs = errors(|s| {
        let topic = Topic::new("Removals").add_to(s);
        named(s).notify_topic(topic, NotificationEvent::ObjectRemoved, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "NotificationConfiguration", "alias/aws/sns"), "{errs:?}");
}

#[test]
fn notifying_a_fifo_topic_is_an_error() {
    let errs = errors(|s| {
        let k = key(s);
        let topic = Topic::new("Removals").name("removals.fifo").fifo().encryption(k).add_to(s);
        named(s).notify_topic(topic, NotificationEvent::ObjectRemoved, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "NotificationConfiguration", "FIFO topic"), "{errs:?}");
}

#[test]
fn notifying_a_poll_only_function_is_an_error() {
    let errs = errors(|s| {
        let k = key(s);
        let q = queue(s, k);
        let f = Function::new("Consumer", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
            .event_source(cfnkit_constructs::lambda::QueueSource::new(q))
            .add_to(s);
        named(s).notify_lambda(f, NotificationEvent::ObjectCreated, NotificationFilter::all()).add_to(s);
    });
    assert!(has_error(&errs, "Principal", "invokes asynchronously"), "{errs:?}");
}
