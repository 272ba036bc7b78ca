//! The resource provider schemas' rules, checked on properties as written.
//!
//! Typed L1 structs check their own literal values; this table checks what
//! they cannot see: values replaced or added by property overrides,
//! deleted required properties, misspelled property names, the properties
//! of a [`CfnResource`](crate::resource::CfnResource) of a known type, and
//! names built with `Fn::Sub` from parameters of known length.
//!
//! The table (`schema_rules.tsv`: a line per resource type, its name, a tab
//! and its rules as JSON) is generated from the vendored schemas in
//! `schemas/resources` (one rule per property path, list items as `*`). A
//! process indexes the lines once and parses a type's rules only when a
//! resource of that type is checked, so a small app does not pay for the
//! 1,854 types of the registry;
//! the test `schema_rules_match_the_vendored_schemas` fails when they
//! differ. Regenerate with
//! `CFNKIT_REGEN_SCHEMA_RULES=1 cargo test -p cfnkit-core schema_rules`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

#[cfg(test)]
use serde_json::Map;
use serde_json::Value as Json;

/// The generated table: a line per type, `TYPE<tab>RULES-JSON`.
const RULES_TSV: &str = include_str!("schema_rules.tsv");

/// The checks of one property path.
#[derive(Debug, Default)]
pub(crate) struct Rule {
    pub(crate) kind: Option<String>,
    pub(crate) one_of: Vec<Json>,
    pub(crate) min_len: Option<u64>,
    pub(crate) max_len: Option<u64>,
    pub(crate) pattern: Option<String>,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) min_items: Option<u64>,
    pub(crate) max_items: Option<u64>,
}

/// What the schema of one resource type says.
#[derive(Debug, Default)]
pub(crate) struct TypeRules {
    /// Required top-level properties.
    pub(crate) required: Vec<String>,
    /// Every top-level property name (settable or not).
    pub(crate) names: Vec<String>,
    /// Other top-level names are allowed too: the schema has
    /// `patternProperties` (a custom resource's provider properties).
    pub(crate) open: bool,
    /// Rules by property path (`KeySchema.*.AttributeName`).
    pub(crate) rules: HashMap<String, Rule>,
}

/// Every resource type of the vendored schemas, with its rules' JSON text.
fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| RULES_TSV.lines().filter_map(|l| l.split_once('\t')).collect())
}

/// The names of every resource type of the vendored schemas, sorted.
pub(crate) fn type_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = index().keys().copied().collect();
    names.sort_unstable();
    names
}

/// The rules of resource type `cfn_type`, parsed the first time they are asked for.
pub(crate) fn rules_for(cfn_type: &str) -> Option<&'static TypeRules> {
    static PARSED: OnceLock<Mutex<HashMap<&'static str, &'static TypeRules>>> = OnceLock::new();
    let (&name, &raw) = index().get_key_value(cfn_type)?;
    let mut parsed = PARSED.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    Some(*parsed.entry(name).or_insert_with(|| {
        let v: Json = serde_json::from_str(raw).unwrap_or_default();
        // Parsed once per type and kept for the process, like the index.
        Box::leak(Box::new(parse_type(&v)))
    }))
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn parse_type(v: &Json) -> TypeRules {
    let mut rules = HashMap::new();
    if let Some(m) = v.get("rules").and_then(Json::as_object) {
        for (path, r) in m {
            rules.insert(
                path.clone(),
                Rule {
                    kind: r.get("type").and_then(Json::as_str).map(str::to_string),
                    one_of: r.get("enum").and_then(Json::as_array).cloned().unwrap_or_default(),
                    min_len: r.get("minLength").and_then(Json::as_u64),
                    max_len: r.get("maxLength").and_then(Json::as_u64),
                    pattern: r.get("pattern").and_then(Json::as_str).map(str::to_string),
                    min: r.get("minimum").and_then(Json::as_f64),
                    max: r.get("maximum").and_then(Json::as_f64),
                    min_items: r.get("minItems").and_then(Json::as_u64),
                    max_items: r.get("maxItems").and_then(Json::as_u64),
                },
            );
        }
    }
    TypeRules {
        required: strings(v.get("required")),
        names: strings(v.get("names")),
        open: v.get("open").and_then(Json::as_bool).unwrap_or(false),
        rules,
    }
}

/// The service namespaces (`AWS::SNS`) the table covers.
pub(crate) fn covers_namespace(cfn_type: &str) -> bool {
    let ns = namespace(cfn_type);
    !ns.is_empty() && index().keys().any(|t| namespace(t) == ns)
}

