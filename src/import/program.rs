//! The template's sections as the statements of a `build(app)` function:
//! parameters, mappings and conditions first (their handles are used
//! below), resources in an order where every handle is declared before it
//! is used, then outputs.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::api::Api;
use super::values::{lit, placeholders, seg, Names, Render};
use super::Problem;

const SECTIONS: [&str; 9] = [
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
];
const RESOURCE_KEYS: [&str; 10] = [
    "Version",
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "CreationPolicy",
    "UpdatePolicy",
];
const PARAMETER_KEYS: [&str; 11] = [
    "Type",
    "Default",
    "AllowedValues",
    "AllowedPattern",
    "ConstraintDescription",
    "Description",
    "MaxLength",
    "MaxValue",
    "MinLength",
    "MinValue",
    "NoEcho",
];
const KEYWORDS: [&str; 40] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "app", "stack", "main",
];

/// The body of `build`, and the L1 modules (cargo features) it uses.
pub(crate) struct Body {
    pub(crate) code: String,
    pub(crate) modules: BTreeSet<String>,
    /// The `*Attrs` traits of the typed attribute accessors it calls (`sqs::QueueAttrs`).
    pub(crate) traits: BTreeSet<String>,
}

fn section<'t>(t: &'t Json, name: &str) -> Option<&'t Map<String, Json>> {
    t.get(name).and_then(Json::as_object)
}

/// Snake-case variable names, unique, never a keyword.
struct Allocator(BTreeSet<String>);

impl Allocator {
    fn name(&mut self, id: &str, suffix: &str) -> String {
        let mut base = heck::ToSnakeCase::to_snake_case(id);
        base.retain(|c| c.is_ascii_alphanumeric() || c == '_');
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("r_{base}");
        }
        if KEYWORDS.contains(&base.as_str()) {
            base.push('_');
        }
        let mut candidate = base.clone();
        if self.0.contains(&candidate) {
            candidate = format!("{base}_{suffix}");
        }
        let mut n = 2;
        while self.0.contains(&candidate) {
            candidate = format!("{base}_{suffix}{n}");
            n += 1;
        }
        self.0.insert(candidate.clone());
        candidate
    }
}

/// Template order, moved only as far as needed for every name in `deps` to come first.
fn ordered(ids: &[String], deps: &HashMap<String, BTreeSet<String>>) -> Result<Vec<String>, Vec<String>> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < ids.len() {
        let next = ids.iter().find(|id| {
            !done.contains(*id) && deps.get(*id).is_none_or(|d| d.iter().all(|x| done.contains(x) || *x == **id))
        });
        match next {
            Some(id) => {
                done.insert(id.clone());
                out.push(id.clone());
            }
            None => return Err(ids.iter().filter(|id| !done.contains(*id)).cloned().collect()),
        }
    }
    Ok(out)
}

/// Names a value refers to: `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholders, conditions.
fn references(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref" | "Condition", Json::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("Fn::GetAtt" | "Fn::If", Json::Array(a)) => {
                        if let Some(Json::String(s)) = a.first() {
                            out.insert(s.clone());
                        }
                    }
                    ("Fn::GetAtt", Json::String(s)) => {
                        out.insert(s.split('.').next().unwrap_or_default().to_string());
                    }
                    ("Fn::Sub", _) => {
                        let text = x.as_str().or_else(|| x.get(0).and_then(Json::as_str)).unwrap_or_default();
                        for p in placeholders(text) {
                            out.insert(p.split('.').next().unwrap_or_default().to_string());
                        }
                    }
                    _ => {}
                }
                references(x, out);
            }
        }
        Json::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Builds the body of `build(app)` for template `t` as stack `stack_name`.
