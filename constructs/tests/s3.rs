//! `s3::Bucket`: defaults, KMS enforcement, grants, event notifications
//! (with the permissions and ordering they need), and every validation error.

use cfnkit_constructs::iam::{Principal, Role, RoleRef};
use cfnkit_constructs::kms::{Key, KeyRef};
use cfnkit_constructs::lambda::{AsyncConfig, Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::s3::{Bucket, BucketEncryption, NotificationEvent, NotificationFilter, Rule, StorageClass};
use cfnkit_constructs::sns::Topic;
use cfnkit_constructs::sqs::{Queue, QueueEncryption, QueueRef};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

/// Builds one stack with conventions, returning the synthesis result.
fn build(f: impl FnOnce(&mut Stack)) -> Result<cfnkit_core::synth::Synthesized, SynthError> {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("s3 tests"));
    f(stack);
    app.synth()
}

fn template(f: impl FnOnce(&mut Stack)) -> Value {
    build(f).expect("synthesizes").stacks[0].template.clone()
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

fn bucket_policy(t: &Value) -> Vec<Value> {
    statements(t, "DataPolicy", "PolicyDocument")
}

fn key(stack: &mut Stack) -> KeyRef {
    Key::new("DataKey").add_to(stack)
}

fn role(stack: &mut Stack) -> RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

fn function(stack: &mut Stack) -> FunctionRef {
    let failures = Queue::new("Failures").as_dead_letter_queue().add_to(stack);
    Function::new("Processor", Runtime::Python313, Code::inline("def handler(event, context):\n    pass\n"))
        .async_config(AsyncConfig::new().on_failure(failures))
        .add_to(stack)
}

fn queue(stack: &mut Stack, key: KeyRef) -> QueueRef {
    Queue::new("Events").encryption(QueueEncryption::from(key)).without_dead_letter_queue("unit test").add_to(stack)
}

/// A named bucket, ready for notifications.
fn named(stack: &mut Stack) -> Bucket {
    let sfx = stack.suffix();
    Bucket::new("Data").name(sfx.name("data"))
}

const NAME_ARN: &str = "arn:${AWS::Partition}:s3:::data-${EnvironmentSuffix}";

// Defaults

#[test]
fn bucket_is_encrypted_with_sse_s3_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["BucketEncryption"],
        json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    );
}

#[test]
fn bucket_is_versioned_private_and_owner_enforced_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    let p = props(&t, "Data");
    assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(p["OwnershipControls"], json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}));
}

#[test]
fn bucket_has_a_tls_only_policy_and_no_upload_denies_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        bucket_policy(&t),
        vec![json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["Data", "Arn"]}, {"Fn::Sub": "${Data.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })]
    );
}

#[test]
fn bucket_logs_to_a_dedicated_bucket_it_waits_for_by_default() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["LoggingConfiguration"],
        json!({"DestinationBucketName": {"Ref": "DataAccessLogs"}, "LogFilePrefix": "access-logs/"})
    );
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["DataAccessLogsPolicy"]));
}

