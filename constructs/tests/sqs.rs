//! `sqs::Queue`: defaults, settings, grants, metrics and every validation error.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::iam::{PolicyStatement, Principal, Role, RoleRef};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue, QueueEncryption, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::fns;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

/// Builds one stack with conventions, returning the synthesis result.
fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("sqs tests"));
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

fn statements(t: &Value, policy: &str) -> Vec<Value> {
    props(t, policy)["PolicyDocument"]["Statement"].as_array().expect("statements").clone()
}

fn queue(stack: &mut Stack) -> QueueRef {
    Queue::new("Queue").without_dead_letter_queue("unit test").add_to(stack)
}

fn role(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

// Defaults

#[test]
fn queue_is_encrypted_with_the_aws_managed_key_by_default() {
    let t = template(|s| {
        queue(s);
    });
    assert_eq!(props(&t, "Queue")["KmsMasterKeyId"], "alias/aws/sqs");
    assert!(props(&t, "Queue").get("SqsManagedSseEnabled").is_none());
}

#[test]
fn queue_has_a_tls_only_policy_by_default() {
    let t = template(|s| {
        queue(s);
    });
    assert_eq!(t["Resources"]["QueuePolicy"]["Type"], "AWS::SQS::QueuePolicy");
    assert_eq!(props(&t, "QueuePolicy")["Queues"], json!([{"Ref": "Queue"}]));
    assert_eq!(
        statements(&t, "QueuePolicy"),
        vec![json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })]
    );
}

