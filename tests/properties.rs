//! Properties of generated *valid* apps: random stacks of random L2
//! constructs (queues, buckets, tables, topics, functions, each maybe under
//! a customer managed key) wired to each other within and across stacks by
//! grants, event sources and alarm actions, with names and values inside
//! their allowed ranges.
//!
//! For every case: synthesis succeeds without panicking; the bytes are the
//! same twice; no reference dangles; every `Fn::ImportValue` names an export
//! of a stack of the same app and region; every wiring's consumer is allowed
//! what the permissions oracle (`tests/support/permissions.rs` reads the
//! policies, [`needs`] says what each wiring needs at runtime) requires; and
//! the same app built in one stack gives every consumer the same effective
//! permissions. Bad input is the subject of other tests: here every case is
//! valid by construction, none is rejected.

#[path = "support/permissions.rs"]
mod permissions;

use std::collections::BTreeSet;

use cfnkit::prelude::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use permissions::{allows, dangling_imports, dangling_refs, of_role};

/// What a producer is.
#[derive(Clone, Debug)]
enum Kind {
    Queue { fifo: bool, visibility: u64 },
    Bucket,
    Table { index: bool },
    Topic,
    Function { memory: u64 },
}

#[derive(Clone, Debug)]
struct Producer {
    stack: usize,
    kind: Kind,
    encrypted: bool,
}

#[derive(Clone, Debug)]
struct Consumer {
    stack: usize,
    timeout: u64,
}

/// How a consumer uses a producer.
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
    AlarmAction,
    FunctionInvoke,
}

#[derive(Clone, Debug)]
struct Plan {
    stacks: usize,
    suffix: bool,
    producers: Vec<Producer>,
    consumers: Vec<Consumer>,
    /// (producer, consumer, which of the producer kind's wirings).
    wires: Vec<(usize, usize, usize)>,
}

fn wirings(kind: &Kind) -> &'static [Wiring] {
    match kind {
        Kind::Queue { .. } => &[Wiring::QueueSource, Wiring::QueueSend],
        Kind::Bucket => &[Wiring::BucketRead, Wiring::BucketPut],
        Kind::Table { .. } => &[Wiring::TableRead, Wiring::TableWrite, Wiring::TableStream],
        Kind::Topic => &[Wiring::TopicPublish, Wiring::AlarmAction],
        Kind::Function { .. } => &[Wiring::FunctionInvoke],
    }
}

/// The permissions oracle: (action, logical id the resource names) the
/// consumer's role needs; `KEY` stands for the producer's key.
fn needs(w: Wiring, encrypted: bool) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = match w {
        Wiring::QueueSource => {
            vec![("sqs:ReceiveMessage", "P"), ("sqs:DeleteMessage", "P"), ("sqs:ChangeMessageVisibility", "P")]
        }
        Wiring::QueueSend => vec![("sqs:SendMessage", "P")],
        Wiring::BucketRead => vec![("s3:GetObject", "P"), ("s3:ListBucket", "P")],
        Wiring::BucketPut => vec![("s3:PutObject", "P")],
        Wiring::TableRead => vec![("dynamodb:GetItem", "P"), ("dynamodb:Query", "P")],
        Wiring::TableWrite => vec![("dynamodb:PutItem", "P"), ("dynamodb:UpdateItem", "P")],
        Wiring::TableStream => vec![("dynamodb:GetRecords", "P"), ("dynamodb:GetShardIterator", "P")],
        Wiring::TopicPublish => vec![("sns:Publish", "P")],
        Wiring::AlarmAction => vec![],
        Wiring::FunctionInvoke => vec![("lambda:InvokeFunction", "P")],
    };
    if encrypted {
        v.extend(match w {
            Wiring::QueueSource | Wiring::BucketRead | Wiring::TableRead | Wiring::TableStream => {
                vec![("kms:Decrypt", "KEY")]
            }
            Wiring::QueueSend | Wiring::TopicPublish => vec![("kms:Decrypt", "KEY"), ("kms:GenerateDataKey", "KEY")],
            Wiring::BucketPut => vec![("kms:GenerateDataKey", "KEY"), ("kms:Encrypt", "KEY")],
            Wiring::TableWrite => vec![("kms:Encrypt", "KEY"), ("kms:GenerateDataKey", "KEY"), ("kms:Decrypt", "KEY")],
            Wiring::AlarmAction | Wiring::FunctionInvoke => vec![],
        });
    }
    v
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (any::<bool>(), 900u64..=43_200).prop_map(|(fifo, visibility)| Kind::Queue { fifo, visibility }),
        Just(Kind::Bucket),
        any::<bool>().prop_map(|index| Kind::Table { index }),
        Just(Kind::Topic),
        (128u64..=10_240).prop_map(|memory| Kind::Function { memory }),
    ]
}

