//! Synthesis: from the construct tree to CloudFormation templates.
//!
//! Takes an [`App`], gives one template per stack (and a cloud assembly on
//! disk, see [`Synthesized::write_assembly`]). It assigns logical ids,
//! validates every resource against its schema, merges tags, applies
//! overrides, resolves tokens (turning references across stacks into
//! exports and imports), checks dependency cycles and CloudFormation's
//! quotas, and returns every problem at once as a [`SynthError`].
//! Output is deterministic: the same app always gives the same bytes.

pub mod assembly;
pub mod logical_id;
mod props;
mod resolve;

use std::collections::HashMap;

use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Map, Value as Json};

use crate::diag::{Diagnostic, Severity, SynthError, Validator};
use crate::tree::{App, Stack};
use resolve::{Ctx, Resolver};

/// CloudFormation quotas checked at synthesis.
pub mod quotas {
    /// Resources per template.
    pub const RESOURCES: usize = 500;
    /// Parameters per template.
    pub const PARAMETERS: usize = 200;
    /// Outputs per template.
    pub const OUTPUTS: usize = 200;
    /// Mappings per template.
    pub const MAPPINGS: usize = 200;
    /// Template body size when uploaded through S3, in bytes.
    pub const BODY_BYTES: usize = 1_048_576;
    /// Template body size that can be passed inline, in bytes.
    pub const INLINE_BODY_BYTES: usize = 51_200;
}

/// One synthesized stack.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthesizedStack {
    /// The stack name.
    pub name: String,
    /// The region it was given, if any.
    pub region: Option<String>,
    /// The account it was given, if any.
    pub account: Option<String>,
    /// The template.
    pub template: Json,
    /// The template as written to disk (pretty JSON, trailing newline).
    pub json: String,
    /// Stacks this one imports from (they must deploy first).
    pub dependencies: Vec<String>,
    /// The construct tree of the stack, in `tree.json` form.
    pub tree: Json,
}

/// The result of a successful synthesis.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthesized {
    /// Every stack, in the order they were added.
    pub stacks: Vec<SynthesizedStack>,
    /// Warnings (deprecated runtimes, templates too large to pass inline...).
    pub warnings: Vec<Diagnostic>,
}

impl Synthesized {
    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&SynthesizedStack> {
        self.stacks.iter().find(|s| s.name == name)
    }
}

impl App {
    /// Synthesizes every stack. Fails with every error found.
    pub fn synth(&self) -> Result<Synthesized, SynthError> {
        let mut ctx = Ctx {
            app: self,
            ids: Vec::new(),
            exports: vec![IndexMap::new(); self.stacks.len()],
            stack_deps: vec![IndexSet::new(); self.stacks.len()],
            diags: Vec::new(),
        };
        ctx.diags.extend(self.diagnostics.iter().cloned());
        for s in &self.stacks {
            ctx.diags.extend(s.diagnostics.iter().cloned());
            crate::environment::check(s, &mut ctx.diags);
            let ids = assign_ids(s, &mut ctx.diags);
            ctx.ids.push(ids);
        }
        let mut partial = Vec::new();
        for s in &self.stacks {
            partial.push(synth_stack(s, &mut ctx));
        }
        let mut stacks = Vec::new();
        for (i, (s, mut parts)) in self.stacks.iter().zip(partial).enumerate() {
            for req in ctx.exports[i].values() {
                parts.outputs.insert(
                    req.output_id.clone(),
                    json!({
                        "Description": format!("Exported for stacks of this app that import it"),
                        "Value": req.value,
                        "Export": {"Name": req.export_name},
                    }),
                );
            }
            let template = parts.into_template(s);
            check_quotas(s, &template, &mut ctx.diags);
            let json = pretty_json(&template);
            if json.len() > quotas::BODY_BYTES {
                ctx.diags.push(
                    Diagnostic::error(s.name.clone(), "template body too large")
                        .value(format!("{} bytes", json.len()))
                        .allowed(format!("at most {} bytes", quotas::BODY_BYTES)),
                );
            } else if json.len() > quotas::INLINE_BODY_BYTES {
                // Deploy tools may send the template minified: only that size must fit inline.
                let minified = minified_len(&json);
                if minified > quotas::INLINE_BODY_BYTES {
                    ctx.diags.push(Diagnostic::warning(
                        s.name.clone(),
                        format!(
                            "template is {minified} bytes even minified, over the {} bytes CloudFormation accepts \
                             inline: deploy it through S3",
                            quotas::INLINE_BODY_BYTES
                        ),
                    ));
                }
            }
            let dependencies = ctx.stack_deps[i].iter().map(|&d| self.stacks[d as usize].name.clone()).collect();
            stacks.push(SynthesizedStack {
                name: s.name.clone(),
                region: s.region.clone(),
                account: s.account.clone(),
                template,
                json,
                dependencies,
                tree: assembly::tree_of(s, &ctx.ids[i]),
            });
        }
        check_stack_cycles(self, &ctx.stack_deps, &mut ctx.diags);
        let (errors, warnings): (Vec<_>, Vec<_>) = ctx.diags.into_iter().partition(|d| d.severity == Severity::Error);
        if errors.is_empty() {
            Ok(Synthesized { stacks, warnings })
        } else {
            Err(SynthError { diagnostics: errors })
        }
    }
}

