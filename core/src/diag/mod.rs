//! Diagnostics: every problem synthesis finds, collected, never first-only.
//!
//! A [`Diagnostic`] names the construct path, the property, the bad value and
//! what is allowed. [`SynthError`] carries all of them. The [`Validator`] is
//! what generated L1 code and hand-written constructs use to report them.
//! Every diagnostic has a [`DiagKind`], so tests match on kinds, not text.

mod kind;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

use crate::token::{ToToken, Token, Value};

pub use kind::DiagKind;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Synthesis still succeeds; the CLI prints it.
    Warning,
    /// Synthesis fails.
    Error,
}

/// One problem found at synthesis.
///
/// ```
/// use cfnkit_core::diag::{DiagKind, Diagnostic};
/// let d = Diagnostic::error("s/Queue/Resource", "out of range")
///     .kind(DiagKind::OutOfRange)
///     .property("VisibilityTimeout")
///     .value("50000")
///     .allowed("0 to 43200");
/// assert!(d.is(DiagKind::OutOfRange));
/// assert_eq!(d.to_string(), "s/Queue/Resource: VisibilityTimeout: out of range (got 50000); allowed: 0 to 43200");
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is ([`DiagKind::Other`] unless one was set).
    pub kind: DiagKind,
    /// Error or warning.
    pub severity: Severity,
    /// The construct path (`order-monitoring/AuditFunction/Resource`).
    pub path: String,
    /// The property, dotted for nested ones (`Timeout`, `Tags.0.Key`), if any.
    pub property: Option<String>,
    /// The offending value as written, if any.
    pub value: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// What is allowed, if that can be said.
    pub allowed: Option<String>,
}

impl Diagnostic {
    /// A new error at `path`, of kind [`DiagKind::Other`] until
    /// [`kind`](Diagnostic::kind) says more.
    pub fn error(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Diagnostic {
            kind: DiagKind::Other,
            severity: Severity::Error,
            path: path.into(),
            property: None,
            value: None,
            problem: problem.into(),
            allowed: None,
        }
    }

