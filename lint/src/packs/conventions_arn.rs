//! `conv-own-arn`: an ARN of one of the template's own resources written
//! out (literally, or as an `Fn::Sub` string repeating the resource's name)
//! instead of taken from the resource with `Fn::GetAtt` or `Ref`.
//!
//! A resource's name is known when its physical-name property is a literal
//! or an `Fn::Sub` string; an ARN names it when the ARN's service is the
//! resource's service and the name appears as a whole segment of the ARN's
//! resource part (after `:` or `/`, before `:`, `/`, `*` or the end). Such
//! an ARN breaks silently when the resource is renamed or replaced, and it
//! hides the dependency from CloudFormation (the policy may be created
//! before the resource exists). Not a finding where the named resource
//! depends on the one writing the ARN: there `Fn::GetAtt` would be a cycle.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::conventions::{each_literal, name_property};
use crate::rule::{Hit, Pack, Rule, Severity};
use crate::template::{references, Ctx};

/// The rules of this module (part of the conventions pack).
pub const RULES: &[Rule] = &[Rule {
    id: "conv-own-arn",
    pack: Pack::Conventions,
    severity: Severity::Error,
    title: "No hard-coded ARN of the template's own resources",
    rationale:
        "A written-out ARN breaks when the resource is renamed or replaced and hides the dependency from CloudFormation",
    fix: "Use {\"Fn::GetAtt\": [Id, \"Arn\"]} (or Ref, or ${Id.Arn} in Fn::Sub) of the resource",
    checkov: &[],
    cdk_nag: &[],
    cfn_lint: &["I3042"],
    check: own_arn,
}];

/// The ARN service of a resource type (`AWS::S3::Bucket` -> `s3`).
fn service(kind: &str) -> Option<String> {
    let svc = kind.strip_prefix("AWS::")?.split("::").next()?;
    Some(
        match svc {
            "StepFunctions" => "states",
            "ElasticLoadBalancingV2" => "elasticloadbalancing",
            "KinesisFirehose" => "firehose",
            "Cognito" => "cognito-idp",
            other => return Some(other.to_ascii_lowercase()),
        }
        .to_string(),
    )
}

/// `arn:PARTITION:SERVICE:` with the rest of the ARN (to the next blank or quote).
fn arn_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):([a-z0-9-]+):([^\s"',]*)"#).expect("valid regex")
    })
}

/// Whether `name` is a whole segment of the ARN's rest (after its region and account).
fn names(rest: &str, name: &str) -> bool {
    rest.match_indices(name).any(|(i, _)| {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].chars().next();
        matches!(before, Some(':' | '/')) && matches!(after, None | Some(':' | '/' | '*'))
    })
}

/// The logical ids `id` depends on: its `Ref`s, `Fn::GetAtt`s, `Fn::Sub`
/// variables and `DependsOn`.
fn dependencies(ctx: &Ctx<'_>, id: &str) -> Vec<String> {
    let Some(r) = ctx.resources().find(|r| r.id == id) else { return Vec::new() };
    let mut deps: Vec<String> = r.raw.values().flat_map(references).collect();
    match r.raw.get("DependsOn") {
        Some(Value::String(d)) => deps.push(d.clone()),
        Some(Value::Array(a)) => deps.extend(a.iter().filter_map(Value::as_str).map(str::to_string)),
        _ => {}
    }
    deps
}

/// Whether `from` depends on `to`, directly or through other resources.
fn reaches(ctx: &Ctx<'_>, from: &str, to: &str) -> bool {
    let mut seen = vec![from.to_string()];
    let mut todo = vec![from.to_string()];
    while let Some(id) = todo.pop() {
        for d in dependencies(ctx, &id) {
            if d == to {
                return true;
            }
            if !seen.contains(&d) {
                seen.push(d.clone());
                todo.push(d);
            }
        }
    }
    false
}

fn own_arn(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    // (logical id, service, name as written: a literal or an Fn::Sub string).
    let mut own: Vec<(&str, String, &str)> = Vec::new();
    for r in ctx.resources() {
        let (Some(prop), Some(svc)) = (name_property(r.kind), service(r.kind)) else { continue };
        let name = match r.prop(prop) {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Object(m)) => match m.get("Fn::Sub") {
                Some(Value::String(s)) => s.as_str(),
                _ => continue,
            },
            _ => continue,
        };
        // Names too short to be told from ordinary ARN text are left alone.
        if name.len() >= 3 {
            own.push((r.id, svc, name));
        }
    }
    if own.is_empty() {
        return;
    }
    each_literal(ctx, &mut |res, s, ptr| {
        for c in arn_re().captures_iter(s) {
            let (svc, rest) = (&c[1], &c[2]);
            // Where the named resource depends on the one writing its ARN (an S3
            // notification's permission, a replication role), Fn::GetAtt would be
            // a circular dependency: writing the ARN out is the only way.
            let found = own
                .iter()
                .find(|(id, sv, n)| sv == svc && names(rest, n) && res.is_none_or(|holder| !reaches(ctx, id, holder)));
            if let Some((id, _, name)) = found {
                hits.push(Hit {
                    resource: res.map(str::to_string),
                    pointer: ptr.to_string(),
                    message: format!("ARN of this template's resource {id} written out (name {name:?})"),
                });
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_counts_only_as_a_whole_segment() {
        assert!(names(":::orders-dev/*", "orders-dev"));
        assert!(names("::123456789012:role/app-role", "app-role"));
        assert!(names(":${AWS::Region}:${AWS::AccountId}:log-group:/aws/x:*", "/aws/x"));
        assert!(!names(":::orders-dev-logs/*", "orders-dev"));
        assert!(!names(":::my-orders-dev", "orders-dev"));
    }

    #[test]
    fn services_follow_the_arn_spelling() {
        assert_eq!(service("AWS::S3::Bucket").as_deref(), Some("s3"));
        assert_eq!(service("AWS::StepFunctions::StateMachine").as_deref(), Some("states"));
        assert_eq!(service("Custom::Thing"), None);
    }
}
