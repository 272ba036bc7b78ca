//! Template text in and out: JSON and YAML templates read into one
//! normalized form, with the source position of every node, and YAML
//! written the way CloudFormation users write it.
//!
//! **Reading.** [`parse`] takes the text of a template in JSON or YAML
//! (detected: JSON when the first non-blank character is `{`) and gives a
//! [`Parsed`]: the template as a `serde_json::Value` in which every
//! short-form tag (`!Ref`, `!Sub`, `!GetAtt a.b`, `!If`, ...) is already
//! its long form (`{"Ref": ..}`, `{"Fn::Sub": ..}`, `{"Fn::GetAtt": [a, b]}`),
//! plus a [`SourceMap`] from JSON pointers (RFC 6901: `/Resources/Bucket/Properties`)
//! to 1-based line and column. Consumers (the linter, `diff`, the importer)
//! therefore see one shape whatever the input spelled, and can still point
//! at the line a finding is about:
//!
//! ```
//! use cfnkit_core::source;
//! let text = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-data'\n";
//! let t = source::parse(text).unwrap();
//! assert_eq!(t.value["Resources"]["Bucket"]["Properties"]["BucketName"],
//!     serde_json::json!({"Fn::Sub": "${AWS::StackName}-data"}));
//! let at = t.positions.get("/Resources/Bucket/Properties/BucketName").unwrap();
//! assert_eq!((at.line, at.column), (5, 7));
//! // A pointer into something the source spelled in short form finds its nearest ancestor:
//! let at = t.positions.nearest("/Resources/Bucket/Properties/BucketName/Fn::Sub");
//! assert_eq!(at.map(|p| p.line), Some(5));
//! ```
//!
//! Positions: for a mapping entry, where its key starts (that is the line a
//! reader looks for); for a list item or the root, where the node starts.
//!
//! **Writing.** [`to_yaml`] writes any template JSON as block-style YAML
//! with short-form intrinsics, keys in the template's order, strings quoted
//! only where YAML (1.1 or 1.2) would read them as something else, and
//! multi-line strings as literal blocks. The same JSON always gives the same
//! bytes, and [`parse`] reads them back to the same JSON.
//!
//! What it must never know: resource types, L1, constructs. It reads and
//! writes text; it does not validate templates.

mod json_read;
mod yaml_read;
mod yaml_write;

use std::collections::BTreeMap;

pub use yaml_write::to_yaml;

/// A line and column in the source text, both starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column (in characters), from 1.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Where each node of a parsed template is, by JSON pointer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    positions: BTreeMap<String, Position>,
}

impl SourceMap {
    /// The position recorded for exactly this pointer (`""` is the root).
    pub fn get(&self, pointer: &str) -> Option<Position> {
        self.positions.get(pointer).copied()
    }

    /// The position of this pointer or of its nearest ancestor that has one
    /// (pointers into a short form like `!GetAtt a.b` have no node of their own).
    pub fn nearest(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(at) = self.positions.get(p) {
                return Some(*at);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }

    /// Every pointer and its position, in pointer order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Position)> {
        self.positions.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// How many nodes have a position.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    fn insert(&mut self, pointer: &str, at: Position) {
        self.positions.entry(pointer.to_string()).or_insert(at);
    }
}

/// Escapes one JSON pointer segment (`~` -> `~0`, `/` -> `~1`).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The spelling a template was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML (short-form tags allowed).
    Yaml,
}

/// A template read from text.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The template, intrinsics in long form.
    pub value: serde_json::Value,
    /// Which spelling the text used.
    pub format: Format,
    /// Where each node is in the text.
    pub positions: SourceMap,
}

/// Why a text is not a template this module can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ParseError {
    /// Where the problem is.
    pub at: Position,
    /// What is wrong, and what is allowed.
    pub message: String,
}

impl ParseError {
    fn new(at: Position, message: impl Into<String>) -> Self {
        ParseError { at, message: message.into() }
    }
}

/// Reads a JSON or YAML template (see the module docs).
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        let (value, positions) = json_read::read(text)?;
        Ok(Parsed { value, format: Format::Json, positions })
    } else {
        let (value, positions) = yaml_read::read(text)?;
        Ok(Parsed { value, format: Format::Yaml, positions })
    }
}

/// Reads YAML only (JSON is YAML too, but [`parse`] reads it more exactly).
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, ParseError> {
    yaml_read::read(text).map(|(v, _)| v)
}

#[cfg(test)]
mod tests;
