//! `lambda::Function` additions: SQS event sources, asynchronous invoke
//! config, dead-letter queue, VPC placement, environment encryption,
//! service permissions, inline handlers, and the acknowledgements the
//! construct writes itself.

use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{
    AsyncConfig, Code, Function, FunctionRef, Permission, QueueSource, Runtime, VpcPlacement,
};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue, QueueEncryption, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::token::Pseudo;
use cfnkit_core::tree::{Ack, App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value as Json};

const NODE: &str = "exports.handler = async (event) => ({ batchItemFailures: [] });";
const PYTHON: &str = "def handler(event, context):\n    return None\n";

fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("lambda tests"));
    f(stack);
    app.synth()
}

fn template(f: impl FnOnce(&mut Stack)) -> Json {
    build(f).expect("synthesizes").stacks[0].template.clone()
}

fn warnings(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect("synthesizes").warnings
}

fn errors(f: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    build(f).expect_err("synthesis fails").diagnostics
}

fn has(ds: &[Diagnostic], property: &str, problem: &str) -> bool {
    ds.iter().any(|d| d.property.as_deref() == Some(property) && d.problem.contains(problem))
}

fn res<'a>(t: &'a Json, id: &str) -> &'a Json {
    &t["Resources"][id]
}

fn statements(t: &Json) -> Vec<Json> {
    res(t, "FServiceRoleDefaultPolicy")["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements")
        .clone()
}

fn statement_on(t: &Json, resource: &Json) -> Json {
    statements(t)
        .into_iter()
        .find(|s| &s["Resource"] == resource)
        .unwrap_or_else(|| panic!("no statement on {resource}"))
}

fn queue_arn(id: &str) -> Json {
    json!({"Fn::GetAtt": [id, "Arn"]})
}

fn checkov_skips(t: &Json, id: &str) -> Vec<(String, String)> {
    res(t, id)["Metadata"]["checkov"]["skip"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|s| (s["id"].as_str().unwrap_or("").to_string(), s["comment"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn node(id: &str) -> Function {
    Function::new(id, Runtime::Nodejs22x, Code::inline(NODE))
}

fn queue(s: &mut Stack, id: &str) -> QueueRef {
    Queue::new(id).as_dead_letter_queue().add_to(s)
}

fn queue_with_visibility(s: &mut Stack, visibility: Duration) -> QueueRef {
    Queue::new("Queue").visibility_timeout(visibility).as_dead_letter_queue().add_to(s)
}

// SQS event source

#[test]
fn queue_source_maps_the_queue_with_batch_item_failures_by_default() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    let m = res(&t, "FQueueEventSource");
    assert_eq!(m["Type"], "AWS::Lambda::EventSourceMapping");
    assert_eq!(m["Properties"]["EventSourceArn"], queue_arn("Queue"));
    assert_eq!(m["Properties"]["FunctionName"], json!({"Ref": "F"}));
    assert_eq!(m["Properties"]["BatchSize"], 10);
    assert_eq!(m["Properties"]["FunctionResponseTypes"], json!(["ReportBatchItemFailures"]));
    assert!(m["Properties"].get("MaximumBatchingWindowInSeconds").is_none());
    assert!(m["Properties"].get("ScalingConfig").is_none());
}

#[test]
fn queue_source_grants_consume_on_the_queue_only() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    assert_eq!(
        statement_on(&t, &queue_arn("Queue"))["Action"],
        json!([
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueUrl",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes"
        ])
    );
}

#[test]
fn queue_source_on_a_customer_managed_key_grants_decrypt() {
    let t = template(|s| {
        let key = Key::new("K").add_to(s);
        let q = Queue::new("Queue").encryption(QueueEncryption::from(key)).as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    assert_eq!(statement_on(&t, &json!({"Fn::GetAtt": ["K", "Arn"]}))["Action"], "kms:Decrypt");
}

#[test]
fn queue_source_writes_its_window_and_concurrency_cap() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F")
            .event_source(
                QueueSource::new(q).batch_size(500).max_batching_window(Duration::seconds(10)).max_concurrency(5),
            )
            .add_to(s);
    });
    let p = &res(&t, "FQueueEventSource")["Properties"];
    assert_eq!(p["BatchSize"], 500);
    assert_eq!(p["MaximumBatchingWindowInSeconds"], 10);
    assert_eq!(p["ScalingConfig"], json!({"MaximumConcurrency": 5}));
}

#[test]
fn queue_source_can_return_whole_batches_instead() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).without_batch_item_failures()).add_to(s);
    });
    assert!(res(&t, "FQueueEventSource")["Properties"].get("FunctionResponseTypes").is_none());
}

