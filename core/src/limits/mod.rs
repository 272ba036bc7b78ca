//! AWS service limits, checked at synthesis on the template as it will be
//! written (after tags, overrides, deletions and suffixes are applied).
//!
//! Every number below names the AWS page it comes from. The checks are
//! grouped by concept: [`tags`] (tag keys and values), [`template`] (stack
//! and output descriptions, parameters, condition and mapping names),
//! [`services`] (Lambda environments, CloudWatch alarm periods, IAM policy
//! sizes and statements, DynamoDB indexes, Lambda layers), `schema` (the
//! resource provider schemas' rules on overridden and generic properties,
//! and names built with `Fn::Sub` measured with the shortest and longest
//! value of their parameters), [`scopes`] (construct nesting depth) and
//! [`tokens`] (value nesting depth, non-finite numbers, `Suffix::format`
//! mistakes).

pub(crate) mod schema;
mod schema_props;
pub mod scopes;
pub mod services;
pub mod subst;
pub mod tags;
pub mod template;
pub mod tokens;

use serde_json::Value as Json;

use crate::diag::Diagnostic;

/// What the limit checks need to know about one resource of the template.
pub(crate) struct ResourceInfo {
    /// Its logical id.
    pub(crate) logical_id: String,
    /// Its construct path.
    pub(crate) path: String,
    /// The property paths its overrides set or deleted, in order.
    pub(crate) overrides: Vec<(String, bool)>,
    /// True for a `CfnResource` (no typed checks ran on its properties).
    pub(crate) generic: bool,
}

/// Checks every limit on one synthesized template.
pub(crate) fn check_stack(
    stack: &crate::tree::Stack,
    template: &Json,
    resources: &[ResourceInfo],
    out: &mut Vec<Diagnostic>,
) {
    template::check(stack, template, out);
    let env = subst::Env::of(stack);
    let all = template.get("Resources").and_then(Json::as_object);
    for r in resources {
        let Some(res) = all.and_then(|m| m.get(&r.logical_id)) else { continue };
        let cfn_type = res.get("Type").and_then(Json::as_str).unwrap_or_default();
        let empty = serde_json::Map::new();
        let props = res.get("Properties").and_then(Json::as_object).unwrap_or(&empty);
        // A tag the typed checks already reported (same path and property) is reported once.
        let mut tag_diags = Vec::new();
        tags::check(
            &r.path,
            props,
            r.overrides.iter().any(|(p, _)| p == "Tags" || p.starts_with("Tags.")),
            &mut tag_diags,
        );
        tag_diags.retain(|d| !out.iter().any(|o| o.path == d.path && o.property == d.property));
        out.extend(tag_diags);
        schema_check(r, cfn_type, props, &env, out);
        services::check(&r.path, cfn_type, props, out);
    }
    services::check_role_policy_sizes(template, resources, out);
}

fn schema_check(
    r: &ResourceInfo,
    cfn_type: &str,
    props: &serde_json::Map<String, Json>,
    env: &subst::Env,
    out: &mut Vec<Diagnostic>,
) {
    let Some(rules) = schema::rules_for(cfn_type) else {
        if r.generic && schema::covers_namespace(cfn_type) {
            let mut d = Diagnostic::error(r.path.clone(), "unknown resource type")
                .property("Type")
                .value(format!("{cfn_type:?}"));
            let ns = &cfn_type[..cfn_type.rfind("::").unwrap_or(0)];
            let known: Vec<&str> = schema::type_names().into_iter().filter(|t| t.starts_with(ns)).collect();
            d = d.allowed(match schema::nearest(cfn_type, known.iter().copied()) {
                Some(n) => format!("a resource type of {ns} (did you mean {n}?)"),
                None => format!("a resource type of {ns}"),
            });
            out.push(d);
        }
        return;
    };
    schema_props::check(&r.path, rules, props, &r.overrides, r.generic, env, out);
}