fn plan() -> impl Strategy<Value = Plan> {
    (1usize..=3, any::<bool>())
        .prop_flat_map(|(stacks, suffix)| {
            let producers = proptest::collection::vec((0..stacks, kind(), any::<bool>()), 1..=6).prop_map(|v| {
                v.into_iter().map(|(stack, kind, encrypted)| Producer { stack, kind, encrypted }).collect::<Vec<_>>()
            });
            let consumers = proptest::collection::vec((0..stacks, 1u64..=900), 1..=3)
                .prop_map(|v| v.into_iter().map(|(stack, timeout)| Consumer { stack, timeout }).collect::<Vec<_>>());
            (Just(stacks), Just(suffix), producers, consumers)
        })
        .prop_flat_map(|(stacks, suffix, producers, consumers)| {
            let wires = proptest::collection::vec((0..producers.len(), 0..consumers.len(), 0usize..3), 1..=8);
            (Just(stacks), Just(suffix), Just(producers), Just(consumers), wires)
        })
        .prop_map(|(stacks, suffix, producers, consumers, wires)| Plan { stacks, suffix, producers, consumers, wires })
}

impl Plan {
    /// The wires kept: a consumer may use producers of its own stack or of
    /// an earlier one (imports go one way, so stacks never import in a
    /// cycle), and each wiring once per pair.
    fn kept(&self) -> Vec<(usize, usize, Wiring)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for &(p, c, which) in &self.wires {
            let prod = &self.producers[p];
            if self.consumers[c].stack < prod.stack {
                continue;
            }
            let ws = wirings(&prod.kind);
            let w = ws[which % ws.len()];
            if seen.insert((p, c, w as u8)) {
                out.push((p, c, w));
            }
        }
        out
    }

    fn stack_name(i: usize) -> String {
        format!("stack{i}")
    }

    /// Builds the app: in the plan's stacks, or all in the first (`one`).
    fn build(&self, one: bool) -> App {
        let mut app = App::new();
        let n = if one { 1 } else { self.stacks };
        for i in 0..n {
            let s = app.stack(&Self::stack_name(i)).region("us-east-1");
            if self.suffix {
                s.conventions(Conventions::tap("generated"));
            }
        }
        let at = |i: usize| if one { 0 } else { i };
        // One key per stack of the plan, named after it (the same ids in both layouts).
        let mut keys = Vec::new();
        for i in 0..self.stacks {
            let s = app.get_stack_mut(&Self::stack_name(at(i))).unwrap();
            keys.push(KmsKey::new(&format!("Key{i}")).allow_alarm_notifications().add_to(s));
        }
        let kept = self.kept();
        let alarmed: BTreeSet<usize> = kept.iter().filter(|w| w.2 == Wiring::AlarmAction).map(|w| w.0).collect();
        let mut made = Vec::new();
        for (i, p) in self.producers.iter().enumerate() {
            let s = app.get_stack_mut(&Self::stack_name(at(p.stack))).unwrap();
            let key = keys[p.stack];
            let id = format!("P{i}");
            made.push(match &p.kind {
                Kind::Queue { fifo, visibility } => {
                    let mut q = Queue::new(&id)
                        .visibility_timeout(Duration::seconds(*visibility))
                        .without_dead_letter_queue("generated");
                    if *fifo {
                        q = q.fifo();
                    }
                    if p.encrypted {
                        q = q.encryption(key.into());
                    }
                    Made::Queue(q.add_to(s))
                }
                Kind::Bucket => {
                    let mut b = Bucket::new(&id).without_access_logs("generated");
                    if p.encrypted {
                        b = b.encryption(key);
                    }
                    Made::Bucket(b.add_to(s))
                }
                Kind::Table { index } => {
                    let mut t = Table::new(&id, Key::string("pk")).stream(StreamView::NewAndOldImages);
                    if *index {
                        t = t.index(Gsi::new("by-status", Key::string("status")));
                    }
                    if p.encrypted {
                        t = t.encryption(key);
                    }
                    Made::Table(t.add_to(s))
                }
                Kind::Topic => {
                    // CloudWatch cannot publish to the AWS managed SNS key.
                    let t = if p.encrypted || alarmed.contains(&i) {
                        Topic::new(&id).encryption(key)
                    } else {
                        Topic::new(&id)
                    };
                    Made::Topic(t.add_to(s))
                }
                Kind::Function { memory } => Made::Function(
                    Function::new(&id, Runtime::Nodejs24x, Code::inline(HANDLER))
                        .memory(Size::mebibytes(*memory))
                        .add_to(s),
                ),
            });
        }
        for (ci, c) in self.consumers.iter().enumerate() {
            let s = app.get_stack_mut(&Self::stack_name(at(c.stack))).unwrap();
            let mut f = Function::new(&format!("C{ci}"), Runtime::Nodejs24x, Code::inline(HANDLER))
                .timeout(Duration::seconds(c.timeout));
            for &(p, cc, w) in &kept {
                if cc != ci {
                    continue;
                }
                match (w, made[p]) {
                    (Wiring::QueueSource, Made::Queue(q)) => f = f.event_source(QueueSource::new(q)),
                    (Wiring::TableStream, Made::Table(t)) => f = f.event_source(StreamSource::new(t)),
                    _ => {}
                }
            }
            let f = f.add_to(s);
            for &(p, cc, w) in &kept {
                if cc != ci {
                    continue;
                }
                match (w, made[p]) {
                    (Wiring::QueueSend, Made::Queue(q)) => q.grant_send_messages(s, &f),
                    (Wiring::BucketRead, Made::Bucket(b)) => b.grant_read(s, &f),
                    (Wiring::BucketPut, Made::Bucket(b)) => b.grant_put(s, &f),
                    (Wiring::TableRead, Made::Table(t)) => t.grant_read_data(s, &f),
                    (Wiring::TableWrite, Made::Table(t)) => t.grant_write_data(s, &f),
                    (Wiring::TopicPublish, Made::Topic(t)) => t.grant_publish(s, &f),
                    (Wiring::FunctionInvoke, Made::Function(g)) => g.grant_invoke(s, &f),
                    (Wiring::AlarmAction, Made::Topic(t)) => {
                        Alarm::new(&format!("C{ci}P{p}Errors"), f.metric_errors())
                            .greater_or_equal(1.0)
                            .action(t)
                            .add_to(s);
                    }
                    _ => {}
                }
            }
        }
        app
    }
}

