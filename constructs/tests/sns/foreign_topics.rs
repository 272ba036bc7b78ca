//! Topics of other stacks and regions.

use cfnkit_constructs::sns::{SubscribedTopic, Subscription};
use cfnkit_core::fns;
use serde_json::json;

use super::helpers::{errors, function, has_error, props, template, topic};

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
