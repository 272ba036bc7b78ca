//! Effective permissions of a synthesized app, for tests that compare a
//! wiring in one stack with the same wiring across stacks.
//!
//! A role's permissions are the (action, resource) pairs of the `Allow`
//! statements of every `AWS::IAM::Policy` attached to it. Resources are
//! normalized so that the two layouts compare equal: an `Fn::ImportValue`
//! is replaced by the value the producer exports under that name, so
//! `{"Fn::GetAtt": ["DataKey", "Arn"]}` reads the same in both.

#![allow(dead_code)] // each test target uses part of it

use std::collections::BTreeSet;

use cfnkit::core::synth::Synthesized;
use serde_json::Value;

/// Every export of the app: (export name as written, exported value).
fn exports(out: &Synthesized) -> Vec<(Value, Value)> {
    let mut all = Vec::new();
    for s in &out.stacks {
        if let Some(outputs) = s.template.get("Outputs").and_then(Value::as_object) {
            for o in outputs.values() {
                if let Some(name) = o.get("Export").and_then(|e| e.get("Name")) {
                    all.push((name.clone(), o["Value"].clone()));
                }
            }
        }
    }
    all
}

/// `v` with every `Fn::ImportValue` replaced by the exported value; an
/// import that names no export of the app stays, marked `DANGLING`.
pub fn normalize(out: &Synthesized, v: &Value) -> Value {
    normalize_with(&exports(out), v)
}

fn normalize_with(exports: &[(Value, Value)], v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::ImportValue") => {
            let name = &m["Fn::ImportValue"];
            match exports.iter().find(|(n, _)| n == name) {
                Some((_, value)) => normalize_with(exports, value),
                None => serde_json::json!({ "DANGLING": name }),
            }
        }
        Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Sub") => {
            let inner = normalize_with(exports, &m["Fn::Sub"]);
            inline_sub(inner)
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), normalize_with(exports, x))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(|x| normalize_with(exports, x)).collect()),
        other => other.clone(),
    }
}

/// `{"Fn::Sub": [text, vars]}` with every variable that is a `Ref`, an
/// `Fn::GetAtt` or a string written into the text, as synthesis does within
/// one stack, so the forms of both layouts compare equal.
fn inline_sub(sub: Value) -> Value {
    let Value::Array(parts) = &sub else { return serde_json::json!({ "Fn::Sub": sub }) };
    let (Some(Value::String(text)), Some(Value::Object(vars))) = (parts.first(), parts.get(1)) else {
        return serde_json::json!({ "Fn::Sub": sub });
    };
    let mut text = text.clone();
    let mut rest = serde_json::Map::new();
    for (k, v) in vars {
        let inline = match v {
            Value::String(s) => Some(s.replace("${", "${!")),
            Value::Object(o) => match (o.get("Ref"), o.get("Fn::GetAtt")) {
                (Some(Value::String(id)), _) => Some(format!("${{{id}}}")),
                (_, Some(Value::Array(a))) => {
                    Some(format!("${{{}.{}}}", a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or("")))
                }
                _ => None,
            },
            _ => None,
        };
        match inline {
            Some(t) => text = text.replace(&format!("${{{k}}}"), &t),
            None => {
                rest.insert(k.clone(), v.clone());
            }
        }
    }
    if rest.is_empty() {
        serde_json::json!({ "Fn::Sub": text })
    } else {
        serde_json::json!({ "Fn::Sub": [text, rest] })
    }
}

fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// The (action, normalized resource) pairs the role with logical id `role`
/// in stack `stack` is allowed.
pub fn of_role(out: &Synthesized, stack: &str, role: &str) -> BTreeSet<(String, String)> {
    let exports = exports(out);
    let mut set = BTreeSet::new();
    let Some(s) = out.stack(stack) else { return set };
    let Some(resources) = s.template["Resources"].as_object() else { return set };
    for r in resources.values() {
        if r["Type"] != "AWS::IAM::Policy" {
            continue;
        }
        let attached = as_list(&r["Properties"]["Roles"]).iter().any(|x| x == &serde_json::json!({ "Ref": role }));
        if !attached {
            continue;
        }
        for st in as_list(&r["Properties"]["PolicyDocument"]["Statement"]) {
            if st["Effect"] != "Allow" {
                continue;
            }
            for a in as_list(&st["Action"]) {
                for res in as_list(&st["Resource"]) {
                    let res = normalize_with(&exports, &res).to_string();
                    set.insert((a.as_str().unwrap_or_default().to_string(), res));
                }
            }
        }
    }
    set
}

/// True when `perms` allow `action` (or `*`-free wildcard `kms:ReEncrypt*`
/// style prefixes are not used: actions are spelled out) on a resource whose
/// normalized JSON names `target` (a logical id, e.g. `"DataKey"`).
pub fn allows(perms: &BTreeSet<(String, String)>, action: &str, target: &str) -> bool {
    let quoted = format!("\"{target}\"");
    let in_sub = format!("${{{target}");
    perms.iter().any(|(a, r)| a == action && (r.contains(&quoted) || r.contains(&in_sub)))
}

/// Every `Fn::ImportValue` of the app that names no export of a stack of the
/// same app and region, as (importing stack, import).
pub fn dangling_imports(out: &Synthesized) -> Vec<(String, String)> {
    let mut bad = Vec::new();
    for s in &out.stacks {
        let mut imports = Vec::new();
        collect_imports(&s.template, &mut imports);
        for name in imports {
            let found = out.stacks.iter().any(|p| {
                p.region == s.region
                    && p.template
                        .get("Outputs")
                        .and_then(Value::as_object)
                        .is_some_and(|o| o.values().any(|x| x.get("Export").and_then(|e| e.get("Name")) == Some(&name)))
            });
            if !found {
                bad.push((s.name.clone(), name.to_string()));
            }
        }
    }
    bad
}

fn collect_imports(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(n) = m.get("Fn::ImportValue") {
                out.push(n.clone());
            }
            m.values().for_each(|x| collect_imports(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_imports(x, out)),
        _ => {}
    }
}

/// Every `Ref` / `Fn::GetAtt` / `DependsOn` target of each stack that is not
/// a resource, parameter or pseudo parameter of that stack.
pub fn dangling_refs(out: &Synthesized) -> Vec<(String, String)> {
    let mut bad = Vec::new();
    for s in &out.stacks {
        let t = &s.template;
        let known = |id: &str| {
            id.starts_with("AWS::")
                || t["Resources"].get(id).is_some()
                || t.get("Parameters").and_then(|p| p.get(id)).is_some()
        };
        let mut targets = Vec::new();
        collect_targets(t, &mut targets);
        if let Some(res) = t["Resources"].as_object() {
            for r in res.values() {
                for d in as_list(r.get("DependsOn").unwrap_or(&Value::Null)) {
                    targets.push(d.as_str().unwrap_or_default().to_string());
                }
            }
        }
        bad.extend(targets.into_iter().filter(|id| !known(id)).map(|id| (s.name.clone(), id)));
    }
    bad
}

fn collect_targets(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(id)) = m.get("Ref") {
                out.push(id.clone());
            }
            if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                if let Some(Value::String(id)) = a.first() {
                    out.push(id.clone());
                }
            }
            m.values().for_each(|x| collect_targets(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_targets(x, out)),
        _ => {}
    }
}
