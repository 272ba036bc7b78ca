//! Acknowledgements in `Metadata`: a finding that cannot apply is
//! suppressed by the resource it is about, with the reason written down.
//!
//! Four forms are honoured, each naming either a cfnkit rule id or an id
//! of a tool the rule corresponds to (so one acknowledgement serves both):
//!
//! - cfnkit's own: `"cfnkit:acknowledgements": {"sec-kms-rotation": "why"}`
//!   (also in the template's top-level `Metadata`, for template-wide rules);
//! - checkov: `"checkov": {"skip": [{"id": "CKV_AWS_7", "comment": "why"}]}`;
//! - cfn-lint: `"cfn-lint": {"config": {"ignore_checks": ["W2531"]}}`, whose
//!   reason is the same id's entry under `cfnkit:acknowledgements`;
//! - cdk-nag: `"cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-KMS5", "reason": "why"}]}`.
//!
//! An acknowledgement without a reason is itself a finding
//! (`sup-missing-reason`) and suppresses nothing. Ids this linter does not
//! know are left alone: they are the other tools' business.

use serde_json::Value;

use crate::config::Config;
use crate::packs;
use crate::rule::{Finding, Hit, Pack, Rule, Severity};
use crate::template::{escape, Ctx};

/// The rule a reason-less acknowledgement breaks.
pub const MISSING_REASON: Rule = Rule {
    id: "sup-missing-reason",
    pack: Pack::Suppressions,
    severity: Severity::Error,
    title: "Every acknowledgement in Metadata states its reason",
    rationale: "A suppression without a reason cannot be reviewed and hides the finding for good",
    fix: "Write why the check cannot apply (checkov `comment`, cdk-nag `reason`, or the id's entry under `cfnkit:acknowledgements`)",
    checkov: &[],
    cdk_nag: &[],
    cfn_lint: &[],
    check: check_missing_reasons,
};

/// One acknowledgement found in a resource's Metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The id it names.
    pub id: String,
    /// Its reason, if written.
    pub reason: Option<String>,
    /// Where it is.
    pub pointer: String,
}

/// Every acknowledgement in a `Metadata` object whose pointer is `base`.
pub fn acks(meta: &Value, base: &str) -> Vec<Ack> {
    let mut out = Vec::new();
    let own = meta.get("cfnkit:acknowledgements").and_then(Value::as_object);
    if let Some(own) = own {
        for (id, why) in own {
            out.push(Ack {
                id: id.clone(),
                reason: why.as_str().map(str::to_string),
                pointer: format!("{base}/cfnkit:acknowledgements/{}", escape(id)),
            });
        }
    }
    if let Some(skips) = meta.pointer("/checkov/skip").and_then(Value::as_array) {
        for (i, s) in skips.iter().enumerate() {
            if let Some(id) = s.get("id").and_then(Value::as_str) {
                out.push(Ack {
                    id: id.into(),
                    reason: s.get("comment").and_then(Value::as_str).map(str::to_string),
                    pointer: format!("{base}/checkov/skip/{i}"),
                });
            }
        }
    }
    if let Some(ignores) = meta.pointer("/cfn-lint/config/ignore_checks").and_then(Value::as_array) {
        for (i, id) in ignores.iter().enumerate() {
            if let Some(id) = id.as_str() {
                let reason = own.and_then(|o| o.get(id)).and_then(Value::as_str).map(str::to_string);
                out.push(Ack { id: id.into(), reason, pointer: format!("{base}/cfn-lint/config/ignore_checks/{i}") });
            }
        }
    }
    if let Some(rules) = meta.pointer("/cdk_nag/rules_to_suppress").and_then(Value::as_array) {
        for (i, s) in rules.iter().enumerate() {
            if let Some(id) = s.get("id").and_then(Value::as_str) {
                out.push(Ack {
                    id: id.into(),
                    reason: s.get("reason").and_then(Value::as_str).map(str::to_string),
                    pointer: format!("{base}/cdk_nag/rules_to_suppress/{i}"),
                });
            }
        }
    }
    out
}

fn has_reason(a: &Ack) -> bool {
    a.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
}

fn check_missing_reasons(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let mut report = |resource: Option<&str>, list: Vec<Ack>| {
        for a in list.into_iter().filter(|a| !has_reason(a)) {
            hits.push(Hit {
                resource: resource.map(str::to_string),
                message: format!("acknowledgement of {} gives no reason", a.id),
                pointer: a.pointer,
            });
        }
    };
    if let Some(meta) = ctx.template.get("Metadata") {
        report(None, acks(meta, "/Metadata"));
    }
    for r in ctx.resources() {
        if let Some(meta) = r.raw.get("Metadata") {
            report(Some(r.id), acks(meta, &r.attr_ptr("Metadata")));
        }
    }
}

/// Drops the findings their resource (or the template, for template-wide
/// findings) acknowledges with a reason. A reason-less acknowledgement
/// suppresses nothing: the finding stays, and `sup-missing-reason` is added.
pub fn apply(ctx: &Ctx<'_>, findings: Vec<Finding>, _config: &Config) -> Vec<Finding> {
    let top: Vec<Ack> = ctx.template.get("Metadata").map(|m| acks(m, "/Metadata")).unwrap_or_default();
    findings
        .into_iter()
        .filter(|f| {
            if f.rule == MISSING_REASON.id {
                return true;
            }
            let Some(rule) = packs::all().iter().find(|r| r.id == f.rule) else { return true };
            let list = match &f.resource {
                Some(id) => {
                    ctx.resource(id).and_then(|r| r.raw.get("Metadata").map(|m| acks(m, ""))).unwrap_or_default()
                }
                None => top.clone(),
            };
            !list.iter().any(|a| has_reason(a) && rule.answers_to(&a.id))
        })
        .collect()
}
