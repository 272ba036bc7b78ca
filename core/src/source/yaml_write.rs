//! Template JSON as YAML in the style CloudFormation users write: block
//! style, two-space indentation, short-form intrinsics (`!Ref X`,
//! `!GetAtt A.B`, `!Sub |` blocks), keys in the template's order, a blank
//! line between top-level sections.
//!
//! A string is written plain only when both YAML 1.2 (our reader) and YAML
//! 1.1 (PyYAML, which cfn-lint and checkov use) read it back as that string:
//! `'2012-10-17'`, `'yes'`, `'012'` and `'true'` are quoted.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::yaml_read::{resolve_plain, short_form};

/// Writes a template (or any JSON value) as YAML. Deterministic; reading the
/// result with [`parse`](super::parse) gives `v` back.
///
/// ```
/// use serde_json::json;
/// let t = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue",
///     "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-q"}}}},
///     "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Q", "Arn"]}}}});
/// let yaml = cfnkit_core::source::to_yaml(&t);
/// assert_eq!(yaml, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub ${AWS::StackName}-q\n\nOutputs:\n  Arn:\n    Value: !GetAtt Q.Arn\n");
/// assert_eq!(cfnkit_core::source::parse(&yaml).unwrap().value, t);
/// ```
pub fn to_yaml(v: &Json) -> String {
    let mut out = String::new();
    match v {
        Json::Object(m) if !m.is_empty() && short(m).is_none() => write_map(&mut out, m, 0, true),
        Json::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        _ => {
            write_value_after(&mut out, v, 0);
            // `write_value_after` starts with a space after a key; at the root there is no key.
            out.remove(0);
        }
    }
    out
}

/// The short form of a one-key intrinsic object: its tag and argument.
fn short(m: &Map<String, Json>) -> Option<(&'static str, Short<'_>)> {
    if m.len() != 1 {
        return None;
    }
    let (k, arg) = m.iter().next()?;
    let tag = short_form(k)?;
    match (tag, arg) {
        ("GetAtt", Json::Array(parts)) => match parts.as_slice() {
            [Json::String(a), Json::String(b)] if !a.contains('.') && !a.is_empty() && !b.is_empty() => {
                Some((tag, Short::Text(format!("{a}.{b}"))))
            }
            _ => Some((tag, Short::Node(arg))),
        },
        ("Ref" | "Condition", Json::String(s)) => Some((tag, Short::Text(s.clone()))),
        // `!GetAtt text` is split at its first dot when read: a string argument stays long.
        ("Ref" | "Condition", _) | ("GetAtt", Json::String(_)) => None,
        (_, Json::String(s)) => Some((tag, Short::Text(s.clone()))),
        // `!Base64 !Sub x` is not YAML (one tag per node): the outer one stays long.
        (_, Json::Object(inner)) if short(inner).is_some() => None,
        (_, other @ (Json::Array(_) | Json::Object(_))) => Some((tag, Short::Node(other))),
        // A tagged scalar reads back as a string: `!Sub null` would not be null.
        _ => None,
    }
}

enum Short<'a> {
    /// The argument is a string (written as a scalar after the tag).
    Text(String),
    /// The argument is any other node.
    Node(&'a Json),
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_map(out: &mut String, m: &Map<String, Json>, indent: usize, root: bool) {
    for (i, (k, v)) in m.iter().enumerate() {
        if root && i > 0 {
            out.push('\n');
        }
        pad(out, indent);
        out.push_str(&scalar_text(k));
        out.push(':');
        write_value_after(out, v, indent);
    }
}

fn write_seq(out: &mut String, a: &[Json], indent: usize) {
    for v in a {
        pad(out, indent);
        out.push('-');
        write_item(out, v, indent);
    }
}

/// A value after `key:` or `- ` (the caller wrote those); `indent` is the
/// indentation of the key or dash. Nested blocks go two spaces deeper.
fn write_value_after(out: &mut String, v: &Json, indent: usize) {
    match v {
        Json::Object(m) if m.is_empty() => out.push_str(" {}\n"),
        Json::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Json::Object(m) => {
            if let Some((tag, arg)) = short(m) {
                out.push_str(" !");
                out.push_str(tag);
                match arg {
                    Short::Text(s) => write_string_after(out, &s, indent),
                    Short::Node(n) => write_value_after(out, n, indent),
                }
            } else {
                out.push('\n');
                write_map(out, m, indent + 2, false);
            }
        }
        Json::Array(a) => {
            out.push('\n');
            write_seq(out, a, indent + 2);
        }
        Json::String(s) => write_string_after(out, s, indent),
        other => {
            out.push(' ');
            out.push_str(&other.to_string());
            out.push('\n');
        }
    }
}

/// A sequence item after its `-`: mappings and sequences start on the dash's line.
fn write_item(out: &mut String, v: &Json, indent: usize) {
    match v {
        Json::Object(m) if !m.is_empty() && short(m).is_none() => {
            out.push(' ');
            let mut first = true;
            for (k, val) in m {
                if !first {
                    pad(out, indent + 2);
                }
                first = false;
                out.push_str(&scalar_text(k));
                out.push(':');
                write_value_after(out, val, indent + 2);
            }
        }
        Json::Array(a) if !a.is_empty() => {
            out.push(' ');
            let mut first = true;
            for item in a {
                if !first {
                    pad(out, indent + 2);
                }
                first = false;
                out.push('-');
                write_item(out, item, indent + 2);
            }
        }
        _ => write_value_after(out, v, indent),
    }
}

fn write_string_after(out: &mut String, s: &str, indent: usize) {
    if let Some(header) = literal_block(s) {
        out.push(' ');
        out.push_str(header);
        out.push('\n');
        for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            if !line.is_empty() {
                pad(out, indent + 2);
                out.push_str(line);
            }
            out.push('\n');
        }
    } else {
        out.push(' ');
        out.push_str(&scalar_text(s));
        out.push('\n');
    }
}

/// `|` or `|-` when the string reads back unchanged as a literal block.
fn literal_block(s: &str) -> Option<&'static str> {
    if !s.contains('\n') || s.starts_with([' ', '\n', '\t']) || s.ends_with("\n\n") {
        return None;
    }
    if s.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}')
    {
        return None;
    }
    // A line of only spaces could be taken for indentation; keep such strings quoted.
    if s.split('\n').any(|l| !l.is_empty() && l.trim_start_matches([' ', '\t']).is_empty()) {
        return None;
    }
    Some(if s.ends_with('\n') { "|" } else { "|-" })
}

/// A string as a one-line scalar: plain when safe, else single- or double-quoted.
fn scalar_text(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    if s.chars().all(|c| !c.is_control() && c != '\u{feff}' && c != '\u{2028}' && c != '\u{2029}') {
        return format!("'{}'", s.replace('\'', "''"));
    }
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(q, "\\u{:04x}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if "-?:,[]{}#&*!|>'\"%@`.=<~".contains(first) || first.is_ascii_digit() || first == '+' {
        return false;
    }
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.chars().any(|c| c.is_control() || !is_printable(c)) {
        return false;
    }
    // YAML 1.1 booleans and nulls PyYAML would read.
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null") {
        return false;
    }
    resolve_plain(s) == Json::String(s.to_string())
}

fn is_printable(c: char) -> bool {
    !matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{fffe}' | '\u{ffff}')
}