#[test]
fn queue_source_batch_size_outside_1_to_10000_is_an_error() {
    for n in [0, 10_001] {
        let e = errors(|s| {
            let q = queue(s, "Queue");
            node("F")
                .event_source(QueueSource::new(q).batch_size(n).max_batching_window(Duration::seconds(1)))
                .add_to(s);
        });
        assert!(has(&e, "BatchSize", "out of range"), "{n}: {e:?}");
        assert_eq!(e.iter().filter(|d| d.property.as_deref() == Some("BatchSize")).count(), 1, "reported once");
    }
}

#[test]
fn fifo_queue_source_batch_size_above_10_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Queue").fifo().as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q).batch_size(11)).add_to(s);
    });
    assert!(has(&e, "BatchSize", "out of range"));
}

#[test]
fn batch_size_above_10_without_a_batching_window_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).batch_size(11)).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "batch size above 10"));
}

#[test]
fn batching_window_over_300_seconds_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q).max_batching_window(Duration::seconds(301))).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "out of range"));
}

#[test]
fn batching_window_on_a_fifo_queue_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Queue").fifo().as_dead_letter_queue().add_to(s);
        node("F").event_source(QueueSource::new(q).max_batching_window(Duration::seconds(1))).add_to(s);
    });
    assert!(has(&e, "MaximumBatchingWindowInSeconds", "not supported for FIFO"));
}

#[test]
fn maximum_concurrency_outside_2_to_1000_is_an_error() {
    for n in [1, 1001] {
        let e = errors(|s| {
            let q = queue(s, "Queue");
            node("F").event_source(QueueSource::new(q).max_concurrency(n)).add_to(s);
        });
        assert!(has(&e, "ScalingConfig.MaximumConcurrency", "out of range"), "{n}");
    }
}

#[test]
fn maximum_concurrency_above_the_reserved_concurrency_gives_a_warning() {
    let w = warnings(|s| {
        let q = queue(s, "Queue");
        node("F").reserved_concurrency(3).event_source(QueueSource::new(q).max_concurrency(5)).add_to(s);
    });
    assert!(has(&w, "ScalingConfig.MaximumConcurrency", "reserves only 3"));
}

#[test]
fn queue_visibility_shorter_than_the_function_timeout_is_an_error() {
    let e = errors(|s| {
        let q = queue_with_visibility(s, Duration::seconds(30));
        node("F").timeout(Duration::seconds(60)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&e, "Timeout", "AWS rejects the mapping"));
}

#[test]
fn queue_default_visibility_of_30_seconds_counts_against_the_timeout() {
    let e = errors(|s| {
        let q = Queue::new("Queue").as_dead_letter_queue().add_to(s);
        node("F").timeout(Duration::seconds(31)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&e, "Timeout", "shorter than the function's timeout"));
}

#[test]
fn queue_visibility_under_six_times_the_timeout_gives_a_warning() {
    let w = warnings(|s| {
        let q = queue_with_visibility(s, Duration::seconds(120));
        node("F").timeout(Duration::seconds(60)).event_source(QueueSource::new(q)).add_to(s);
    });
    assert!(has(&w, "Timeout", "six times"));
}

#[test]
fn queue_visibility_of_six_times_the_timeout_plus_the_window_gives_no_warning() {
    let w = warnings(|s| {
        let q = queue_with_visibility(s, Duration::seconds(365));
        node("F")
            .timeout(Duration::seconds(60))
            .event_source(QueueSource::new(q).max_batching_window(Duration::seconds(5)))
            .add_to(s);
    });
    assert!(w.is_empty(), "{w:?}");
}

// Acknowledgements of CKV_AWS_116

#[test]
fn function_fed_only_by_poll_based_sources_acknowledges_the_missing_dlq() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).add_to(s);
    });
    let skips = checkov_skips(&t, "F");
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].0, "CKV_AWS_116");
    assert!(skips[0].1.contains("poll-based"));
}

