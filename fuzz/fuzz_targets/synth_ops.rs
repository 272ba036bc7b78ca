//! Fuzzes building and synthesizing apps from arbitrary operations: stacks,
//! conventions, scopes, generic and typed resources, properties (any JSON,
//! non-finite numbers, deep nesting), references within and across
//! stacks, overrides and deletions, tags, parameters, outputs, DependsOn,
//! suffixed names and grants.
//!
//! Oracles: no panic; synthesis is deterministic (twice the same result);
//! on success every `Ref`, `Fn::GetAtt`, `DependsOn` and `Fn::Sub`
//! placeholder names something of its template, every `Fn::ImportValue`
//! names an export of a stack it depends on, every logical id is valid and
//! every template parses back; on failure every error names a path and a
//! problem.
#![no_main]

use arbitrary::Arbitrary;
use cfnkit::constructs::sqs::Queue;
use cfnkit::core::token::RefTarget;
use cfnkit::prelude::*;
use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;

const STACKS: [&str; 4] = ["alpha", "beta", "Tree", "bad name"];
const IDS: [&str; 8] = ["A", "B", "Resource", "Default", "orders-table", "x.y", "", "Svc"];
const TYPES: [&str; 7] = [
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::Test::Thing",
    "AWS::DynamoDB::Table",
    "AWS::Logs::LogGroup",
    "AWS::SNS::Topc",
    "Custom::Thing",
];
const KEYS: [&str; 8] =
    ["TopicName", "QueueName", "RetentionInDays", "VisibilityTimeout", "Tags", "Tags.0.Key", "A.B", "KeySchema"];
const WORDS: [&str; 6] = ["orders", "aws:cost", "orders table!", "orders-{}-{}", "${AWS::Region}", "x"];

#[derive(Arbitrary, Debug, Clone)]
enum Val {
    Int(i64),
    Float(f64),
    Bool(bool),
    Word(u8),
    Text(String),
    List(Vec<Val>),
    Object(Vec<(u8, Val)>),
    Deep(u16),
}

impl Val {
    fn token(&self) -> Token {
        match self {
            Val::Int(i) => Token::Int(*i),
            Val::Float(f) => Token::Float(*f),
            Val::Bool(b) => Token::Bool(*b),
            Val::Word(w) => Token::Str(WORDS[*w as usize % WORDS.len()].to_string()),
            Val::Text(s) => Token::Str(s.clone()),
            Val::List(v) => Token::List(v.iter().map(Val::token).collect()),
            Val::Object(v) => {
                Token::Map(v.iter().map(|(k, x)| (KEYS[*k as usize % KEYS.len()].into(), x.token())).collect())
            }
            Val::Deep(n) => {
                let mut t = Token::Int(1);
                for _ in 0..(*n % 300) {
                    t = Token::List(vec![t]);
                }
                t
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Stack(u8),
    Conventions(u8),
    Scope(u8),
    Leave,
    Resource { ty: u8, id: u8 },
    Queue { id: u8, word: Option<u8> },
    Prop { res: u8, key: u8, val: Val },
    Ref { from: u8, to: u8, key: u8, att: bool },
    Override { res: u8, key: u8, val: Option<Val> },
    Tag { key: u8, val: u8 },
    Param { name: u8, default: Option<u8> },
    Output { res: u8, name: u8 },
    DependsOn { from: u8, to: u8 },
    Suffixed { res: u8, key: u8, word: u8, format: bool },
    Description(u16),
}

/// The resources made so far, with their stack's name.
struct Made {
    resources: Vec<(usize, ResourceId)>,
}

fn pick<T: Copy>(v: &[T], i: u8) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[i as usize % v.len()])
    }
}

