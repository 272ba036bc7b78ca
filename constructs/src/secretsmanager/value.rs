//! What a secret holds: a generated [`Password`], and the
//! [`SecretTemplate`] of non-secret JSON fields it may sit beside.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::secretsmanager as l1;
use indexmap::IndexMap;

/// How a generated password is made. AWS's defaults: 32 characters of
/// letters, digits and punctuation, at least one of each.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // each flag is the GenerateSecretString switch of the same name
pub struct Password {
    length: u32,
    exclude_characters: Option<String>,
    exclude_punctuation: bool,
    exclude_uppercase: bool,
    exclude_lowercase: bool,
    exclude_numbers: bool,
    include_space: bool,
}

impl Default for Password {
    fn default() -> Self {
        Password::new()
    }
}

impl Password {
    /// 32 characters of letters, digits and punctuation.
    pub fn new() -> Self {
        Password {
            length: 32,
            exclude_characters: None,
            exclude_punctuation: false,
            exclude_uppercase: false,
            exclude_lowercase: false,
            exclude_numbers: false,
            include_space: false,
        }
    }
    /// Sets the length (1 to 4,096).
    pub fn length(mut self, n: u32) -> Self {
        self.length = n;
        self
    }
    /// Never uses these characters (`"@/\` for most database passwords).
    pub fn exclude_characters(mut self, chars: &str) -> Self {
        self.exclude_characters = Some(chars.to_string());
        self
    }
    /// Uses no punctuation.
    pub fn exclude_punctuation(mut self) -> Self {
        self.exclude_punctuation = true;
        self
    }
    /// Uses no uppercase letters.
    pub fn exclude_uppercase(mut self) -> Self {
        self.exclude_uppercase = true;
        self
    }
    /// Uses no lowercase letters.
    pub fn exclude_lowercase(mut self) -> Self {
        self.exclude_lowercase = true;
        self
    }
    /// Uses no digits.
    pub fn exclude_numbers(mut self) -> Self {
        self.exclude_numbers = true;
        self
    }
    /// May use the space character.
    pub fn include_space(mut self) -> Self {
        self.include_space = true;
        self
    }

    pub(super) fn check(&self, path: &str, stack: &mut Stack) {
        if !(1..=4096).contains(&self.length) {
            stack.report(
                Diagnostic::error_of(DiagKind::Length, path, "password length out of range")
                    .property("GenerateSecretString.PasswordLength")
                    .value(self.length.to_string())
                    .allowed("1 to 4096"),
            );
        }
        let excluded =
            self.exclude_punctuation && self.exclude_uppercase && self.exclude_lowercase && self.exclude_numbers;
        if excluded && !self.include_space {
            stack.report(
                Diagnostic::error_of(DiagKind::Excluded, path, "every character type is excluded")
                    .property("GenerateSecretString")
                    .allowed("at least one of letters, digits, punctuation or space"),
            );
        }
    }

    pub(super) fn to_l1(&self) -> l1::GenerateSecretString {
        let mut g = l1::GenerateSecretString::new().password_length(i64::from(self.length));
        if let Some(c) = &self.exclude_characters {
            g = g.exclude_characters(c.clone());
        }
        if self.exclude_punctuation {
            g = g.exclude_punctuation(true);
        }
        if self.exclude_uppercase {
            g = g.exclude_uppercase(true);
        }
        if self.exclude_lowercase {
            g = g.exclude_lowercase(true);
        }
        if self.exclude_numbers {
            g = g.exclude_numbers(true);
        }
        if self.include_space {
            g = g.include_space(true);
        }
        g
    }
}

/// A JSON object of non-secret fields (names, hosts, ports), rendered into
/// the template: literal values as JSON, expressions (`table.name()`) as
/// strings through `Fn::Join`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecretTemplate {
    fields: IndexMap<String, Token>,
}

impl SecretTemplate {
    /// An empty object.
    pub fn new() -> Self {
        SecretTemplate::default()
    }
    /// Adds a field: a literal (string, number, bool, JSON) or a string expression.
    pub fn field(mut self, key: &str, value: impl Into<Token>) -> Self {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// The object as a JSON string: a literal, or an `Fn::Join` when a field is an expression.
    pub(super) fn render(&self) -> Value<String> {
        let mut parts: Vec<Token> = Vec::new();
        let mut text = String::from("{");
        for (i, (k, v)) in self.fields.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&json_string(k));
            text.push(':');
            if v.is_literal() {
                text.push_str(&literal_json(v));
            } else {
                text.push('"');
                parts.push(Token::Str(std::mem::take(&mut text)));
                parts.push(v.clone());
                text.push('"');
            }
        }
        text.push('}');
        if parts.is_empty() {
            return Value::Lit(text);
        }
        parts.push(Token::Str(text));
        Value::Expr(fns::join("", parts).into_token())
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// JSON text of a literal token.
fn literal_json(t: &Token) -> String {
    match t {
        Token::Null | Token::Fn(_) => "null".into(),
        Token::Bool(b) => b.to_string(),
        Token::Int(i) => i.to_string(),
        Token::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| "null".into(), |n| n.to_string()),
        Token::Str(s) => json_string(s),
        Token::List(l) => format!("[{}]", l.iter().map(literal_json).collect::<Vec<_>>().join(",")),
        Token::Map(m) => {
            format!(
                "{{{}}}",
                m.iter().map(|(k, v)| format!("{}:{}", json_string(k), literal_json(v))).collect::<Vec<_>>().join(",")
            )
        }
    }
}
