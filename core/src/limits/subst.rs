//! What a `Fn::Sub` string will be once CloudFormation substitutes it:
//! its literal text, and the shortest and longest values of the string
//! parameters it names (their `MinLength` and `MaxLength`), so a suffixed
//! name is measured at both ends of the suffix parameter's allowed length.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::template::ParamType;
use crate::tree::Stack;

/// A string parameter's known bounds.
#[derive(Clone, Debug)]
struct Bounds {
    min: usize,
    max: Option<usize>,
    /// A value to test patterns with (the default).
    sample: Option<String>,
}

/// The parameters of one stack, by name.
#[derive(Debug, Default)]
pub struct Env {
    params: HashMap<String, Bounds>,
}

impl Env {
    /// The string parameters of `stack`.
    pub(crate) fn of(stack: &Stack) -> Self {
        let params = stack
            .parameters
            .iter()
            .filter(|p| p.param_type == ParamType::String)
            .map(|p| {
                let b = Bounds {
                    min: p.min_length.map_or(0, |m| m as usize),
                    max: p.max_length.map(|m| m as usize),
                    sample: p.default.clone(),
                };
                (p.name.clone(), b)
            })
            .collect();
        Env { params }
    }
}

/// A `Fn::Sub` string, evaluated as far as synthesis can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluated {
    /// The length with every parameter at its shortest (unknown parts count 0).
    pub min_len: usize,
    /// The length with every parameter at its longest; `None` when a part is unbounded.
    pub max_len: Option<usize>,
    /// The string with every parameter at its default; `None` when a part has none.
    pub sample: Option<String>,
    /// The names of the parameters it uses.
    pub params: Vec<String>,
}

/// Evaluates `{"Fn::Sub": ..}` JSON; `None` for anything else.
pub(crate) fn evaluate(v: &Json, env: &Env) -> Option<Evaluated> {
    let obj = v.as_object().filter(|o| o.len() == 1)?;
    let sub = obj.get("Fn::Sub")?;
    let (text, vars) = match sub {
        Json::String(s) => (s.as_str(), None),
        Json::Array(a) if a.len() == 2 => (a[0].as_str()?, a[1].as_object()),
        _ => return None,
    };
    let mut e = Evaluated { min_len: 0, max_len: Some(0), sample: Some(String::new()), params: Vec::new() };
    let add_text = |e: &mut Evaluated, s: &str| {
        let n = s.chars().count();
        e.min_len = e.min_len.saturating_add(n);
        e.max_len = e.max_len.map(|m| m.saturating_add(n));
        if let Some(x) = e.sample.as_mut() {
            x.push_str(s);
        }
    };
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        add_text(&mut e, &rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            add_text(&mut e, &rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        rest = &after[end + 1..];
        if let Some(lit) = name.strip_prefix('!') {
            add_text(&mut e, &format!("${{{lit}}}"));
            continue;
        }
        let bound = vars.and_then(|m| m.get(name)).map_or_else(
            || env.params.get(name).cloned(),
            |v| match v.as_object().and_then(|o| o.get("Ref")).and_then(Json::as_str) {
                Some(p) => env.params.get(p).cloned(),
                None => v.as_str().map(|s| Bounds {
                    min: s.chars().count(),
                    max: Some(s.chars().count()),
                    sample: Some(s.to_string()),
                }),
            },
        );
        if let Some(b) = bound {
            e.params.push(name.to_string());
            e.min_len = e.min_len.saturating_add(b.min);
            e.max_len = e.max_len.zip(b.max).map(|(a, b)| a.saturating_add(b));
            match (&mut e.sample, b.sample) {
                (Some(x), Some(s)) => x.push_str(&s),
                _ => e.sample = None,
            }
        } else {
            e.max_len = None;
            e.sample = None;
        }
    }
    add_text(&mut e, rest);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env() -> Env {
        let mut params = HashMap::new();
        params.insert("EnvironmentSuffix".into(), Bounds { min: 1, max: Some(20), sample: Some("dev".into()) });
        Env { params }
    }

    #[test]
    fn a_suffixed_name_is_measured_at_both_ends() {
        let e = evaluate(&json!({"Fn::Sub": "orders-${EnvironmentSuffix}"}), &env()).unwrap();
        assert_eq!((e.min_len, e.max_len, e.sample.as_deref()), (8, Some(27), Some("orders-dev")));
    }

    #[test]
    fn unknown_parts_leave_only_a_lower_bound() {
        let e = evaluate(&json!({"Fn::Sub": "a-${AWS::Region}-${!x}"}), &env()).unwrap();
        assert_eq!((e.min_len, e.max_len, e.sample), (7, None, None));
        assert!(evaluate(&json!({"Ref": "X"}), &env()).is_none());
    }
}
