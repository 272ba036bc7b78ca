//! Token resolution: typed handles become logical ids, references across
//! stacks become `Fn::ImportValue` of an export the producer writes, and
//! every dangling reference is reported.

use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Map, Value as Json};

use crate::diag::{DiagKind, Diagnostic};
use crate::token::{Intrinsic, RefTarget, Token};
use crate::tree::{App, ResourceId};

/// An export a consumer stack asked a producer stack for.
#[derive(Clone, Debug)]
pub(crate) struct ExportRequest {
    pub(crate) output_id: String,
    /// The name as the producer writes it (a string, or an `Fn::Sub` with
    /// the producer's environment-suffix parameter).
    pub(crate) export_name: Json,
    pub(crate) value: Json,
    /// The construct path of the exported resource (for messages).
    pub(crate) path: String,
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
    pub(super) fn dangling(&mut self, what: &str) {
        let mut d =
            Diagnostic::error_of(DiagKind::DanglingReference, self.path.clone(), format!("dangling reference: {what}"))
                .allowed("references to resources, parameters, conditions and mappings of this app");
        if !self.property.is_empty() {
            d = d.property(self.property.clone());
        }
        self.ctx.diags.push(d);
    }

    pub(super) fn logical_id(&mut self, r: ResourceId) -> Option<String> {
        self.ctx.ids.get(r.stack as usize).and_then(|s| s.get(r.index as usize)).cloned()
    }

    fn foreign_app(&mut self, what: String) {
        let mut d = Diagnostic::error_of(
            DiagKind::ForeignApp,
            self.path.clone(),
            format!("{what} belongs to another App: a handle is valid only in the app that created it"),
        )
        .allowed("handles of this app; build both stacks in one App, or pass the value as a stack parameter");
        if !self.property.is_empty() {
            d = d.property(self.property.clone());
        }
        self.ctx.diags.push(d);
    }

    fn resource_ref(&mut self, r: ResourceId, attr: Option<&str>) -> Json {
        if r.app != self.ctx.app.id {
            let other = crate::registry::path_in_app(r.app, (r.stack, r.index))
                .map_or_else(|| "a resource".to_string(), |p| format!("the resource at {p}"));
            self.foreign_app(other);
            return json!({"Ref": "ForeignAppReference"});
        }
        let Some(id) = self.logical_id(r) else {
            self.dangling("a resource handle that names no resource of this app");
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
        let app = self.ctx.app;
        let producer = &app.stacks[r.stack as usize];
        let consumer = &app.stacks[self.stack as usize];
        let producer_path = producer.path_of(r).unwrap_or_default();
        if producer.region != consumer.region {
            let region = |s: &crate::tree::Stack| s.region.clone().unwrap_or_else(|| "no region".into());
            let mut d = Diagnostic::error_of(
                DiagKind::CrossRegion,
                self.path.clone(),
                format!(
                    "references {producer_path} of stack {} ({}) from stack {} ({}): exports are regional, so \
                     the import could never resolve",
                    producer.name,
                    region(producer),
                    consumer.name,
                    region(consumer)
                ),
            )
            .value(format!("{} -> {}", region(producer), region(consumer)))
            .allowed(
                "references between stacks of the same region; across regions pass the value explicitly (a stack \
                     parameter, or an SSM parameter written in the consumer's region)",
            );
            if !self.property.is_empty() {
                d = d.property(self.property.clone());
            }
            self.ctx.diags.push(d);
        }
        let key = (r, attr.map(str::to_string));
        if !self.ctx.exports[r.stack as usize].contains_key(&key) {
            let req = super::exports::request(producer, r, &id, attr, producer_path);
            self.ctx.exports[r.stack as usize].insert(key.clone(), req);
        }
        let name = self.ctx.exports[r.stack as usize][&key].export_name.clone();
        let import = self.import_name(producer, &name);
        self.ctx.stack_deps[self.stack as usize].insert(r.stack);
        json!({ "Fn::ImportValue": import })
    }

    /// The export name as the consumer writes it: a producer's suffixed name
    /// `Fn::Sub`s the consumer's parameter of the same name, which must exist.
    fn import_name(&mut self, producer: &crate::tree::Stack, name: &Json) -> Json {
        let Some(param) = producer.suffix.map(crate::conventions::Suffix::parameter) else { return name.clone() };
        let pname = producer.parameters.get(param.index as usize).map(|p| p.name.clone()).unwrap_or_default();
        let consumer = &self.ctx.app.stacks[self.stack as usize];
        if !consumer.parameters.iter().any(|p| p.name == pname) {
            let mut d = Diagnostic::error_of(
                DiagKind::Wiring,
                self.path.clone(),
                format!(
                    "imports from stack {}, whose exports carry its {pname} parameter, but this stack has no \
                     {pname} parameter to name the same environment's export",
                    producer.name
                ),
            )
            .allowed(format!(
                "give this stack the same conventions as {} (stack.conventions(..) or stack.suffix())",
                producer.name
            ));
            if !self.property.is_empty() {
                d = d.property(self.property.clone());
            }
            self.ctx.diags.push(d);
        }
        name.clone()
    }

    fn stack_item_name<'s>(
        &mut self,
        stack: u32,
        names: impl Fn(u32) -> Option<&'s str>,
        index: u32,
        kind: &str,
        app: u32,
    ) -> String {
        if app != self.ctx.app.id {
            self.foreign_app(format!("a {kind}"));
            return format!("ForeignApp{kind}");
        }
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
                    p.app,
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
                    m.app,
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
        self.stack_item_name(
            c.stack,
            |i| this.conditions.get(i as usize).map(|c| c.0.as_str()),
            c.index,
            "Condition",
            c.app,
        )
    }
}
