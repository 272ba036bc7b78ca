//! Every wiring gives the same effective permissions and runs the same
//! checks whether producer and consumer share a stack or not.
//!
//! The matrix: each wiring kind x {one stack, two stacks}, against a
//! permissions oracle (the runtime actions each wiring needs, e.g. reading a
//! queue encrypted with a customer managed key needs `kms:Decrypt` on that
//! key). Then the bugs reproduced in issue 7, each as a test that failed on
//! the main branch before it.

#[path = "support/permissions.rs"]
mod permissions;

use cfnkit::prelude::*;
use cfnkit_core::diag::DiagKind;
use serde_json::json;

use permissions::{allows, dangling_imports, dangling_refs, of_role};

/// One way a consumer function uses a producer resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wiring {
    QueueSource,
    QueueSend,
    BucketRead,
    BucketPut,
    TableRead,
    TableWrite,
    TableStream,
    TopicPublish,
    FunctionInvoke,
}

const ALL: [Wiring; 9] = [
    Wiring::QueueSource,
    Wiring::QueueSend,
    Wiring::BucketRead,
    Wiring::BucketPut,
    Wiring::TableRead,
    Wiring::TableWrite,
    Wiring::TableStream,
    Wiring::TopicPublish,
    Wiring::FunctionInvoke,
];

/// The permissions oracle: what the consumer's role must allow at runtime,
/// as (action, logical id of the resource it must name). `DataKey` is the
/// customer managed key encrypting every producer resource.
fn needs(w: Wiring) -> &'static [(&'static str, &'static str)] {
    match w {
        Wiring::QueueSource => &[
            ("sqs:ReceiveMessage", "Orders"),
            ("sqs:DeleteMessage", "Orders"),
            ("sqs:ChangeMessageVisibility", "Orders"),
            ("sqs:GetQueueAttributes", "Orders"),
            ("kms:Decrypt", "DataKey"),
        ],
        Wiring::QueueSend => {
            &[("sqs:SendMessage", "Orders"), ("kms:GenerateDataKey", "DataKey"), ("kms:Decrypt", "DataKey")]
        }
        Wiring::BucketRead => &[("s3:GetObject", "Uploads"), ("s3:ListBucket", "Uploads"), ("kms:Decrypt", "DataKey")],
        Wiring::BucketPut => &[("s3:PutObject", "Uploads"), ("kms:GenerateDataKey", "DataKey")],
        Wiring::TableRead => &[("dynamodb:GetItem", "Items"), ("dynamodb:Query", "Items"), ("kms:Decrypt", "DataKey")],
        Wiring::TableWrite => &[
            ("dynamodb:PutItem", "Items"),
            ("kms:Encrypt", "DataKey"),
            ("kms:GenerateDataKey", "DataKey"),
            ("kms:Decrypt", "DataKey"),
        ],
        Wiring::TableStream => &[
            ("dynamodb:GetRecords", "Items"),
            ("dynamodb:GetShardIterator", "Items"),
            ("dynamodb:DescribeStream", "Items"),
            ("kms:Decrypt", "DataKey"),
        ],
        Wiring::TopicPublish => {
            &[("sns:Publish", "Alerts"), ("kms:GenerateDataKey", "DataKey"), ("kms:Decrypt", "DataKey")]
        }
        Wiring::FunctionInvoke => &[("lambda:InvokeFunction", "Target")],
    }
}

const HANDLER: &str = "exports.handler = async () => ({ batchItemFailures: [] });";

/// The producer's resources, all under one customer managed key.
#[derive(Clone, Copy)]
struct Produced {
    queue: QueueRef,
    bucket: BucketRef,
    table: TableRef,
    topic: TopicRef,
    target: FunctionRef,
}

fn produce(p: &mut Stack) -> Produced {
    let key = KmsKey::new("DataKey").add_to(p);
    let queue = Queue::new("Orders")
        .encryption(key.into())
        .visibility_timeout(Duration::minutes(6))
        .without_dead_letter_queue("test")
        .add_to(p);
    let bucket = Bucket::new("Uploads").encryption(key).without_access_logs("test").add_to(p);
    let table = Table::new("Items", Key::string("id")).encryption(key).stream(StreamView::NewAndOldImages).add_to(p);
    let topic = Topic::new("Alerts").encryption(key).add_to(p);
    let target = Function::new("Target", Runtime::Nodejs24x, Code::inline(HANDLER)).add_to(p);
    Produced { queue, bucket, table, topic, target }
}

fn consume(c: &mut Stack, w: Wiring, p: Produced) {
    let mut f = Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER)).timeout(Duration::seconds(30));
    match w {
        Wiring::QueueSource => f = f.event_source(QueueSource::new(p.queue)),
        Wiring::TableStream => f = f.event_source(StreamSource::new(p.table)),
        _ => {}
    }
    let worker = f.add_to(c);
    match w {
        Wiring::QueueSource | Wiring::TableStream => {}
        Wiring::QueueSend => p.queue.grant_send_messages(c, &worker),
        Wiring::BucketRead => p.bucket.grant_read(c, &worker),
        Wiring::BucketPut => p.bucket.grant_put(c, &worker),
        Wiring::TableRead => p.table.grant_read_data(c, &worker),
        Wiring::TableWrite => p.table.grant_write_data(c, &worker),
        Wiring::TopicPublish => p.topic.grant_publish(c, &worker),
        Wiring::FunctionInvoke => p.target.grant_invoke(c, &worker),
    }
}

