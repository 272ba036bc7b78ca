//! YAML templates: `yaml-rust2`'s event parser (it keeps tags and gives
//! each event a position), turned into JSON with long-form intrinsics.
//!
//! Plain scalars follow YAML 1.2's core schema, made safe for templates:
//! `true`/`false`, `null`/`~`/empty, decimal integers and floats become
//! JSON booleans, null and numbers; anything else, including numbers with
//! leading zeros (`012345678901`, an account id), `.inf`/`.nan` and integers
//! beyond 64 bits, stays a string. Quoted and block scalars are strings.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{pointer_segment, ParseError, Position, SourceMap};

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

/// Short-form tags and the key of their long form.
const TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Join", "Fn::Join"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Split", "Fn::Split"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Contains", "Fn::Contains"),
    ("EachMemberEquals", "Fn::EachMemberEquals"),
    ("EachMemberIn", "Fn::EachMemberIn"),
    ("RefAll", "Fn::RefAll"),
    ("ValueOf", "Fn::ValueOf"),
    ("ValueOfAll", "Fn::ValueOfAll"),
];

/// The long-form key of a short-form tag name (`GetAtt` -> `Fn::GetAtt`).
pub(super) fn long_form(tag: &str) -> Option<&'static str> {
    TAGS.iter().find(|(t, _)| *t == tag).map(|(_, l)| *l)
}

/// The short-form tag name of a long-form key (`Fn::GetAtt` -> `GetAtt`).
pub(super) fn short_form(key: &str) -> Option<&'static str> {
    TAGS.iter().find(|(_, l)| *l == key).map(|(t, _)| *t)
}

#[derive(Default)]
struct Events(Vec<(Event, Marker)>);

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.0.push((ev, mark));
    }
}

fn pos(m: Marker) -> Position {
    Position { line: m.line().max(1), column: m.col() + 1 }
}

pub(super) fn read(text: &str) -> Result<(Json, SourceMap), ParseError> {
    let mut events = Events::default();
    Parser::new_from_str(text)
        .load(&mut events, true)
        .map_err(|e| ParseError::new(pos(*e.marker()), format!("invalid YAML: {}", e.info())))?;
    let mut b = Builder { events: events.0, i: 0, anchors: HashMap::new(), map: SourceMap::default() };
    // StreamStart, DocumentStart
    while matches!(b.events.get(b.i), Some((Event::StreamStart | Event::DocumentStart, _))) {
        b.i += 1;
    }
    let Some((ev, m)) = b.events.get(b.i) else {
        return Err(ParseError::new(Position { line: 1, column: 1 }, "the text holds no template"));
    };
    if matches!(ev, Event::StreamEnd) {
        return Err(ParseError::new(pos(*m), "the text holds no template"));
    }
    let at = b.start_of_next().unwrap_or(pos(*m));
    b.map.insert("", at);
    let value = b.node("", 0)?;
    // One document only.
    while let Some((ev, m)) = b.events.get(b.i) {
        match ev {
            Event::DocumentEnd | Event::StreamEnd => b.i += 1,
            _ => return Err(ParseError::new(pos(*m), "a second YAML document; a template is one document")),
        }
    }
    Ok((value, b.map))
}

struct Builder {
    events: Vec<(Event, Marker)>,
    i: usize,
    anchors: HashMap<usize, Json>,
    map: SourceMap,
}

impl Builder {
    /// Where the next node starts: a block mapping's event sits after its
    /// first key, so that key's position is used.
    fn start_of_next(&self) -> Option<Position> {
        match self.events.get(self.i)? {
            (Event::MappingStart(..), m) => match self.events.get(self.i + 1) {
                Some((Event::Scalar(..), k)) => Some(pos(*k).min(pos(*m))),
                _ => Some(pos(*m)),
            },
            (_, m) => Some(pos(*m)),
        }
    }

    fn next(&mut self) -> Option<(Event, Marker)> {
        let e = self.events.get(self.i).cloned();
        self.i += 1;
        e
    }