#[derive(Clone, Copy)]
enum Made {
    Queue(QueueRef),
    Bucket(BucketRef),
    Table(TableRef),
    Topic(TopicRef),
    Function(FunctionRef),
}

const HANDLER: &str = "exports.handler = async () => ({ batchItemFailures: [] });";

/// Checks every property of one plan; `Err` says which failed.
fn check(plan: &Plan) -> Result<usize, String> {
    let a = plan.build(false).synth().map_err(|e| format!("synthesis failed: {e}"))?;
    let b = plan.build(false).synth().map_err(|e| format!("second synthesis failed: {e}"))?;
    for (x, y) in a.stacks.iter().zip(&b.stacks) {
        if x.json != y.json {
            return Err(format!("{}: not deterministic", x.name));
        }
        let parsed: serde_json::Value = serde_json::from_str(&x.json).map_err(|e| e.to_string())?;
        if parsed != x.template {
            return Err(format!("{}: JSON does not round-trip", x.name));
        }
    }
    if let Some(d) = dangling_refs(&a).first() {
        return Err(format!("dangling reference {d:?}"));
    }
    if let Some(d) = dangling_imports(&a).first() {
        return Err(format!("import naming no export of the app and region: {d:?}"));
    }
    let one = plan.build(true).synth().map_err(|e| format!("one-stack synthesis failed: {e}"))?;
    for (ci, c) in plan.consumers.iter().enumerate() {
        let role = format!("C{ci}ServiceRole");
        let split = of_role(&a, &Plan::stack_name(c.stack), &role);
        let joined = of_role(&one, &Plan::stack_name(0), &role);
        if split != joined {
            return Err(format!("C{ci}: permissions differ between one stack and several:\n{split:#?}\n{joined:#?}"));
        }
        for &(p, cc, w) in &plan.kept() {
            if cc != ci {
                continue;
            }
            let prod = &plan.producers[p];
            for (action, target) in needs(w, prod.encrypted) {
                let id = if target == "KEY" { format!("Key{}", prod.stack) } else { format!("P{p}") };
                if !allows(&split, action, &id) {
                    return Err(format!("C{ci} {w:?} P{p}: {action} on {id} missing: {split:#?}"));
                }
            }
            if w == Wiring::AlarmAction {
                let s = a.stack(&Plan::stack_name(prod.stack)).unwrap();
                let policy = s.template["Resources"][format!("P{p}Policy")].to_string();
                if !policy.contains("AllowCloudWatchAlarmsToPublish") {
                    return Err(format!("P{p}: no topic-policy statement for the alarm of C{ci}"));
                }
            }
        }
    }
    Ok(a.stacks.iter().map(|s| s.template["Resources"].as_object().map_or(0, serde_json::Map::len)).sum())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_valid_apps_synthesize_deterministically_with_the_permissions_they_need(plan in plan()) {
        if let Err(e) = check(&plan) {
            prop_assert!(false, "{e}\nplan: {plan:#?}");
        }
    }
}

/// Most generated cases are real systems, not near-empty stacks: the share
/// with at least five resources is measured over a fixed sample (printed
/// with `--nocapture`) and must be at least nine in ten.
#[test]
fn most_generated_apps_have_at_least_five_resources() {
    let mut runner = TestRunner::deterministic();
    let strategy = plan();
    let (mut large, total) = (0, 64);
    for _ in 0..total {
        let p = strategy.new_tree(&mut runner).expect("a plan").current();
        let n = check(&p).unwrap_or_else(|e| panic!("{e}\nplan: {p:#?}"));
        if n >= 5 {
            large += 1;
        }
    }
    println!("generated apps with at least five resources: {large} of {total}");
    assert!(large * 10 >= total * 9, "{large} of {total}");
}
