//! The schema rules applied to a resource's properties as written.
//!
//! Always: unknown top-level property names (unless the schema has
//! `patternProperties`), missing required properties,
//! and `Fn::Sub` strings measured against length and pattern rules (typed
//! checks skip expressions). For values that overrides set, and for every
//! value of a generic `CfnResource`: type, allowed values, length, pattern,
//! range and item count (typed checks already cover the other values).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::Regex;
use serde_json::{Map, Value as Json};

use super::schema::{nearest, Rule, TypeRules};
use super::subst::{evaluate, Env};
use crate::diag::{DiagKind, Diagnostic};

/// Checks `props` of one resource.
pub(crate) fn check(
    path: &str,
    rules: &TypeRules,
    props: &Map<String, Json>,
    overrides: &[(String, bool)],
    generic: bool,
    env: &Env,
    out: &mut Vec<Diagnostic>,
) {
    let by_override = |prop: &str| {
        overrides
            .iter()
            .rev()
            .find(|(o, _)| prop == o || prop.starts_with(&format!("{o}.")) || o.starts_with(&format!("{prop}.")))
    };
    for k in props.keys() {
        if !rules.open && !rules.names.iter().any(|n| n == k) {
            let mut d = Diagnostic::error_of(DiagKind::Unknown, path, problem(by_override(k), "unknown property"))
                .property(k.clone());
            d = d.allowed(match nearest(k, rules.names.iter().map(String::as_str)) {
                Some(n) => format!("a property of the resource type (did you mean {n}?)"),
                None => format!("a property of the resource type: {}", rules.names.join(", ")),
            });
            out.push(d);
        }
    }
    for r in &rules.required {
        if !props.contains_key(r) {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, problem(by_override(r), "required property missing"))
                    .property(r.clone())
                    .allowed(format!("the resource type requires {}", rules.required.join(", "))),
            );
        }
    }
    let mut w = Walk { path, rules, env, out, generic, by_override: &by_override };
    for (k, v) in props {
        w.value(k, k, v, 0);
    }
}

fn problem(by: Option<&(String, bool)>, what: &str) -> String {
    match by {
        Some((o, true)) => format!("{what} after delete_property({o:?})"),
        Some((o, false)) => format!("{what}, set by override_property({o:?})"),
        None => what.to_string(),
    }
}

struct Walk<'a, F: Fn(&str) -> Option<&'a (String, bool)>> {
    path: &'a str,
    rules: &'a TypeRules,
    env: &'a Env,
    out: &'a mut Vec<Diagnostic>,
    generic: bool,
    by_override: &'a F,
}

