//! Template values as Rust expressions: literals typed by the L1 field
//! they go into, intrinsics through `fns` and typed handles (a `Ref` to a
//! resource is `bucket.reference()`, never the string `"Bucket"`).
//!
//! Where a literal does not fit its field's type (an object with a key the
//! schema lacks, a list of objects holding an `Fn::If`), the value is
//! written as a `Token` (`Value::Expr(..)`) so it still synthesizes to
//! exactly what the template said.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::api::{Api, Struct, Ty};
use super::Problem;

const PSEUDO: [(&str, &str); 8] = [
    ("AWS::AccountId", "AccountId"),
    ("AWS::Region", "Region"),
    ("AWS::Partition", "Partition"),
    ("AWS::StackName", "StackName"),
    ("AWS::StackId", "StackId"),
    ("AWS::URLSuffix", "UrlSuffix"),
    ("AWS::NoValue", "NoValue"),
    ("AWS::NotificationARNs", "NotificationArns"),
];

/// What a rendered intrinsic evaluates to in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `Expr<String>`
    Str,
    /// `Expr<Vec<String>>`
    List,
    /// `Token`
    Tok,
}

/// Names the program gives the template's logical ids.
#[derive(Default)]
pub(crate) struct Names {
    pub(crate) params: HashMap<String, String>,
    pub(crate) resources: HashMap<String, String>,
    pub(crate) conditions: HashMap<String, String>,
    pub(crate) mappings: HashMap<String, String>,
    /// The resource type of each logical id.
    pub(crate) types: HashMap<String, String>,
}

pub(crate) struct Render<'a> {
    pub(crate) api: &'a Api,
    pub(crate) names: &'a Names,
    pub(crate) problems: Vec<Problem>,
    /// The `*Attrs` traits the typed attribute accessors used need in scope (`sqs::QueueAttrs`).
    pub(crate) traits: BTreeSet<String>,
}

/// A Rust string literal (raw when that reads better).
pub(crate) fn lit(s: &str) -> String {
    if s.contains('\n') && !s.contains('\r') && !s.contains("\"#") && !s.contains('\u{0}') {
        format!("r#\"{s}\"#")
    } else {
        format!("{s:?}")
    }
}

