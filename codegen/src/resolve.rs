//! One resource schema to IR: property types resolved through `$ref`s and
//! combinators, constraints collected, inline objects and definitions
//! turned into local structs, read-only properties turned into attributes.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::model::{Attr, AttrKind, Checks, Field, LocalStruct, ResourceIr, Rule, Stats, TagKind, Ty};
use crate::naming::{pascal, singular};
use crate::Error;

type Obj = Map<String, Value>;

/// The order of `new(..)` arguments.
#[allow(dead_code, reason = "the alternative order is kept selectable")]
enum ArgumentOrder {
    /// The schema's `properties` order (alphabetical in the vendored
    /// schemas): predictable, and the same for every version of a type.
    Properties,
    /// The schema's `required` list order: arbitrary upstream (`Tag`
    /// requires `["Value", "Key"]` in some schemas, `ProvisionedThroughput`
    /// `["WriteCapacityUnits", "ReadCapacityUnits"]`), so same-typed
    /// arguments would swap silently.
    Required,
}

/// See [`ArgumentOrder`].
const ARGUMENT_ORDER: ArgumentOrder = ArgumentOrder::Properties;

/// Keywords that only annotate (no effect on the Rust type).
const ANNOTATIONS: &[&str] = &["format", "relationshipRef", "description", "$comment", "examples"];

/// How a definition is used.
#[derive(Clone, Debug)]
enum DefKind {
    /// An object with properties: a struct.
    Struct(usize),
    /// An array of inline objects: a list of that struct, with the array's checks.
    ListOf(usize, Checks),
    /// Anything else: its keywords are merged into the use site.
    Alias,
    /// A definition reached again while its own struct is being built
    /// (WAFv2 `Statement` -> `AndStatement` -> `Statements` -> `Statement`):
    /// typed `Token` at that use, so structs stay finite and acyclic.
    Recursive,
}

/// Names for a struct made from an inline object.
#[derive(Clone, Debug)]
struct Names {
    preferred: String,
    qualified: String,
}

impl Names {
    fn field(parent: &str, prop: &str) -> Names {
        let p = pascal(prop);
        Names { qualified: format!("{parent}{p}"), preferred: p }
    }

    fn item(&self) -> Names {
        Names { preferred: singular(&self.preferred), qualified: singular(&self.qualified) }
    }
}

struct Resolver<'a> {
    type_name: &'a str,
    defs: Obj,
    locals: Vec<LocalStruct>,
    memo: HashMap<String, DefKind>,
    /// Definitions whose struct is being built (for [`DefKind::Recursive`]).
    building: BTreeSet<String>,
    stats: &'a mut Stats,
}

/// A resolved property: its type, checks and description.
struct Resolved {
    ty: Ty,
    checks: Checks,
    doc: Option<String>,
}

impl Resolved {
    fn json(doc: Option<String>) -> Self {
        Resolved { ty: Ty::Json, checks: Checks::default(), doc }
    }
}

fn desc(s: &Obj) -> Option<String> {
    s.get("description").and_then(Value::as_str).map(str::trim).filter(|d| !d.is_empty()).map(str::to_string)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn type_list(s: &Obj) -> Vec<String> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(a)) => {
            let mut v: Vec<String> = a.iter().filter_map(Value::as_str).map(str::to_string).collect();
            v.dedup();
            v
        }
        _ => Vec::new(),
    }
}

fn only_keys(s: &Obj, allowed: &[&str]) -> bool {
    s.keys().all(|k| allowed.contains(&k.as_str()))
}

/// Branches of `oneOf`/`anyOf` that are all objects with properties: a
/// union, generated as one struct with every branch's properties.
fn union_branches(s: &Obj) -> Option<Vec<&Obj>> {
    let branches = s.get("oneOf").or_else(|| s.get("anyOf"))?.as_array()?;
    let objs: Vec<&Obj> = branches.iter().filter_map(Value::as_object).collect();
    let ok = !objs.is_empty()
        && objs.len() == branches.len()
        && objs.iter().all(|b| {
            b.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
                && type_list(b).iter().all(|t| t == "object")
        });
    ok.then_some(objs)
}

