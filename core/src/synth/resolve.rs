//! Token resolution: typed handles become logical ids, references across
//! stacks become `Fn::ImportValue` of an export the producer writes, and
//! every dangling reference is reported.

use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Map, Value as Json};

use crate::diag::{DiagKind, Diagnostic};
use crate::token::{Intrinsic, Pseudo, RefTarget, Token};
use crate::tree::{App, ResourceId};

/// An export a consumer stack asked a producer stack for.
#[derive(Clone, Debug)]
pub(crate) struct ExportRequest {
    pub(crate) output_id: String,
    pub(crate) export_name: String,
    pub(crate) value: Json,
}

/// What resolution needs from the whole app, and what it collects.
pub(crate) struct Ctx<'a> {
    pub(crate) app: &'a App,
    /// Logical ids per stack, per resource.
    pub(crate) ids: Vec<Vec<String>>,
    /// Exports per producer stack, keyed by (resource, attribute).
    pub(crate) exports: Vec<IndexMap<(ResourceId, Option<String>), ExportRequest>>,
    /// Stack dependencies: consumer -> producers.
    pub(crate) stack_deps: Vec<IndexSet<u32>>,
    pub(crate) diags: Vec<Diagnostic>,
}

/// Resolution of one stack's tokens, at one construct path.
pub(crate) struct Resolver<'c, 'a> {
    pub(crate) ctx: &'c mut Ctx<'a>,
    pub(crate) stack: u32,
    pub(crate) path: String,
    pub(crate) property: String,
    /// Same-stack resources referenced (for dependency cycles).
    pub(crate) refs: IndexSet<u32>,
}

impl Resolver<'_, '_> {
    fn dangling(&mut self, what: &str) {
        let mut d =
            Diagnostic::error_of(DiagKind::DanglingReference, self.path.clone(), format!("dangling reference: {what}"))
                .allowed("references to resources, parameters, conditions and mappings of this app");
        if !self.property.is_empty() {
            d = d.property(self.property.clone());
        }
        self.ctx.diags.push(d);
    }

    fn logical_id(&mut self, r: ResourceId) -> Option<String> {
        self.ctx.ids.get(r.stack as usize).and_then(|s| s.get(r.index as usize)).cloned()
    }

    fn resource_ref(&mut self, r: ResourceId, attr: Option<&str>) -> Json {
        let Some(id) = self.logical_id(r) else {
            self.dangling("a resource handle from another app");
            return json!({"Ref": "DanglingReference"});
        };
        if r.stack == self.stack {
            self.refs.insert(r.index);
            return match attr {
                None => json!({"Ref": id}),
                Some(a) => json!({"Fn::GetAtt": [id, a]}),
            };
        }
        // Across stacks: the producer exports, the consumer imports.
        let producer = &self.ctx.app.stacks[r.stack as usize];
        let suffix: String = attr.map(|a| a.chars().filter(char::is_ascii_alphanumeric).collect()).unwrap_or_default();
        let output_id = format!("Export{id}{suffix}");
        let export_name = format!("{}:{output_id}", producer.name);
        let value = match attr {
            None => json!({"Ref": id}),
            Some(a) => json!({"Fn::GetAtt": [id, a]}),
        };
        self.ctx.exports[r.stack as usize].entry((r, attr.map(str::to_string))).or_insert_with(|| ExportRequest {
            output_id,
            export_name: export_name.clone(),
            value,
        });
        self.ctx.stack_deps[self.stack as usize].insert(r.stack);
        json!({"Fn::ImportValue": export_name})
    }