pub(crate) fn body(t: &Json, stack_name: &str, api: &Api, problems: &mut Vec<Problem>) -> Body {
    let mut p = |pointer: String, message: String| problems.push(Problem { pointer, message });
    let Some(top) = t.as_object() else {
        p(String::new(), "a template is an object".into());
        return Body { code: String::new(), modules: BTreeSet::new(), traits: BTreeSet::new() };
    };
    for k in top.keys() {
        if k == "Transform" {
            p(
                "/Transform".into(),
                "Transform: macros (SAM, LanguageExtensions...) expand at deploy time; import the processed template instead"
                    .into(),
            );
        } else if !SECTIONS.contains(&k.as_str()) {
            p(format!("/{}", seg(k)), format!("{k}: not a template section ({})", SECTIONS.join(", ")));
        }
    }
    let mut alloc = Allocator(BTreeSet::new());
    let mut names = Names::default();
    let empty = Map::new();
    let params = section(t, "Parameters").unwrap_or(&empty);
    let resources = section(t, "Resources").unwrap_or(&empty);
    let conditions = section(t, "Conditions").unwrap_or(&empty);
    let mappings = section(t, "Mappings").unwrap_or(&empty);
    for id in params.keys() {
        names.params.insert(id.clone(), alloc.name(id, "param"));
    }
    for id in resources.keys() {
        names.resources.insert(id.clone(), alloc.name(id, "resource"));
        if let Some(ty) = resources[id].get("Type").and_then(Json::as_str) {
            names.types.insert(id.clone(), ty.to_string());
        }
    }
    for id in conditions.keys() {
        names.conditions.insert(id.clone(), alloc.name(id, "condition"));
    }
    for id in mappings.keys() {
        names.mappings.insert(id.clone(), alloc.name(id, "mapping"));
    }

    let mut r = Render { api, names: &names, problems: Vec::new(), traits: BTreeSet::new() };
    let mut out = format!("let stack = app.stack({});\n", lit(stack_name));
    let mut modules = BTreeSet::new();
    if let Some(d) = t.get("Description") {
        match d.as_str() {
            Some(d) => {
                let _ = writeln!(out, "stack.description({});", lit(d));
            }
            None => p("/Description".into(), "Description: expected a string".into()),
        }
    }
    for (id, def) in params {
        let at = format!("/Parameters/{}", seg(id));
        match parameter(id, def, &at) {
            Ok(code) => {
                let _ = writeln!(out, "let {} = stack.parameter({code});", names.params[id]);
            }
            Err((pointer, message)) => p(pointer, message),
        }
    }
    for (id, def) in mappings {
        let at = format!("/Mappings/{}", seg(id));
        let Some(top) = def.as_object() else {
            p(at, "a mapping is an object of objects".into());
            continue;
        };
        let mut rows = Vec::new();
        for (k, inner) in top {
            let Some(inner) = inner.as_object() else {
                p(format!("{at}/{}", seg(k)), "a mapping's second level is an object".into());
                continue;
            };
            let cells: Vec<String> = inner
                .iter()
                .map(|(k2, v)| {
                    format!("({}.to_string(), {})", lit(k2), r.token(v, &format!("{at}/{}/{}", seg(k), seg(k2))))
                })
                .collect();
            rows.push(format!("({}.to_string(), [{}].into_iter().collect())", lit(k), cells.join(", ")));
        }
        let _ = writeln!(
            out,
            "let {} = stack.mapping({}, [{}].into_iter().collect());",
            names.mappings[id],
            lit(id),
            rows.join(", ")
        );
    }
    let cond_ids: Vec<String> = conditions.keys().cloned().collect();
    let cond_deps: HashMap<String, BTreeSet<String>> = conditions
        .iter()
        .map(|(id, v)| {
            let mut refs = BTreeSet::new();
            references(v, &mut refs);
            refs.retain(|x| conditions.contains_key(x));
            (id.clone(), refs)
        })
        .collect();
    match ordered(&cond_ids, &cond_deps) {
        Ok(order) => {
            for id in order {
                let at = format!("/Conditions/{}", seg(&id));
                let code = condition(&mut r, &conditions[&id], &at);
                let _ = writeln!(out, "let {} = stack.condition({}, {code});", names.conditions[&id], lit(&id));
            }
        }
        Err(cycle) => {
            p("/Conditions".into(), format!("conditions refer to each other in a cycle: {}", cycle.join(", ")));
        }
    }

    // After the parameters and conditions their assertions may name.
    for s in ["Metadata", "Rules"] {
        if let Some(v) = t.get(s) {
            let code = r.token(v, &format!("/{s}"));
            let _ = writeln!(out, "stack.set_template_section({}, {code});", lit(s));
        }
    }

    let res_ids: Vec<String> = resources.keys().cloned().collect();
    let res_deps: HashMap<String, BTreeSet<String>> = resources
        .iter()
        .map(|(id, v)| {
            let mut refs = BTreeSet::new();
            references(v, &mut refs);
            match v.get("DependsOn") {
                Some(Json::String(s)) => {
                    refs.insert(s.clone());
                }
                Some(Json::Array(a)) => refs.extend(a.iter().filter_map(Json::as_str).map(str::to_string)),
                _ => {}
            }
            refs.retain(|x| resources.contains_key(x));
            (id.clone(), refs)
        })
        .collect();
    let order = ordered(&res_ids, &res_deps).unwrap_or_else(|cycle| {
        p("/Resources".into(), format!("resources refer to each other in a cycle: {}", cycle.join(", ")));
        Vec::new()
    });
    for id in order {
        let at = format!("/Resources/{}", seg(&id));
        if id.starts_with("Fn::ForEach") {
            p(at, format!("{id} is expanded by a macro at deploy time; a Rust program cannot express it"));
            continue;
        }
        super::resource::emit(&mut r, &id, &resources[&id], &at, &mut out, &mut modules);
    }

    if let Some(outputs) = section(t, "Outputs") {
        for (id, o) in outputs {
            let at = format!("/Outputs/{}", seg(id));
            let Some(o) = o.as_object() else {
                p(at, "an output is an object".into());
                continue;
            };
            let value =
                o.get("Value").map_or_else(|| "Token::Null".to_string(), |v| r.token(v, &format!("{at}/Value")));
            let mut code = format!("stack.output({}, {value})", lit(id));
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("Value", _) => {}
                    ("Description", Json::String(d)) => {
                        let _ = write!(code, "\n.description({})", lit(d));
                    }
                    ("Export", Json::Object(e)) if e.len() == 1 && e.contains_key("Name") => {
                        let name = r.token(&e["Name"], &format!("{at}/Export/Name"));
                        let _ = write!(code, "\n.export_name({name})");
                    }
                    ("Condition", Json::String(c)) if names.conditions.contains_key(c) => {
                        let _ = write!(code, "\n.condition({})", names.conditions[c]);
                    }
                    _ => p(format!("{at}/{}", seg(k)), format!("{k}: not an output key cfnkit can express")),
                }
            }
            out.push_str(&code);
            out.push_str(";\n");
        }
    }
    problems.append(&mut r.problems);
    Body { code: out, modules, traits: r.traits }
}

