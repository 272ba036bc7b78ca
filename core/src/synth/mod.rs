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
mod cycles;
pub mod embrace;
mod exports;
mod java_regex;
pub mod logical_id;
mod props;
mod resolve;
mod sub;
mod typed;

use std::collections::HashMap;

use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Map, Value as Json};

use crate::diag::{DiagKind, Diagnostic, Severity, SynthError};
use crate::token::Token;
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
    /// The file assets the template refers to (written into the assembly).
    pub assets: Vec<crate::asset::FileAsset>,
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
        self.synth_stacks(None)
    }

    /// Synthesizes the stacks named in `names` and every stack they depend
    /// on (transitively), in app order; names that match no stack are
    /// ignored. References are resolved across the whole app (a producer's
    /// exports serve every consumer), so each template is byte-identical to
    /// the same stack's in [`App::synth`], and the wiring checks (logical
    /// ids, references, stack cycles) still cover every stack. The
    /// per-stack work (typed validation, quotas and limits, serialization,
    /// `tree.json`) is done for the stacks returned only.
    pub fn synth_only(&self, names: &[&str]) -> Result<Synthesized, SynthError> {
        self.synth_stacks(Some(names))
    }

    fn synth_stacks(&self, names: Option<&[&str]>) -> Result<Synthesized, SynthError> {
        let asked: Vec<bool> = self.stacks.iter().map(|s| names.is_none_or(|n| n.contains(&s.name.as_str()))).collect();
        let mut ctx = Ctx {
            app: self,
            ids: Vec::new(),
            exports: vec![IndexMap::new(); self.stacks.len()],
            stack_deps: vec![IndexSet::new(); self.stacks.len()],
            diags: Vec::new(),
        };
        ctx.diags.extend(self.diagnostics.iter().cloned());
        let mut shallow_trees = Vec::with_capacity(self.stacks.len());
        for (i, s) in self.stacks.iter().enumerate() {
            ctx.stack_deps[i].extend(s.deploys_after.iter().copied());
            ctx.diags.extend(s.diagnostics.iter().cloned());
            shallow_trees.push(crate::limits::scopes::check(s, &mut ctx.diags));
            crate::environment::check(s, &mut ctx.diags);
            let ids = assign_ids(s, &mut ctx.diags);
            ctx.ids.push(ids);
        }
        let mut partial = Vec::new();
        for (i, s) in self.stacks.iter().enumerate() {
            partial.push(synth_stack(s, asked[i], &mut ctx));
        }
        let kept = with_dependencies(asked.clone(), &ctx.stack_deps);
        let mut stacks = Vec::new();
        for (i, (s, mut parts)) in self.stacks.iter().zip(partial).enumerate() {
            if !kept[i] {
                continue;
            }
            if !asked[i] {
                // A dependency found while resolving: its typed checks run now.
                typed::check_stack(s, &parts.infos, &mut ctx.diags);
            }
            exports::add_outputs(s, &mut parts.outputs, ctx.exports[i].values(), &mut ctx.diags);
            let (template, infos) = parts.into_template(s);
            check_quotas(s, &template, &mut ctx.diags);
            crate::limits::check_stack(s, &template, &infos, &mut ctx.diags);
            let json = pretty_json(&template);
            if json.len() > quotas::BODY_BYTES {
                ctx.diags.push(
                    Diagnostic::error_of(DiagKind::Quota, s.name.clone(), "template body too large")
                        .value(format!("{} bytes", json.len()))
                        .allowed(format!("at most {} bytes", quotas::BODY_BYTES)),
                );
            } else if json.len() > quotas::INLINE_BODY_BYTES {
                // Deploy tools may send the template minified: only that size must fit inline.
                let minified = minified_len(&json);
                if minified > quotas::INLINE_BODY_BYTES {
                    ctx.diags.push(Diagnostic::warning_of(
                        DiagKind::Quota,
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
                assets: s.assets.clone(),
                template,
                json,
                dependencies,
                // tree.json is built recursively: not for a tree too deep (synthesis fails anyway).
                tree: if shallow_trees[i] { assembly::tree_of(s, &ctx.ids[i]) } else { Json::Null },
            });
        }
        cycles::check_stack_cycles(self, &ctx.stack_deps, &mut ctx.diags);
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
                Diagnostic::error_of(DiagKind::InvalidId, s.name.clone(), "invalid parameter name")
                    .property(format!("Parameters.{}", p.name))
                    .value(format!("{:?}", p.name))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
        if seen.insert(p.name.clone(), format!("parameter {}", p.name)).is_some() {
            diags.push(
                Diagnostic::error_of(DiagKind::DuplicateId, s.name.clone(), "parameter declared twice")
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
        if id.is_empty() && e.logical_id.is_none() {
            diags.push(
                Diagnostic::error_of(
                    DiagKind::InvalidId,
                    path.clone(),
                    "no logical id can be derived from the construct path",
                )
                .value(format!("{path:?}"))
                .allowed(
                    "Resource and Default name a construct's primary resource and are dropped from logical ids: \
                         give a top-level construct another id, or pin a logical id",
                ),
            );
        } else if let Err(allowed) = logical_id::check(&id) {
            diags.push(
                Diagnostic::error_of(DiagKind::InvalidId, path.clone(), "invalid logical id")
                    .value(format!("{id:?}"))
                    .allowed(format!("{allowed}; rename the construct or pin an id")),
            );
        }
        if let Some(other) = seen.insert(id.clone(), path.clone()) {
            diags.push(
                Diagnostic::error_of(
                    DiagKind::DuplicateId,
                    path.clone(),
                    format!("logical id {id} is already used by {other}"),
                )
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
    /// What the limit checks need about each resource.
    infos: Vec<crate::limits::ResourceInfo>,
}

impl Parts {
    fn into_template(self, s: &Stack) -> (Json, Vec<crate::limits::ResourceInfo>) {
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
        (Json::Object(t), self.infos)
    }
}

/// `asked`, plus every stack an asked stack depends on (transitively).
fn with_dependencies(mut keep: Vec<bool>, deps: &[IndexSet<u32>]) -> Vec<bool> {
    let mut todo: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
    while let Some(i) = todo.pop() {
        for &d in &deps[i] {
            if !std::mem::replace(&mut keep[d as usize], true) {
                todo.push(d as usize);
            }
        }
    }
    keep
}

/// Resolves one stack into its parts; `typed` runs the resources' typed
/// checks (skipped for a stack that is not written).
fn synth_stack(s: &Stack, typed: bool, ctx: &mut Ctx<'_>) -> Parts {
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
                let ok = shallow(v, &s.name, &format!("Mappings.{name}.{k}.{k2}"), &mut r.ctx.diags);
                im.insert(k2.clone(), if ok { r.resolve(v) } else { Json::Null });
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
        let ok = shallow(cond.token(), &s.name, &format!("Conditions.{name}"), &mut r.ctx.diags);
        let v = if ok { r.resolve(cond.token()) } else { Json::Null };
        parts.conditions.insert(name.clone(), v);
    }
    let path_metadata = ctx.app.path_metadata();
    let mut edges: Vec<IndexSet<u32>> = Vec::with_capacity(s.resources.len());
    let mut explicit: Vec<IndexSet<u32>> = Vec::with_capacity(s.resources.len());
    let sfx = s.suffix.map(crate::conventions::Suffix::parameter);
    for (i, e) in s.resources.iter().enumerate() {
        let path = s.node_path(e.node);
        // Deep or non-finite values of a generic resource are found before
        // they are cloned (cloning recurses).
        let generic = e.resource.as_any().downcast_ref::<crate::resource::CfnResource>();
        let mut too_deep: IndexSet<String> = IndexSet::new();
        if let Some(g) = generic {
            for (k, v) in &g.properties {
                if crate::limits::tokens::check(v, &path, k, sfx, &mut ctx.diags).too_deep {
                    too_deep.insert(k.clone());
                }
            }
        }
        let mut props = if too_deep.is_empty() {
            e.resource.properties()
        } else {
            generic
                .map(|g| {
                    g.properties
                        .iter()
                        .filter(|(k, _)| !too_deep.contains(*k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        // The template as it will be written: tags merged, overrides applied.
        props::merge_tags(
            &mut props,
            e.resource.tag_format(),
            &s.inherited_tags(crate::tree::ResourceId { app: s.app, stack: sid, index: i as u32 }),
        );
        let mut applied: Vec<(String, bool)> = Vec::new();
        for (p, v) in &e.overrides {
            let deep =
                v.as_ref().is_some_and(|v| crate::limits::tokens::check(v, &path, p, None, &mut Vec::new()).too_deep);
            if deep {
                ctx.diags.push(
                    Diagnostic::error_of(
                        DiagKind::Override,
                        path.clone(),
                        format!("override_property({p:?}) value nested too deep"),
                    )
                    .property(p.clone())
                    .allowed(format!("at most {} levels", crate::limits::tokens::MAX_DEPTH)),
                );
                continue;
            }
            let under = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}."));
            if let Some((g, setter)) = e.guarded.iter().find(|(g, _)| under(p, g) || under(g, p)) {
                let call = if v.is_some() { "override_property" } else { "delete_property" };
                ctx.diags.push(
                    Diagnostic::error_of(
                        DiagKind::Override,
                        path.clone(),
                        format!(
                            "{call}({p:?}) changes {g}, which other constructs rely on (grants, event sources \
                             and checks are written from the value the construct was given)"
                        ),
                    )
                    .property(p.clone())
                    .allowed(format!("set it with {setter}")),
                );
                continue;
            }
            match props::apply_override(&mut props, p, v.as_ref()) {
                Ok(()) => applied.push((p.clone(), v.is_none())),
                Err(msg) => ctx.diags.push(
                    Diagnostic::error_of(
                        DiagKind::Override,
                        path.clone(),
                        format!("property override cannot be applied: {msg}"),
                    )
                    .property(p.clone())
                    .allowed("a dotted path through objects and existing list items"),
                ),
            }
        }
        for (p, item) in s.registry.borrow().appends_to((sid, i as u32)) {
            if let Err(msg) = props::apply_append(&mut props, &p, &item) {
                ctx.diags.push(
                    Diagnostic::error_of(DiagKind::Wiring, path.clone(), format!("cannot add to {p}: {msg}"))
                        .property(p.clone())
                        .allowed("a list property the construct writes (a policy's Statement list)"),
                );
            }
        }
        // Typed checks see the values as the construct built them; those an
        // override replaced are checked as written, by the limits module.
        if typed {
            typed::check(e, &path, &applied, &mut ctx.diags);
        }
        for (k, v) in &mut props {
            if generic.is_none() && crate::limits::tokens::check(v, &path, k, sfx, &mut ctx.diags).too_deep {
                crate::limits::tokens::dispose(std::mem::replace(v, Token::Null));
            }
        }
        parts.infos.push(crate::limits::ResourceInfo {
            logical_id: ctx.ids[sid as usize][i].clone(),
            path: path.clone(),
            overrides: applied,
            generic: generic.is_some(),
        });
        let mut r = Resolver { ctx, stack: sid, path: path.clone(), property: String::new(), refs: IndexSet::new() };
        let mut resolved = Map::with_capacity(props.len());
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
        let mut deps = IndexSet::new();
        if !e.depends_on.is_empty() {
            let ids: Vec<Json> = e
                .depends_on
                .iter()
                .map(|d| {
                    refs.insert(d.index);
                    deps.insert(d.index);
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
        explicit.push(deps);
        parts.resources.insert(ctx.ids[sid as usize][i].clone(), Json::Object(res));
    }
    cycles::check_cycles(s, &ctx.ids[sid as usize], &edges, &explicit, &mut ctx.diags);
    for o in &s.outputs {
        if logical_id::check(&o.id).is_err() {
            ctx.diags.push(
                Diagnostic::error_of(DiagKind::InvalidId, s.name.clone(), "invalid output id")
                    .property(format!("Outputs.{}", o.id))
                    .value(format!("{:?}", o.id))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
        if parts.outputs.contains_key(&o.id) {
            ctx.diags.push(
                Diagnostic::error_of(DiagKind::DuplicateId, s.name.clone(), "output declared twice")
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
        let ok = shallow(&o.value, &s.name, &format!("Outputs.{}.Value", o.id), &mut r.ctx.diags);
        m.insert("Value".into(), if ok { r.resolve(&o.value) } else { Json::Null });
        if let Some(e) = &o.export_name {
            let ok = shallow(e, &s.name, &format!("Outputs.{}.Export.Name", o.id), &mut r.ctx.diags);
            m.insert("Export".into(), json!({"Name": if ok { r.resolve(e) } else { Json::Null }}));
        }
        if let Some(c) = o.condition {
            m.insert("Condition".into(), json!(r.condition_name(c)));
        }
        parts.outputs.insert(o.id.clone(), Json::Object(m));
    }
    parts
}

/// Reports deep and non-finite values of `t`; false when it is too deep to resolve.
fn shallow(t: &Token, path: &str, property: &str, diags: &mut Vec<Diagnostic>) -> bool {
    !crate::limits::tokens::check(t, path, property, None, diags).too_deep
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
        match java_regex::compile(pat) {
            Ok(re) => {
                if let Some(d) = &p.default {
                    // A match that exhausts the backtracking limit is not reported as a mismatch.
                    if matches!(re.is_match(d), Ok(false)) {
                        diags.push(
                            Diagnostic::error_of(
                                DiagKind::ParameterDefault,
                                s.name.clone(),
                                "parameter default does not match its AllowedPattern",
                            )
                            .property(format!("Parameters.{}.Default", p.name))
                            .value(format!("{d:?}"))
                            .allowed(format!("/{pat}/")),
                        );
                    }
                }
            }
            Err(_) => diags.push(
                Diagnostic::error_of(
                    DiagKind::Pattern,
                    s.name.clone(),
                    "AllowedPattern is not a valid regular expression",
                )
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
                    Diagnostic::error_of(
                        DiagKind::ParameterDefault,
                        s.name.clone(),
                        "parameter default is not one of its AllowedValues",
                    )
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
                Diagnostic::error_of(
                    DiagKind::ParameterDefault,
                    s.name.clone(),
                    "parameter default is longer than MaxLength",
                )
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
                Diagnostic::error_of(DiagKind::Quota, s.name.clone(), format!("too many {}", section.to_lowercase()))
                    .property(section)
                    .value(n.to_string())
                    .allowed(format!("at most {limit} per template; split the stack")),
            );
        }
    }
}

#[cfg(test)]
mod tests;