#[test]
fn queue_takes_the_stacks_removal_policy() {
    let t = template(|s| {
        queue(s);
    });
    assert_eq!(t["Resources"]["Queue"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Queue"]["UpdateReplacePolicy"], "Delete");
}

#[test]
fn queue_is_retained_when_the_stack_sets_no_removal_policy() {
    let mut app = App::new();
    let stack = app.stack("bare");
    Queue::new("Queue").as_dead_letter_queue().add_to(stack);
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(t["Resources"]["Queue"]["DeletionPolicy"], "Retain");
}

#[test]
fn queue_removal_policy_can_be_set() {
    let t = template(|s| {
        Queue::new("Queue").as_dead_letter_queue().removal_policy(RemovalPolicy::Retain).add_to(s);
    });
    assert_eq!(t["Resources"]["Queue"]["DeletionPolicy"], "Retain");
}

#[test]
fn queue_leaves_the_sqs_defaults_unwritten() {
    let t = template(|s| {
        queue(s);
    });
    let p = props(&t, "Queue");
    for k in ["VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize", "FifoQueue"] {
        assert!(p.get(k).is_none(), "{k} is not written by default");
    }
}

#[test]
fn queue_without_a_dead_letter_queue_gives_a_warning() {
    let w = warnings(|s| {
        Queue::new("Queue").add_to(s);
    });
    assert!(w.iter().any(|d| d.path == "test/Queue/Resource" && d.problem.contains("AwsSolutions-SQS3")));
}

#[test]
fn dead_letter_queue_gives_no_warning_and_keeps_messages_14_days() {
    let out = build(|s| {
        Queue::new("Dlq").as_dead_letter_queue().add_to(s);
    })
    .expect("synthesizes");
    assert!(out.warnings.is_empty());
    assert_eq!(out.stacks[0].template["Resources"]["Dlq"]["Properties"]["MessageRetentionPeriod"], 1_209_600);
}

#[test]
fn dead_letter_queue_retention_can_be_set() {
    let t = template(|s| {
        Queue::new("Dlq").as_dead_letter_queue().retention(Duration::days(7)).add_to(s);
    });
    assert_eq!(props(&t, "Dlq")["MessageRetentionPeriod"], 604_800);
}

#[test]
fn queue_marked_as_dead_letter_queue_says_so() {
    build(|s| {
        let dlq = Queue::new("Dlq").as_dead_letter_queue().add_to(s);
        assert!(dlq.is_dead_letter_queue());
        assert!(!queue(s).is_dead_letter_queue());
    })
    .expect("synthesizes");
}

#[test]
fn waived_dead_letter_queue_writes_the_reason_as_a_cdk_nag_suppression() {
    let out = build(|s| {
        Queue::new("Queue").without_dead_letter_queue("messages are idempotent pings").add_to(s);
    })
    .expect("synthesizes");
    assert!(out.warnings.is_empty());
    assert_eq!(
        out.stacks[0].template["Resources"]["Queue"]["Metadata"]["cdk_nag"],
        json!({"rules_to_suppress": [{"id": "AwsSolutions-SQS3", "reason": "messages are idempotent pings"}]})
    );
}

#[test]
fn redrive_policy_names_the_dead_letter_queue_and_the_receive_count() {
    let out = build(|s| {
        let dlq = Queue::new("Dlq").as_dead_letter_queue().add_to(s);
        Queue::new("Orders").dead_letter_queue(DeadLetterQueue::new(dlq, 3)).add_to(s);
    })
    .expect("synthesizes");
    assert!(out.warnings.is_empty());
    assert_eq!(
        out.stacks[0].template["Resources"]["Orders"]["Properties"]["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 3})
    );
}

#[test]
fn sqs_managed_encryption_writes_the_flag_and_a_checkov_skip() {
    let t = template(|s| {
        Queue::new("Queue").encryption(QueueEncryption::SqsManaged).as_dead_letter_queue().add_to(s);
    });
    assert_eq!(props(&t, "Queue")["SqsManagedSseEnabled"], true);
    assert!(props(&t, "Queue").get("KmsMasterKeyId").is_none());
    let skip = &t["Resources"]["Queue"]["Metadata"]["checkov"]["skip"][0];
    assert_eq!(skip["id"], "CKV_AWS_27");
    assert!(skip["comment"].as_str().is_some_and(|c| c.contains("SSE-SQS")));
}

#[test]
fn customer_managed_key_is_written_by_arn() {
    let t = template(|s| {
        let key = Key::new("QueueKey").add_to(s);
        Queue::new("Queue").encryption(key.into()).as_dead_letter_queue().add_to(s);
    });
    assert_eq!(props(&t, "Queue")["KmsMasterKeyId"], json!({"Fn::GetAtt": ["QueueKey", "Arn"]}));
}

#[test]
fn settings_are_written_in_seconds_and_bytes() {
    let t = template(|s| {
        Queue::new("Queue")
            .as_dead_letter_queue()
            .retention(Duration::days(2))
            .visibility_timeout(Duration::minutes(5))
            .delivery_delay(Duration::seconds(30))
            .receive_wait_time(Duration::seconds(20))
            .max_message_size(262_144)
            .data_key_reuse(Duration::hours(1))
            .name("orders")
            .add_to(s);
    });
    let p = props(&t, "Queue");
    assert_eq!(p["MessageRetentionPeriod"], 172_800);
    assert_eq!(p["VisibilityTimeout"], 300);
    assert_eq!(p["DelaySeconds"], 30);
    assert_eq!(p["ReceiveMessageWaitTimeSeconds"], 20);
    assert_eq!(p["MaximumMessageSize"], 262_144);
    assert_eq!(p["KmsDataKeyReusePeriodSeconds"], 3600);
    assert_eq!(p["QueueName"], "orders");
}

#[test]
fn fifo_queue_writes_its_fifo_settings() {
    let t = template(|s| {
        Queue::new("Queue")
            .fifo()
            .content_based_deduplication()
            .high_throughput()
            .name("orders.fifo")
            .as_dead_letter_queue()
            .add_to(s);
    });
    let p = props(&t, "Queue");
    assert_eq!(p["FifoQueue"], true);
    assert_eq!(p["ContentBasedDeduplication"], true);
    assert_eq!(p["DeduplicationScope"], "messageGroup");
    assert_eq!(p["FifoThroughputLimit"], "perMessageGroupId");
}

#[test]
fn suffixed_fifo_names_end_in_fifo() {
    let t = template(|s| {
        let sfx = s.suffix();
        Queue::new("Queue").fifo().name(sfx.format("orders-{}.fifo")).as_dead_letter_queue().add_to(s);
    });
    assert_eq!(props(&t, "Queue")["QueueName"], json!({"Fn::Sub": "orders-${EnvironmentSuffix}.fifo"}));
}

#[test]
fn queue_references_are_its_url_arn_and_name() {
    let t = template(|s| {
        let q = queue(s);
        s.output("Url", q.url());
        s.output("Arn", q.arn());
        s.output("Name", q.name());
    });
    assert_eq!(t["Outputs"]["Url"]["Value"], json!({"Ref": "Queue"}));
    assert_eq!(t["Outputs"]["Arn"]["Value"], json!({"Fn::GetAtt": ["Queue", "Arn"]}));
    assert_eq!(t["Outputs"]["Name"]["Value"], json!({"Fn::GetAtt": ["Queue", "QueueName"]}));
}

#[test]
fn resource_policy_statements_are_added_after_the_tls_deny() {
    let t = template(|s| {
        let q = queue(s);
        q.add_to_resource_policy(
            s,
            PolicyStatement::allow()
                .sid("AllowEvents")
                .principal(Principal::service("events.amazonaws.com"))
                .actions(["sqs:SendMessage"])
                .resource(q.arn()),
        );
    });
    let st = statements(&t, "QueuePolicy");
    assert_eq!(st.len(), 2);
    assert_eq!(st[1]["Sid"], "AllowEvents");
}

// Grants

fn grant_statements(encryption: Option<QueueEncryption>, g: fn(QueueRef, &mut Stack, &RoleRef)) -> Vec<Value> {
    let t = template(|s| {
        let mut q = Queue::new("Queue").as_dead_letter_queue();
        if let Some(e) = encryption {
            q = q.encryption(e);
        }
        let q = q.add_to(s);
        let r = role(s);
        g(q, s, &r);
    });
    statements(&t, "WorkerDefaultPolicy")
}

fn cmk() -> QueueEncryption {
    QueueEncryption::kms(fns::sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/k").expr())
}

fn key_arn() -> Value {
    json!({"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/k"})
}

#[test]
fn grant_consume_messages_allows_the_five_consumer_actions_on_the_queue_only() {
    let st = grant_statements(None, QueueRef::grant_consume_messages);
    assert_eq!(
        st,
        vec![json!({
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}
        })]
    );
}

#[test]
fn grant_send_messages_allows_send_and_lookups_on_the_queue_only() {
    let st = grant_statements(None, QueueRef::grant_send_messages);
    assert_eq!(
        st,
        vec![json!({
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}
        })]
    );
}

#[test]
fn grant_purge_allows_purge_and_lookups_on_the_queue_only() {
    let st = grant_statements(Some(cmk()), QueueRef::grant_purge);
    assert_eq!(
        st,
        vec![json!({
            "Effect": "Allow",
            "Action": ["sqs:PurgeQueue", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}
        })]
    );
}

#[test]
fn grant_consume_messages_adds_decrypt_on_a_customer_managed_key() {
    let st = grant_statements(Some(cmk()), QueueRef::grant_consume_messages);
    assert_eq!(st.len(), 2);
    assert_eq!(st[1], json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn()}));
}

