//! `Fn::Sub`, rendered hygienically: the template is scanned once, each
//! `${name}` placeholder bound to a variable is replaced by that variable's
//! text exactly once (text spliced in is never scanned again, so one
//! variable cannot clobber another), literal `${` in spliced strings is
//! escaped as `${!`, and variables that must stay variables are renamed when
//! their name would shadow a logical id, parameter or pseudo parameter.

use indexmap::IndexMap;
use serde_json::{json, Map, Value as Json};

use super::resolve::Resolver;
use crate::token::{Intrinsic, Pseudo, RefTarget, Token};

/// One piece of a scanned `Fn::Sub` template.
#[derive(Debug, PartialEq)]
enum Piece<'t> {
    /// Text copied as is (including `${!literal}` escapes).
    Text(&'t str),
    /// A `${name}` placeholder.
    Var(&'t str),
}

/// Splits a template into text and placeholders. An unterminated `${` is text.
fn scan(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        if after.starts_with('!') {
            // `${!x}` is a literal `${x}`: copy up to and including the `!`.
            out.push(Piece::Text(&rest[..start + 3]));
            rest = &rest[start + 3..];
            continue;
        }
        let Some(end) = after.find('}') else { break };
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Var(&after[..end]));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

impl Resolver<'_, '_> {
    /// `Fn::Sub`: variables that are plain references of this stack or
    /// pseudo parameters are inlined as `${LogicalId}` / `${LogicalId.Attr}`
    /// / `${AWS::Region}`, literal strings and nested `Fn::Sub`s are spliced
    /// in; every placeholder left is checked.
    pub(super) fn sub(&mut self, template: &str, vars: &IndexMap<String, Token>) -> Json {
        let mut kept: IndexMap<String, Token> = IndexMap::new();
        let text = self.render(template, vars, &mut kept);
        self.check_placeholders(&text, &kept);
        if kept.is_empty() {
            json!({ "Fn::Sub": text })
        } else {
            let mut m = Map::new();
            for (k, v) in &kept {
                m.insert(k.clone(), self.resolve(v));
            }
            json!({"Fn::Sub": [text, m]})
        }
    }

    /// Renders `template` once; variables that cannot be inlined go to `kept`
    /// (under a fresh name when theirs would shadow something else).
    fn render(&mut self, template: &str, vars: &IndexMap<String, Token>, kept: &mut IndexMap<String, Token>) -> String {
        let mut text = String::with_capacity(template.len());
        for piece in scan(template) {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Var(name) => match vars.get(name) {
                    None => {
                        text.push_str("${");
                        text.push_str(name);
                        text.push('}');
                    }
                    Some(value) => {
                        if let Some(inline) = self.inline(value) {
                            text.push_str(&inline);
                        } else {
                            let fresh = self.keep(name, value, kept);
                            text.push_str("${");
                            text.push_str(&fresh);
                            text.push('}');
                        }
                    }
                },
            }
        }
        text
    }

    /// The text a variable's value splices in as, when it can be inlined.
    fn inline(&mut self, value: &Token) -> Option<String> {
        let app = self.ctx.app.id;
        match value {
            Token::Str(s) => Some(s.replace("${", "${!")),
            Token::Fn(f) => match f.as_ref() {
                Intrinsic::Ref(RefTarget::Pseudo(p)) => Some(format!("${{{}}}", p.name())),
                Intrinsic::Ref(RefTarget::Parameter(p)) if p.app == app && p.stack == self.stack => {
                    let this = &self.ctx.app.stacks[self.stack as usize];
                    this.parameters.get(p.index as usize).map(|p| format!("${{{}}}", p.name))
                }
                Intrinsic::Ref(RefTarget::Resource(r)) if r.app == app && r.stack == self.stack => {
                    let id = self.logical_id(*r)?;
                    self.refs.insert(r.index);
                    Some(format!("${{{id}}}"))
                }
                Intrinsic::GetAtt(r, a) if r.app == app && r.stack == self.stack => {
                    let id = self.logical_id(*r)?;
                    self.refs.insert(r.index);
                    Some(format!("${{{id}.{a}}}"))
                }
                Intrinsic::Sub(inner, inner_vars) => {
                    let mut inner_kept = IndexMap::new();
                    let text = self.render(inner, inner_vars, &mut inner_kept);
                    inner_kept.is_empty().then_some(text)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Keeps `value` as a variable; renames it when `name` is also a logical
    /// id, parameter or pseudo parameter that inlined text may refer to, or
    /// is already kept for another value.
    fn keep(&self, name: &str, value: &Token, kept: &mut IndexMap<String, Token>) -> String {
        let this = &self.ctx.app.stacks[self.stack as usize];
        let ids = &self.ctx.ids[self.stack as usize];
        let taken = |n: &str, kept: &IndexMap<String, Token>| {
            ids.iter().any(|id| id == n)
                || this.parameters.iter().any(|p| p.name == n)
                || Pseudo::ALL.iter().any(|p| p.name() == n)
                || kept.get(n).is_some_and(|v| v != value)
        };
        let mut fresh = name.to_string();
        let mut n = 1;
        while taken(&fresh, kept) {
            fresh = format!("{name}Var{n}");
            n += 1;
        }
        kept.insert(fresh.clone(), value.clone());
        fresh
    }

    fn check_placeholders(&mut self, text: &str, vars: &IndexMap<String, Token>) {
        let this = &self.ctx.app.stacks[self.stack as usize];
        let ids = &self.ctx.ids[self.stack as usize];
        let mut missing = Vec::new();
        for piece in scan(text) {
            let Piece::Var(name) = piece else { continue };
            let base = name.split('.').next().unwrap_or(name);
            let known = vars.contains_key(name)
                || Pseudo::ALL.iter().any(|p| p.name() == name)
                || this.parameters.iter().any(|p| p.name == name)
                || ids.iter().any(|id| id == base);
            if !known {
                missing.push(name.to_string());
            }
        }
        for m in missing {
            self.dangling(&format!(
                "Fn::Sub placeholder ${{{m}}} names no variable, parameter, pseudo parameter or resource"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{scan, Piece};

    #[test]
    fn scanning_keeps_literals_and_splits_placeholders() {
        assert_eq!(
            scan("a${X}b${!Y}c${Z.Arn}"),
            [Piece::Text("a"), Piece::Var("X"), Piece::Text("b${!"), Piece::Text("Y}c"), Piece::Var("Z.Arn")]
        );
        assert_eq!(scan("${unterminated"), [Piece::Text("${unterminated")]);
    }
}
