//! # cfnkit-codegen
//!
//! Generates the `cfnkit-l1` crate (`l1/`) from the AWS CloudFormation
//! resource provider schemas vendored in `schemas/resources/*.json`: one
//! module per service, one struct per resource type and property type, with
//! `ToToken`, `Validate`, `Resource` and typed `Fn::GetAtt` accessors.
//!
//! [`generate`] builds every file in memory (formatted by `rustfmt`);
//! [`check`] compares them with the files on disk and [`write()`] writes them.
//! The binary (`cargo run -p cfnkit-codegen [-- --check]`) wraps both. See
//! `codegen/README.md`.

use std::fmt;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

pub mod custom;
pub mod docs;
pub mod emit;
pub mod features;
pub mod fixups;
pub mod index;
pub mod model;
pub mod naming;
pub mod resolve;
pub mod service;

/// A generator failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    /// An error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Error(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root (`l1/src/dynamodb.rs`).
    pub path: PathBuf,
    /// Its contents.
    pub contents: String,
}

/// Everything the generator produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Counts for the summary.
    pub summary: Summary,
}

/// What was generated, for humans.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Schemas read.
    pub schemas: usize,
    /// Service modules.
    pub services: usize,
    /// Emission counts.
    pub emit: emit::EmitStats,
    /// Resolution counts.
    pub resolve: model::Stats,
    /// Lines of generated Rust.
    pub lines: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.emit;
        let r = &self.resolve;
        writeln!(f, "cfnkit-codegen: {} schemas -> {} service modules", self.schemas, self.services)?;
        writeln!(f, "  resource structs:        {}", e.resources)?;
        writeln!(
            f,
            "  property-type structs:   {} ({} schema definitions merged into shared ones)",
            e.structs, r.merged_structs
        )?;
        writeln!(f, "  fields:                  {} ({} typed Value<Token>)", e.fields, e.token_fields)?;
        writeln!(f, "  attribute accessors:     {}", e.attrs)?;
        writeln!(
            f,
            "  checks:                  {} patterns, {} enum/length/range/items, {} cross-property",
            e.patterns, e.other_checks, e.rules
        )?;
        writeln!(
            f,
            "  patterns skipped:        {} occurrences, {} distinct (Rust's regex cannot compile them: look-around, `\\Z`, nested classes)",
            e.skipped_patterns,
            e.skipped_pattern_set.len()
        )?;
        for p in &e.skipped_pattern_set {
            writeln!(f, "    - {p:?}")?;
        }
        writeln!(f, "  fix-ups applied:         {}", r.fixups.len())?;
        for x in &r.fixups {
            writeln!(f, "    - {x}")?;
        }
        let json: Vec<String> = r.json_fallbacks.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        writeln!(f, "  Token fallbacks while resolving (incl. discarded oneOf branches): {}", json.join(", "))?;
        writeln!(
            f,
            "  definition names with differing versions (one keeps the name, others prefixed): {}",
            r.renamed_variants.len()
        )?;
        for x in &r.renamed_variants {
            writeln!(f, "    - {x}")?;
        }
        writeln!(f, "  cross-property rules not checked: {}", r.skipped_rules.len())?;
        for x in &r.skipped_rules {
            writeln!(f, "    - {x}")?;
        }
        writeln!(f, "  read-only properties without accessor: {}", r.skipped_attrs.len())?;
        for x in &r.skipped_attrs {
            writeln!(f, "    - {x}")?;
        }
        writeln!(f, "  unreachable definitions (not generated): {}", r.unreachable_definitions)?;
        writeln!(f, "  cfn-lint array-level item constraints merged: {}", r.array_item_properties)?;
        writeln!(
            f,
            "  constructors whose argument order (schema properties order) differs from the `required` list: {}",
            r.reordered_constructors
        )?;
        write!(f, "  generated Rust lines:    {}", self.lines)
    }
}

/// The workspace root, from this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads `schemas/resources/*.json`, sorted by type name.
pub fn load_schemas(root: &Path) -> Result<Vec<(String, Value)>, Error> {
    let dir = root.join("schemas/resources");
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::new(e.to_string()))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| Error::new(format!("{}: invalid JSON: {e}", path.display())))?;
        let t = v
            .get("typeName")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::new(format!("{}: no typeName", path.display())))?
            .to_string();
        out.push((t, v));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Formats Rust source with `rustfmt --edition 2021` (`$RUSTFMT` or the one on `PATH`).