#[test]
fn grant_send_messages_adds_the_producer_key_actions_one_by_one() {
    let st = grant_statements(Some(cmk()), QueueRef::grant_send_messages);
    assert_eq!(st.len(), 2);
    assert_eq!(
        st[1],
        json!({
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
            "Resource": key_arn()
        })
    );
}

#[test]
fn grants_on_the_aws_managed_key_need_no_key_statement() {
    let st = grant_statements(None, |q, s, r| {
        q.grant_send_messages(s, r);
        q.grant_consume_messages(s, r);
    });
    assert!(st.iter().all(|s| !s.to_string().contains("kms:")));
}

// Metrics

#[test]
fn metrics_use_the_queue_name_dimension_and_cdk_statistics() {
    build(|s| {
        let q = queue(s);
        let cases = [
            (
                q.metric_approximate_number_of_messages_visible(),
                "ApproximateNumberOfMessagesVisible",
                Statistic::Maximum,
            ),
            (
                q.metric_approximate_number_of_messages_not_visible(),
                "ApproximateNumberOfMessagesNotVisible",
                Statistic::Maximum,
            ),
            (
                q.metric_approximate_number_of_messages_delayed(),
                "ApproximateNumberOfMessagesDelayed",
                Statistic::Maximum,
            ),
            (q.metric_approximate_age_of_oldest_message(), "ApproximateAgeOfOldestMessage", Statistic::Maximum),
            (q.metric_number_of_messages_sent(), "NumberOfMessagesSent", Statistic::Sum),
            (q.metric_number_of_messages_received(), "NumberOfMessagesReceived", Statistic::Sum),
            (q.metric_number_of_messages_deleted(), "NumberOfMessagesDeleted", Statistic::Sum),
            (q.metric_number_of_empty_receives(), "NumberOfEmptyReceives", Statistic::Sum),
        ];
        for (m, name, stat) in cases {
            assert_eq!(m.namespace(), "AWS/SQS");
            assert_eq!(m.name(), name);
            assert_eq!(m.stat(), &stat);
            assert_eq!(m.period(), Duration::minutes(5));
            assert_eq!(m.dimensions(), [("QueueName".to_string(), q.name().into())]);
        }
    })
    .expect("synthesizes");
}