fn parameter(id: &str, def: &Json, at: &str) -> Result<String, (String, String)> {
    let Some(def) = def.as_object() else { return Err((at.into(), "a parameter is an object".into())) };
    if let Some(k) = def.keys().find(|k| !PARAMETER_KEYS.contains(&k.as_str())) {
        return Err((
            format!("{at}/{}", seg(k)),
            format!("{k}: not a parameter property ({})", PARAMETER_KEYS.join(", ")),
        ));
    }
    let ty =
        def.get("Type").and_then(Json::as_str).ok_or_else(|| (at.to_string(), "a parameter needs a Type".into()))?;
    let mut code = match ty {
        "String" => format!("Parameter::string({})", lit(id)),
        "Number" => format!("Parameter::number({})", lit(id)),
        "List<Number>" => format!("Parameter::new({}, ParamType::NumberList)", lit(id)),
        "CommaDelimitedList" => format!("Parameter::new({}, ParamType::CommaDelimitedList)", lit(id)),
        other => format!("Parameter::new({}, ParamType::Other({}.into()))", lit(id), lit(other)),
    };
    let text = |k: &str| -> Result<Option<String>, (String, String)> {
        match def.get(k) {
            None => Ok(None),
            Some(v) => scalar_text(v).map(Some).ok_or_else(|| (format!("{at}/{k}"), format!("{k}: expected a string"))),
        }
    };
    for (k, setter) in [
        ("Description", "description"),
        ("Default", "default"),
        ("AllowedPattern", "allowed_pattern"),
        ("ConstraintDescription", "constraint_description"),
    ] {
        if let Some(v) = text(k)? {
            let _ = write!(code, "\n.{setter}({})", lit(&v));
        }
    }
    if let Some(v) = def.get("AllowedValues") {
        let items: Option<Vec<String>> = v.as_array().and_then(|a| a.iter().map(scalar_text).collect());
        let items =
            items.ok_or_else(|| (format!("{at}/AllowedValues"), "AllowedValues: expected a list of strings".into()))?;
        let items: Vec<String> = items.iter().map(|s| lit(s)).collect();
        let _ = write!(code, "\n.allowed_values([{}])", items.join(", "));
    }
    match text("NoEcho")?.as_deref() {
        Some("true" | "True") => code.push_str("\n.no_echo()"),
        None | Some("false" | "False") => {}
        Some(other) => return Err((format!("{at}/NoEcho"), format!("NoEcho: {other:?} is not a boolean"))),
    }
    let mut fields = Vec::new();
    for (k, field, float) in [
        ("MinLength", "min_length", false),
        ("MaxLength", "max_length", false),
        ("MinValue", "min_value", true),
        ("MaxValue", "max_value", true),
    ] {
        if let Some(v) = text(k)? {
            let n: f64 = v.parse().map_err(|_| (format!("{at}/{k}"), format!("{k}: {v:?} is not a number")))?;
            let lit = if float { format!("{n:?}") } else { format!("{}", n as u32) };
            fields.push(format!("{field}: Some({lit})"));
        }
    }
    if !fields.is_empty() {
        code = format!("Parameter {{ {}, ..{code} }}", fields.join(", "));
    }
    Ok(code)
}