#[test]
fn function_without_sources_acknowledges_nothing() {
    let t = template(|s| {
        node("F").add_to(s);
    });
    assert!(checkov_skips(&t, "F").is_empty());
}

#[test]
fn acknowledgement_by_hand_replaces_the_constructs_own() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F")
            .event_source(QueueSource::new(q))
            .acknowledge(Ack::Checkov { id: "CKV_AWS_116".into(), reason: "mine".into() })
            .add_to(s);
    });
    assert_eq!(checkov_skips(&t, "F"), vec![("CKV_AWS_116".to_string(), "mine".to_string())]);
}

#[test]
fn on_failure_destination_acknowledges_the_missing_dlq() {
    let t = template(|s| {
        let q = queue(s, "Failures");
        node("F").async_config(AsyncConfig::new().on_failure(q)).add_to(s);
    });
    let skips = checkov_skips(&t, "F");
    assert_eq!(skips.len(), 1);
    assert!(skips[0].1.contains("on-failure destination"));
}

#[test]
fn async_config_without_a_failure_destination_acknowledges_nothing() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        node("F").event_source(QueueSource::new(q)).async_config(AsyncConfig::new().retry_attempts(0)).add_to(s);
    });
    assert!(checkov_skips(&t, "F").is_empty());
}

// Dead-letter queue

#[test]
fn dead_letter_queue_is_written_and_granted_send_only() {
    let t = template(|s| {
        let q = queue(s, "Dlq");
        node("F").dead_letter_queue(q).add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["DeadLetterConfig"], json!({"TargetArn": queue_arn("Dlq")}));
    assert_eq!(statement_on(&t, &queue_arn("Dlq"))["Action"], "sqs:SendMessage");
    assert!(checkov_skips(&t, "F").is_empty(), "the DLQ satisfies CKV_AWS_116 itself");
}

#[test]
fn fifo_dead_letter_queue_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Dlq").fifo().as_dead_letter_queue().add_to(s);
        node("F").dead_letter_queue(q).add_to(s);
    });
    assert!(has(&e, "DeadLetterConfig.TargetArn", "FIFO"));
}

// Asynchronous invoke config