fn is_struct_like(s: &Obj) -> bool {
    let types = type_list(s);
    let objectish = types.is_empty() || types == ["object"];
    let has_props = s.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    objectish && (has_props || union_branches(s).is_some())
}

fn u64_of(s: &Obj, k: &str) -> Option<u64> {
    s.get(k).and_then(Value::as_u64)
}

fn f64_of(s: &Obj, k: &str) -> Option<f64> {
    s.get(k).and_then(Value::as_f64)
}

fn list_checks(s: &Obj) -> Checks {
    Checks { min_items: u64_of(s, "minItems"), max_items: u64_of(s, "maxItems"), ..Checks::default() }
}

fn string_checks(s: &Obj) -> Checks {
    let mut c = Checks { min_length: u64_of(s, "minLength"), max_length: u64_of(s, "maxLength"), ..Checks::default() };
    if !s.contains_key("enumCaseInsensitive") {
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            let vals: Vec<String> = e.iter().filter_map(Value::as_str).map(str::to_string).collect();
            if vals.len() == e.len() && !vals.is_empty() {
                c.enum_values = Some(vals);
            }
        } else if let Some(k) = s.get("const").and_then(Value::as_str) {
            c.enum_values = Some(vec![k.to_string()]);
        }
    }
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        if regex::Regex::new(p).is_ok() {
            c.pattern = Some(p.to_string());
        } else {
            c.skipped_pattern = Some(p.to_string());
        }
    }
    c
}

fn number_checks(s: &Obj, integer: bool) -> Checks {
    let mut c = Checks { minimum: f64_of(s, "minimum"), maximum: f64_of(s, "maximum"), ..Checks::default() };
    if integer {
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            let vals: Vec<i64> = e.iter().filter_map(Value::as_i64).collect();
            if vals.len() == e.len() && !vals.is_empty() {
                c.int_enum = Some(vals);
            }
        }
    }
    c
}