/// A condition expression as a `Cond`.
fn condition(r: &mut Render<'_>, v: &Json, at: &str) -> String {
    let fail = |r: &mut Render<'_>, msg: &str| {
        r.problems.push(Problem { pointer: at.to_string(), message: msg.to_string() });
        "fns::equals(Token::Null, Token::Null)".to_string()
    };
    let Some((k, arg)) = v.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
        return fail(r, "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or a Condition");
    };
    let at = format!("{at}/{}", seg(k));
    let items = arg.as_array().map(Vec::as_slice).unwrap_or_default();
    match (k.as_str(), items) {
        ("Fn::Equals", [a, b]) => {
            let (a, b) = (r.token(a, &format!("{at}/0")), r.token(b, &format!("{at}/1")));
            format!("fns::equals({a}, {b})")
        }
        ("Fn::And" | "Fn::Or", items) if !items.is_empty() => {
            let parts: Vec<String> =
                items.iter().enumerate().map(|(i, x)| condition(r, x, &format!("{at}/{i}"))).collect();
            format!("fns::{}([{}])", if k == "Fn::And" { "and" } else { "or" }, parts.join(", "))
        }
        ("Fn::Not", [x]) => format!("fns::not({})", condition(r, x, &format!("{at}/0"))),
        ("Condition", _) => match arg.as_str().and_then(|c| r.names.conditions.get(c)) {
            Some(c) => format!("fns::condition({c})"),
            None => fail(r, "Condition names no condition"),
        },
        _ => fail(r, &format!("{k}: not a condition function with the right arguments")),
    }
}

/// True for the keys a resource may have.
pub(crate) fn is_resource_key(k: &str) -> bool {
    RESOURCE_KEYS.contains(&k)
}
