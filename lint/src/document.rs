//! A template read from disk: its value (JSON or YAML, short-form tags in
//! long form), its source text, and where each JSON pointer sits in that
//! text (line and column, 1-based), all from cfnkit-core's
//! [`cfnkit_core::source`] reader.

use std::path::{Path, PathBuf};

use cfnkit_core::source::{self, SourceMap};
use serde_json::Value;

/// A template file that could not be read as a template.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is neither valid JSON nor valid YAML.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the reader said.
        message: String,
    },
    /// The document is not a template (not an object, or no `Resources` object).
    #[error("{path}: not a CloudFormation template: {what}")]
    NotATemplate {
        /// The file.
        path: PathBuf,
        /// What is missing.
        what: &'static str,
    },
}

/// A template and its source.
#[derive(Debug)]
pub struct Document {
    /// Where it came from (as given on the command line, or a stack name).
    pub path: PathBuf,
    /// The template.
    pub value: Value,
    text: String,
    positions: SourceMap,
}

impl Document {
    /// Reads a JSON or YAML template file.
    pub fn read(path: &Path) -> Result<Document, ReadError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: path.into(), source })?;
        Self::from_text(path, text)
    }

    /// A template from JSON or YAML text (JSON when it starts with `{`).
    pub fn from_text(path: &Path, text: String) -> Result<Document, ReadError> {
        let parsed = match source::parse(&text) {
            Ok(p) => p,
            // Rain's `!Rain::Embed`/`!Rain::Module` tags are expanded by `rain pkg`
            // before CloudFormation sees the file: such a file is Rain source, not
            // a template (cfnkit-core names the unknown tag in its message).
            Err(e) if e.message.starts_with("unknown tag !Rain::") => {
                return Err(ReadError::NotATemplate {
                    path: path.into(),
                    what: "Rain source (!Rain:: tags); lint the output of `rain pkg`",
                })
            }
            Err(e) => {
                return Err(ReadError::Parse {
                    path: path.into(),
                    line: e.at.line,
                    column: e.at.column,
                    message: e.message,
                })
            }
        };
        match parsed.value.as_object() {
            None => return Err(ReadError::NotATemplate { path: path.into(), what: "the document is not a mapping" }),
            Some(m) if !m.get("Resources").is_some_and(Value::is_object) => {
                return Err(ReadError::NotATemplate { path: path.into(), what: "no Resources mapping" })
            }
            Some(_) => {}
        }
        Ok(Document { path: path.into(), value: parsed.value, text, positions: parsed.positions })
    }

    /// The text of 1-based line `n`.
    pub fn line_text(&self, n: usize) -> Option<&str> {
        self.text.lines().nth(n.checked_sub(1)?)
    }

    /// Line and column (1-based) of the member or item at `pointer`, or of
    /// its nearest ancestor that has a position.
    pub fn locate(&self, pointer: &str) -> (usize, usize) {
        self.positions.nearest(pointer).map_or((1, 1), |p| (p.line, p.column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_template_and_their_own_positions() {
        let json = "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"X\", \"L\": [1, {\"k\": \"é\"}]}\n  }\n}\n";
        let doc = Document::from_text(Path::new("t.json"), json.into()).unwrap();
        assert_eq!(doc.locate("/Resources/A"), (3, 5));
        assert_eq!(doc.locate("/Resources/A/Missing/Deeper"), (3, 5), "falls back to the nearest ancestor");
        let yaml = "Resources:\n  A:\n    Type: X\n    Properties:\n      Name: !Ref B\n";
        let doc = Document::from_text(Path::new("t.yaml"), yaml.into()).unwrap();
        assert_eq!(doc.value["Resources"]["A"]["Properties"]["Name"], serde_json::json!({"Ref": "B"}));
        assert_eq!(doc.locate("/Resources/A/Properties/Name"), (5, 7));
        assert_eq!(doc.line_text(5), Some("      Name: !Ref B"));
    }

    #[test]
    fn non_templates_and_bad_text_are_errors() {
        let err = Document::from_text(Path::new("t.json"), "[1]".into()).unwrap_err();
        assert!(matches!(err, ReadError::NotATemplate { .. }), "{err}");
        let err = Document::from_text(Path::new("t.json"), "{\"a\": ".into()).unwrap_err();
        assert!(matches!(err, ReadError::Parse { line: 1, .. }), "{err}");
        let err = Document::from_text(Path::new("t.yaml"), "a: [".into()).unwrap_err();
        assert!(matches!(err, ReadError::Parse { .. }), "{err}");
        let rain =
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: !Rain::Embed f.py\n";
        let err = Document::from_text(Path::new("t.yaml"), rain.into()).unwrap_err();
        assert!(matches!(err, ReadError::NotATemplate { .. }), "{err}");
        let err = Document::from_text(Path::new("t.yaml"), "Resources:\n  F: !Custom x\n".into()).unwrap_err();
        assert!(matches!(err, ReadError::Parse { line: 2, .. }), "other unknown tags stay errors: {err}");
    }
}