/// `{"Ref": ..}`, `{"Fn::...": ..}` or `{"Condition": ..}`.
fn is_intrinsic(v: &Json) -> bool {
    v.as_object()
        .is_some_and(|o| o.len() == 1 && o.keys().all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")))
}

impl<'a, F: Fn(&str) -> Option<&'a (String, bool)>> Walk<'a, F> {
    fn value(&mut self, concrete: &str, pattern: &str, v: &Json, depth: usize) {
        if depth > super::tokens::MAX_DEPTH {
            return;
        }
        // An override at or above this value wrote it; one below it may have
        // created it (an override of `Tags.0.Key` on a resource without
        // `Tags` writes an object): either way it is checked as written.
        let overridden = (self.by_override)(concrete);
        let checked = self.generic || overridden.is_some();
        if let Some(rule) = self.rules.rules.get(pattern) {
            if is_intrinsic(v) {
                self.sub(concrete, rule, v, overridden);
            } else if checked {
                self.literal(concrete, rule, v, overridden);
            }
        }
        match v {
            Json::Array(items) if !is_intrinsic(v) => {
                let p = format!("{pattern}.*");
                for (i, x) in items.iter().enumerate() {
                    self.value(&format!("{concrete}.{i}"), &p, x, depth + 1);
                }
            }
            Json::Object(m) if !is_intrinsic(v) => {
                for (k, x) in m {
                    self.value(&format!("{concrete}.{k}"), &format!("{pattern}.{k}"), x, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, concrete: &str, by: Option<&(String, bool)>, what: &str, got: String, allowed: String) {
        let kind = match what {
            "wrong type" => DiagKind::WrongType,
            "not an allowed value" => DiagKind::NotAllowedValue,
            "out of range" => DiagKind::OutOfRange,
            "number of items out of range" => DiagKind::ItemCount,
            w if w.starts_with("does not match the pattern") => DiagKind::Pattern,
            _ => DiagKind::Length,
        };
        self.out.push(
            Diagnostic::error_of(kind, self.path, problem(by, what)).property(concrete).value(got).allowed(allowed),
        );
    }

    fn literal(&mut self, concrete: &str, rule: &Rule, v: &Json, by: Option<&(String, bool)>) {
        let number = match v {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        };
        let kind_ok = match rule.kind.as_deref() {
            Some("integer") => number.is_some_and(|f| f.fract() == 0.0),
            Some("number") => number.is_some(),
            Some("boolean") => matches!(v, Json::Bool(_)) || matches!(v.as_str(), Some("true" | "false")),
            Some("string") => !matches!(v, Json::Array(_) | Json::Object(_) | Json::Null),
            Some("array") => v.is_array(),
            Some("object") => v.is_object(),
            _ => true,
        };
        if !kind_ok {
            let kind = rule.kind.clone().unwrap_or_default();
            self.push(concrete, by, "wrong type", short(v), format!("a value of type {kind}"));
            return;
        }
        if !rule.one_of.is_empty() && !rule.one_of.iter().any(|a| same(a, v)) {
            let allowed: Vec<String> = rule.one_of.iter().map(short).collect();
            self.push(concrete, by, "not an allowed value", short(v), allowed.join(", "));
        }
        if let Some(s) = v.as_str() {
            let n = s.chars().count() as u64;
            if rule.min_len.is_some_and(|m| n < m) || rule.max_len.is_some_and(|m| n > m) {
                self.push(concrete, by, "length out of range", format!("{n} characters"), len_bounds(rule));
            } else if let Some(p) = &rule.pattern {
                if cached(p).is_some_and(|re| !re.is_match(s)) {
                    self.push(concrete, by, "does not match the pattern", short(v), format!("/{p}/"));
                }
            }
        }
        if let Some(x) = number.filter(|_| matches!(rule.kind.as_deref(), Some("integer" | "number"))) {
            if rule.min.is_some_and(|m| x < m) || rule.max.is_some_and(|m| x > m) {
                let b = |o: Option<f64>| o.map_or("any".to_string(), |f| f.to_string());
                self.push(concrete, by, "out of range", short(v), format!("{} to {}", b(rule.min), b(rule.max)));
            }
        }
        if let Some(items) = v.as_array() {
            let n = items.len() as u64;
            if rule.min_items.is_some_and(|m| n < m) || rule.max_items.is_some_and(|m| n > m) {
                let b = |o: Option<u64>| o.map_or("any".to_string(), |f| f.to_string());
                let allowed = format!("{} to {} items", b(rule.min_items), b(rule.max_items));
                self.push(concrete, by, "number of items out of range", format!("{n} items"), allowed);
            }
        }
    }

    /// A `Fn::Sub` string, measured with its parameters at both ends.
    fn sub(&mut self, concrete: &str, rule: &Rule, v: &Json, by: Option<&(String, bool)>) {
        let Some(e) = evaluate(v, self.env) else { return };
        let params = if e.params.is_empty() { String::new() } else { format!(" with {}", e.params.join(", ")) };
        if let Some(max) = rule.max_len {
            if e.min_len as u64 > max {
                self.push(
                    concrete,
                    by,
                    "name too long even with the shortest parameter values",
                    format!("at least {} characters{params} at its MinLength", e.min_len),
                    format!("at most {max} characters: shorten the literal part"),
                );
                return;
            }
            if let Some(longest) = e.max_len.filter(|l| *l as u64 > max) {
                self.push(
                    concrete,
                    by,
                    "name too long with the longest parameter values",
                    format!("{longest} characters{params} at its MaxLength"),
                    format!("at most {max} characters: shorten the literal part or lower the parameter's MaxLength"),
                );
                return;
            }
        }
        if let (Some(min), Some(longest)) = (rule.min_len, e.max_len) {
            if (longest as u64) < min {
                self.push(concrete, by, "name too short", format!("at most {longest} characters"), len_bounds(rule));
                return;
            }
        }
        if let (Some(p), Some(sample)) = (&rule.pattern, &e.sample) {
            if cached(p).is_some_and(|re| !re.is_match(sample)) {
                self.push(
                    concrete,
                    by,
                    "does not match the pattern with the parameters' default values",
                    format!("{sample:?}"),
                    format!("/{p}/"),
                );
            }
        }
    }
}

fn len_bounds(rule: &Rule) -> String {
    match (rule.min_len, rule.max_len) {
        (Some(a), Some(b)) => format!("{a} to {b} characters"),
        (Some(a), None) => format!("at least {a} characters"),
        (None, Some(b)) => format!("at most {b} characters"),
        (None, None) => "any length".into(),
    }
}

/// Allowed value `a` equals `v`, numbers compared by value and as strings.
fn same(a: &Json, v: &Json) -> bool {
    match (a, v) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Number(x), Json::String(y)) | (Json::String(y), Json::Number(x)) => y.parse::<f64>().ok() == x.as_f64(),
        _ => a == v,
    }
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn cached(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache.lock().unwrap_or_else(PoisonError::into_inner);
    guard.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok()).clone()
}