fn float_lit(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// Functions of `Rules` assertions: written through as plain objects.
const RULE_FUNCTIONS: [&str; 6] =
    ["Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll"];

fn is_intrinsic_key(k: &str) -> bool {
    (k == "Ref" || k == "Condition" || k.starts_with("Fn::")) && !RULE_FUNCTIONS.contains(&k)
}

impl Render<'_> {
    fn problem(&mut self, at: &str, msg: impl Into<String>) -> String {
        self.problems.push(Problem { pointer: at.to_string(), message: msg.into() });
        "Token::Null".into()
    }

    /// Any value as an expression of type `Token`.
    pub(crate) fn token(&mut self, v: &Json, at: &str) -> String {
        match v {
            Json::Null => "Token::Null".into(),
            Json::Bool(b) => format!("Token::Bool({b})"),
            Json::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => format!("Token::Int({i})"),
                (None, Some(f)) => format!("Token::Float({})", float_lit(f)),
                _ => format!("Token::Str({}.into())", lit(&n.to_string())),
            },
            Json::String(s) => format!("Token::from({})", lit(s)),
            Json::Array(items) => {
                let parts: Vec<String> =
                    items.iter().enumerate().map(|(i, x)| self.token(x, &format!("{at}/{i}"))).collect();
                format!("Token::List(vec![{}])", parts.join(", "))
            }
            Json::Object(m) => {
                if let Some((code, kind)) = self.intrinsic(m, at) {
                    return to_token(&code, kind);
                }
                let parts: Vec<String> = m
                    .iter()
                    .map(|(k, x)| format!("({}, {})", lit(k), self.token(x, &format!("{at}/{}", seg(k)))))
                    .collect();
                if parts.is_empty() {
                    "Token::map()".into()
                } else {
                    format!("Token::object([{}])", parts.join(", "))
                }
            }
        }
    }

    /// The intrinsic an object spells, when it is one.
    pub(crate) fn intrinsic(&mut self, m: &Map<String, Json>, at: &str) -> Option<(String, Kind)> {
        if m.len() != 1 {
            return None;
        }
        let (k, arg) = m.iter().next()?;
        if !is_intrinsic_key(k) {
            return None;
        }
        let at = format!("{at}/{}", seg(k));
        let at = at.as_str();
        let args = arg.as_array().map(Vec::as_slice).unwrap_or_default();
        let out = match (k.as_str(), arg) {
            ("Ref", Json::String(name)) => return Some(self.reference(name, at)),
            ("Condition", Json::String(name)) => {
                let Some(c) = self.names.conditions.get(name) else {
                    return Some((self.problem(at, format!("Condition {name:?} names no condition")), Kind::Tok));
                };
                (format!("Token::from(Intrinsic::Condition({c}))"), Kind::Tok)
            }
            ("Fn::GetAtt", _) => {
                let (res, attr) = match (arg, args) {
                    (Json::String(t), _) => match t.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => return Some((self.problem(at, "Fn::GetAtt: expected LogicalId.Attribute"), Kind::Tok)),
                    },
                    (_, [Json::String(a), Json::String(b)]) => (a.clone(), b.clone()),
                    _ => {
                        let msg = "Fn::GetAtt with a computed attribute name cannot be expressed with a typed handle";
                        return Some((self.problem(at, msg), Kind::Tok));
                    }
                };
                match self.get_att(&res, &attr) {
                    Some(x) => x,
                    None => {
                        return Some((
                            self.problem(at, format!("Fn::GetAtt names {res:?}, which is no resource")),
                            Kind::Tok,
                        ))
                    }
                }
            }
            ("Fn::Sub", _) => return Some((self.sub(arg, at), Kind::Str)),
            ("Fn::Join", _) => match args {
                [Json::String(d), Json::Array(parts)] => {
                    let parts: Vec<String> =
                        parts.iter().enumerate().map(|(i, p)| self.token(p, &format!("{at}/1/{i}"))).collect();
                    (format!("fns::join({}, [{}])", lit(d), parts.join(", ")), Kind::Str)
                }
                [Json::String(d), list] => {
                    // A list expression (a list parameter, Fn::Split...): no typed builder takes one.
                    let list = self.token(list, &format!("{at}/1"));
                    (
                        format!("Token::object([(\"Fn::Join\", Token::List(vec![Token::from({}), {list}]))])", lit(d)),
                        Kind::Tok,
                    )
                }
                _ => return Some((self.problem(at, "Fn::Join: expected [delimiter, list]"), Kind::Tok)),
            },
            ("Fn::Select", _) => match args {
                [i, list] => {
                    let (i, list) = (self.token(i, &format!("{at}/0")), self.token(list, &format!("{at}/1")));
                    (format!("Expr::<String>::from_intrinsic(Intrinsic::Select({i}, {list}))"), Kind::Str)
                }
                _ => return Some((self.problem(at, "Fn::Select: expected [index, list]"), Kind::Tok)),
            },
            ("Fn::Split", _) => match args {
                [Json::String(d), src] => {
                    let src = self.token(src, &format!("{at}/1"));
                    (format!("fns::split({}, {src})", lit(d)), Kind::List)
                }
                _ => return Some((self.problem(at, "Fn::Split: expected [delimiter, string]"), Kind::Tok)),
            },
            ("Fn::If", _) => match args {
                [Json::String(c), a, b] => {
                    let Some(cv) = self.names.conditions.get(c).cloned() else {
                        return Some((
                            self.problem(at, format!("Fn::If names {c:?}, which is no condition")),
                            Kind::Tok,
                        ));
                    };
                    let (a, b) = (self.token(a, &format!("{at}/1")), self.token(b, &format!("{at}/2")));
                    (format!("fns::if_::<String>({cv}, {a}, {b})"), Kind::Str)
                }
                _ => return Some((self.problem(at, "Fn::If: expected [condition, then, else]"), Kind::Tok)),
            },
            ("Fn::ImportValue", x) => (format!("fns::import_value({})", self.token(x, at)), Kind::Str),
            ("Fn::Base64", x) => (format!("fns::base64({})", self.token(x, at)), Kind::Str),
            ("Fn::GetAZs", x) => (format!("fns::get_azs({})", self.token(x, at)), Kind::List),
            ("Fn::FindInMap", _) => match args {
                [Json::String(m), a, b] => {
                    let Some(mv) = self.names.mappings.get(m).cloned() else {
                        return Some((
                            self.problem(at, format!("Fn::FindInMap names {m:?}, which is no mapping")),
                            Kind::Tok,
                        ));
                    };
                    let (a, b) = (self.token(a, &format!("{at}/1")), self.token(b, &format!("{at}/2")));
                    (format!("fns::find_in_map({mv}, {a}, {b})"), Kind::Str)
                }
                [_, _, _, _] => {
                    let msg = "Fn::FindInMap with a DefaultValue needs the AWS::LanguageExtensions transform";
                    return Some((self.problem(at, msg), Kind::Tok));
                }
                _ => return Some((self.problem(at, "Fn::FindInMap: expected [mapping, key, key]"), Kind::Tok)),
            },
            ("Fn::Cidr", _) => match args {
                [a, b, c] => {
                    let (a, b, c) = (
                        self.token(a, &format!("{at}/0")),
                        self.token(b, &format!("{at}/1")),
                        self.token(c, &format!("{at}/2")),
                    );
                    (format!("Expr::<Vec<String>>::from_intrinsic(Intrinsic::Cidr({a}, {b}, {c}))"), Kind::List)
                }
                _ => return Some((self.problem(at, "Fn::Cidr: expected [block, count, bits]"), Kind::Tok)),
            },
            ("Fn::Equals", _) => match args {
                [a, b] => {
                    let (a, b) = (self.token(a, &format!("{at}/0")), self.token(b, &format!("{at}/1")));
                    (format!("Token::from(Intrinsic::Equals({a}, {b}))"), Kind::Tok)
                }
                _ => return Some((self.problem(at, "Fn::Equals: expected two values"), Kind::Tok)),
            },
            ("Fn::And" | "Fn::Or", Json::Array(items)) => {
                let parts: Vec<String> =
                    items.iter().enumerate().map(|(i, x)| self.token(x, &format!("{at}/{i}"))).collect();
                let v = if k == "Fn::And" { "And" } else { "Or" };
                (format!("Token::from(Intrinsic::{v}(vec![{}]))", parts.join(", ")), Kind::Tok)
            }
            ("Fn::Not", _) => match args {
                [x] => (format!("Token::from(Intrinsic::Not({}))", self.token(x, &format!("{at}/0"))), Kind::Tok),
                _ => return Some((self.problem(at, "Fn::Not: expected one condition"), Kind::Tok)),
            },
            (k, _) if k == "Fn::Transform" || k.starts_with("Fn::ForEach") => {
                let msg = format!("{k} is expanded by a macro at deploy time; a Rust program cannot express it");
                return Some((self.problem(at, msg), Kind::Tok));
            }
            (k, _) => {
                let msg = format!("{k}: an intrinsic function cfnkit does not model (or a malformed one)");
                return Some((self.problem(at, msg), Kind::Tok));
            }
        };
        Some(out)
    }

    /// `Fn::GetAtt` of resource `res`: its typed `attr_*` accessor when the
    /// L1 type has one, else `get_att` by name (custom resources, attributes
    /// the schema lacks); `None` when `res` is no resource.
    fn get_att(&mut self, res: &str, attr: &str) -> Option<(String, Kind)> {
        let var = self.names.resources.get(res)?;
        let typed = self.names.types.get(res).and_then(|t| self.api.resource(t)).and_then(|st| {
            let a = st.attr(attr)?;
            Some((format!("{}::{}Attrs", st.module, st.name), a.method.clone(), a.kind))
        });
        Some(match typed {
            Some((tr, method, kind)) => {
                self.traits.insert(tr);
                let code = format!("{var}.{method}()");
                match kind {
                    's' => (code, Kind::Str),
                    'l' => (code, Kind::List),
                    _ => (format!("Token::from({code})"), Kind::Tok),
                }
            }
            None => (format!("{var}.get_att({})", lit(attr)), Kind::Str),
        })
    }

    fn reference(&mut self, name: &str, at: &str) -> (String, Kind) {
        if let Some((_, p)) = PSEUDO.iter().find(|(n, _)| *n == name) {
            return (format!("Pseudo::{p}.expr()"), Kind::Str);
        }
        if let Some(v) = self.names.params.get(name) {
            return (format!("{v}.value()"), Kind::Str);
        }
        if let Some(v) = self.names.resources.get(name) {
            return (format!("{v}.reference()"), Kind::Str);
        }
        (self.problem(at, format!("Ref to {name:?}, which is no parameter, resource or pseudo parameter")), Kind::Tok)
    }

    /// `Fn::Sub`: every `${Name}` of a parameter or resource becomes a variable bound to its handle.
    fn sub(&mut self, arg: &Json, at: &str) -> String {
        let (text, vars) = match arg {
            Json::String(t) => (t.as_str(), None),
            Json::Array(a) => match a.as_slice() {
                [Json::String(t), Json::Object(vars)] => (t.as_str(), Some(vars)),
                [Json::String(t)] => (t.as_str(), None),
                _ => return self.problem(at, "Fn::Sub: expected a string or [string, variables]"),
            },
            _ => return self.problem(at, "Fn::Sub: expected a string or [string, variables]"),
        };
        let mut code = format!("fns::sub({})", lit(text));
        let mut bound: Vec<String> = Vec::new();
        if let Some(vars) = vars {
            for (k, v) in vars {
                let t = self.token(v, &format!("{at}/1/{}", seg(k)));
                let _ = write!(code, ".var({}, {t})", lit(k));
                bound.push(k.clone());
            }
        }
        for name in placeholders(text) {
            if bound.contains(&name) || PSEUDO.iter().any(|(p, _)| *p == name) {
                continue;
            }
            let expr = if let Some(v) = self.names.params.get(&name) {
                format!("{v}.value()")
            } else if let Some(v) = self.names.resources.get(&name) {
                format!("{v}.reference()")
            } else if let Some((res, attr)) = name.split_once('.') {
                let Some((code, kind)) = self.get_att(res, attr) else {
                    self.problem(at, format!("Fn::Sub: ${{{name}}} names no resource"));
                    continue;
                };
                if kind == Kind::Str {
                    code
                } else {
                    to_token(&code, kind)
                }
            } else {
                self.problem(at, format!("Fn::Sub: ${{{name}}} names no parameter, resource or variable"));
                continue;
            };
            let _ = write!(code, ".var({}, {expr})", lit(&name));
            bound.push(name);
        }
        code.push_str(".expr()");
        code
    }

    /// A value for a field of type `ty`: an expression its setter accepts.
    pub(crate) fn typed(&mut self, v: &Json, ty: &Ty, module: &str, at: &str) -> String {
        if let Json::Object(m) = v {
            if let Some((code, kind)) = self.intrinsic(m, at) {
                return match (ty, kind) {
                    (Ty::Str, Kind::Str) => code,
                    (Ty::Token, _) => to_token(&code, kind),
                    _ => format!("Value::Expr({})", to_token(&code, kind)),
                };
            }
        }
        match (ty, v) {
            (Ty::Str, Json::String(s)) => lit(s),
            (Ty::Str, Json::Number(n)) => lit(&n.to_string()),
            (Ty::Str, Json::Bool(b)) => lit(&b.to_string()),
            (Ty::Int, Json::Number(n)) if n.as_i64().is_some() => format!("{n}i64"),
            (Ty::Int, Json::String(s)) if s.parse::<i64>().is_ok_and(|i| i.to_string() == *s) => format!("{s}i64"),
            (Ty::Num, Json::Number(n)) if n.as_f64().is_some() => {
                format!("{}f64", float_lit(n.as_f64().unwrap_or(0.0)))
            }
            (Ty::Num, Json::String(s))
                if s.parse::<f64>().is_ok_and(f64::is_finite)
                    && s.parse::<f64>().is_ok_and(|f| f.to_string() == *s) =>
            {
                format!("{}f64", float_lit(s.parse::<f64>().unwrap_or(0.0)))
            }
            (Ty::Bool, Json::Bool(b)) => b.to_string(),
            (Ty::Bool, Json::String(s)) if s == "true" || s == "false" => s.clone(),
            (Ty::Token, _) => self.token(v, at),
            (Ty::Struct(name), Json::Object(m)) => match self.api.property_type(module, name) {
                Some(st) => match self.structure(st, m, at) {
                    Some(code) => code,
                    None => format!("Value::Expr({})", self.token(v, at)),
                },
                None => format!("Value::Expr({})", self.token(v, at)),
            },
            (Ty::List(item), Json::Array(items)) if !items.is_empty() => self.list(item, items, module, at, v),
            (Ty::Map(item), Json::Object(m)) if !m.is_empty() => self.map(item, m, module, at, v),
            _ => format!("Value::Expr({})", self.token(v, at)),
        }
    }

    fn list(&mut self, item: &Ty, items: &[Json], module: &str, at: &str, whole: &Json) -> String {
        if *item == Ty::Str && items.iter().all(Json::is_string) {
            let parts: Vec<String> = items.iter().filter_map(Json::as_str).map(lit).collect();
            return format!("[{}]", parts.join(", "));
        }
        let mut parts = Vec::new();
        for (i, x) in items.iter().enumerate() {
            match self.element(x, item, module, &format!("{at}/{i}")) {
                Some(code) => parts.push(code),
                // An item its type cannot hold (an Fn::If among structs): the whole list is a token.
                None => return format!("Value::Expr({})", self.token(whole, at)),
            }
        }
        format!("vec![{}]", parts.join(", "))
    }

    fn map(&mut self, item: &Ty, m: &Map<String, Json>, module: &str, at: &str, whole: &Json) -> String {
        let mut parts = Vec::new();
        for (k, x) in m {
            match self.element(x, item, module, &format!("{at}/{}", seg(k))) {
                Some(code) => parts.push(format!("({}, {code})", lit(k))),
                None => return format!("Value::Expr({})", self.token(whole, at)),
            }
        }
        format!("[{}]", parts.join(", "))
    }

    /// One list item or map value: a `Value<T>` for primitives, a `Token`,
    /// or a struct; `None` when the item cannot be one.
    fn element(&mut self, x: &Json, item: &Ty, module: &str, at: &str) -> Option<String> {
        let prim = match item {
            Ty::Token => return Some(self.token(x, at)),
            Ty::Struct(name) => {
                let st = self.api.property_type(module, name)?;
                return match x {
                    Json::Object(m) if !(m.len() == 1 && m.keys().all(|k| is_intrinsic_key(k))) => {
                        self.structure(st, m, at)
                    }
                    _ => None,
                };
            }
            Ty::List(_) | Ty::Map(_) => return None,
            Ty::Str => "String",
            Ty::Int => "i64",
            Ty::Num => "f64",
            Ty::Bool => "bool",
        };
        Some(format!("Value::<{prim}>::from({})", self.typed(x, item, module, at)))
    }

    /// A struct literal, or `None` when the object does not fit the struct
    /// (a key the schema lacks, a required property missing).
    pub(crate) fn structure(&mut self, st: &Struct, m: &Map<String, Json>, at: &str) -> Option<String> {
        if m.keys().any(|k| st.field(k).is_none()) || st.required.iter().any(|r| !m.contains_key(r)) {
            return None;
        }
        let module = st.module.clone();
        let mut args = Vec::new();
        for r in &st.required {
            let f = st.field(r)?;
            args.push(self.typed(&m[r], &f.ty.clone(), &module, &format!("{at}/{}", seg(r))));
        }
        let mut code = format!("{}::{}::new({})", module, st.name, args.join(", "));
        for (k, x) in m {
            if st.required.contains(k) {
                continue;
            }
            let f = st.field(k)?.clone();
            let v = self.typed(x, &f.ty, &module, &format!("{at}/{}", seg(k)));
            let _ = write!(code, "\n.{}({v})", f.rust);
        }
        Some(code)
    }
}

/// An expression of `kind` as a `Token`.
pub(crate) fn to_token(code: &str, kind: Kind) -> String {
    match kind {
        Kind::Tok => code.to_string(),
        Kind::Str | Kind::List => format!("Token::from({code})"),
    }
}

/// One JSON pointer segment.
pub(crate) fn seg(k: &str) -> String {
    cfnkit_core::source::pointer_segment(k)
}

/// The `${Name}` placeholders of an `Fn::Sub` string (not `${!Literal}`), in order, once each.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        rest = &after[end + 1..];
        if !name.starts_with('!') && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}
