//! Read-only helpers over a template value: resources in order, property
//! lookup, truthiness of literal values and the logical ids a value refers to.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::config::Config;

/// What a rule sees: the template and the config.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The whole template.
    pub template: &'a Value,
    /// The lint configuration.
    pub config: &'a Config,
    resources: Vec<Res<'a>>,
}

/// One resource of the template.
#[derive(Clone, Copy, Debug)]
pub struct Res<'a> {
    /// Its logical id.
    pub id: &'a str,
    /// Its `Type` (empty when missing).
    pub kind: &'a str,
    /// The whole resource object.
    pub raw: &'a Map<String, Value>,
    /// Its `Properties` (empty when missing).
    pub props: &'a Map<String, Value>,
}

static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();

impl<'a> Ctx<'a> {
    /// Indexes `template`'s resources.
    pub fn new(template: &'a Value, config: &'a Config) -> Self {
        let empty = EMPTY.get_or_init(Map::new);
        let resources = template
            .get("Resources")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(id, r)| {
                        let raw = r.as_object()?;
                        Some(Res {
                            id,
                            kind: raw.get("Type").and_then(Value::as_str).unwrap_or(""),
                            raw,
                            props: raw.get("Properties").and_then(Value::as_object).unwrap_or(empty),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ctx { template, config, resources }
    }

    /// Every resource, in template order.
    pub fn resources(&self) -> impl Iterator<Item = &Res<'a>> {
        self.resources.iter()
    }

    /// The resources of one type.
    pub fn of_type<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Res<'a>> + 's {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    /// The resource with logical id `id`.
    pub fn resource(&self, id: &str) -> Option<&Res<'a>> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// Logical id -> position in the template (for sorting findings).
    pub fn resource_order(&self) -> HashMap<&'a str, usize> {
        self.resources.iter().enumerate().map(|(i, r)| (r.id, i)).collect()
    }

    /// A top-level section (`Parameters`, `Outputs`) as an object.
    pub fn section(&self, name: &str) -> Option<&'a Map<String, Value>> {
        self.template.get(name).and_then(Value::as_object)
    }
}

impl<'a> Res<'a> {
    /// The property at a `/`-separated path below `Properties` (`BucketEncryption/ServerSideEncryptionConfiguration`).
    pub fn prop(&self, path: &str) -> Option<&'a Value> {
        let mut parts = path.split('/');
        let mut v = self.props.get(parts.next()?)?;
        for p in parts {
            v = match v {
                Value::Object(m) => m.get(p)?,
                Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// JSON pointer of a property path of this resource.
    pub fn ptr(&self, path: &str) -> String {
        let mut s = format!("/Resources/{}", escape(self.id));
        if !path.is_empty() {
            s.push_str("/Properties/");
            s.push_str(path);
        }
        s
    }

    /// JSON pointer of a resource attribute (`DeletionPolicy`).
    pub fn attr_ptr(&self, attr: &str) -> String {
        format!("/Resources/{}/{attr}", escape(self.id))
    }

    /// The `DeletionPolicy` when it is a literal.
    pub fn deletion_policy(&self) -> Option<&'a str> {
        self.raw.get("DeletionPolicy").and_then(Value::as_str)
    }
}

/// Escapes a JSON pointer segment.
pub fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

/// What a value says about a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    /// A literal true (`true` or `"true"`).
    True,
    /// A literal false, or absent.
    False,
    /// An intrinsic function or parameter: decided at deploy time.
    Unknown,
}

/// Reads a flag: absent (or `Ref: AWS::NoValue`) counts as false; an
/// `Fn::If` whose branches agree is that value, else unknown.
pub fn truth(v: Option<&Value>) -> Truth {
    match v {
        Some(Value::Bool(b)) => bool_truth(*b),
        Some(Value::String(s)) => bool_truth(s.eq_ignore_ascii_case("true")),
        Some(Value::Object(m)) if m.len() == 1 => {
            if m.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue") {
                return Truth::False;
            }
            match m.get("Fn::If").and_then(Value::as_array).map(Vec::as_slice) {
                Some([_, a, b]) => {
                    let (a, b) = (truth(Some(a)), truth(Some(b)));
                    if a == b {
                        a
                    } else {
                        Truth::Unknown
                    }
                }
                _ => Truth::Unknown,
            }
        }
        Some(Value::Object(_)) => Truth::Unknown,
        _ => Truth::False,
    }
}

/// True when some branch of the value is a literal true (`true`, or an
/// `Fn::If` with a true branch): a flag that may be on, depending on a
/// condition.
pub fn may_be_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(m)) if m.len() == 1 => match m.get("Fn::If").and_then(Value::as_array).map(Vec::as_slice) {
            Some([_, a, b]) => may_be_true(Some(a)) || may_be_true(Some(b)),
            _ => false,
        },
        other => truth(other) == Truth::True,
    }
}

fn bool_truth(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

/// True when the value is an intrinsic function object (`{"Ref": ..}`, `{"Fn::X": ..}`).
pub fn is_intrinsic(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.keys().next().is_some_and(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// Every logical id or parameter a value refers to through `Ref`, `Fn::GetAtt` or `Fn::Sub`.
pub fn references(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_refs(v, &mut out);
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("Ref") {
                out.push(r.clone());
            }
            match m.get("Fn::GetAtt") {
                Some(Value::Array(a)) => {
                    if let Some(Value::String(r)) = a.first() {
                        out.push(r.clone());
                    }
                }
                Some(Value::String(s)) => out.push(s.split('.').next().unwrap_or_default().to_string()),
                _ => {}
            }
            let sub = match m.get("Fn::Sub") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                _ => None,
            };
            if let Some(s) = sub {
                sub_variables(s, out);
            }
            for x in m.values() {
                collect_refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// The `${Name}` / `${Name.Attr}` variables of an `Fn::Sub` string (not `${!Literal}`).
fn sub_variables(s: &str, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find('}') else { break };
        let var = &rest[..end];
        if !var.starts_with('!') {
            out.push(var.split('.').next().unwrap_or_default().to_string());
        }
        rest = &rest[end + 1..];
    }
}

/// Calls `f` on every string literal inside `v` (not object keys), with its JSON pointer.
pub fn each_string<'v>(v: &'v Value, ptr: &str, f: &mut dyn FnMut(&'v str, &str)) {
    match v {
        Value::String(s) => f(s, ptr),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                each_string(x, &format!("{ptr}/{i}"), f);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                each_string(x, &format!("{ptr}/{}", escape(k)), f);
            }
        }
        _ => {}
    }
}

/// The items of a value that may be one item or a list of them.
pub fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}