/// Builds the wiring in one stack (`two == false`) or two, and synthesizes.
fn build(w: Wiring, two: bool) -> cfnkit::core::synth::Synthesized {
    let mut app = App::new();
    let produced = produce(app.stack("producer").region("us-east-1"));
    let consumer = if two { app.stack("consumer").region("us-east-1") } else { app.get_stack_mut("producer").unwrap() };
    consume(consumer, w, produced);
    app.synth().unwrap_or_else(|e| panic!("{w:?} (two stacks: {two}): {e}"))
}

#[test]
fn every_wiring_gives_the_same_permissions_in_one_stack_or_two() {
    for w in ALL {
        let one = build(w, false);
        let two = build(w, true);
        let p1 = of_role(&one, "producer", "WorkerServiceRole");
        let p2 = of_role(&two, "consumer", "WorkerServiceRole");
        for (action, target) in needs(w) {
            assert!(allows(&p1, action, target), "{w:?} in one stack lacks {action} on {target}: {p1:#?}");
            assert!(allows(&p2, action, target), "{w:?} across stacks lacks {action} on {target}: {p2:#?}");
        }
        assert_eq!(p1, p2, "{w:?}: one stack and two stacks differ");
        assert!(dangling_imports(&two).is_empty(), "{w:?}: {:?}", dangling_imports(&two));
        assert!(dangling_refs(&one).is_empty() && dangling_refs(&two).is_empty(), "{w:?}");
        if two.stacks[1].json.contains("Fn::ImportValue") {
            assert_eq!(two.stacks[1].dependencies, ["producer"], "{w:?}");
        }
    }
}

/// The first reproduction: the compute stack's policy had no KMS
/// action on the data key.
#[test]
fn a_consumer_in_another_stack_gets_kms_decrypt_on_the_imported_data_key() {
    let out = build(Wiring::QueueSource, true);
    let consumer = &out.stacks[1].template;
    let policy = &consumer["Resources"]["WorkerServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"];
    let kms = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"].to_string().contains("kms:Decrypt"))
        .expect("a kms statement");
    assert_eq!(kms["Resource"], json!({"Fn::ImportValue": "producer-DataKey-Arn"}));
    assert_eq!(
        out.stacks[0].template["Outputs"]["ExportDataKeyArn"]["Value"],
        json!({"Fn::GetAtt": ["DataKey", "Arn"]})
    );
}

#[test]
fn the_visibility_timeout_check_runs_across_stacks() {
    for two in [false, true] {
        let mut app = App::new();
        let p = app.stack("producer");
        let queue =
            Queue::new("Orders").visibility_timeout(Duration::seconds(10)).without_dead_letter_queue("t").add_to(p);
        let c = if two { app.stack("consumer") } else { app.get_stack_mut("producer").unwrap() };
        Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER))
            .timeout(Duration::seconds(60))
            .event_source(QueueSource::new(queue))
            .add_to(c);
        let err = app.synth().expect_err("visibility shorter than the timeout");
        assert!(err.to_string().contains("visibility timeout is shorter than the function's timeout"), "{two}: {err}");
    }
}

#[test]
fn two_queues_of_another_stack_feeding_one_function_get_distinct_ids() {
    let mut app = App::new();
    let p = app.stack("producer");
    let a = Queue::new("Orders").visibility_timeout(Duration::minutes(6)).without_dead_letter_queue("t").add_to(p);
    let team = p.construct("Team");
    let b = p.within(team, |s| {
        Queue::new("Orders").visibility_timeout(Duration::minutes(6)).without_dead_letter_queue("t").add_to(s)
    });
    let c = app.stack("consumer");
    Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER))
        .event_source(QueueSource::new(a))
        .event_source(QueueSource::new(b))
        .add_to(c);
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let mappings: Vec<&String> = out.stacks[1].template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::EventSourceMapping")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(mappings.len(), 2, "{mappings:?}");
}

#[test]
fn an_alarm_in_another_stack_writes_the_publish_statements_where_the_topic_and_key_live() {
    for two in [false, true] {
        let mut app = App::new();
        let p = app.stack("producer");
        let key = KmsKey::new("AlertsKey").add_to(p);
        let topic = Topic::new("Alerts").encryption(key).add_to(p);
        let queue = Queue::new("Orders").without_dead_letter_queue("t").add_to(p);
        let c = if two { app.stack("consumer") } else { app.get_stack_mut("producer").unwrap() };
        Alarm::new("Backlog", queue.metric_approximate_number_of_messages_visible())
            .greater_or_equal(100.0)
            .action(topic)
            .add_to(c);
        let out = app.synth().unwrap_or_else(|e| panic!("{two}: {e}"));
        let producer = &out.stacks[0].template["Resources"];
        let topic_policy = producer["AlertsPolicy"]["Properties"]["PolicyDocument"]["Statement"].to_string();
        assert!(topic_policy.contains("AllowCloudWatchAlarmsToPublish"), "{two}: {topic_policy}");
        let key_policy = producer["AlertsKey"]["Properties"]["KeyPolicy"]["Statement"].to_string();
        assert!(key_policy.contains("AllowCloudWatchAlarmNotifications"), "{two}: {key_policy}");
    }
}