fn namespace(t: &str) -> &str {
    t.rfind("::").map_or("", |i| &t[..i])
}

/// The closest of `names` to `got` (by edit distance), when reasonably close.
pub(crate) fn nearest<'a>(got: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let g = got.to_ascii_lowercase();
    names
        .into_iter()
        .map(|n| (edit_distance(&g, &n.to_ascii_lowercase()), n))
        .filter(|(d, n)| *d <= 3.max(n.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Builds the table from the vendored schema files (the generator).
#[cfg(test)]
pub(crate) fn generate(schemas: &[Json]) -> Json {
    let mut out = Map::new();
    for s in schemas {
        let Some(name) = s.get("typeName").and_then(Json::as_str) else { continue };
        let defs = s.get("definitions").cloned().unwrap_or(Json::Null);
        let mut rules = Map::new();
        let mut names = Vec::new();
        if let Some(props) = s.get("properties").and_then(Json::as_object) {
            for (k, p) in props {
                names.push(Json::String(k.clone()));
                flatten(k, p, &defs, 0, &mut rules);
            }
        }
        let mut t = Map::new();
        t.insert("required".into(), s.get("required").cloned().unwrap_or_else(|| Json::Array(Vec::new())));
        t.insert("names".into(), Json::Array(names));
        t.insert("rules".into(), Json::Object(rules));
        if s.get("patternProperties").is_some() {
            t.insert("open".into(), Json::Bool(true));
        }
        out.insert(name.to_string(), Json::Object(t));
    }
    Json::Object(out)
}

#[cfg(test)]
fn flatten(path: &str, p: &Json, defs: &Json, depth: usize, rules: &mut Map<String, Json>) {
    if depth > 8 {
        return;
    }
    let p = match p.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
        Some(d) => defs.get(d).unwrap_or(p),
        None => p,
    };
    let mut r = Map::new();
    if let Some(t) = p.get("type").and_then(Json::as_str) {
        r.insert("type".into(), Json::String(t.to_string()));
    }
    for k in ["enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems"] {
        if let Some(v) = p.get(k) {
            r.insert(k.into(), v.clone());
        }
    }
    if !r.is_empty() {
        rules.insert(path.to_string(), Json::Object(r));
    }
    if let Some(items) = p.get("items") {
        flatten(&format!("{path}.*"), items, defs, depth + 1, rules);
    }
    if let Some(props) = p.get("properties").and_then(Json::as_object) {
        for (k, c) in props {
            flatten(&format!("{path}.{k}"), c, defs, depth + 1, rules);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_rules_match_the_vendored_schemas() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/resources");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let schemas: Vec<Json> =
            files.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect();
        let mut generated = String::new();
        for (name, rules) in generate(&schemas).as_object().unwrap() {
            std::fmt::Write::write_fmt(
                &mut generated,
                format_args!("{name}\t{}\n", serde_json::to_string(rules).unwrap()),
            )
            .unwrap();
        }
        let target = concat!(env!("CARGO_MANIFEST_DIR"), "/src/limits/schema_rules.tsv");
        if std::env::var_os("CFNKIT_REGEN_SCHEMA_RULES").is_some() {
            std::fs::write(target, &generated).unwrap();
        }
        assert!(
            generated == RULES_TSV,
            "core/src/limits/schema_rules.tsv is stale: run CFNKIT_REGEN_SCHEMA_RULES=1 cargo test -p cfnkit-core schema_rules"
        );
    }

    #[test]
    fn the_table_knows_types_required_properties_and_rules() {
        let t = rules_for("AWS::DynamoDB::Table").unwrap();
        assert!(t.required.contains(&"KeySchema".to_string()));
        assert_eq!(rules_for("AWS::Logs::LogGroup").unwrap().rules["RetentionInDays"].one_of.len(), 22);
        assert!(covers_namespace("AWS::SNS::Topc"));
        assert!(covers_namespace("AWS::Glue::Job"));
        assert!(!covers_namespace("AWS::NoSuchService::Thing"));
        assert_eq!(nearest("Topc", ["Topic", "Subscription"]), Some("Topic"));
        assert_eq!(nearest("Zzzzzzzz", ["Topic"]), None);
        // The one schema with `patternProperties`: the provider's properties are not unknown names.
        assert!(rules_for("AWS::CloudFormation::CustomResource").unwrap().open);
        assert!(!rules_for("AWS::DynamoDB::Table").unwrap().open);
    }
}