// Validation

#[test]
fn retention_outside_60_seconds_to_14_days_is_an_error() {
    for d in [Duration::seconds(59), Duration::days(15)] {
        let e = errors(|s| {
            Queue::new("Queue").as_dead_letter_queue().retention(d).add_to(s);
        });
        assert!(has_error(&e, "MessageRetentionPeriod", "out of range"), "{d}: {e:?}");
        assert_eq!(e.len(), 1, "reported once, not again by the schema check: {e:?}");
    }
}

#[test]
fn visibility_timeout_over_12_hours_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().visibility_timeout(Duration::hours(13)).add_to(s);
    });
    assert!(has_error(&e, "VisibilityTimeout", "out of range"));
}

#[test]
fn delivery_delay_over_15_minutes_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().delivery_delay(Duration::seconds(901)).add_to(s);
    });
    assert!(has_error(&e, "DelaySeconds", "out of range"));
}

#[test]
fn receive_wait_over_20_seconds_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().receive_wait_time(Duration::seconds(21)).add_to(s);
    });
    assert!(has_error(&e, "ReceiveMessageWaitTimeSeconds", "out of range"));
}

#[test]
fn message_size_outside_1_kib_to_1_mib_is_an_error() {
    for b in [1023, 1_048_577] {
        let e = errors(|s| {
            Queue::new("Queue").as_dead_letter_queue().max_message_size(b).add_to(s);
        });
        assert!(has_error(&e, "MaximumMessageSize", "out of range"), "{b}");
        assert_eq!(e.len(), 1);
    }
}

#[test]
fn data_key_reuse_outside_a_minute_to_a_day_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().data_key_reuse(Duration::seconds(30)).add_to(s);
    });
    assert!(has_error(&e, "KmsDataKeyReusePeriodSeconds", "out of range"));
}

#[test]
fn data_key_reuse_with_sqs_managed_encryption_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue")
            .as_dead_letter_queue()
            .encryption(QueueEncryption::SqsManaged)
            .data_key_reuse(Duration::minutes(5))
            .add_to(s);
    });
    assert!(has_error(&e, "KmsDataKeyReusePeriodSeconds", "KMS encryption only"));
}

#[test]
fn customer_managed_key_given_by_alias_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().encryption(QueueEncryption::kms("alias/orders")).add_to(s);
    });
    assert!(has_error(&e, "KmsMasterKeyId", "by ARN"));
}

#[test]
fn content_based_deduplication_on_a_standard_queue_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().content_based_deduplication().add_to(s);
    });
    assert!(has_error(&e, "ContentBasedDeduplication", "FIFO queues only"));
}