#[test]
fn async_config_writes_an_event_invoke_config_on_latest() {
    let t = template(|s| {
        node("F").async_config(AsyncConfig::new().retry_attempts(0).max_event_age(Duration::hours(1))).add_to(s);
    });
    let c = res(&t, "FEventInvokeConfig");
    assert_eq!(c["Type"], "AWS::Lambda::EventInvokeConfig");
    assert_eq!(
        c["Properties"],
        json!({"FunctionName": {"Ref": "F"}, "MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 0, "Qualifier": "$LATEST"})
    );
}

#[test]
fn destinations_are_written_and_granted_what_they_need() {
    let t = template(|s| {
        let q = queue(s, "Failures");
        let topic = Topic::new("Done").add_to(s);
        node("F").async_config(AsyncConfig::new().on_failure(q).on_success(topic)).add_to(s);
    });
    assert_eq!(
        res(&t, "FEventInvokeConfig")["Properties"]["DestinationConfig"],
        json!({"OnFailure": {"Destination": queue_arn("Failures")}, "OnSuccess": {"Destination": {"Ref": "Done"}}})
    );
    assert_eq!(statement_on(&t, &queue_arn("Failures"))["Action"], "sqs:SendMessage");
    assert_eq!(statement_on(&t, &json!({"Ref": "Done"}))["Action"], "sns:Publish");
}

#[test]
fn function_destination_is_granted_invoke() {
    let t = template(|s| {
        let next: FunctionRef = node("Next").add_to(s);
        node("F").async_config(AsyncConfig::new().on_success(next)).add_to(s);
    });
    let st = statement_on(&t, &json!([{"Fn::GetAtt": ["Next", "Arn"]}, {"Fn::Sub": "${Next.Arn}:*"}]));
    assert_eq!(st["Action"], "lambda:InvokeFunction");
}

#[test]
fn retry_attempts_above_2_are_an_error() {
    let e = errors(|s| {
        node("F").async_config(AsyncConfig::new().retry_attempts(3)).add_to(s);
    });
    assert!(has(&e, "MaximumRetryAttempts", "out of range"));
    assert_eq!(e.len(), 1, "reported once: {e:?}");
}

#[test]
fn event_age_outside_a_minute_to_6_hours_is_an_error() {
    for d in [Duration::seconds(59), Duration::seconds(21_601)] {
        let e = errors(|s| {
            node("F").async_config(AsyncConfig::new().max_event_age(d)).add_to(s);
        });
        assert!(has(&e, "MaximumEventAgeInSeconds", "out of range"), "{d}");
    }
}

#[test]
fn fifo_queue_destination_is_an_error() {
    let e = errors(|s| {
        let q = Queue::new("Failures").fifo().as_dead_letter_queue().add_to(s);
        node("F").async_config(AsyncConfig::new().on_failure(q)).add_to(s);
    });
    assert!(has(&e, "DestinationConfig.OnFailure.Destination", "FIFO"));
}

// VPC placement

#[test]
fn vpc_placement_writes_the_subnets_and_security_groups() {
    let t = template(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1", "subnet-2"], ["sg-1"])).add_to(s);
    });
    assert_eq!(
        res(&t, "F")["Properties"]["VpcConfig"],
        json!({"SecurityGroupIds": ["sg-1"], "SubnetIds": ["subnet-1", "subnet-2"]})
    );
}

#[test]
fn vpc_placement_takes_tokens() {
    let t = template(|s| {
        let subnet = s.suffix().format("subnet-{}");
        node("F").vpc(VpcPlacement::new([subnet], [Pseudo::StackName.expr()])).add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["VpcConfig"]["SecurityGroupIds"], json!([{"Ref": "AWS::StackName"}]));
}

#[test]
fn vpc_placement_grants_the_network_interface_actions_in_their_own_policy() {
    let t = template(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1"], ["sg-1"])).add_to(s);
    });
    let p = res(&t, "FServiceRoleVpcAccessPolicy");
    assert_eq!(p["Type"], "AWS::IAM::Policy");
    assert_eq!(p["Properties"]["Roles"], json!([{"Ref": "FServiceRole"}]));
    assert_eq!(
        p["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            "Resource": "*"
        }])
    );
    assert!(res(&t, "F")["DependsOn"].as_array().is_some_and(|d| d.contains(&json!("FServiceRoleVpcAccessPolicy"))));
    let skips = checkov_skips(&t, "FServiceRoleVpcAccessPolicy");
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].0, "CKV_AWS_111");
}

#[test]
fn vpc_placement_without_subnets_or_security_groups_is_an_error() {
    let e = errors(|s| {
        node("F").vpc(VpcPlacement::new(Vec::<&str>::new(), Vec::<&str>::new())).add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "wrong number"));
    assert!(has(&e, "VpcConfig.SecurityGroupIds", "wrong number"));
}

#[test]
fn vpc_placement_over_16_subnets_or_5_security_groups_is_an_error() {
    let e = errors(|s| {
        let subnets: Vec<String> = (0..17).map(|i| format!("subnet-{i}")).collect();
        let groups: Vec<String> = (0..6).map(|i| format!("sg-{i}")).collect();
        node("F")
            .vpc(VpcPlacement::new(subnets.iter().map(String::as_str), groups.iter().map(String::as_str)))
            .add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "wrong number"));
    assert!(has(&e, "VpcConfig.SecurityGroupIds", "wrong number"));
}

#[test]
fn vpc_placement_listing_a_subnet_twice_is_an_error() {
    let e = errors(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1", "subnet-1"], ["sg-1"])).add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "listed twice"));
}

// Environment encryption

#[test]
fn environment_encryption_writes_the_key_and_grants_decrypt() {
    let t = template(|s| {
        let key = Key::new("EnvKey").add_to(s);
        node("F").env("TABLE", "t").environment_encryption(key.arn()).add_to(s);
    });
    let arn = json!({"Fn::GetAtt": ["EnvKey", "Arn"]});
    assert_eq!(res(&t, "F")["Properties"]["KmsKeyArn"], arn);
    assert_eq!(statement_on(&t, &arn)["Action"], "kms:Decrypt");
}

// Permissions

#[test]
fn permission_for_a_service_is_scoped_to_its_source() {
    let t = template(|s| {
        let f = node("F").add_to(s);
        f.add_permission(
            s,
            "AllowS3",
            Permission::service("s3.amazonaws.com")
                .source_arn(cfnkit_core::fns::sub("arn:${AWS::Partition}:s3:::uploads").expr())
                .source_account(Pseudo::AccountId),
        );
    });
    let p = res(&t, "FAllowS3");
    assert_eq!(p["Type"], "AWS::Lambda::Permission");
    assert_eq!(
        p["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["F", "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::uploads"}
        })
    );
}

