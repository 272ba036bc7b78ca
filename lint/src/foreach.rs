//! `Fn::ForEach` (the `AWS::LanguageExtensions` transform) expanded before
//! the rules run, so a resource written once in a loop is checked once per
//! item, as CloudFormation will create it.
//!
//! ```yaml
//! Fn::ForEach::Topics:
//!   - Name                      # the identifier
//!   - [Orders, Refunds]         # the collection (a list, or a Ref to a list parameter)
//!   - Topic${Name}:             # the output: keys and values use ${Name} / &{Name}
//!       Type: AWS::SNS::Topic
//! ```
//!
//! The collection is a literal list, or a `Ref` to a parameter whose
//! `Default` gives the list (`CommaDelimitedList` or `List<...>`). A
//! collection known only at deploy time expands once, with the identifier's
//! own name as the item, so the loop's resources are still checked. Loops
//! nest. Every expanded member remembers the loop fragment it comes from, so
//! a finding points at the lines the author wrote.

use serde_json::{Map, Value};

use crate::template::escape;

/// The sections whose members may be loops.
const SECTIONS: [&str; 3] = ["Resources", "Outputs", "Conditions"];

/// Loops nested deeper than this are left as they are (the rules then see
/// a member named `Fn::ForEach::...`, which matches no resource type).
const MAX_DEPTH: usize = 8;

/// An expanded template, and for each expanded member its JSON pointer in
/// the expansion and the pointer of the fragment it comes from.
pub(crate) struct Expanded {
    pub(crate) template: Value,
    pub(crate) origins: Vec<(String, String)>,
}

/// The template with every loop of its sections expanded; `None` when it has
/// no loop (the common case: no copy is made).
pub(crate) fn expand(template: &Value) -> Option<Expanded> {
    let obj = template.as_object()?;
    let has_loop = SECTIONS.iter().any(|s| {
        obj.get(*s).and_then(Value::as_object).is_some_and(|m| m.keys().any(|k| k.starts_with("Fn::ForEach::")))
    });
    if !has_loop {
        return None;
    }
    let params = obj.get("Parameters").and_then(Value::as_object);
    let mut out = obj.clone();
    let mut origins = Vec::new();
    for section in SECTIONS {
        let Some(members) = obj.get(section).and_then(Value::as_object) else { continue };
        let mut expanded = Map::new();
        for (k, v) in members {
            let ptr = format!("/{section}/{}", escape(k));
            if k.starts_with("Fn::ForEach::") {
                expand_loop(v, v, &ptr, params, 0, &mut |key, value, from| {
                    origins.push((format!("/{section}/{}", escape(&key)), from));
                    expanded.entry(key).or_insert(value);
                });
            } else {
                expanded.insert(k.clone(), v.clone());
            }
        }
        out.insert(section.to_string(), Value::Object(expanded));
    }
    Some(Expanded { template: Value::Object(out), origins })
}

/// Expands one loop `[identifier, collection, output]` at `ptr`, calling
/// `emit(key, value, fragment pointer)` for each member it produces.
/// `source` is the loop as written (an inner loop's `v` has the outer
/// items substituted already): pointers use its keys.
fn expand_loop(
    v: &Value,
    source: &Value,
    ptr: &str,
    params: Option<&Map<String, Value>>,
    depth: usize,
    emit: &mut dyn FnMut(String, Value, String),
) {
    let Some([Value::String(ident), collection, Value::Object(output)]) = v.as_array().map(Vec::as_slice) else {
        return;
    };
    if depth >= MAX_DEPTH {
        return;
    }
    let source_keys: Vec<&String> =
        source.get(2).and_then(Value::as_object).map(|m| m.keys().collect()).unwrap_or_default();
    for item in items(collection, ident, params) {
        for (i, (key, fragment)) in output.iter().enumerate() {
            let fragment_ptr = format!("{ptr}/2/{}", escape(source_keys.get(i).map_or(key, |k| k)));
            let value = substitute(fragment, ident, &item);
            if key.starts_with("Fn::ForEach::") {
                let inner_source =
                    source.get(2).and_then(|m| m.get(source_keys.get(i).map_or(key.as_str(), |k| k.as_str())));
                expand_loop(&value, inner_source.unwrap_or(fragment), &fragment_ptr, params, depth + 1, emit);
            } else {
                emit(substitute_str(key, ident, &item), value, fragment_ptr);
            }
        }
    }
}