#[test]
fn high_throughput_on_a_standard_queue_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").as_dead_letter_queue().high_throughput().add_to(s);
    });
    assert!(has_error(&e, "FifoThroughputLimit", "FIFO queues only"));
}

#[test]
fn max_receive_count_outside_1_to_1000_is_an_error() {
    for n in [0, 1001] {
        let e = errors(|s| {
            let dlq = Queue::new("Dlq").as_dead_letter_queue().add_to(s);
            Queue::new("Queue").dead_letter_queue(DeadLetterQueue::new(dlq, n)).add_to(s);
        });
        assert!(has_error(&e, "RedrivePolicy.maxReceiveCount", "out of range"), "{n}");
    }
}

#[test]
fn fifo_queue_with_a_standard_dead_letter_queue_is_an_error() {
    let e = errors(|s| {
        let dlq = Queue::new("Dlq").as_dead_letter_queue().add_to(s);
        Queue::new("Queue").fifo().dead_letter_queue(DeadLetterQueue::new(dlq, 3)).add_to(s);
    });
    assert!(has_error(&e, "RedrivePolicy.deadLetterTargetArn", "must be FIFO too"));
}

#[test]
fn standard_queue_with_a_fifo_dead_letter_queue_is_an_error() {
    let e = errors(|s| {
        let dlq = Queue::new("Dlq").fifo().as_dead_letter_queue().add_to(s);
        Queue::new("Queue").dead_letter_queue(DeadLetterQueue::new(dlq, 3)).add_to(s);
    });
    assert!(has_error(&e, "RedrivePolicy.deadLetterTargetArn", "must be standard too"));
}

#[test]
fn dead_letter_queue_keeping_messages_less_long_than_its_source_gives_a_warning() {
    let w = warnings(|s| {
        let dlq = Queue::new("Dlq").as_dead_letter_queue().retention(Duration::days(1)).add_to(s);
        Queue::new("Queue").dead_letter_queue(DeadLetterQueue::new(dlq, 3)).add_to(s);
    });
    assert!(w.iter().any(|d| d.property.as_deref() == Some("RedrivePolicy") && d.problem.contains("expire")));
}

#[test]
fn fifo_queue_name_without_the_fifo_suffix_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").fifo().name("orders").as_dead_letter_queue().add_to(s);
    });
    assert!(has_error(&e, "QueueName", "must end in .fifo"));
}

#[test]
fn suffixed_fifo_name_must_end_in_fifo_too() {
    let e = errors(|s| {
        let sfx = s.suffix();
        Queue::new("Queue").fifo().name(sfx.name("orders")).as_dead_letter_queue().add_to(s);
    });
    assert!(has_error(&e, "QueueName", "must end in .fifo"));
}

#[test]
fn standard_queue_name_ending_in_fifo_is_an_error() {
    let e = errors(|s| {
        let sfx = s.suffix();
        Queue::new("Queue").name(sfx.format("orders-{}.fifo")).as_dead_letter_queue().add_to(s);
    });
    assert!(has_error(&e, "QueueName", "only a FIFO queue's name"));
}

#[test]
fn queue_name_over_80_characters_is_an_error() {
    let e = errors(|s| {
        Queue::new("Queue").name("q".repeat(81)).as_dead_letter_queue().add_to(s);
    });
    assert!(has_error(&e, "QueueName", "length"));
}

#[test]
fn queue_name_with_a_space_is_an_error() {
    let e = errors(|s| {
        let sfx = s.suffix();
        Queue::new("Queue").name(sfx.format("orders {}")).as_dead_letter_queue().add_to(s);
    });
    assert!(has_error(&e, "QueueName", "invalid character ' '"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = errors(|s| {
        Queue::new("Queue")
            .name("bad.name")
            .retention(Duration::seconds(1))
            .visibility_timeout(Duration::days(1))
            .content_based_deduplication()
            .as_dead_letter_queue()
            .add_to(s);
    });
    assert!(e.len() >= 4, "{e:?}");
    assert!(e.iter().all(|d| d.path == "test/Queue/Resource"));
}