pub fn rustfmt(src: &str, root: &Path) -> Result<String, Error> {
    let bin = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&bin)
        .args(["--edition", "2021"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("cannot run rustfmt ({}): {e}", bin.to_string_lossy())))?;
    let mut stdin = child.stdin.take().ok_or_else(|| Error::new("rustfmt: no stdin"))?;
    let input = src.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| Error::new(format!("rustfmt: {e}")))?;
    writer
        .join()
        .map_err(|_| Error::new("rustfmt: writer thread panicked"))?
        .map_err(|e| Error::new(format!("rustfmt: {e}")))?;
    if !out.status.success() {
        return Err(Error::new(format!("rustfmt failed: {}", String::from_utf8_lossy(&out.stderr))));
    }
    String::from_utf8(out.stdout).map_err(|e| Error::new(format!("rustfmt: {e}")))
}

/// The service of a type name: `AWS::DynamoDB::Table` -> `DynamoDB`.
fn service_of(type_name: &str) -> &str {
    type_name.split("::").nth(1).unwrap_or("Unknown")
}

/// Generates every file of `l1/` from `root/schemas/resources`.
pub fn generate(root: &Path) -> Result<Generated, Error> {
    let mut schemas = load_schemas(root)?;
    let mut summary = Summary { schemas: schemas.len(), ..Summary::default() };
    summary.resolve.fixups = fixups::apply(&mut schemas)?;

    // Group by service; resources stay sorted by type name.
    let mut by_service: Vec<(String, Vec<model::ResourceIr>)> = Vec::new();
    for (t, schema) in &schemas {
        let r = resolve::resource(schema, &mut summary.resolve).map_err(|e| Error::new(format!("{t}: {e}")))?;
        let svc = service_of(t).to_string();
        match by_service.iter_mut().find(|(s, _)| *s == svc) {
            Some((_, list)) => list.push(r),
            None => by_service.push((svc, vec![r])),
        }
    }
    by_service.sort_by_key(|(s, _)| naming::module(s));
    summary.services = by_service.len();

    let mut services = Vec::new();
    for (svc, resources) in by_service {
        services.push(service::build(&svc, resources, &mut summary.resolve)?);
    }
    custom::apply(&mut services)?;

    let mut raw = Vec::new();
    for svc in &services {
        let src = emit::module(svc, &mut summary.emit)?;
        raw.push((PathBuf::from(format!("l1/src/{}.rs", svc.module)), src));
    }
    let lib = l1_lib(&services, &raw);
    raw.insert(0, (PathBuf::from("l1/src/lib.rs"), lib));

    let mut files = Vec::new();
    for (path, src) in raw {
        let contents = rustfmt(&src, root).map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        summary.lines += contents.lines().count();
        files.push(GeneratedFile { path, contents });
    }
    files.insert(0, GeneratedFile { path: PathBuf::from("l1/Cargo.toml"), contents: l1_manifest(&services) });
    files.push(GeneratedFile { path: PathBuf::from("l1/api-index.tsv"), contents: index::index(&services)? });
    let modules: Vec<String> = services.iter().map(|s| s.module.clone()).collect();
    files.extend(features::manifests(root, &modules)?);
    Ok(Generated { files, summary })
}

/// Generated files that are stale: differ from disk, are missing, or are
/// generated files on disk the generator no longer produces.
pub fn check(root: &Path, g: &Generated) -> Vec<PathBuf> {
    let mut bad = Vec::new();
    for f in &g.files {
        match std::fs::read_to_string(root.join(&f.path)) {
            Ok(s) if s == f.contents => {}
            _ => bad.push(f.path.clone()),
        }
    }
    bad.extend(obsolete(root, g));
    bad
}

/// Generated `.rs` files under `l1/src` the generator no longer produces.
fn obsolete(root: &Path, g: &Generated) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join("l1/src")) else { return out };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let rel = PathBuf::from("l1/src").join(p.file_name().unwrap_or_default());
        let generated = std::fs::read_to_string(&p).is_ok_and(|s| s.starts_with(emit::HEADER));
        if generated && !g.files.iter().any(|f| f.path == rel) {
            out.push(rel);
        }
    }
    out
}

