//! One `Fn::Sub` string built from literal text and embedded tokens: how a
//! dashboard body and a composite alarm rule carry deploy-time values.
//!
//! Literal text has its `${` escaped (`${!`); each distinct token becomes a
//! variable `${Value1}`, `${Value2}`... Synthesis inlines the plain ones
//! (`Ref`, `Fn::GetAtt`, pseudo parameters, nested subs) as `${Function}`,
//! `${Alarm.Arn}`, `${AWS::Region}`, so the template reads like the JSON
//! CloudWatch will see; anything else stays in the variable map.

use cfnkit_core::fns;
use cfnkit_core::token::{Token, Value};

/// Accumulates text and tokens into one `Fn::Sub`.
#[derive(Debug, Default)]
pub(crate) struct SubText {
    text: String,
    vars: Vec<(Token, String)>,
}

impl SubText {
    pub(crate) fn new() -> Self {
        SubText::default()
    }

    /// Appends literal text.
    pub(crate) fn text(&mut self, s: &str) {
        self.text.push_str(&s.replace("${", "${!"));
    }

    /// Appends a deploy-time value as a placeholder; equal tokens share one.
    pub(crate) fn token(&mut self, t: &Token) {
        let name = if let Some((_, n)) = self.vars.iter().find(|(v, _)| v == t) {
            n.clone()
        } else {
            let n = format!("Value{}", self.vars.len() + 1);
            self.vars.push((t.clone(), n.clone()));
            n
        };
        self.text.push_str("${");
        self.text.push_str(&name);
        self.text.push('}');
    }

    /// Appends a token tree as JSON: literals as JSON text, intrinsics as
    /// quoted placeholders (they are string-valued: names, ARNs, regions).
    pub(crate) fn json(&mut self, t: &Token) {
        match t {
            Token::Null => self.text("null"),
            Token::Bool(b) => self.text(if *b { "true" } else { "false" }),
            Token::Int(i) => self.text(&i.to_string()),
            Token::Float(f) => {
                let n = serde_json::Number::from_f64(*f).map_or_else(|| "null".to_string(), |n| n.to_string());
                self.text(&n);
            }
            Token::Str(s) => self.text(&serde_json::Value::String(s.clone()).to_string()),
            Token::List(items) => {
                self.text("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text(",");
                    }
                    self.json(item);
                }
                self.text("]");
            }
            Token::Map(m) => {
                self.text("{");
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        self.text(",");
                    }
                    self.text(&serde_json::Value::String(k.clone()).to_string());
                    self.text(":");
                    self.json(v);
                }
                self.text("}");
            }
            Token::Fn(_) => {
                self.text("\"");
                self.token(t);
                self.text("\"");
            }
        }
    }

    /// The finished value: a plain string when no token was embedded, else
    /// an `Fn::Sub` with its variables.
    pub(crate) fn finish(self) -> Value<String> {
        if self.vars.is_empty() {
            return Value::Lit(self.text.replace("${!", "${"));
        }
        let mut s = fns::sub(self.text);
        for (t, n) in self.vars {
            s = s.var(n, t);
        }
        s.into()
    }
}