fn build(ops: &[Op]) -> App {
    let mut app = App::new();
    let mut stacks: Vec<&'static str> = Vec::new();
    let mut current = 0usize;
    let mut scopes: Vec<NodeId> = Vec::new();
    let mut made = Made { resources: Vec::new() };
    let mut ensure = |app: &mut App, stacks: &mut Vec<&'static str>| {
        if stacks.is_empty() {
            app.stack(STACKS[0]);
            stacks.push(STACKS[0]);
        }
    };
    for op in ops.iter().take(64) {
        ensure(&mut app, &mut stacks);
        match op {
            Op::Stack(n) => {
                let name = STACKS[*n as usize % STACKS.len()];
                if !stacks.contains(&name) {
                    app.stack(name);
                    stacks.push(name);
                }
                current = stacks.iter().position(|s| *s == name).unwrap_or(0);
                scopes.clear();
            }
            Op::Conventions(w) => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    s.conventions(Conventions::tap(WORDS[*w as usize % WORDS.len()]));
                }
            }
            Op::Scope(id) => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    let parent = scopes.last().copied().unwrap_or_else(|| s.root());
                    let n = s.within(parent, |s| s.construct(IDS[*id as usize % IDS.len()]));
                    scopes.push(n);
                }
            }
            Op::Leave => {
                scopes.pop();
            }
            Op::Resource { ty, id } => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    let scope = scopes.last().copied().unwrap_or_else(|| s.root());
                    let r = CfnResource::new(TYPES[*ty as usize % TYPES.len()]).taggable(TagFormat::List);
                    let h = s.within(scope, |s| s.add(IDS[*id as usize % IDS.len()], r));
                    made.resources.push((current, h.id()));
                }
            }
            Op::Queue { id, word } => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    let mut q = Queue::new(IDS[*id as usize % IDS.len()]);
                    if let Some(w) = word {
                        q = q.name(WORDS[*w as usize % WORDS.len()]);
                    }
                    let q = q.add_to(s);
                    made.resources.push((current, q.handle().id()));
                }
            }
            Op::Prop { res, key, val } | Op::Override { res, key, val: Some(val) } => {
                if let Some((si, r)) = pick(&made.resources, *res) {
                    if let Some(s) = app.get_stack_mut(stacks[si]) {
                        s.override_property(r, KEYS[*key as usize % KEYS.len()], val.token());
                    }
                }
            }
            Op::Override { res, key, val: None } => {
                if let Some((si, r)) = pick(&made.resources, *res) {
                    if let Some(s) = app.get_stack_mut(stacks[si]) {
                        s.delete_property(r, KEYS[*key as usize % KEYS.len()]);
                    }
                }
            }
            Op::Ref { from, to, key, att } => {
                if let (Some((si, a)), Some((_, b))) = (pick(&made.resources, *from), pick(&made.resources, *to)) {
                    let target: Token = if *att {
                        Intrinsic::GetAtt(b, "Arn".into()).into()
                    } else {
                        Intrinsic::Ref(RefTarget::Resource(b)).into()
                    };
                    if let Some(s) = app.get_stack_mut(stacks[si]) {
                        s.override_property(a, KEYS[*key as usize % KEYS.len()], target);
                    }
                }
            }
            Op::Tag { key, val } => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    s.tag(WORDS[*key as usize % WORDS.len()], WORDS[*val as usize % WORDS.len()]);
                }
            }
            Op::Param { name, default } => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    let mut p = Parameter::string(IDS[*name as usize % IDS.len()]);
                    if let Some(d) = default {
                        p = p.default(WORDS[*d as usize % WORDS.len()]);
                    }
                    s.parameter(p);
                }
            }
            Op::Output { res, name } => {
                if let Some((_, r)) = pick(&made.resources, *res) {
                    if let Some(s) = app.get_stack_mut(stacks[current]) {
                        s.output(IDS[*name as usize % IDS.len()], Intrinsic::Ref(RefTarget::Resource(r)));
                    }
                }
            }
            Op::DependsOn { from, to } => {
                if let (Some((si, a)), Some((_, b))) = (pick(&made.resources, *from), pick(&made.resources, *to)) {
                    if let Some(s) = app.get_stack_mut(stacks[si]) {
                        s.add_dependency(a, b);
                    }
                }
            }
            Op::Suffixed { res, key, word, format } => {
                if let Some((si, r)) = pick(&made.resources, *res) {
                    if let Some(s) = app.get_stack_mut(stacks[si]) {
                        let sfx = s.suffix();
                        let w = WORDS[*word as usize % WORDS.len()];
                        let name = if *format { sfx.format(w) } else { sfx.name(w) };
                        s.override_property(r, KEYS[*key as usize % KEYS.len()], name);
                    }
                }
            }
            Op::Description(n) => {
                if let Some(s) = app.get_stack_mut(stacks[current]) {
                    s.description(&"d".repeat(*n as usize % 1100));
                }
            }
        }
    }
    app
}