/// A template as written to disk: pretty JSON (two-space indent) and a
/// trailing newline, serialized once straight into the string's buffer.
pub(crate) fn pretty_json(v: &Json) -> String {
    let mut buf = Vec::with_capacity(4096);
    // Serializing a `serde_json::Value` into a Vec cannot fail.
    let _ = serde_json::to_writer_pretty(&mut buf, v);
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}

/// The length `pretty` would have minified (`serde_json::to_string`),
/// counted from the pretty bytes instead of serializing again: every byte
/// inside a string counts; outside strings, the indentation, newlines and
/// the space after `:` do not.
fn minified_len(pretty: &str) -> usize {
    let (mut n, mut in_string, mut escaped) = (0, false, false);
    for &b in pretty.as_bytes() {
        if in_string {
            n += 1;
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\n') {
            n += 1;
            in_string = b == b'"';
        }
    }
    n
}

fn assign_ids(s: &Stack, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut ids = Vec::with_capacity(s.resources.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for p in &s.parameters {
        if logical_id::check(&p.name).is_err() {
            diags.push(
                Diagnostic::error(s.name.clone(), "invalid parameter name")
                    .property(format!("Parameters.{}", p.name))
                    .value(format!("{:?}", p.name))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
        if seen.insert(p.name.clone(), format!("parameter {}", p.name)).is_some() {
            diags.push(
                Diagnostic::error(s.name.clone(), "parameter declared twice")
                    .property(format!("Parameters.{}", p.name))
                    .allowed("unique parameter names"),
            );
        }
    }
    for e in &s.resources {
        let path = s.node_path(e.node);
        let id = e.logical_id.clone().unwrap_or_else(|| {
            let comps: Vec<&str> = path.split('/').skip(1).collect();
            logical_id::from_path(comps)
        });
        if let Err(allowed) = logical_id::check(&id) {
            diags.push(
                Diagnostic::error(path.clone(), "invalid logical id")
                    .value(format!("{id:?}"))
                    .allowed(format!("{allowed}; rename the construct or pin an id")),
            );
        }
        if let Some(other) = seen.insert(id.clone(), path.clone()) {
            diags.push(
                Diagnostic::error(path.clone(), format!("logical id {id} is already used by {other}"))
                    .value(id.clone())
                    .allowed("unique logical ids: rename a construct or pin an id"),
            );
        }
        ids.push(id);
    }
    ids
}

#[derive(Default)]
struct Parts {
    metadata: Option<Json>,
    rules: Option<Json>,
    parameters: Map<String, Json>,
    mappings: Map<String, Json>,
    conditions: Map<String, Json>,
    resources: Map<String, Json>,
    outputs: Map<String, Json>,
}

impl Parts {
    fn into_template(self, s: &Stack) -> Json {
        let mut t = Map::new();
        t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        if let Some(d) = &s.description {
            t.insert("Description".into(), json!(d));
        }
        if let Some(m) = self.metadata {
            t.insert("Metadata".into(), m);
        }
        let mut rules = self.rules;
        for (k, v) in [
            ("Parameters", self.parameters),
            ("Mappings", self.mappings),
            ("Conditions", self.conditions),
            ("Resources", self.resources),
            ("Outputs", self.outputs),
        ] {
            if !v.is_empty() || k == "Resources" {
                t.insert(k.into(), Json::Object(v));
            }
            if k == "Conditions" {
                if let Some(rules) = rules.take() {
                    t.insert("Rules".into(), rules);
                }
            }
        }
        Json::Object(t)
    }
}

fn synth_stack(s: &Stack, ctx: &mut Ctx<'_>) -> Parts {
    let mut parts = Parts::default();
    let sid = s.id;
    for (name, v) in &s.sections {
        let mut r = Resolver { ctx, stack: sid, path: s.name.clone(), property: name.clone(), refs: IndexSet::new() };
        let resolved = Some(r.resolve(v));
        if name == "Metadata" {
            parts.metadata = resolved;
        } else {
            parts.rules = resolved;
        }
    }
    for p in &s.parameters {
        parts.parameters.insert(p.name.clone(), parameter_json(s, p, &mut ctx.diags));
    }
    for (name, map) in &s.mappings {
        let mut r = Resolver {
            ctx,
            stack: sid,
            path: s.name.clone(),
            property: format!("Mappings.{name}"),
            refs: IndexSet::new(),
        };
        let mut m = Map::new();
        for (k, inner) in map {
            let mut im = Map::new();
            for (k2, v) in inner {
                im.insert(k2.clone(), r.resolve(v));
            }
            m.insert(k.clone(), Json::Object(im));
        }
        parts.mappings.insert(name.clone(), Json::Object(m));
    }
    for (name, cond) in &s.conditions {
        let mut r = Resolver {
            ctx,
            stack: sid,
            path: s.name.clone(),
            property: format!("Conditions.{name}"),
            refs: IndexSet::new(),
        };
        let v = r.resolve(cond.token());
        parts.conditions.insert(name.clone(), v);
    }
    let path_metadata = ctx.app.path_metadata();
    let mut edges: Vec<IndexSet<u32>> = Vec::with_capacity(s.resources.len());
    for (i, e) in s.resources.iter().enumerate() {
        let path = s.node_path(e.node);
        e.resource.validate(&mut Validator::new(&mut ctx.diags, path.clone()));
        let mut props = e.resource.properties();
        props::merge_tags(
            &mut props,
            e.resource.tag_format(),
            &s.inherited_tags(crate::tree::ResourceId { stack: sid, index: i as u32 }),
        );
        for (p, v) in &e.overrides {
            if let Err(msg) = props::apply_override(&mut props, p, v.as_ref()) {
                ctx.diags.push(
                    Diagnostic::error(path.clone(), format!("property override cannot be applied: {msg}"))
                        .property(p.clone())
                        .allowed("a dotted path through objects and existing list items"),
                );
            }
        }
        let mut r = Resolver { ctx, stack: sid, path: path.clone(), property: String::new(), refs: IndexSet::new() };
        let mut resolved = Map::new();
        for (k, v) in &props {
            r.property.clone_from(k);
            resolved.insert(k.clone(), r.resolve(v));
        }
        let mut res = Map::new();
        res.insert("Type".into(), json!(e.resource.cfn_type()));
        if let Some(c) = e.condition {
            r.property = "Condition".into();
            let name = r.condition_name(c);
            res.insert("Condition".into(), json!(name));
        }
        let mut refs = std::mem::take(&mut r.refs);
        if !resolved.is_empty() {
            res.insert("Properties".into(), Json::Object(resolved));
        }
        if !e.depends_on.is_empty() {
            let ids: Vec<Json> = e
                .depends_on
                .iter()
                .map(|d| {
                    refs.insert(d.index);
                    json!(ctx.ids[sid as usize][d.index as usize])
                })
                .collect();
            res.insert("DependsOn".into(), Json::Array(ids));
        }
        if let Some(p) = e.removal {
            res.insert("DeletionPolicy".into(), json!(p.deletion_policy()));
            res.insert("UpdateReplacePolicy".into(), json!(p.update_replace_policy()));
        }
        let mut metadata: Map<String, Json> = e.metadata.clone().into_iter().collect();
        if path_metadata {
            metadata.insert("aws:cdk:path".into(), json!(path));
        }
        if !metadata.is_empty() {
            res.insert("Metadata".into(), Json::Object(metadata));
        }
        let mut r = Resolver { ctx, stack: sid, path: path.clone(), property: String::new(), refs: IndexSet::new() };
        for (k, v) in &e.attributes {
            r.property.clone_from(k);
            res.insert(k.clone(), r.resolve(v));
        }
        refs.extend(std::mem::take(&mut r.refs));
        edges.push(refs);
        parts.resources.insert(ctx.ids[sid as usize][i].clone(), Json::Object(res));
    }
    check_cycles(s, &ctx.ids[sid as usize], &edges, &mut ctx.diags);
    for o in &s.outputs {
        if logical_id::check(&o.id).is_err() {
            ctx.diags.push(
                Diagnostic::error(s.name.clone(), "invalid output id")
                    .property(format!("Outputs.{}", o.id))
                    .value(format!("{:?}", o.id))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
        if parts.outputs.contains_key(&o.id) {
            ctx.diags.push(
                Diagnostic::error(s.name.clone(), "output declared twice")
                    .property(format!("Outputs.{}", o.id))
                    .allowed("unique output ids"),
            );
        }
        let mut r = Resolver {
            ctx,
            stack: sid,
            path: s.name.clone(),
            property: format!("Outputs.{}", o.id),
            refs: IndexSet::new(),
        };
        let mut m = Map::new();
        if let Some(d) = &o.description {
            m.insert("Description".into(), json!(d));
        }
        m.insert("Value".into(), r.resolve(&o.value));
        if let Some(e) = &o.export_name {
            m.insert("Export".into(), json!({"Name": r.resolve(e)}));
        }
        if let Some(c) = o.condition {
            m.insert("Condition".into(), json!(r.condition_name(c)));
        }
        parts.outputs.insert(o.id.clone(), Json::Object(m));
    }
    parts
}

fn parameter_json(s: &Stack, p: &crate::template::Parameter, diags: &mut Vec<Diagnostic>) -> Json {
    let mut m = Map::new();
    m.insert("Type".into(), json!(p.param_type.name()));
    if let Some(d) = &p.description {
        m.insert("Description".into(), json!(d));
    }
    if let Some(d) = &p.default {
        m.insert("Default".into(), json!(d));
    }
    if let Some(pat) = &p.allowed_pattern {
        m.insert("AllowedPattern".into(), json!(pat));
        match regex::Regex::new(&format!("^(?:{pat})$")) {
            Ok(re) => {
                if let Some(d) = &p.default {
                    if !re.is_match(d) {
                        diags.push(
                            Diagnostic::error(s.name.clone(), "parameter default does not match its AllowedPattern")
                                .property(format!("Parameters.{}.Default", p.name))
                                .value(format!("{d:?}"))
                                .allowed(format!("/{pat}/")),
                        );
                    }
                }
            }
            Err(_) => diags.push(
                Diagnostic::error(s.name.clone(), "AllowedPattern is not a valid regular expression")
                    .property(format!("Parameters.{}.AllowedPattern", p.name))
                    .value(format!("{pat:?}"))
                    .allowed("a regular expression"),
            ),
        }
    }
    if !p.allowed_values.is_empty() {
        m.insert("AllowedValues".into(), json!(p.allowed_values));
        if let Some(d) = &p.default {
            if !p.allowed_values.contains(d) {
                diags.push(
                    Diagnostic::error(s.name.clone(), "parameter default is not one of its AllowedValues")
                        .property(format!("Parameters.{}.Default", p.name))
                        .value(format!("{d:?}"))
                        .allowed(p.allowed_values.join(", ")),
                );
            }
        }
    }
    if let Some(c) = &p.constraint_description {
        m.insert("ConstraintDescription".into(), json!(c));
    }
    for (k, v) in [("MinLength", p.min_length), ("MaxLength", p.max_length)] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    if let (Some(d), Some(max)) = (&p.default, p.max_length) {
        if d.chars().count() > max as usize {
            diags.push(
                Diagnostic::error(s.name.clone(), "parameter default is longer than MaxLength")
                    .property(format!("Parameters.{}.Default", p.name))
                    .value(format!("{d:?}"))
                    .allowed(format!("at most {max} characters")),
            );
        }
    }
    for (k, v) in [("MinValue", p.min_value), ("MaxValue", p.max_value)] {
        if let Some(v) = v {
            m.insert(k.into(), crate::token::ToToken::to_token(&v).into_json_literal());
        }
    }
    if p.no_echo {
        m.insert("NoEcho".into(), json!(true));
    }
    Json::Object(m)
}

impl crate::token::Token {
    /// Literal tokens as JSON (intrinsics become `null`; used for numbers only).
    fn into_json_literal(self) -> Json {
        match self {
            crate::token::Token::Int(i) => json!(i),
            crate::token::Token::Float(f) => json!(f),
            _ => Json::Null,
        }
    }
}

/// Every cycle of a directed graph (nodes `0..edges.len()`), each once,
/// rotated to start at its smallest node.
fn find_cycles(edges: &[IndexSet<u32>]) -> Vec<Vec<u32>> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; edges.len()];
    let mut found: IndexSet<Vec<u32>> = IndexSet::new();
    for start in 0..edges.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(u32, usize)> = vec![(start as u32, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let targets = &edges[node as usize];
            if *next < targets.len() {
                let t = targets[*next];
                *next += 1;
                match state.get(t as usize) {
                    Some(0) => {
                        state[t as usize] = 1;
                        stack.push((t, 0));
                    }
                    Some(1) => {
                        let pos = stack.iter().position(|(n, _)| *n == t).unwrap_or(0);
                        let mut cycle: Vec<u32> = stack[pos..].iter().map(|(n, _)| *n).collect();
                        let min = cycle.iter().enumerate().min_by_key(|(_, n)| **n).map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        found.insert(cycle);
                    }
                    _ => {}
                }
            } else {
                state[node as usize] = 2;
                stack.pop();
            }
        }
    }
    found.into_iter().collect()
}

/// `a -> b -> a` for a cycle, by name.
fn render_cycle(cycle: &[u32], name: impl Fn(u32) -> String) -> String {
    let mut names: Vec<String> = cycle.iter().map(|&n| name(n)).collect();
    names.push(name(cycle[0]));
    names.join(" -> ")
}

fn check_cycles(s: &Stack, ids: &[String], edges: &[IndexSet<u32>], diags: &mut Vec<Diagnostic>) {
    for cycle in find_cycles(edges) {
        let first = &s.resources[cycle[0] as usize];
        diags.push(
            Diagnostic::error(s.node_path(first.node), "dependency cycle")
                .property("DependsOn")
                .value(render_cycle(&cycle, |n| ids[n as usize].clone()))
                .allowed("an acyclic graph of references and DependsOn"),
        );
    }
}

fn check_quotas(s: &Stack, template: &Json, diags: &mut Vec<Diagnostic>) {
    let count = |k: &str| template.get(k).and_then(Json::as_object).map_or(0, Map::len);
    for (section, limit) in [
        ("Resources", quotas::RESOURCES),
        ("Parameters", quotas::PARAMETERS),
        ("Outputs", quotas::OUTPUTS),
        ("Mappings", quotas::MAPPINGS),
    ] {
        let n = count(section);
        if n > limit {
            diags.push(
                Diagnostic::error(s.name.clone(), format!("too many {}", section.to_lowercase()))
                    .property(section)
                    .value(n.to_string())
                    .allowed(format!("at most {limit} per template; split the stack")),
            );
        }
    }
}

fn check_stack_cycles(app: &App, deps: &[IndexSet<u32>], diags: &mut Vec<Diagnostic>) {
    for cycle in find_cycles(deps) {
        let first = &app.stacks[cycle[0] as usize].name;
        diags.push(
            Diagnostic::error(first.clone(), "stacks import from each other")
                .value(render_cycle(&cycle, |n| app.stacks[n as usize].name.clone()))
                .allowed("references in one direction between stacks (no cycle)"),
        );
    }
}

#[cfg(test)]
mod tests;