#[test]
fn permission_without_source_arn_or_account_is_an_error() {
    let e = errors(|s| {
        let f = node("F").add_to(s);
        f.add_permission(s, "AllowS3", Permission::service("s3.amazonaws.com"));
    });
    assert!(has(&e, "SourceArn", "confused deputy"));
    assert!(e.iter().any(|d| d.path == "test/F/AllowS3"));
}

#[test]
fn permission_for_something_not_a_service_principal_is_an_error() {
    let e = errors(|s| {
        let f = node("F").add_to(s);
        f.add_permission(s, "AllowS3", Permission::service("s3").source_account("123456789012"));
    });
    assert!(has(&e, "Principal", "not a service principal"));
}

#[test]
fn asynchronous_service_on_a_poll_only_function_is_an_error() {
    let e = errors(|s| {
        let q = queue(s, "Queue");
        let f = node("F").event_source(QueueSource::new(q)).add_to(s);
        f.add_permission(s, "AllowSns", Permission::service("sns.amazonaws.com").source_account(Pseudo::AccountId));
    });
    assert!(has(&e, "Principal", "invokes asynchronously"));
}

#[test]
fn synchronous_service_on_a_poll_only_function_is_fine() {
    let t = template(|s| {
        let q = queue(s, "Queue");
        let f = node("F").event_source(QueueSource::new(q)).add_to(s);
        f.add_permission(
            s,
            "AllowApi",
            Permission::service("apigateway.amazonaws.com").source_account(Pseudo::AccountId.expr()),
        );
    });
    assert_eq!(res(&t, "FAllowApi")["Properties"]["Principal"], "apigateway.amazonaws.com");
}

// Inline handlers

#[test]
fn python_inline_handler_must_be_in_the_index_module() {
    let e = errors(|s| {
        Function::new("F", Runtime::Python313, Code::inline(PYTHON)).handler("main.handler").add_to(s);
    });
    assert!(has(&e, "Handler", "saved as index.py"));
}

#[test]
fn node_inline_handler_must_be_in_the_index_module() {
    let e = errors(|s| {
        node("F").handler("app.handler").add_to(s);
    });
    assert!(has(&e, "Handler", "saved as index.js"));
}

#[test]
fn inline_handler_must_name_a_function() {
    for h in ["index", "index.", "index.1x", "index.a.b"] {
        let e = errors(|s| {
            node("F").handler(h).add_to(s);
        });
        assert!(has(&e, "Handler", "must name a function"), "{h}");
    }
}

#[test]
fn inline_handler_the_code_never_mentions_gives_a_warning() {
    let w = warnings(|s| {
        Function::new("F", Runtime::Python313, Code::inline(PYTHON)).handler("index.main").add_to(s);
    });
    assert!(has(&w, "Handler", "never mentions"));
}

#[test]
fn handler_of_zipped_code_is_not_checked() {
    let t = template(|s| {
        Function::new("F", Runtime::Python313, Code::S3 { bucket: "artifacts".into(), key: "f.zip".into() })
            .handler("app.main")
            .add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["Handler"], "app.main");
}

#[test]
fn queue_and_dlq_wiring_reads_as_one_system() {
    // The order-queue shape: DLQ kept 14 days, redrive after 3 receives,
    // visibility six times the function timeout, batch item failures.
    let out = build(|s| {
        let dlq = Queue::new("OrdersDlq").as_dead_letter_queue().add_to(s);
        let orders = Queue::new("Orders")
            .visibility_timeout(Duration::seconds(180))
            .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
            .add_to(s);
        node("F").timeout(Duration::seconds(30)).event_source(QueueSource::new(orders).batch_size(10)).add_to(s);
    })
    .expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}