#[test]
fn bucket_takes_the_stack_removal_policy() {
    let t = template(|s| {
        Bucket::new("Data").add_to(s);
    });
    assert_eq!(t["Resources"]["Data"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Data"]["UpdateReplacePolicy"], "Delete");
}

// KMS encryption and its enforcement

#[test]
fn kms_bucket_takes_a_key_ref_and_uses_bucket_keys() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(k).add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["BucketEncryption"]["ServerSideEncryptionConfiguration"][0],
        json!({
            "BucketKeyEnabled": true,
            "ServerSideEncryptionByDefault": {"KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]}, "SSEAlgorithm": "aws:kms"}
        })
    );
}

fn upload_deny(sid: &str, op: &str, key: &str, value: Value) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": {"Fn::Sub": "${Data.Arn}/*"},
        "Condition": {op: {key: value}}
    })
}

#[test]
fn kms_bucket_denies_uploads_asking_for_another_encryption_or_key() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(k).add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(
        st[1..],
        [
            upload_deny(
                "DenyUploadsNotEncryptedWithKms",
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption",
                json!("aws:kms")
            ),
            upload_deny(
                "DenyUploadsWithAnotherKey",
                "StringNotEqualsIfExists",
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
                json!({"Fn::GetAtt": ["DataKey", "Arn"]})
            ),
        ]
    );
}

#[test]
fn require_kms_upload_headers_denies_uploads_that_do_not_name_them() {
    let t = template(|s| {
        let k = key(s);
        Bucket::new("Data").encryption(BucketEncryption::kms(k.arn())).require_kms_upload_headers().add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(st[1]["Condition"], json!({"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}));
    assert_eq!(
        st[2]["Condition"],
        json!({"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {"Fn::GetAtt": ["DataKey", "Arn"]}}})
    );
}

#[test]
fn kms_managed_bucket_denies_uploads_asking_for_another_encryption() {
    let t = template(|s| {
        Bucket::new("Data").encryption(BucketEncryption::KmsManaged).add_to(s);
    });
    let st = bucket_policy(&t);
    assert_eq!(st.len(), 2);
    assert_eq!(st[1]["Sid"], "DenyUploadsNotEncryptedWithKms");
}

#[test]
fn require_kms_upload_headers_on_an_sse_s3_bucket_is_an_error() {
    let errs = errors(|s| {
        Bucket::new("Data").require_kms_upload_headers().add_to(s);
    });
    assert!(has_error(&errs, "BucketEncryption", "SSE-KMS buckets only"), "{errs:?}");
}

#[test]
fn a_customer_managed_key_given_by_id_is_an_error() {
    let errs = errors(|s| {
        Bucket::new("Data").encryption(BucketEncryption::kms("1234abcd-12ab-34cd-56ef-1234567890ab")).add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("given by ARN")), "{errs:?}");
}

// Grants

#[test]
fn grant_put_allows_put_object_on_the_objects_only() {
    let t = template(|s| {
        let b = Bucket::new("Data").add_to(s);
        let r = role(s);
        b.grant_put(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument"),
        vec![json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${Data.Arn}/*"}})]
    );
}

#[test]
fn grant_put_lists_the_key_actions_with_a_customer_managed_key() {
    let t = template(|s| {
        let k = key(s);
        let b = Bucket::new("Data").encryption(k).add_to(s);
        let r = role(s);
        b.grant_put(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument")[1],
        json!({
            "Effect": "Allow",
            "Action": [
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:Decrypt"
            ],
            "Resource": {"Fn::GetAtt": ["DataKey", "Arn"]}
        })
    );
}

#[test]
fn grant_read_allows_get_object_and_list_bucket() {
    let t = template(|s| {
        let b = Bucket::new("Data").add_to(s);
        let r = role(s);
        b.grant_read(s, &r);
    });
    assert_eq!(
        statements(&t, "WorkerDefaultPolicy", "PolicyDocument"),
        vec![
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${Data.Arn}/*"}}),
            json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": ["Data", "Arn"]}}),
        ]
    );
}

#[test]
fn physical_name_and_arn_from_name_do_not_reference_the_bucket() {
    let mut app = App::new();
    let s = app.stack("names").conventions(Conventions::tap("names"));
    let plain = Bucket::new("Plain").add_to(s);
    let data = named(s).add_to(s);
    assert!(plain.physical_name(s).is_none() && plain.arn_from_name(s).is_none());
    let arn = data.arn_from_name(s).map(|a| format!("{:?}", a.token()));
    assert!(arn.is_some_and(|a| a.contains("arn:${AWS::Partition}:s3:::${Name}")), "a Sub over the name");
}

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
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["DataAccessLogsPolicy", "ProcessorDataPermission"]));
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
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["DataAccessLogsPolicy", "EventsPolicy"]));
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
    assert_eq!(t["Resources"]["Data"]["DependsOn"], json!(["DataAccessLogsPolicy", "RemovalsPolicy"]));
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

// Names and lifecycle rules

#[test]
fn bucket_name_breaking_s3_rules_is_an_error() {
    for (name, problem) in [
        ("Data", "invalid character 'D'"),
        ("ab", "length"),
        ("-data", "starts with"),
        ("data.", "ends with"),
        ("my..data", "adjacent periods"),
        ("192.168.5.4", "IP address"),
        ("xn--data", "reserved by S3"),
        ("data-s3alias", "reserved by S3"),
    ] {
        let errs = errors(|s| {
            Bucket::new("Data").name(name).add_to(s);
        });
        assert!(has_error(&errs, "BucketName", problem), "{name}: {errs:?}");
    }
}

#[test]
fn a_suffixed_name_too_long_in_its_known_part_is_an_error() {
    let errs = errors(|s| {
        let sfx = s.suffix();
        Bucket::new("Data").name(sfx.name(&"a".repeat(63))).add_to(s);
    });
    assert!(has_error(&errs, "BucketName", "length"), "{errs:?}");
}

#[test]
fn a_suffixed_lowercase_name_is_accepted() {
    let t = template(|s| {
        let sfx = s.suffix();
        Bucket::new("Data").name(sfx.name("transactions.archive")).add_to(s);
    });
    assert_eq!(props(&t, "Data")["BucketName"], json!({"Fn::Sub": "transactions.archive-${EnvironmentSuffix}"}));
}

#[test]
fn lifecycle_transitions_are_written_and_too_early_ones_are_errors() {
    let t = template(|s| {
        Bucket::new("Data")
            .lifecycle(Rule::new("ToIa").transition(StorageClass::InfrequentAccess, Duration::days(30)))
            .add_to(s);
    });
    assert_eq!(
        props(&t, "Data")["LifecycleConfiguration"]["Rules"][0],
        json!({"Id": "ToIa", "Status": "Enabled", "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]})
    );
    let errs = errors(|s| {
        Bucket::new("Data")
            .lifecycle(Rule::new("ToIa").transition(StorageClass::InfrequentAccess, Duration::days(10)))
            .add_to(s);
    });
    assert!(errs.iter().any(|d| d.problem.contains("too early")), "{errs:?}");
}