/// Writes the files that changed and removes obsolete generated files;
/// returns the paths touched.
pub fn write(root: &Path, g: &Generated) -> Result<Vec<PathBuf>, Error> {
    let mut touched = Vec::new();
    for f in &g.files {
        let path = root.join(&f.path);
        if std::fs::read_to_string(&path).is_ok_and(|s| s == f.contents) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
        }
        std::fs::write(&path, &f.contents).map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        touched.push(f.path.clone());
    }
    for rel in obsolete(root, g) {
        std::fs::remove_file(root.join(&rel)).map_err(|e| Error::new(format!("{}: {e}", rel.display())))?;
        touched.push(rel);
    }
    Ok(touched)
}

/// `l1/Cargo.toml`: the package, and one default-on feature per service.
fn l1_manifest(services: &[model::ServiceIr]) -> String {
    let mods: Vec<&str> = services.iter().map(|s| s.module.as_str()).collect();
    let mut out = String::from(
        "# @generated by cfnkit-codegen (codegen/src/lib.rs). Do not edit: change the generator and run\n\
         # `cargo run -p cfnkit-codegen`.\n\
         [package]\n\
         name = \"cfnkit-l1\"\n\
         description = \"Generated CloudFormation resource and property types (L1) for cfnkit.\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\
         \n\
         [lints]\n\
         workspace = true\n\
         \n\
         # One feature per service module (the whole CloudFormation registry), and\n\
         # `full` for all of them. None is on by default: every service costs compile\n\
         # time, so a crate names the ones it uses (`features = [\"s3\", \"lambda\"]`);\n\
         # cfnkit-constructs and cfnkit enable the ones their features need.\n\
         [features]\n\
         default = []\n",
    );
    for m in &mods {
        let _ = writeln!(out, "{m} = []");
    }
    let quoted: Vec<String> = mods.iter().map(|m| format!("\"{m}\"")).collect();
    let _ = writeln!(out, "full = [{}]", quoted.join(", "));
    out.push_str(
        "\n[dependencies]\n\
         cfnkit-core.workspace = true\n\
         indexmap.workspace = true\n\
         \n\
         [dev-dependencies]\n\
         # Doc examples are written as a user writes them, against the `cfnkit` crate\n\
         # (a dev-dependency cycle cargo allows: doctests link this crate through cfnkit).\n\
         cfnkit = { path = \"..\", default-features = false }\n\
         serde_json.workspace = true\n",
    );
    out
}

/// `l1/src/lib.rs`: crate docs, the feature-gated modules, the prelude of
/// attribute traits, and the support code generated modules call.
fn l1_lib(services: &[model::ServiceIr], modules: &[(PathBuf, String)]) -> String {
    let mut out = format!("{}\n", emit::HEADER);
    out.push_str(L1_DOC);
    out.push_str("//! | Feature / module | Service | Resource types |\n//! |---|---|---|\n");
    for s in services {
        let types: Vec<String> =
            s.resources.iter().map(|r| r.type_name.rsplit("::").next().unwrap_or_default().to_string()).collect();
        let _ = writeln!(out, "//! | `{}` | `{}` | {} |", s.module, s.namespace(), types.join(", "));
    }
    out.push('\n');
    for s in services {
        let _ = writeln!(out, "#[cfg(feature = \"{m}\")]\npub mod {m};", m = s.module);
    }
    out.push_str(
        "\n/// The `*Attrs` traits of every enabled service, imported anonymously (two\n\
         /// services may both have a `ResourcePolicy`): `use cfnkit::l1::prelude::*;`\n\
         /// gives every handle its typed `attr_*` methods.\n\
         pub mod prelude {\n",
    );
    for s in services {
        let traits: Vec<String> = s
            .resources
            .iter()
            .filter(|r| !r.attrs.is_empty() || custom::is_custom(r))
            .map(|r| format!("{}Attrs as _", r.body.name))
            .collect();
        if !traits.is_empty() {
            let _ = writeln!(
                out,
                "#[cfg(feature = \"{}\")]\npub use crate::{}::{{{}}};",
                s.module,
                s.module,
                traits.join(", ")
            );
        }
    }
    out.push_str("}\n\n");
    // Each helper is dead code unless a module that calls it is enabled.
    let mut support = L1_SUPPORT.to_string();
    for helper in ["req", "opt", "each_item", "each_value", "check_int_enum", "check_any_of", "check_requires"] {
        let users: Vec<String> = services
            .iter()
            .zip(modules)
            .filter(|(_, (_, src))| src.contains(&format!("crate::{helper}(")))
            .map(|(s, _)| format!("feature = \"{}\"", s.module))
            .collect();
        let attr = if users.is_empty() {
            "#[allow(dead_code, reason = \"no generated module calls it\")]".to_string()
        } else {
            format!("#[cfg_attr(not(any({})), allow(dead_code))]", users.join(", "))
        };
        support = support.replace(&format!("#[cfg_attr(HELPER)]\nfn {helper}"), &format!("{attr}\nfn {helper}"));
    }
    out.push_str(&support);
    out
}