    /// A new warning at `path`, of kind [`DiagKind::Other`] until
    /// [`kind`](Diagnostic::kind) says more.
    pub fn warning(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, problem) }
    }

    /// A new error of `kind` at `path`.
    pub fn error_of(kind: DiagKind, path: impl Into<String>, problem: impl Into<String>) -> Self {
        Diagnostic::error(path, problem).kind(kind)
    }

    /// A new warning of `kind` at `path`.
    pub fn warning_of(kind: DiagKind, path: impl Into<String>, problem: impl Into<String>) -> Self {
        Diagnostic::warning(path, problem).kind(kind)
    }

    /// Sets the kind.
    #[must_use]
    pub fn kind(mut self, kind: DiagKind) -> Self {
        self.kind = kind;
        self
    }

    /// True when the diagnostic is of `kind`.
    pub fn is(&self, kind: DiagKind) -> bool {
        self.kind == kind
    }

    /// True for errors (synthesis fails), false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Names the property.
    #[must_use]
    pub fn property(mut self, p: impl Into<String>) -> Self {
        self.property = Some(p.into());
        self
    }

    /// Records the bad value.
    #[must_use]
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = Some(v.into());
        self
    }

    /// Says what is allowed.
    #[must_use]
    pub fn allowed(mut self, a: impl Into<String>) -> Self {
        self.allowed = Some(a.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `path: property: problem (got value); allowed: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        write!(f, "{}", self.path)?;
        if let Some(p) = &self.property {
            write!(f, ": {p}")?;
        }
        write!(f, ": {}", self.problem)?;
        if let Some(v) = &self.value {
            write!(f, " (got {v})")?;
        }
        if let Some(a) = &self.allowed {
            write!(f, "; allowed: {a}")?;
        }
        Ok(())
    }
}

/// Synthesis failed: every error found, in construct order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SynthError {
    /// The errors (warnings are not included here).
    pub diagnostics: Vec<Diagnostic>,
}

impl SynthError {
    /// The errors of `kind`.
    pub fn of_kind(&self, kind: DiagKind) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(move |d| d.kind == kind)
    }

    /// True when some error is of `kind`.
    pub fn has(&self, kind: DiagKind) -> bool {
        self.diagnostics.iter().any(|d| d.kind == kind)
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "synthesis found {n} problem{}", if n == 1 { "" } else { "s" })?;
        for d in &self.diagnostics {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one construct, tracking the property path.
#[derive(Debug)]
pub struct Validator<'a> {
    out: &'a mut Vec<Diagnostic>,
    path: String,
    props: Vec<String>,
}

/// Schema-level checks of a typed value; implemented by every L1 struct.
pub trait Validate {
    /// Reports every constraint the value breaks.
    fn validate(&self, v: &mut Validator<'_>);
}

impl<T: Validate> Validate for Value<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        if let Value::Lit(x) = self {
            x.validate(v);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator<'_>) {
        for (i, x) in self.iter().enumerate() {
            v.nested(&i.to_string(), |v| x.validate(v));
        }
    }
}

impl<T: Validate> Validate for indexmap::IndexMap<String, T> {
    fn validate(&self, v: &mut Validator<'_>) {
        for (k, x) in self {
            v.nested(k, |v| x.validate(v));
        }
    }
}

macro_rules! no_validate {
    ($($t:ty),*) => {$(impl Validate for $t { fn validate(&self, _: &mut Validator<'_>) {} })*};
}
no_validate!(String, bool, i64, f64, Token, serde_json::Value);

fn regex_cache(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok()).clone()
}

impl<'a> Validator<'a> {
    /// A validator writing into `out` for the construct at `path`.
    pub fn new(out: &'a mut Vec<Diagnostic>, path: impl Into<String>) -> Self {
        Validator { out, path: path.into(), props: Vec::new() }
    }

    /// The construct path being validated.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn prop(&self, name: &str) -> String {
        let mut p = self.props.join(".");
        if !name.is_empty() {
            if !p.is_empty() {
                p.push('.');
            }
            p.push_str(name);
        }
        p
    }

    /// Runs `f` with `name` appended to the property path.
    pub fn nested(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        self.props.push(name.to_string());
        f(self);
        self.props.pop();
    }

    /// Validates an optional nested value under `name`.
    pub fn field<T: Validate>(&mut self, name: &str, value: Option<&T>) {
        if let Some(x) = value {
            self.nested(name, |v| x.validate(v));
        }
    }

    /// Reports an error on property `name` (relative to the current path).
    pub fn error(&mut self, name: &str, value: Option<String>, problem: impl Into<String>, allowed: impl Into<String>) {
        self.error_of(DiagKind::Other, name, value, problem, allowed);
    }

    /// Reports an error of `kind` on property `name` (relative to the current path).
    pub fn error_of(
        &mut self,
        kind: DiagKind,
        name: &str,
        value: Option<String>,
        problem: impl Into<String>,
        allowed: impl Into<String>,
    ) {
        let prop = self.prop(name);
        let mut d = Diagnostic::error_of(kind, self.path.clone(), problem).allowed(allowed);
        if !prop.is_empty() {
            d = d.property(prop);
        }
        if let Some(v) = value {
            d = d.value(v);
        }
        self.out.push(d);
    }

    /// Reports a warning on property `name`.
    pub fn warn(&mut self, name: &str, problem: impl Into<String>) {
        let prop = self.prop(name);
        let mut d = Diagnostic::warning(self.path.clone(), problem);
        if !prop.is_empty() {
            d = d.property(prop);
        }
        self.out.push(d);
    }

    /// A literal string must be one of `allowed`.
    pub fn check_enum(&mut self, name: &str, value: &Value<String>, allowed: &[&str]) {
        if let Value::Lit(s) = value {
            if !allowed.contains(&s.as_str()) {
                self.error_of(
                    DiagKind::NotAllowedValue,
                    name,
                    Some(format!("{s:?}")),
                    "not an allowed value",
                    allowed.join(", "),
                );
            }
        }
    }

    /// A literal string's length must be within bounds.
    pub fn check_length(&mut self, name: &str, value: &Value<String>, min: Option<usize>, max: Option<usize>) {
        if let Value::Lit(s) = value {
            let n = s.chars().count();
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                self.error_of(
                    DiagKind::Length,
                    name,
                    Some(format!("{n} characters")),
                    "length out of range",
                    bounds(min.map(|x| x as f64), max.map(|x| x as f64), "characters"),
                );
            }
        }
    }

    /// A literal string must match the schema's pattern.
    pub fn check_pattern(&mut self, name: &str, value: &Value<String>, pattern: &str) {
        if let Value::Lit(s) = value {
            if let Some(re) = regex_cache(pattern) {
                if !re.is_match(s) {
                    self.error_of(
                        DiagKind::Pattern,
                        name,
                        Some(format!("{s:?}")),
                        "does not match the pattern",
                        format!("/{pattern}/"),
                    );
                }
            }
        }
    }

    /// A literal number must be within bounds (inclusive).
    pub fn check_range<T: Copy + Into<f64>>(
        &mut self,
        name: &str,
        value: &Value<T>,
        min: Option<f64>,
        max: Option<f64>,
    ) {
        if let Value::Lit(x) = value {
            let x: f64 = (*x).into();
            if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                self.error_of(DiagKind::OutOfRange, name, Some(fmt_num(x)), "out of range", bounds(min, max, ""));
            }
        }
    }

    /// An integer must be within bounds (inclusive).
    pub fn check_int_range(&mut self, name: &str, value: &Value<i64>, min: Option<f64>, max: Option<f64>) {
        if let Value::Lit(x) = value {
            let xf = *x as f64;
            if min.is_some_and(|m| xf < m) || max.is_some_and(|m| xf > m) {
                self.error_of(DiagKind::OutOfRange, name, Some(x.to_string()), "out of range", bounds(min, max, ""));
            }
        }
    }

    /// A literal list's length must be within bounds.
    pub fn check_items<T>(&mut self, name: &str, value: &Value<Vec<T>>, min: Option<usize>, max: Option<usize>) {
        if let Value::Lit(items) = value {
            let n = items.len();
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                self.error_of(
                    DiagKind::ItemCount,
                    name,
                    Some(format!("{n} items")),
                    "number of items out of range",
                    bounds(min.map(|x| x as f64), max.map(|x| x as f64), "items"),
                );
            }
        }
    }

    /// Exactly one of the named properties must be present.
    pub fn check_one_of(&mut self, names: &[(&str, bool)]) {
        let set: Vec<&str> = names.iter().filter(|(_, p)| *p).map(|(n, _)| *n).collect();
        if set.len() != 1 {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            self.error_of(
                DiagKind::OneOf,
                "",
                Some(if set.is_empty() { "none".into() } else { set.join(" and ") }),
                "exactly one of these properties must be set",
                all.join(" or "),
            );
        }
    }

    /// Properties that must not be set together with `name`.
    pub fn check_excluded(&mut self, name: &str, present: bool, others: &[(&str, bool)]) {
        if !present {
            return;
        }
        for (o, p) in others {
            if *p {
                self.error_of(
                    DiagKind::Excluded,
                    name,
                    None,
                    format!("cannot be set together with {o}"),
                    format!("{name} or {o}, not both"),
                );
            }
        }
    }

    /// Renders a value for a message.
    pub fn show<T: ToToken>(value: &T) -> String {
        value.to_token().describe()
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

fn bounds(min: Option<f64>, max: Option<f64>, unit: &str) -> String {
    let u = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    match (min, max) {
        (Some(a), Some(b)) => format!("{} to {}{u}", fmt_num(a), fmt_num(b)),
        (Some(a), None) => format!("at least {}{u}", fmt_num(a)),
        (None, Some(b)) => format!("at most {}{u}", fmt_num(b)),
        (None, None) => "any".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_check_names_path_property_value_and_allowed() {
        let mut out = Vec::new();
        let mut v = Validator::new(&mut out, "s/T/Resource");
        v.nested("Spec", |v| {
            v.check_enum("Mode", &Value::Lit("X".to_string()), &["A", "B"]);
        });
        assert_eq!(out.len(), 1);
        assert!(out[0].is(DiagKind::NotAllowedValue));
        assert_eq!(out[0].to_string(), "s/T/Resource: Spec.Mode: not an allowed value (got \"X\"); allowed: A, B");
    }

    #[test]
    fn range_and_length_checks_collect_every_problem() {
        let mut out = Vec::new();
        let mut v = Validator::new(&mut out, "p");
        v.check_int_range("Timeout", &Value::Lit(0), Some(1.0), Some(900.0));
        v.check_length("Name", &Value::Lit("abcd".to_string()), Some(1), Some(3));
        v.check_pattern("Id", &Value::Lit("x y".to_string()), "^[a-z]+$");
        v.check_items("L", &Value::Lit(vec![1_i64, 2, 3]), None, Some(2));
        assert_eq!(out.len(), 4);
        let kinds: Vec<DiagKind> = out.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DiagKind::OutOfRange, DiagKind::Length, DiagKind::Pattern, DiagKind::ItemCount]);
        assert!(out[0].to_string().contains("Timeout: out of range (got 0); allowed: 1 to 900"));
        assert!(out[1].to_string().contains("allowed: 1 to 3 characters"));
        assert!(out[2].to_string().contains("does not match the pattern"));
        assert!(out[3].to_string().contains("at most 2 items"));
    }

    #[test]
    fn expressions_are_not_checked_against_literal_constraints() {
        let mut out = Vec::new();
        let mut v = Validator::new(&mut out, "p");
        v.check_enum("Mode", &Value::Expr(Token::Str("x".into())), &["A"]);
        assert!(out.is_empty());
    }

    #[test]
    fn one_of_and_excluded_rules() {
        let mut out = Vec::new();
        let mut v = Validator::new(&mut out, "p");
        v.check_one_of(&[("A", false), ("B", false)]);
        v.check_excluded("A", true, &[("B", true)]);
        assert_eq!(out.len(), 2);
        assert!(out[0].is(DiagKind::OneOf) && out[1].is(DiagKind::Excluded));
    }
}