    fn stack_item_name<'s>(
        &mut self,
        stack: u32,
        names: impl Fn(u32) -> Option<&'s str>,
        index: u32,
        kind: &str,
    ) -> String {
        if stack != self.stack {
            self.dangling(&format!("a {kind} of another stack (use an output and an import instead)"));
            return format!("Dangling{kind}");
        }
        if let Some(n) = names(index) {
            n.to_string()
        } else {
            self.dangling(&format!("a {kind} handle from another app"));
            format!("Dangling{kind}")
        }
    }

    /// Resolves a token to template JSON.
    pub(crate) fn resolve(&mut self, t: &Token) -> Json {
        match t {
            Token::Null => Json::Null,
            Token::Bool(b) => Json::Bool(*b),
            Token::Int(i) => json!(i),
            Token::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Token::Str(s) => Json::String(s.clone()),
            Token::List(items) => Json::Array(items.iter().map(|i| self.resolve(i)).collect()),
            Token::Map(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    out.insert(k.clone(), self.resolve(v));
                }
                Json::Object(out)
            }
            Token::Fn(f) => self.intrinsic(f),
        }
    }

    fn intrinsic(&mut self, f: &Intrinsic) -> Json {
        let app = self.ctx.app;
        let stack = self.stack;
        let this = &app.stacks[stack as usize];
        match f {
            Intrinsic::Ref(RefTarget::Resource(r)) => self.resource_ref(*r, None),
            Intrinsic::Ref(RefTarget::Parameter(p)) => {
                let name = self.stack_item_name(
                    p.stack,
                    |i| this.parameters.get(i as usize).map(|p| p.name.as_str()),
                    p.index,
                    "Parameter",
                );
                json!({"Ref": name})
            }
            Intrinsic::Ref(RefTarget::Pseudo(p)) => json!({"Ref": p.name()}),
            Intrinsic::GetAtt(r, a) => self.resource_ref(*r, Some(a)),
            Intrinsic::Sub(s, vars) => self.sub(s, vars),
            Intrinsic::Join(d, parts) => {
                let parts: Vec<Json> = parts.iter().map(|p| self.resolve(p)).collect();
                json!({"Fn::Join": [d, parts]})
            }
            Intrinsic::Select(i, l) => json!({"Fn::Select": [self.resolve(i), self.resolve(l)]}),
            Intrinsic::Split(d, s) => json!({"Fn::Split": [d, self.resolve(s)]}),
            Intrinsic::If(c, a, b) => {
                let name = self.condition_name(*c);
                json!({"Fn::If": [name, self.resolve(a), self.resolve(b)]})
            }
            Intrinsic::ImportValue(x) => json!({"Fn::ImportValue": self.resolve(x)}),
            Intrinsic::FindInMap(m, a, b) => {
                let name = self.stack_item_name(
                    m.stack,
                    |i| this.mappings.get(i as usize).map(|m| m.0.as_str()),
                    m.index,
                    "Mapping",
                );
                json!({"Fn::FindInMap": [name, self.resolve(a), self.resolve(b)]})
            }
            Intrinsic::Base64(x) => json!({"Fn::Base64": self.resolve(x)}),
            Intrinsic::GetAzs(x) => json!({"Fn::GetAZs": self.resolve(x)}),
            Intrinsic::Cidr(a, b, c) => {
                json!({"Fn::Cidr": [self.resolve(a), self.resolve(b), self.resolve(c)]})
            }
            Intrinsic::Equals(a, b) => json!({"Fn::Equals": [self.resolve(a), self.resolve(b)]}),
            Intrinsic::And(v) | Intrinsic::Or(v) => {
                if !(2..=10).contains(&v.len()) {
                    self.ctx.diags.push(
                        Diagnostic::error_of(
                            DiagKind::ItemCount,
                            self.path.clone(),
                            format!("{} takes 2 to 10 conditions", f.name()),
                        )
                        .value(v.len().to_string())
                        .allowed("2 to 10 conditions"),
                    );
                }
                let items: Vec<Json> = v.iter().map(|x| self.resolve(x)).collect();
                json!({ f.name(): items })
            }
            Intrinsic::Not(x) => json!({"Fn::Not": [self.resolve(x)]}),
            Intrinsic::Condition(c) => json!({"Condition": self.condition_name(*c)}),
        }
    }

    pub(crate) fn condition_name(&mut self, c: crate::tree::ConditionRef) -> String {
        let this = &self.ctx.app.stacks[self.stack as usize];
        self.stack_item_name(c.stack, |i| this.conditions.get(i as usize).map(|c| c.0.as_str()), c.index, "Condition")
    }

    /// `Fn::Sub`: variables that are plain references are inlined as
    /// `${LogicalId}` / `${LogicalId.Attr}`, literal strings and nested
    /// `Fn::Sub`s are spliced in; every placeholder is checked.
    fn sub(&mut self, template: &str, vars: &IndexMap<String, Token>) -> Json {
        let (text, rest) = self.inline_vars(template, vars);
        self.check_placeholders(&text, &rest);
        if rest.is_empty() {
            json!({ "Fn::Sub": text })
        } else {
            let mut m = Map::new();
            for (k, v) in rest {
                m.insert(k, self.resolve(v));
            }
            json!({"Fn::Sub": [text, m]})
        }
    }

    fn inline_vars<'t>(
        &mut self,
        template: &str,
        vars: &'t IndexMap<String, Token>,
    ) -> (String, IndexMap<String, &'t Token>) {
        let mut text = template.to_string();
        let mut rest: IndexMap<String, &Token> = IndexMap::new();
        for (name, value) in vars {
            let placeholder = format!("${{{name}}}");
            let inline = match value {
                Token::Str(s) => Some(s.replace("${", "${!")),
                Token::Fn(f) => match f.as_ref() {
                    Intrinsic::Ref(RefTarget::Pseudo(p)) => Some(format!("${{{}}}", p.name())),
                    Intrinsic::Ref(RefTarget::Parameter(p)) if p.stack == self.stack => {
                        let this = &self.ctx.app.stacks[self.stack as usize];
                        this.parameters.get(p.index as usize).map(|p| format!("${{{}}}", p.name))
                    }
                    Intrinsic::Ref(RefTarget::Resource(r)) if r.stack == self.stack => {
                        let id = self.logical_id(*r);
                        if id.is_some() {
                            self.refs.insert(r.index);
                        }
                        id.map(|id| format!("${{{id}}}"))
                    }
                    Intrinsic::GetAtt(r, a) if r.stack == self.stack => {
                        let id = self.logical_id(*r);
                        if id.is_some() {
                            self.refs.insert(r.index);
                        }
                        id.map(|id| format!("${{{id}.{a}}}"))
                    }
                    Intrinsic::Sub(inner, inner_vars) => {
                        let (inner_text, inner_rest) = self.inline_vars(inner, inner_vars);
                        inner_rest.is_empty().then_some(inner_text)
                    }
                    _ => None,
                },
                _ => None,
            };
            match inline {
                Some(t) => text = text.replace(&placeholder, &t),
                None => {
                    rest.insert(name.clone(), value);
                }
            }
        }
        (text, rest)
    }

    fn check_placeholders(&mut self, text: &str, vars: &IndexMap<String, &Token>) {
        let this = &self.ctx.app.stacks[self.stack as usize];
        let ids = &self.ctx.ids[self.stack as usize];
        let mut missing = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            rest = &after[end + 1..];
            if name.starts_with('!') {
                continue;
            }
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