const L1_DOC: &str = r#"//! # cfnkit-l1
//!
//! Typed CloudFormation resource and property types ("L1") for cfnkit: one
//! module per AWS service, generated from the AWS CloudFormation resource
//! provider schemas vendored in `schemas/resources` (cfn-lint 1.58.0,
//! us-east-1; see `schemas/SOURCE.md`).
//!
//! **Generated code: do not edit.** Change `codegen/` and regenerate with
//! `cargo run -p cfnkit-codegen`; CI runs `cargo run -p cfnkit-codegen -- --check`,
//! which fails when the checked-in files differ from what the generator makes.
//!
//! For each resource type (`AWS::DynamoDB::Table` -> `dynamodb::Table`):
//!
//! - a struct whose public fields are the settable properties (read-only ones
//!   are attributes instead), each a `Value<T>` (a literal or an intrinsic);
//!   required properties are plain fields and the arguments of `new`, in the
//!   schema's property order (alphabetical, like the fields); optional ones
//!   are `Option`s with one chained setter each, named after the field;
//! - `Resource` (type, properties in schema order, tag format, validation),
//!   `ToToken` and `Validate`: synthesis reports every enum, length, pattern,
//!   range, item-count and cross-property (`requiredXor`, `dependentExcluded`, ...)
//!   violation of literal values;
//! - a `TableAttrs` trait implemented for `Handle<Table>`: `attr_arn()` and
//!   friends, the typed `Fn::GetAtt`s of the schema's read-only properties.
//!
//! Property types (schema `definitions` and inline objects) are structs too.
//! Lists take anything [`IntoList`] accepts (a `Vec` or array of items, or a
//! list-valued expression); maps anything [`IntoMap`] accepts. Properties
//! without one precise type (policy documents, `["object","string"]`,
//! polymorphic `oneOf`s) are `Value<Token>` and their setters take any
//! `Into<Token>`, such as `serde_json::json!({..})`.
//!
//! ```
//! # #[cfg(feature = "dynamodb")] {
//! use cfnkit::core::prelude::*;
//! use cfnkit::l1::dynamodb::{AttributeDefinition, KeySchema, Table, TableAttrs};
//!
//! let mut app = App::new();
//! let stack = app.stack("demo");
//! let table = stack.add(
//!     "Orders",
//!     Table::new([KeySchema::new("pk", "HASH")])
//!         .attribute_definitions([AttributeDefinition::new("pk", "S")])
//!         .billing_mode("PAY_PER_REQUEST"),
//! );
//! stack.output("OrdersArn", table.attr_arn());
//! let out = app.synth().unwrap();
//! assert_eq!(out.stacks[0].template["Resources"]["Orders"]["Properties"]["BillingMode"], "PAY_PER_REQUEST");
//! # }
//! ```
//!
//! Every service module is behind a cargo feature of the same name; `full`
//! enables all of them and none is on by default (each costs compile time:
//! name the services you use). Through `cfnkit`, enable the same feature
//! names on `cfnkit`: they flow down through `cfnkit-constructs` to here.
//!
"#;

const L1_SUPPORT: &str = r#"use cfnkit_core::diag::Validator;
use cfnkit_core::token::{Expr, ToToken, Token, Value};
use indexmap::IndexMap;

/// What a list property accepts: a `Vec` or array of items (each anything
/// that converts into the item type, so literals and `Ref`s mix), a slice
/// of them, a ready `Value`, or a list-valued expression (`Fn::GetAZs`,
/// `Fn::Split`, a list `Fn::GetAtt`).
pub trait IntoList<E> {
    /// The property value.
    fn into_list(self) -> Value<Vec<E>>;
}

impl<E, T: Into<E>> IntoList<E> for Vec<T> {
    fn into_list(self) -> Value<Vec<E>> {
        Value::Lit(self.into_iter().map(Into::into).collect())
    }
}

impl<E, T: Into<E>, const N: usize> IntoList<E> for [T; N] {
    fn into_list(self) -> Value<Vec<E>> {
        Value::Lit(self.into_iter().map(Into::into).collect())
    }
}