#[test]
fn notifications_across_stacks_write_the_queue_and_key_policy_statements_in_the_queue_stack() {
    let mut app = App::new();
    let p = app.stack("queues");
    let key = KmsKey::new("DataKey").add_to(p);
    let queue = Queue::new("Uploads").encryption(key.into()).without_dead_letter_queue("t").add_to(p);
    let c = app.stack("buckets");
    Bucket::new("Inbox")
        .name("inbox-bucket-for-test")
        .without_access_logs("t")
        .notify_queue(queue, NotificationEvent::ObjectCreated, NotificationFilter::all())
        .add_to(c);
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let queues = &out.stacks[0].template["Resources"];
    let queue_policy = queues["UploadsPolicy"]["Properties"]["PolicyDocument"]["Statement"].to_string();
    assert!(queue_policy.contains("s3.amazonaws.com"), "{queue_policy}");
    let key_policy = queues["DataKey"]["Properties"]["KeyPolicy"]["Statement"].to_string();
    assert!(key_policy.contains("s3.amazonaws.com"), "{key_policy}");
    assert!(out.warnings.iter().all(|w| !w.to_string().contains("cannot edit")), "{:?}", out.warnings);
}

#[test]
fn a_grant_with_another_apps_handle_is_refused() {
    let mut other = App::new();
    let foreign = Table::new("Items", Key::string("id")).add_to(other.stack("data"));
    let mut app = App::new();
    let s = app.stack("data");
    Table::new("Mine", Key::string("id")).add_to(s);
    let f = Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER)).add_to(s);
    foreign.grant_read_data(s, &f);
    let err = app.synth().expect_err("another app's table");
    assert!(err.has(DiagKind::ForeignApp), "{err}");
    assert!(err.to_string().contains("data/Items"), "{err}");
}

/// Names read back by handle methods (a bucket's, a secret's) come from the
/// handle's facts, not from the L1 struct; another stack gets `None` (the
/// name may use the producer's parameters) and uses the imported ARN.
#[test]
fn named_handles_give_their_name_in_their_own_stack_only() {
    let mut app = App::new();
    let data = app.stack("data");
    let bucket = Bucket::new("Uploads").name("uploads-name-test").add_to(data);
    let secret = Secret::new("Config").name("config-name-test").add_to(data);
    assert_eq!(bucket.physical_name(data).map(Expr::into_token), Some(Token::from("uploads-name-test")));
    assert_eq!(secret.name(data).map(Expr::into_token), Some(Token::from("config-name-test")));
    let compute = app.stack("compute");
    assert!(bucket.physical_name(compute).is_none());
    assert!(secret.name(compute).is_none());
}

/// An API's metrics carry its name (`ApiName`), read from the API's facts in
/// any stack: a literal name works in a monitoring stack; a name built from
/// the API stack's environment suffix is refused there with an error, never
/// replaced by the API's id (the old fallback, a metric that never has data).
#[test]
fn api_metrics_in_another_stack_use_the_api_name_or_fail() {
    for (suffixed, two) in [(false, false), (false, true), (true, false), (true, true)] {
        let mut app = App::new();
        let p = app.stack("api").conventions(Conventions::tap("orders"));
        let name: Value<String> =
            if suffixed { p.suffix().name("orders-api").into() } else { Value::Lit("orders-api".to_string()) };
        let api = RestApi::new("Api").name(name).add_to(p);
        api.add_method(p, Method::get("/health", MockIntegration::respond(200, "{}")));
        let c = if two {
            app.stack("monitoring").conventions(Conventions::tap("orders"))
        } else {
            app.get_stack_mut("api").unwrap()
        };
        Alarm::new("ApiErrors", api.metric_server_errors(c)).greater_or_equal(1.0).add_to(c);
        let out = app.synth();
        if suffixed && two {
            let err = out.expect_err("a suffixed API name read from another stack");
            assert!(err.has(DiagKind::DanglingReference), "{err}");
            continue;
        }
        let out = out.unwrap_or_else(|e| panic!("suffixed {suffixed}, two {two}: {e}"));
        let alarm = &out.stacks[usize::from(two)].template["Resources"]["ApiErrors"]["Properties"]["Dimensions"];
        let api_name = alarm.as_array().unwrap().iter().find(|d| d["Name"] == "ApiName").unwrap()["Value"].clone();
        if suffixed {
            assert_eq!(api_name, json!({"Fn::Sub": "orders-api-${EnvironmentSuffix}"}), "two {two}");
        } else {
            assert_eq!(api_name, json!("orders-api"), "two {two}");
        }
    }
}