impl Resolver<'_> {
    fn json(&mut self, kind: &str, doc: Option<String>) -> Resolved {
        *self.stats.json_fallbacks.entry(kind.to_string()).or_default() += 1;
        Resolved::json(doc)
    }

    fn def_kind(&mut self, name: &str) -> Option<DefKind> {
        if let Some(k) = self.memo.get(name) {
            return Some(k.clone());
        }
        if self.building.contains(name) {
            return Some(DefKind::Recursive);
        }
        let def = self.defs.get(name)?.as_object()?.clone();
        self.building.insert(name.to_string());
        let names = Names { preferred: pascal(name), qualified: pascal(name) };
        let kind = if is_struct_like(&def) {
            DefKind::Struct(self.register(&def, &names))
        } else if type_list(&def) == ["array"]
            && def.get("items").and_then(Value::as_object).is_some_and(is_struct_like)
        {
            let mut items = def.get("items").and_then(Value::as_object).cloned().unwrap_or_default();
            self.merge_array_properties(&def, &mut items);
            DefKind::ListOf(self.register(&items, &names), list_checks(&def))
        } else {
            DefKind::Alias
        };
        self.building.remove(name);
        self.memo.insert(name.to_string(), kind.clone());
        Some(kind)
    }

    /// cfn-lint states item constraints as `properties` next to an array's
    /// `items` (DynamoDB `KeySchema`); JSON Schema ignores them there, so
    /// they are merged into the item object's own properties.
    fn merge_array_properties(&mut self, def: &Obj, items: &mut Obj) {
        let Some(extra) = def.get("properties").and_then(Value::as_object) else { return };
        let Some(props) = items.get_mut("properties").and_then(Value::as_object_mut) else { return };
        for (k, v) in extra {
            if let (Some(p), Some(add)) = (props.get_mut(k).and_then(Value::as_object_mut), v.as_object()) {
                for (kk, vv) in add {
                    p.insert(kk.clone(), vv.clone());
                }
                self.stats.array_item_properties += 1;
            }
        }
    }

    fn resolve(&mut self, schema: &Value, names: &Names, depth: usize) -> Resolved {
        let Some(obj) = schema.as_object() else { return self.json("boolean schema", None) };
        if depth > 40 {
            return self.json("too deep", desc(obj));
        }
        let mut s = obj.clone();
        let mut doc = desc(&s);
        for _ in 0..16 {
            let Some(r) = s.get("$ref").and_then(Value::as_str).map(str::to_string) else { break };
            let Some(name) = r.strip_prefix("#/definitions/") else { return self.json("external $ref", doc) };
            let Some(kind) = self.def_kind(name) else { return self.json("unknown $ref", doc) };
            let def = self.defs.get(name).and_then(Value::as_object).cloned().unwrap_or_default();
            if doc.is_none() {
                doc = desc(&def);
            }
            match kind {
                DefKind::Recursive => return self.json("recursive $ref", doc),
                DefKind::Struct(id) => return Resolved { ty: Ty::Local(id), checks: Checks::default(), doc },
                DefKind::ListOf(id, c) => {
                    return Resolved { ty: Ty::List(Box::new(Ty::Local(id))), checks: c.overlay(&list_checks(&s)), doc }
                }
                DefKind::Alias => {
                    let mut merged = def;
                    for (k, v) in s {
                        if k != "$ref" {
                            merged.insert(k, v);
                        }
                    }
                    s = merged;
                }
            }
        }
        let mut r = self.resolve_inline(&s, names, depth);
        if r.doc.is_none() {
            r.doc = doc;
        }
        r
    }

    fn resolve_inline(&mut self, s: &Obj, names: &Names, depth: usize) -> Resolved {
        let doc = desc(s);
        if s.get("format").and_then(Value::as_str) == Some("json") {
            return self.json("format: json", doc);
        }
        if !is_struct_like(s) {
            for key in ["oneOf", "anyOf"] {
                let Some(branches) = s.get(key).and_then(Value::as_array) else { continue };
                let objs: Vec<&Obj> = branches.iter().filter_map(Value::as_object).collect();
                if objs.len() == branches.len()
                    && objs.iter().all(|b| only_keys(b, ANNOTATIONS) || only_keys(b, &["required", "description"]))
                {
                    continue;
                }
                return self.resolve_branches(s, key, names, depth);
            }
        }
        let types = type_list(s);
        if types.len() > 1 {
            return self.json(&format!("type {}", types.join("|")), doc);
        }
        let t = types.first().map(String::as_str);
        match t {
            Some("string") => Resolved { ty: Ty::Str, checks: string_checks(s), doc },
            Some("integer") => Resolved { ty: Ty::Int, checks: number_checks(s, true), doc },
            Some("number") => Resolved { ty: Ty::Num, checks: number_checks(s, false), doc },
            Some("boolean") => Resolved { ty: Ty::Bool, checks: Checks::default(), doc },
            Some("array") => self.resolve_array(s, names, depth, doc),
            Some("object") | None => {
                if is_struct_like(s) {
                    return Resolved { ty: Ty::Local(self.register(s, names)), checks: Checks::default(), doc };
                }
                if t.is_none() {
                    if s.contains_key("items") {
                        return self.resolve_array(s, names, depth, doc);
                    }
                    if s.contains_key("enum") || s.contains_key("pattern") || s.contains_key("maxLength") {
                        return Resolved { ty: Ty::Str, checks: string_checks(s), doc };
                    }
                    return self.json("untyped", doc);
                }
                self.resolve_map(s, names, depth, doc)
            }
            Some(other) => self.json(&format!("type {other}"), doc),
        }
    }

    fn resolve_array(&mut self, s: &Obj, names: &Names, depth: usize, doc: Option<String>) -> Resolved {
        let mut checks = list_checks(s);
        let Some(items) = s.get("items") else {
            return Resolved { ty: Ty::List(Box::new(Ty::Json)), checks, doc };
        };
        let item = self.resolve(items, &names.item(), depth + 1);
        if !item.checks.is_empty() {
            checks.item = Some(Box::new(item.checks));
        }
        Resolved { ty: Ty::List(Box::new(item.ty)), checks, doc }
    }

    fn resolve_map(&mut self, s: &Obj, names: &Names, depth: usize, doc: Option<String>) -> Resolved {
        let values: Vec<Value> = if let Some(pp) = s.get("patternProperties").and_then(Value::as_object) {
            pp.values().cloned().collect()
        } else if let Some(ap @ Value::Object(_)) = s.get("additionalProperties") {
            vec![ap.clone()]
        } else {
            return self.json("object without properties", doc);
        };
        if values.is_empty() {
            return self.json("object without properties", doc);
        }
        let resolved: Vec<Resolved> = values.iter().map(|v| self.resolve(v, &names.item(), depth + 1)).collect();
        let ty = resolved[0].ty.clone();
        if resolved.iter().any(|r| r.ty != ty) {
            return Resolved { ty: Ty::Map(Box::new(Ty::Json)), checks: Checks::default(), doc };
        }
        let mut checks = Checks::default();
        if resolved.len() == 1 && !resolved[0].checks.is_empty() {
            checks.item = Some(Box::new(resolved[0].checks.clone()));
        }
        Resolved { ty: Ty::Map(Box::new(ty)), checks, doc }
    }

    /// `oneOf`/`anyOf` with typed branches: the branches' common type, after
    /// dropping escape-hatch branches (`format: json`, `["object","string"]`)
    /// that only restate "any JSON"; `Token` when the rest disagree.
    fn resolve_branches(&mut self, s: &Obj, key: &str, names: &Names, depth: usize) -> Resolved {
        let doc = desc(s);
        let mut base = s.clone();
        base.remove("oneOf");
        base.remove("anyOf");
        base.remove("description");
        let branches = s.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        let mut typed = Vec::new();
        for b in &branches {
            let mut merged = base.clone();
            if let Some(bo) = b.as_object() {
                for (k, v) in bo {
                    merged.insert(k.clone(), v.clone());
                }
            }
            let r = self.resolve(&Value::Object(merged), names, depth + 1);
            if r.ty != Ty::Json {
                typed.push(r);
            }
        }
        let Some(first) = typed.first() else { return self.json(&format!("{key} of any JSON"), doc) };
        if typed.iter().any(|r| r.ty != first.ty) {
            return self.json(&format!("{key} of different types"), doc);
        }
        let checks = if typed.len() == 1 { first.checks.clone() } else { Checks::default() };
        Resolved { ty: first.ty.clone(), checks, doc: doc.or_else(|| first.doc.clone()) }
    }

    /// Registers an object schema as a local struct; returns its index.
    fn register(&mut self, s: &Obj, names: &Names) -> usize {
        let id = self.locals.len();
        self.locals.push(LocalStruct::default());
        let mut props: Vec<(String, Value)> = s
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut rules = Vec::new();
        let mut required = strings(s.get("required"));
        let place = format!("{}.{}", self.type_name, names.preferred);
        if let Some(branches) = union_branches(s) {
            let mut one = Vec::new();
            for b in &branches {
                for (k, v) in b.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    if !props.iter().any(|(n, _)| n == k) {
                        props.push((k.clone(), v.clone()));
                    }
                }
                one.push(strings(b.get("required")));
            }
            if one.iter().all(|r| r.len() == 1) {
                rules.push(Rule::OneOf(one.into_iter().flatten().collect()));
            } else {
                self.stats.skipped_rules.push(format!("{place}: union branches with several required properties"));
            }
        }
        self.rules_of(s, &place, &mut required, &mut rules);
        let mut fields = Vec::new();
        for (name, ps) in &props {
            let r = self.resolve(ps, &Names::field(&names.preferred, name), 1);
            fields.push(Field {
                cfn: name.clone(),
                ty: r.ty,
                required: required.contains(name),
                doc: r.doc,
                checks: r.checks,
            });
        }
        let in_required: Vec<String> =
            required.iter().filter(|r| fields.iter().any(|f| &f.cfn == *r)).cloned().collect();
        let mut required_order: Vec<String> = Vec::new();
        match ARGUMENT_ORDER {
            ArgumentOrder::Properties => {
                for f in &fields {
                    if f.required {
                        required_order.push(f.cfn.clone());
                    }
                }
            }
            ArgumentOrder::Required => {
                for r in &in_required {
                    if !required_order.contains(r) {
                        required_order.push(r.clone());
                    }
                }
            }
        }
        let mut dedup_required = in_required.clone();
        dedup_required.dedup();
        if dedup_required.len() > 1 && dedup_required != required_order {
            self.stats.reordered_constructors += 1;
        }
        let present = |n: &str| fields.iter().any(|f| f.cfn == n);
        rules.retain(|r| {
            let ok = r.names().iter().all(|n| present(n));
            if !ok {
                self.stats.skipped_rules.push(format!("{place}: {r:?} names a property the object lacks"));
            }
            ok
        });
        self.locals[id] = LocalStruct {
            preferred: names.preferred.clone(),
            qualified: names.qualified.clone(),
            doc: desc(s),
            fields,
            required_order,
            rules,
        };
        id
    }

    /// Cross-property keywords of an object schema.
    fn rules_of(&mut self, s: &Obj, place: &str, required: &mut Vec<String>, rules: &mut Vec<Rule>) {
        for key in ["requiredXor", "requiredOr"] {
            let names = strings(s.get(key));
            if !names.is_empty() {
                rules.push(if key == "requiredXor" { Rule::OneOf(names) } else { Rule::AnyOf(names) });
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = s.get(key).and_then(Value::as_array) else { continue };
            if union_branches(s).is_some() {
                continue;
            }
            let objs: Vec<&Obj> = branches.iter().filter_map(Value::as_object).collect();
            if objs.len() != branches.len() || !objs.iter().all(|b| only_keys(b, &["required", "description"])) {
                continue;
            }
            let sets: Vec<Vec<String>> = objs.iter().map(|b| strings(b.get("required"))).collect();
            if sets.iter().all(|r| r.len() == 1) {
                let names: Vec<String> = sets.into_iter().flatten().collect();
                rules.push(if key == "oneOf" { Rule::OneOf(names) } else { Rule::AnyOf(names) });
            } else {
                self.stats.skipped_rules.push(format!("{place}: {key} of multi-property required sets"));
            }
        }
        if let Some(de) = s.get("dependentExcluded").and_then(Value::as_object) {
            let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
            for (a, others) in de {
                let others: Vec<String> =
                    strings(Some(others)).into_iter().filter(|o| !seen.contains(&(o.clone(), a.clone()))).collect();
                for o in &others {
                    seen.insert((a.clone(), o.clone()));
                }
                if !others.is_empty() {
                    rules.push(Rule::Excluded(a.clone(), others));
                }
            }
        }
        for key in ["dependentRequired", "dependencies"] {
            if let Some(dr) = s.get(key).and_then(Value::as_object) {
                for (a, others) in dr {
                    let others = strings(Some(others));
                    if others.is_empty() {
                        self.stats.skipped_rules.push(format!("{place}: {key}.{a} is not a list of names"));
                    } else {
                        rules.push(Rule::Requires(a.clone(), others));
                    }
                }
            }
        }
        for a in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            let Some(a) = a.as_object() else { continue };
            if only_keys(a, &["required"]) {
                required.extend(strings(a.get("required")));
            } else if let Some(not_all) = not_all_of(a) {
                let (first, rest) = not_all.split_first().expect("two or more");
                rules.push(Rule::Excluded(first.clone(), rest.to_vec()));
            } else if a.contains_key("if") {
                self.stats.skipped_rules.push(format!("{place}: allOf if/then (conditional constraints)"));
            } else {
                self.stats.skipped_rules.push(format!("{place}: allOf member {}", Value::Object(a.clone())));
            }
        }
    }
}

