//! # cfnkit-lint
//!
//! The reviewer's checks on any CloudFormation template: two rule packs,
//! [`conventions`](packs::conventions) (the TAP naming, tagging, removal,
//! parameter and output conventions) and [`security`](packs::security)
//! (encryption, public access, wildcards, TLS, recovery, logging), run over a
//! template as a `serde_json::Value`, so they apply to JSON and YAML
//! templates read from disk and to cfnkit's own synthesized stacks alike.
//!
//! Every [`Rule`] has an id, a [`Severity`], a one-line rationale, the fix,
//! and the checkov, cdk-nag and cfn-lint ids it corresponds to. A resource
//! can acknowledge a finding in its `Metadata` (see [`suppress`]); an
//! acknowledgement without a reason is itself a finding. [`Config`] (from
//! `cfnkit.toml` or `[package.metadata.cfnkit]`) selects packs, severities
//! and conventions. [`output`] renders findings as text, JSON or SARIF 2.1.0.
//!
//! This crate knows nothing about the construct tree or synthesis; it depends
//! on no other cfnkit crate.
//!
//! ```
//! use cfnkit::lint::{lint_template, Config};
//! let template = cfnkit::serde_json::json!({
//!     "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {}}}
//! });
//! let findings = lint_template(&template, &Config::default());
//! assert!(findings.iter().any(|f| f.rule == "sec-log-retention"));
//! ```

pub mod config;
pub mod document;
mod foreach;
pub mod output;
pub mod packs;
pub mod policy;
pub mod rule;
pub mod suppress;
pub mod template;

pub use config::{Config, ConfigError, RemovalMode};
pub use document::{Document, ReadError};
pub use rule::{Finding, Pack, Rule, Severity};

/// Lints one template with `config`: every enabled rule, then the resources'
/// acknowledgements. Findings come sorted by resource order, then rule id.
///
/// `Fn::ForEach` loops are expanded first (see the `foreach` module): a
/// resource of a loop is checked once per item, and its findings point at
/// the loop's fragment in the source.
pub fn lint_template(template: &serde_json::Value, config: &Config) -> Vec<Finding> {
    let expanded = foreach::expand(template);
    let (template, origins) = match &expanded {
        Some(e) => (&e.template, e.origins.as_slice()),
        None => (template, &[][..]),
    };
    let ctx = template::Ctx::new(template, config);
    let mut findings = Vec::new();
    for rule in packs::all() {
        if !config.enabled(rule) {
            continue;
        }
        let mut hits = Vec::new();
        (rule.check)(&ctx, &mut hits);
        for h in hits {
            findings.push(Finding {
                rule: rule.id,
                severity: config.severity(rule),
                resource: h.resource,
                pointer: h.pointer,
                message: h.message,
                fix: rule.fix,
            });
        }
    }
    let mut findings = suppress::apply(&ctx, findings, config);
    for f in &mut findings {
        if let Some((from, to)) = origins.iter().find(|(from, _)| {
            f.pointer.strip_prefix(from.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        }) {
            f.pointer = format!("{to}{}", &f.pointer[from.len()..]);
        }
    }
    let order = ctx.resource_order();
    findings.sort_by(|a, b| {
        let ka = a.resource.as_deref().and_then(|r| order.get(r)).copied().unwrap_or(usize::MAX);
        let kb = b.resource.as_deref().and_then(|r| order.get(r)).copied().unwrap_or(usize::MAX);
        (a.resource.is_some(), ka, a.rule, &a.pointer).cmp(&(b.resource.is_some(), kb, b.rule, &b.pointer))
    });
    findings
}