    fn node(&mut self, pointer: &str, depth: usize) -> Result<Json, ParseError> {
        let Some((ev, m)) = self.next() else {
            return Err(ParseError::new(Position { line: 1, column: 1 }, "unexpected end of the YAML text"));
        };
        if depth > MAX_DEPTH {
            return Err(ParseError::new(pos(m), format!("nested deeper than {MAX_DEPTH} levels")));
        }
        let (value, anchor, tag) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let v = if tag.is_some() || style != TScalarStyle::Plain {
                    Json::String(text)
                } else {
                    resolve_plain(&text)
                };
                (v, anchor, tag)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    if matches!(self.events.get(self.i), Some((Event::SequenceEnd, _))) {
                        self.i += 1;
                        break;
                    }
                    let child = format!("{pointer}/{}", items.len());
                    if let Some(at) = self.start_of_next() {
                        self.map.insert(&child, at);
                    }
                    items.push(self.node(&child, depth + 1)?);
                }
                (Json::Array(items), anchor, tag)
            }
            Event::MappingStart(anchor, tag) => {
                let mut obj = Map::new();
                loop {
                    let Some((kev, km)) = self.next() else {
                        return Err(ParseError::new(pos(m), "unexpected end of the YAML text in a mapping"));
                    };
                    let key = match kev {
                        Event::MappingEnd => break,
                        Event::Scalar(k, ..) => k,
                        Event::Alias(id) => match self.anchors.get(&id) {
                            Some(Json::String(s)) => s.clone(),
                            Some(Json::Number(n)) => n.to_string(),
                            Some(Json::Bool(b)) => b.to_string(),
                            _ => return Err(ParseError::new(pos(km), "a mapping key must be a scalar")),
                        },
                        _ => {
                            return Err(ParseError::new(
                                pos(km),
                                "a mapping key must be a scalar; found a list or mapping",
                            ))
                        }
                    };
                    if obj.contains_key(&key) {
                        return Err(ParseError::new(pos(km), format!("duplicate key {key:?} in one mapping")));
                    }
                    let child = format!("{pointer}/{}", pointer_segment(&key));
                    self.map.insert(&child, pos(km));
                    let v = self.node(&child, depth + 1)?;
                    obj.insert(key, v);
                }
                (Json::Object(obj), anchor, tag)
            }
            Event::Alias(id) => {
                let v = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| ParseError::new(pos(m), "an alias to an unknown anchor"))?;
                (v, 0, None)
            }
            other => return Err(ParseError::new(pos(m), format!("unexpected YAML event {other:?}"))),
        };
        let value = match tag {
            Some(t) => apply_tag(&t, value, pos(m))?,
            None => value,
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }
}

fn apply_tag(tag: &Tag, value: Json, at: Position) -> Result<Json, ParseError> {
    if tag.handle == "tag:yaml.org,2002:" {
        return Ok(match (tag.suffix.as_str(), value) {
            ("str", v) => v,
            (_, Json::String(s)) => resolve_plain(&s),
            (_, v) => v,
        });
    }
    if tag.handle != "!" {
        return Err(ParseError::new(at, format!("unknown tag {}{}", tag.handle, tag.suffix)));
    }
    let Some(long) = long_form(&tag.suffix) else {
        let known: Vec<String> = TAGS.iter().map(|(t, _)| format!("!{t}")).collect();
        return Err(ParseError::new(at, format!("unknown tag !{}; known: {}", tag.suffix, known.join(", "))));
    };
    let value = match (long, value) {
        ("Fn::GetAtt", Json::String(s)) => {
            let Some((resource, attribute)) = s.split_once('.') else {
                return Err(ParseError::new(at, format!("!GetAtt {s:?}: expected LogicalId.Attribute")));
            };
            Json::Array(vec![Json::String(resource.into()), Json::String(attribute.into())])
        }
        (_, v) => v,
    };
    let mut obj = Map::new();
    obj.insert(long.to_string(), value);
    Ok(Json::Object(obj))
}

/// What a plain (unquoted, untagged) scalar means.
pub(super) fn resolve_plain(s: &str) -> Json {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    if leading_zero || digits.is_empty() {
        return Json::String(s.into());
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Json::from(i);
        }
        if let Ok(u) = s.parse::<u64>() {
            return Json::from(u);
        }
        return Json::String(s.into());
    }
    if is_float(digits) {
        if let Some(n) = s.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(serde_json::Number::from_f64) {
            return Json::Number(n);
        }
    }
    Json::String(s.into())
}

/// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+(...)?`, sign stripped.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => all_digits(int) && all_digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && all_digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok && (frac.is_some() || exponent.is_some())
}