/// `{"oneOf": [{}, {"required": [A, B]}]}`: A and B not both set.
fn not_all_of(a: &Obj) -> Option<Vec<String>> {
    if a.len() != 1 {
        return None;
    }
    let branches = a.get("oneOf")?.as_array()?;
    if branches.len() != 2 || branches[0].as_object().is_none_or(|o| !o.is_empty()) {
        return None;
    }
    let b = branches[1].as_object()?;
    if !only_keys(b, &["required"]) {
        return None;
    }
    let names = strings(b.get("required"));
    (names.len() >= 2).then_some(names)
}

/// Properties that `Fn::GetAtt` also returns although the schema does not
/// list them as read-only (they are settable, so they stay fields too). Each
/// is a documented return value ("Return values" of the resource's page in the
/// CloudFormation User Guide) that L2 code reads; the generator fails when one
/// stops being a string property or becomes read-only, so a schema refresh
/// forces a look here.
pub const SETTABLE_ATTRIBUTES: &[(&str, &str)] = &[
    ("AWS::EC2::Instance", "AvailabilityZone"),
    ("AWS::EC2::VPC", "CidrBlock"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::SQS::Queue", "QueueName"),
];

/// Resolves one (fixed-up) resource schema.
pub fn resource(schema: &Value, stats: &mut Stats) -> Result<ResourceIr, Error> {
    let root = schema.as_object().ok_or_else(|| Error::new("schema is not an object"))?;
    let type_name =
        root.get("typeName").and_then(Value::as_str).ok_or_else(|| Error::new("schema has no typeName"))?.to_string();
    let name = pascal(type_name.rsplit("::").next().unwrap_or_default());
    let defs = root.get("definitions").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut r = Resolver {
        type_name: &type_name,
        defs,
        locals: Vec::new(),
        memo: HashMap::new(),
        building: BTreeSet::new(),
        stats,
    };
    let root_id = r.register(root, &Names { preferred: name.clone(), qualified: name.clone() });
    debug_assert_eq!(root_id, 0);
    let reached: usize = r.memo.len();
    r.stats.unreachable_definitions += r.defs.len().saturating_sub(reached);
    let mut locals = r.locals;

    // Read-only properties: attributes, and not settable.
    let mut attrs = Vec::new();
    let mut remove: Vec<(usize, String)> = Vec::new();
    let mut listed = strings(root.get("readOnlyProperties"));
    // Some schemas list a property twice (S3Files `FileSystem`: `CreationTime`).
    let mut seen = BTreeSet::new();
    listed.retain(|p| seen.insert(p.clone()));
    for path in listed {
        let Some(rest) = path.strip_prefix("/properties/") else {
            stats.skipped_attrs.push(format!("{type_name}: {path} (not under /properties)"));
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let mut cur = 0;
        let mut through_list = false;
        let mut found = None;
        for (i, part) in parts.iter().enumerate() {
            let Some(f) = locals[cur].fields.iter().find(|f| f.cfn == *part) else { break };
            if i == parts.len() - 1 {
                found = Some((cur, f.clone()));
                break;
            }
            match &f.ty {
                Ty::Local(id) => cur = *id,
                Ty::List(t) if matches!(**t, Ty::Local(_)) => {
                    through_list = true;
                    cur = t.local().unwrap_or_default();
                }
                _ => break,
            }
        }
        let Some((owner, field)) = found else {
            stats.skipped_attrs.push(format!("{type_name}: {path} (no such property)"));
            continue;
        };
        remove.push((owner, field.cfn.clone()));
        let kind = match &field.ty {
            Ty::Str => Some(AttrKind::Str),
            Ty::Int => Some(AttrKind::Int),
            Ty::Num => Some(AttrKind::Num),
            Ty::Bool => Some(AttrKind::Bool),
            Ty::List(t) if matches!(**t, Ty::Str | Ty::Int | Ty::Num | Ty::Bool | Ty::Json) => Some(AttrKind::List),
            _ => None,
        };
        match kind {
            Some(kind) if !through_list => attrs.push(Attr { name: parts.join("."), kind, doc: field.doc.clone() }),
            _ => stats.skipped_attrs.push(format!("{type_name}: {path} (an object or inside a list)")),
        }
    }
    remove_fields(&mut locals, &remove, &type_name, stats);
    for &(_, prop) in SETTABLE_ATTRIBUTES.iter().filter(|(t, _)| *t == type_name) {
        let field = locals[0].fields.iter().find(|f| f.cfn == prop).ok_or_else(|| {
            Error::new(format!(
                "{type_name}: settable attribute {prop} is no longer a property; update SETTABLE_ATTRIBUTES in codegen/src/resolve.rs"
            ))
        })?;
        if attrs.iter().any(|a| a.name == prop) || !matches!(field.ty, Ty::Str) {
            return Err(Error::new(format!(
                "{type_name}: settable attribute {prop} is now read-only or not a string; update SETTABLE_ATTRIBUTES in codegen/src/resolve.rs"
            )));
        }
        attrs.push(Attr { name: prop.to_string(), kind: AttrKind::Str, doc: field.doc.clone() });
    }

    let tags = tag_kind(root, &locals);
    Ok(ResourceIr { type_name, name, doc: desc(root), locals, attrs, tags })
}

/// Drops read-only fields; structs left empty are dropped from their users too.
fn remove_fields(locals: &mut [LocalStruct], remove: &[(usize, String)], type_name: &str, stats: &mut Stats) {
    let mut remove: Vec<(usize, String)> = remove.to_vec();
    loop {
        let mut emptied = Vec::new();
        for (id, name) in &remove {
            let l = &mut locals[*id];
            let before = l.fields.len();
            l.fields.retain(|f| &f.cfn != name);
            l.required_order.retain(|r| r != name);
            let place = format!("{type_name}.{}", l.preferred);
            l.rules.retain(|r| {
                let keep = !r.names().contains(&name.as_str());
                if !keep {
                    stats.skipped_rules.push(format!("{place}: {r:?} names read-only {name}"));
                }
                keep
            });
            if before > 0 && l.fields.is_empty() && *id != 0 {
                emptied.push(*id);
            }
        }
        if emptied.is_empty() {
            return;
        }
        remove.clear();
        for (id, l) in locals.iter().enumerate() {
            for f in &l.fields {
                if f.ty.local().is_some_and(|t| emptied.contains(&t)) {
                    remove.push((id, f.cfn.clone()));
                }
            }
        }
        if remove.is_empty() {
            return;
        }
    }
}

fn tag_kind(root: &Obj, locals: &[LocalStruct]) -> TagKind {
    let taggable = match root.get("tagging").and_then(Value::as_object) {
        Some(t) => {
            t.get("taggable").and_then(Value::as_bool) == Some(true)
                && t.get("tagProperty").and_then(Value::as_str).is_none_or(|p| p == "/properties/Tags")
        }
        None => root.get("taggable").and_then(Value::as_bool) != Some(false),
    };
    let Some(tags) = locals[0].fields.iter().find(|f| f.cfn == "Tags") else { return TagKind::None };
    if !taggable {
        return TagKind::None;
    }
    match &tags.ty {
        Ty::List(t) => match **t {
            Ty::Local(id) => {
                let has = |n: &str| locals[id].fields.iter().any(|f| f.cfn == n && f.ty == Ty::Str);
                // Auto Scaling groups' tags also say whether instances inherit them.
                let propagates = locals[id].fields.iter().any(|f| f.cfn == "PropagateAtLaunch");
                if has("Key") && has("Value") && propagates {
                    TagKind::ListPropagateAtLaunch
                } else if has("Key") && has("Value") {
                    TagKind::List
                } else {
                    TagKind::None
                }
            }
            _ => TagKind::None,
        },
        Ty::Map(t) if **t == Ty::Str => TagKind::Map,
        _ => TagKind::None,
    }
}
