//! A template read from disk: its value, its source text, and where each
//! JSON pointer sits in that text (line and column, 1-based).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    /// The text is not valid JSON.
    #[error("{path}:{line}:{column}: not valid JSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file is YAML, which this build cannot read yet.
    #[error("{path}: YAML templates need cfnkit's YAML reader, which this build does not have yet; convert the template to JSON")]
    Yaml {
        /// The file.
        path: PathBuf,
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
    positions: OnceLock<HashMap<String, (usize, usize)>>,
}

impl Document {
    /// Reads a JSON or YAML template file.
    pub fn read(path: &Path) -> Result<Document, ReadError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: path.into(), source })?;
        // JSON when the first non-blank character opens an object (`.template` files are either).
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            || !text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
        if yaml {
            return Err(ReadError::Yaml { path: path.into() });
        }
        Self::from_json(path, text)
    }

    /// A template from JSON text.
    pub fn from_json(path: &Path, text: String) -> Result<Document, ReadError> {
        let value: Value = serde_json::from_str(&text).map_err(|e| ReadError::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        match value.as_object() {
            None => return Err(ReadError::NotATemplate { path: path.into(), what: "the document is not an object" }),
            Some(m) if !m.get("Resources").is_some_and(Value::is_object) => {
                return Err(ReadError::NotATemplate { path: path.into(), what: "no Resources object" })
            }
            Some(_) => {}
        }
        Ok(Document { path: path.into(), value, text, positions: OnceLock::new() })
    }

    /// The text of 1-based line `n`.
    pub fn line_text(&self, n: usize) -> Option<&str> {
        self.text.lines().nth(n.checked_sub(1)?)
    }

    /// Line and column (1-based) of the member or item at `pointer`, or of
    /// its nearest ancestor that exists in the text.
    pub fn locate(&self, pointer: &str) -> (usize, usize) {
        let index = self.positions.get_or_init(|| json_positions(&self.text));
        let mut p = pointer;
        loop {
            if let Some(&pos) = index.get(p) {
                return pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

/// Maps every JSON pointer of a valid JSON text to the line and column of
/// its member key (object members) or of its value (array items).
fn json_positions(text: &str) -> HashMap<String, (usize, usize)> {
    let mut s = Scanner { b: text.as_bytes(), i: 0, line: 1, col: 1, out: HashMap::new() };
    s.ws();
    let at = (s.line, s.col);
    s.out.insert(String::new(), at);
    s.value(&mut String::new());
    s.out
}

struct Scanner<'t> {
    b: &'t [u8],
    i: usize,
    line: usize,
    col: usize,
    out: HashMap<String, (usize, usize)>,
}

impl Scanner<'_> {
    fn bump(&mut self) {
        if let Some(&c) = self.b.get(self.i) {
            if c == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if c & 0xC0 != 0x80 {
                self.col += 1;
            }
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.bump();
        }
    }

    /// Reads a string token and returns its decoded text.
    fn string(&mut self) -> String {
        let start = self.i;
        self.bump();
        while let Some(c) = self.peek() {
            self.bump();
            match c {
                b'\\' => self.bump(),
                b'"' => break,
                _ => {}
            }
        }
        serde_json::from_slice::<String>(&self.b[start..self.i]).unwrap_or_default()
    }

    fn value(&mut self, ptr: &mut String) {
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.bump();
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b'"') => {
                            let at = (self.line, self.col);
                            let key = self.string();
                            let len = ptr.len();
                            ptr.push('/');
                            ptr.push_str(&crate::template::escape(&key));
                            self.out.insert(ptr.clone(), at);
                            self.ws();
                            self.bump(); // ':'
                            self.value(ptr);
                            ptr.truncate(len);
                        }
                        Some(b',') => self.bump(),
                        Some(b'}') => {
                            self.bump();
                            break;
                        }
                        _ => break,
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut n = 0usize;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b']') => {
                            self.bump();
                            break;
                        }
                        Some(b',') => self.bump(),
                        None => break,
                        Some(_) => {
                            let len = ptr.len();
                            ptr.push('/');
                            ptr.push_str(&n.to_string());
                            self.out.insert(ptr.clone(), (self.line, self.col));
                            self.value(ptr);
                            ptr.truncate(len);
                            n += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                {
                    self.bump();
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_member_keys_and_array_items() {
        let text = "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"X\", \"L\": [1, {\"k\": \"é\"}]}\n  }\n}\n";
        let doc = Document::from_json(Path::new("t.json"), text.into()).unwrap();
        assert_eq!(doc.locate("/Resources"), (2, 3));
        assert_eq!(doc.locate("/Resources/A"), (3, 5));
        assert_eq!(doc.locate("/Resources/A/Type"), (3, 11));
        assert_eq!(doc.locate("/Resources/A/L/1"), (3, 33));
        assert_eq!(doc.locate("/Resources/A/L/1/k"), (3, 34));
        assert_eq!(doc.locate("/Resources/A/Missing/Deeper"), (3, 5), "falls back to the nearest ancestor");
    }

    #[test]
    fn escaped_keys_and_non_templates() {
        let text = r#"{"Resources": {"a/b": {"Type": "X"}}}"#;
        let doc = Document::from_json(Path::new("t.json"), text.into()).unwrap();
        assert_eq!(doc.locate("/Resources/a~1b"), (1, 16));
        let err = Document::from_json(Path::new("t.json"), "[1]".into()).unwrap_err();
        assert!(err.to_string().contains("not an object"), "{err}");
        let err = Document::from_json(Path::new("t.json"), "{\"a\": ".into()).unwrap_err();
        assert!(matches!(err, ReadError::Json { line: 1, .. }), "{err}");
    }
}
