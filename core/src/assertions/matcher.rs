//! Matchers: patterns a template value must fit, with the place and reason
//! of every mismatch.

use regex::Regex;
use serde_json::Value;

/// A pattern for a JSON value. Plain JSON converts into a matcher: objects
/// match deeply and partially (`object_like`), arrays exactly by length with
/// each element matched, scalars by equality.
#[derive(Clone, Debug)]
pub enum Match {
    /// Equal JSON, exactly (no partial objects below).
    Exact(Value),
    /// An object with at least these keys, each value matching (deep).
    ObjectLike(Vec<(String, Match)>),
    /// An object with exactly these keys, each value matching.
    ObjectEquals(Vec<(String, Match)>),
    /// An array with exactly these elements, in order.
    ArrayEquals(Vec<Match>),
    /// An array containing these elements as a subsequence, in order.
    ArrayWith(Vec<Match>),
    /// The key is absent (inside an object pattern).
    Absent,
    /// Any value but absent.
    AnyValue,
    /// A string matching the regular expression.
    StringLikeRegexp(String),
    /// A string holding JSON that matches the inner pattern.
    SerializedJson(Box<Match>),
    /// Anything the inner pattern does not match.
    Not(Box<Match>),
}

impl Match {
    /// Deep partial object match.
    pub fn object_like(v: Value) -> Match {
        match v {
            Value::Object(m) => Match::ObjectLike(m.into_iter().map(|(k, v)| (k, Match::from_partial(v))).collect()),
            other => Match::from_partial(other),
        }
    }
    /// A partial object built from `(key, matcher)` pairs, for patterns that
    /// mix plain JSON and matchers.
    pub fn obj<K: Into<String>, M: Into<Match>>(pairs: impl IntoIterator<Item = (K, M)>) -> Match {
        Match::ObjectLike(pairs.into_iter().map(|(k, m)| (k.into(), m.into())).collect())
    }
    /// Exact JSON equality.
    pub fn exact(v: Value) -> Match {
        Match::Exact(v)
    }
    /// An object with exactly these keys (values matched partially below).
    pub fn object_equals(v: Value) -> Match {
        match v {
            Value::Object(m) => Match::ObjectEquals(m.into_iter().map(|(k, v)| (k, Match::from_partial(v))).collect()),
            other => Match::Exact(other),
        }
    }
    /// An array containing these elements in order (others may be between).
    pub fn array_with(items: Vec<Match>) -> Match {
        Match::ArrayWith(items)
    }
    /// The key is absent.
    pub fn absent() -> Match {
        Match::Absent
    }
    /// Any present value.
    pub fn any_value() -> Match {
        Match::AnyValue
    }
    /// A string matching `re`.
    pub fn string_like_regexp(re: &str) -> Match {
        Match::StringLikeRegexp(re.to_string())
    }
    /// A JSON string whose parsed content matches `inner`.
    pub fn serialized_json(inner: impl Into<Match>) -> Match {
        Match::SerializedJson(Box::new(inner.into()))
    }
    /// The negation of `inner`.
    pub fn not(inner: impl Into<Match>) -> Match {
        Match::Not(Box::new(inner.into()))
    }

    fn from_partial(v: Value) -> Match {
        match v {
            Value::Object(m) => Match::ObjectLike(m.into_iter().map(|(k, v)| (k, Match::from_partial(v))).collect()),
            Value::Array(a) => Match::ArrayEquals(a.into_iter().map(Match::from_partial).collect()),
            other => Match::Exact(other),
        }
    }

    /// Tests `actual` (None when the key is absent); returns every mismatch
    /// as `(path, message)`.
    pub fn test(&self, actual: Option<&Value>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.check("", actual, &mut out);
        out
    }

    fn check(&self, path: &str, actual: Option<&Value>, out: &mut Vec<(String, String)>) {
        let at = |p: &str| if p.is_empty() { "/".to_string() } else { p.to_string() };
        match (self, actual) {
            (Match::Absent, None) | (Match::AnyValue, Some(_)) => {}
            (Match::Absent, Some(v)) => out.push((at(path), format!("expected absent, found {}", short(v)))),
            (Match::Not(inner), a) => {
                if inner.test(a).is_empty() {
                    out.push((at(path), format!("expected not to match {inner:?}")));
                }
            }
            (_, None) => out.push((at(path), "missing".into())),
            (Match::Exact(e), Some(v)) => {
                if e != v {
                    out.push((at(path), format!("expected {}, found {}", short(e), short(v))));
                }
            }
            (Match::ObjectLike(keys) | Match::ObjectEquals(keys), Some(v)) => {
                let Some(obj) = v.as_object() else {
                    out.push((at(path), format!("expected an object, found {}", short(v))));
                    return;
                };
                for (k, m) in keys {
                    m.check(&format!("{path}/{k}"), obj.get(k), out);
                }
                if matches!(self, Match::ObjectEquals(_)) {
                    for k in obj.keys() {
                        if !keys.iter().any(|(x, _)| x == k) {
                            out.push((format!("{path}/{k}"), "unexpected key".into()));
                        }
                    }
                }
            }
            (Match::ArrayEquals(items), Some(v)) => {
                let Some(arr) = v.as_array() else {
                    out.push((at(path), format!("expected an array, found {}", short(v))));
                    return;
                };
                if arr.len() != items.len() {
                    out.push((at(path), format!("expected {} items, found {}", items.len(), arr.len())));
                    return;
                }
                for (i, (m, a)) in items.iter().zip(arr).enumerate() {
                    m.check(&format!("{path}/{i}"), Some(a), out);
                }
            }
            (Match::ArrayWith(items), Some(v)) => {
                let Some(arr) = v.as_array() else {
                    out.push((at(path), format!("expected an array, found {}", short(v))));
                    return;
                };
                let mut next = 0;
                for (n, m) in items.iter().enumerate() {
                    let Some(p) = arr[next..].iter().position(|a| m.test(Some(a)).is_empty()) else {
                        out.push((at(path), format!("no element (in order) matches pattern item {n}: {m:?}")));
                        return;
                    };
                    next += p + 1;
                }
            }
            (Match::StringLikeRegexp(re), Some(v)) => match (Regex::new(re), v.as_str()) {
                (Ok(r), Some(s)) if r.is_match(s) => {}
                (Err(e), _) => out.push((at(path), format!("invalid regular expression: {e}"))),
                _ => out.push((at(path), format!("expected a string matching /{re}/, found {}", short(v)))),
            },
            (Match::SerializedJson(inner), Some(v)) => match v.as_str().map(serde_json::from_str::<Value>) {
                Some(Ok(parsed)) => inner.check(&format!("{path}(json)"), Some(&parsed), out),
                _ => out.push((at(path), format!("expected a JSON string, found {}", short(v)))),
            },
        }
    }
}

impl From<Value> for Match {
    fn from(v: Value) -> Self {
        Match::object_like(v)
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}...", s.chars().take(117).collect::<String>())
    } else {
        s
    }
}