/// The items of a loop's collection.
fn items(collection: &Value, ident: &str, params: Option<&Map<String, Value>>) -> Vec<String> {
    let list = match collection {
        Value::Array(a) => Some(a.clone()),
        Value::Object(m) => {
            m.get("Ref").and_then(Value::as_str).and_then(|p| params?.get(p)?.get("Default")).and_then(|d| match d {
                Value::String(s) => Some(s.split(',').map(|x| Value::String(x.trim().to_string())).collect()),
                Value::Array(a) => Some(a.clone()),
                _ => None,
            })
        }
        _ => None,
    };
    match list {
        Some(values) => values
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        // Known only at deploy time: check the loop body once.
        None => vec![ident.to_string()],
    }
}

/// The fragment with `ident` replaced by `item`: `{"Ref": ident}` becomes the
/// item, and `${ident}` / `&{ident}` in strings and keys become the item
/// (`&{}` without its non-alphanumeric characters).
fn substitute(v: &Value, ident: &str, item: &str) -> Value {
    match v {
        Value::String(s) => Value::String(substitute_str(s, ident, item)),
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, ident, item)).collect()),
        Value::Object(m) => {
            if m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some(ident) {
                return Value::String(item.to_string());
            }
            Value::Object(m.iter().map(|(k, x)| (substitute_str(k, ident, item), substitute(x, ident, item))).collect())
        }
        other => other.clone(),
    }
}

fn substitute_str(s: &str, ident: &str, item: &str) -> String {
    if !s.contains('{') {
        return s.to_string();
    }
    let alnum: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    s.replace(&format!("${{{ident}}}"), item).replace(&format!("&{{{ident}}}"), &alnum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loops_expand_per_item_with_their_origins() {
        let t = json!({
            "Parameters": {"Names": {"Type": "CommaDelimitedList", "Default": "a, b-c"}},
            "Resources": {
                "Plain": {"Type": "AWS::SNS::Topic"},
                "Fn::ForEach::Queues": ["N", {"Ref": "Names"}, {
                    "Queue&{N}": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "q-${N}"}, "Tag": {"Ref": "N"}}}
                }],
                "Fn::ForEach::Outer": ["X", ["1", "2"], {
                    "Fn::ForEach::Inner": ["Y", ["p", "q"], {"T${X}${Y}": {"Type": "AWS::SNS::Topic"}}]
                }]
            }
        });
        let e = expand(&t).expect("has loops");
        let r = e.template["Resources"].as_object().unwrap();
        let ids: Vec<&str> = r.keys().map(String::as_str).collect();
        assert_eq!(ids, ["Plain", "Queuea", "Queuebc", "T1p", "T1q", "T2p", "T2q"]);
        assert_eq!(r["Queuebc"]["Properties"]["QueueName"], json!({"Fn::Sub": "q-b-c"}));
        assert_eq!(r["Queuea"]["Properties"]["Tag"], json!("a"));
        let origin = |p: &str| e.origins.iter().find(|(x, _)| x == p).map(|(_, o)| o.clone());
        assert_eq!(origin("/Resources/Queuea").as_deref(), Some("/Resources/Fn::ForEach::Queues/2/Queue&{N}"));
        assert_eq!(
            origin("/Resources/T2q").as_deref(),
            Some("/Resources/Fn::ForEach::Outer/2/Fn::ForEach::Inner/2/T${X}${Y}")
        );
    }

    #[test]
    fn no_loop_no_copy_and_unknown_collections_expand_once() {
        assert!(expand(&json!({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}})).is_none());
        let t = json!({"Resources": {"Fn::ForEach::L": ["N", {"Ref": "NoDefault"}, {"T${N}": {"Type": "AWS::SNS::Topic"}}]}});
        let e = expand(&t).unwrap();
        assert_eq!(e.template["Resources"].as_object().unwrap().keys().collect::<Vec<_>>(), ["TN"]);
    }
}