impl<E, T: Clone + Into<E>> IntoList<E> for &[T] {
    fn into_list(self) -> Value<Vec<E>> {
        Value::Lit(self.iter().cloned().map(Into::into).collect())
    }
}

impl<E> IntoList<E> for Value<Vec<E>> {
    fn into_list(self) -> Value<Vec<E>> {
        self
    }
}

impl<E, T> IntoList<E> for Expr<Vec<T>> {
    fn into_list(self) -> Value<Vec<E>> {
        Value::Expr(self.into_token())
    }
}

/// What a map property accepts: an `IndexMap`, a `BTreeMap`, a `Vec` or
/// array of `(key, value)` pairs (keys in that order), a ready `Value`, or
/// an expression.
pub trait IntoMap<E> {
    /// The property value.
    fn into_map(self) -> Value<IndexMap<String, E>>;
}

impl<E, K: Into<String>, V: Into<E>> IntoMap<E> for IndexMap<K, V> {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        Value::Lit(self.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<E, K: Into<String>, V: Into<E>> IntoMap<E> for std::collections::BTreeMap<K, V> {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        Value::Lit(self.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<E, K: Into<String>, V: Into<E>> IntoMap<E> for Vec<(K, V)> {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        Value::Lit(self.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<E, K: Into<String>, V: Into<E>, const N: usize> IntoMap<E> for [(K, V); N] {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        Value::Lit(self.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<E> IntoMap<E> for Value<IndexMap<String, E>> {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        self
    }
}

impl<E, T> IntoMap<E> for Expr<T> {
    fn into_map(self) -> Value<IndexMap<String, E>> {
        Value::Expr(self.into_token())
    }
}

// Helpers the generated modules call (kept small and non-generic where
// possible: compile time matters with thousands of structs).

#[cfg_attr(HELPER)]
fn req<T: ToToken>(m: &mut IndexMap<String, Token>, key: &str, value: &T) {
    m.insert(key.to_string(), value.to_token());
}

#[cfg_attr(HELPER)]
fn opt<T: ToToken>(m: &mut IndexMap<String, Token>, key: &str, value: Option<&T>) {
    if let Some(x) = value {
        m.insert(key.to_string(), x.to_token());
    }
}

/// Runs `check` on each literal item of a literal list, under `name.<index>`.
#[cfg_attr(HELPER)]
fn each_item<E>(v: &mut Validator<'_>, name: &str, list: &Value<Vec<E>>, mut check: impl FnMut(&mut Validator<'_>, &str, &E)) {
    if let Value::Lit(items) = list {
        v.nested(name, |v| {
            for (i, item) in items.iter().enumerate() {
                check(v, &i.to_string(), item);
            }
        });
    }
}

/// Runs `check` on each value of a literal map, under `name.<key>`.
#[cfg_attr(HELPER)]
fn each_value<E>(v: &mut Validator<'_>, name: &str, map: &Value<IndexMap<String, E>>, mut check: impl FnMut(&mut Validator<'_>, &str, &E)) {
    if let Value::Lit(entries) = map {
        v.nested(name, |v| {
            for (k, item) in entries {
                check(v, k, item);
            }
        });
    }
}

/// A literal integer must be one of `allowed`.
#[cfg_attr(HELPER)]
fn check_int_enum(v: &mut Validator<'_>, name: &str, value: &Value<i64>, allowed: &[i64]) {
    if let Value::Lit(x) = value {
        if !allowed.contains(x) {
            let all: Vec<String> = allowed.iter().map(i64::to_string).collect();
            v.error(name, Some(x.to_string()), "not an allowed value", all.join(", "));
        }
    }
}

/// At least one of the named properties must be set (`requiredOr`, `anyOf`).
#[cfg_attr(HELPER)]
fn check_any_of(v: &mut Validator<'_>, names: &[(&str, bool)]) {
    if !names.iter().any(|(_, present)| *present) {
        let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        v.error("", Some("none".into()), "at least one of these properties must be set", all.join(" or "));
    }
}

/// When `name` is set, every other named property must be set too
/// (`dependentRequired`).
#[cfg_attr(HELPER)]
fn check_requires(v: &mut Validator<'_>, name: &str, present: bool, others: &[(&str, bool)]) {
    if !present {
        return;
    }
    for (o, p) in others {
        if !*p {
            v.error(name, None, format!("requires {o} to be set too"), format!("{name} together with {o}"));
        }
    }
}
"#;