/// Every `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholder and `Fn::ImportValue` in `v`.
fn walk(v: &Json, refs: &mut Vec<String>, imports: &mut Vec<String>) {
    match v {
        Json::Array(a) => a.iter().for_each(|x| walk(x, refs, imports)),
        Json::Object(m) => {
            if m.len() == 1 {
                if let Some(Json::String(r)) = m.get("Ref") {
                    refs.push(r.clone());
                }
                if let Some(Json::Array(a)) = m.get("Fn::GetAtt") {
                    if let Some(Json::String(r)) = a.first() {
                        refs.push(r.clone());
                    }
                }
                if let Some(Json::String(i)) = m.get("Fn::ImportValue") {
                    imports.push(i.clone());
                }
                if let Some(sub) = m.get("Fn::Sub") {
                    let (text, vars) = match sub {
                        Json::String(s) => (s.as_str(), None),
                        Json::Array(a) => {
                            (a.first().and_then(Json::as_str).unwrap_or(""), a.get(1).and_then(Json::as_object))
                        }
                        _ => ("", None),
                    };
                    let mut rest = text;
                    while let Some(start) = rest.find("${") {
                        let after = &rest[start + 2..];
                        let Some(end) = after.find('}') else { break };
                        let name = &after[..end];
                        rest = &after[end + 1..];
                        if !name.starts_with('!') && !vars.is_some_and(|v| v.contains_key(name)) {
                            refs.push(name.split('.').next().unwrap_or(name).to_string());
                        }
                    }
                }
            }
            m.values().for_each(|x| walk(x, refs, imports));
        }
        _ => {}
    }
}

fn check(out: &Synthesized) {
    let exports: Vec<(String, String)> = out
        .stacks
        .iter()
        .flat_map(|s| {
            let outputs = s.template.get("Outputs").and_then(Json::as_object).cloned().unwrap_or_default();
            outputs
                .values()
                .filter_map(|o| {
                    o.pointer("/Export/Name").and_then(Json::as_str).map(|n| (s.name.clone(), n.to_string()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for s in &out.stacks {
        let t = &s.template;
        assert_eq!(serde_json::from_str::<Json>(&s.json).ok().as_ref(), Some(t), "the written JSON parses back");
        let resources = t.get("Resources").and_then(Json::as_object).cloned().unwrap_or_default();
        let params = t.get("Parameters").and_then(Json::as_object).cloned().unwrap_or_default();
        for id in resources.keys().chain(params.keys()) {
            assert!(
                !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "bad id {id:?}"
            );
        }
        let (mut refs, mut imports) = (Vec::new(), Vec::new());
        walk(t, &mut refs, &mut imports);
        for r in refs {
            assert!(
                resources.contains_key(&r) || params.contains_key(&r) || r.starts_with("AWS::"),
                "dangling {r:?} in {}",
                s.name
            );
        }
        for r in resources.values() {
            for d in r.get("DependsOn").and_then(Json::as_array).into_iter().flatten() {
                assert!(d.as_str().is_some_and(|d| resources.contains_key(d)), "dangling DependsOn {d}");
            }
        }
        for i in imports {
            let producer = exports.iter().find(|(_, n)| *n == i).map(|(p, _)| p.clone());
            let producer = producer.unwrap_or_else(|| panic!("import {i:?} of {} has no export", s.name));
            assert!(s.dependencies.contains(&producer), "{} imports from {producer} without depending on it", s.name);
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let app = build(&ops);
    let first = app.synth();
    let second = app.synth();
    assert_eq!(first, second, "synthesis is not deterministic");
    match &first {
        Ok(out) => check(out),
        Err(e) => {
            for d in &e.diagnostics {
                assert!(!d.path.is_empty() && !d.problem.is_empty(), "an error without path or problem: {d:?}");
            }
        }
    }
});
