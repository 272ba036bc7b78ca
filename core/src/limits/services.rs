//! Service quotas of the resource types cfnkit covers, checked on the
//! properties as written.
//!
//! Sources:
//! - Lambda: "Lambda quotas",
//!   <https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>
//!   (environment variables: 4 KB in aggregate per function; 5 layers per function);
//! - CloudWatch: `PutMetricAlarm`,
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>
//!   (periods of 10, 20, 30 or a multiple of 60 seconds; period x evaluation
//!   periods at most 604,800 seconds, and at most 86,400 for periods under an
//!   hour; `DatapointsToAlarm` at most `EvaluationPeriods`);
//! - IAM: "IAM and AWS STS quotas",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
//!   (a role's inline policies: 10,240 characters in aggregate; a managed
//!   policy: 6,144; a user's inline policies: 2,048; a group's: 5,120;
//!   white space not counted), and the policy grammar,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
//!   (every statement has an `Effect` of `Allow` or `Deny` and an `Action` or
//!   `NotAction`; an action is `*` or `service:Action`, wildcards allowed);
//! - DynamoDB: "Quotas in Amazon DynamoDB",
//!   <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html>
//!   (20 global secondary indexes and 5 local secondary indexes per table).

use serde_json::{Map, Value as Json};

use super::ResourceInfo;
use crate::diag::Diagnostic;

/// Bytes of all environment variables of one Lambda function (keys and values).
pub const LAMBDA_ENVIRONMENT_BYTES: usize = 4096;
/// Layers per Lambda function.
pub const LAMBDA_LAYERS: usize = 5;
/// Total evaluation range of an alarm whose period is under an hour, in seconds.
pub const ALARM_RANGE_SHORT_PERIOD: u64 = 86_400;
/// Total evaluation range of any alarm, in seconds.
pub const ALARM_RANGE: u64 = 604_800;
/// Characters of a role's inline policies, together (white space excluded).
pub const ROLE_INLINE_POLICY_CHARS: usize = 10_240;
/// Characters of a managed policy (white space excluded).
pub const MANAGED_POLICY_CHARS: usize = 6_144;
/// Characters of a user's inline policies, together.
pub const USER_INLINE_POLICY_CHARS: usize = 2_048;
/// Characters of a group's inline policies, together.
pub const GROUP_INLINE_POLICY_CHARS: usize = 5_120;
/// Global secondary indexes per DynamoDB table.
pub const DYNAMODB_GSIS: usize = 20;
/// Local secondary indexes per DynamoDB table.
pub const DYNAMODB_LSIS: usize = 5;

fn err(path: &str, problem: &str, prop: &str, value: String, allowed: String) -> Diagnostic {
    Diagnostic::error(path, problem).property(prop).value(value).allowed(allowed)
}

/// Checks the quotas of one resource.
pub(crate) fn check(path: &str, cfn_type: &str, props: &Map<String, Json>, out: &mut Vec<Diagnostic>) {
    match cfn_type {
        "AWS::Lambda::Function" => lambda(path, props, out),
        "AWS::CloudWatch::Alarm" => alarm(path, props, out),
        "AWS::DynamoDB::Table" => {
            for (k, max) in [("GlobalSecondaryIndexes", DYNAMODB_GSIS), ("LocalSecondaryIndexes", DYNAMODB_LSIS)] {
                if let Some(n) = props.get(k).and_then(Json::as_array).map(Vec::len).filter(|n| *n > max) {
                    out.push(err(
                        path,
                        "too many indexes",
                        k,
                        format!("{n} indexes"),
                        format!("at most {max} per table"),
                    ));
                }
            }
        }
        "AWS::IAM::ManagedPolicy" => {
            if let Some(doc) = props.get("PolicyDocument") {
                let n = policy_chars(doc);
                if n > MANAGED_POLICY_CHARS {
                    out.push(err(
                        path,
                        "managed policy too large",
                        "PolicyDocument",
                        format!("at least {n} characters without white space"),
                        format!("at most {MANAGED_POLICY_CHARS} characters: split it into several policies"),
                    ));
                }
            }
        }
        _ => {}
    }
    for (k, v) in props {
        if matches!(k.as_str(), "PolicyDocument" | "AssumeRolePolicyDocument" | "KeyPolicy") {
            statements(path, k, v, out);
        }
        if k == "Policies" {
            for (i, p) in v.as_array().into_iter().flatten().enumerate() {
                if let Some(doc) = p.get("PolicyDocument") {
                    statements(path, &format!("Policies.{i}.PolicyDocument"), doc, out);
                }
            }
        }
    }
}

fn lambda(path: &str, props: &Map<String, Json>, out: &mut Vec<Diagnostic>) {
    if let Some(vars) = props.get("Environment").and_then(|e| e.get("Variables")).and_then(Json::as_object) {
        // Values that are expressions count only their literal part: a lower bound.
        let n: usize = vars.iter().map(|(k, v)| k.len() + v.as_str().map_or(0, str::len)).sum();
        if n > LAMBDA_ENVIRONMENT_BYTES {
            out.push(err(
                path,
                "environment variables too large",
                "Environment.Variables",
                format!("at least {n} bytes of keys and values"),
                format!(
                    "at most {LAMBDA_ENVIRONMENT_BYTES} bytes in total: move large values to SSM or Secrets Manager"
                ),
            ));
        }
    }
    if let Some(n) = props.get("Layers").and_then(Json::as_array).map(Vec::len).filter(|n| *n > LAMBDA_LAYERS) {
        out.push(err(path, "too many layers", "Layers", format!("{n} layers"), format!("at most {LAMBDA_LAYERS}")));
    }
}

fn int(v: Option<&Json>) -> Option<i64> {
    v.and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
}

fn valid_period(p: i64) -> bool {
    matches!(p, 10 | 20 | 30) || (p > 0 && p % 60 == 0)
}

fn alarm(path: &str, props: &Map<String, Json>, out: &mut Vec<Diagnostic>) {
    let mut periods: Vec<(String, i64)> = Vec::new();
    if let Some(p) = int(props.get("Period")) {
        periods.push(("Period".into(), p));
    }
    for (i, m) in props.get("Metrics").and_then(Json::as_array).into_iter().flatten().enumerate() {
        if let Some(p) = int(m.get("MetricStat").and_then(|s| s.get("Period"))) {
            periods.push((format!("Metrics.{i}.MetricStat.Period"), p));
        }
        if let Some(p) = int(m.get("Period")) {
            periods.push((format!("Metrics.{i}.Period"), p));
        }
    }
    for (prop, p) in &periods {
        if !valid_period(*p) {
            out.push(err(
                path,
                "invalid alarm period",
                prop,
                format!("{p} seconds"),
                "10, 20, 30 or a multiple of 60 seconds".into(),
            ));
        }
    }
    let evaluations = int(props.get("EvaluationPeriods"));
    if let (Some(n), Some(&(_, p))) = (evaluations, periods.iter().max_by_key(|(_, p)| *p)) {
        let limit = if p < 3600 { ALARM_RANGE_SHORT_PERIOD } else { ALARM_RANGE };
        let total = u64::try_from(n).unwrap_or(0).saturating_mul(u64::try_from(p).unwrap_or(0));
        if total > limit {
            out.push(err(
                path,
                "alarm evaluation range too long",
                "EvaluationPeriods",
                format!("{n} periods of {p} seconds = {total} seconds"),
                format!(
                    "period x evaluation periods at most {limit} seconds ({})",
                    if p < 3600 { "one day for periods under an hour" } else { "seven days" }
                ),
            ));
        }
    }
    if let (Some(m), Some(n)) = (int(props.get("DatapointsToAlarm")), evaluations) {
        if m > n {
            out.push(err(
                path,
                "more datapoints to alarm than evaluation periods",
                "DatapointsToAlarm",
                m.to_string(),
                format!("1 to EvaluationPeriods ({n})"),
            ));
        }
    }
}

/// Characters of a policy document as IAM counts them (no white space);
/// intrinsic functions count as written, so this is a lower bound for ARNs.
fn policy_chars(doc: &Json) -> usize {
    serde_json::to_string(doc).map_or(0, |s| s.chars().filter(|c| !c.is_whitespace()).count())
}

/// Every statement of a policy document: an effect, actions, well-formed actions.
fn statements(path: &str, prop: &str, doc: &Json, out: &mut Vec<Diagnostic>) {
    let Some(list) = doc.get("Statement") else { return };
    let items: Vec<&Json> = match list {
        Json::Array(a) => a.iter().collect(),
        Json::Object(_) => vec![list],
        _ => return,
    };
    for (i, st) in items.iter().enumerate() {
        let Some(st) = st.as_object() else { continue };
        if st.keys().any(|k| k == "Fn::If" || k == "Ref" || k.starts_with("Fn::")) {
            continue;
        }
        let here = format!("{prop}.Statement.{i}");
        match st.get("Effect").and_then(Json::as_str) {
            Some("Allow" | "Deny") => {}
            Some(e) => out.push(err(
                path,
                "invalid statement effect",
                &format!("{here}.Effect"),
                format!("{e:?}"),
                "Allow or Deny".into(),
            )),
            None if st.get("Effect").is_none() => {
                out.push(err(path, "statement without an Effect", &here, "no Effect".into(), "Allow or Deny".into()));
            }
            None => {}
        }
        let actions = st.get("Action").or_else(|| st.get("NotAction"));
        let key = if st.contains_key("Action") { "Action" } else { "NotAction" };
        let list: Vec<&Json> = match actions {
            None => {
                out.push(err(
                    path,
                    "statement without actions",
                    &here,
                    "no Action or NotAction".into(),
                    "at least one action, service:Action".into(),
                ));
                continue;
            }
            Some(Json::Array(a)) => a.iter().collect(),
            Some(v) => vec![v],
        };
        if list.is_empty() {
            out.push(err(
                path,
                "statement without actions",
                &format!("{here}.{key}"),
                "[]".into(),
                "at least one action, service:Action".into(),
            ));
        }
        for a in list {
            if let Some(s) = a.as_str() {
                if !is_action(s) {
                    out.push(err(
                        path,
                        "malformed action",
                        &format!("{here}.{key}"),
                        format!("{s:?}"),
                        "\"*\" or service:Action (letters, digits and - in the service; letters, digits, * and ? in the action)".into(),
                    ));
                }
            }
        }
    }
}

/// `*` or `service:Action`.
pub fn is_action(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some((service, action)) = s.split_once(':') else { return false };
    !service.is_empty()
        && !action.is_empty()
        && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && action.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

/// The aggregate inline policy size of every role, user and group of the
/// template: their own `Policies` plus the `AWS::IAM::Policy` /
/// `AWS::IAM::RolePolicy` resources attached to them by `Ref`.
pub(crate) fn check_role_policy_sizes(template: &Json, resources: &[ResourceInfo], out: &mut Vec<Diagnostic>) {
    let Some(all) = template.get("Resources").and_then(Json::as_object) else { return };
    let principals = [
        ("AWS::IAM::Role", "Roles", "RoleName", ROLE_INLINE_POLICY_CHARS, "role"),
        ("AWS::IAM::User", "Users", "UserName", USER_INLINE_POLICY_CHARS, "user"),
        ("AWS::IAM::Group", "Groups", "GroupName", GROUP_INLINE_POLICY_CHARS, "group"),
    ];
    for r in resources {
        let Some(res) = all.get(&r.logical_id) else { continue };
        let ty = res.get("Type").and_then(Json::as_str).unwrap_or_default();
        let Some(&(_, list_key, name_key, limit, noun)) = principals.iter().find(|p| p.0 == ty) else { continue };
        let own: usize = res
            .pointer("/Properties/Policies")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("PolicyDocument"))
            .map(policy_chars)
            .sum();
        let reference = serde_json::json!({"Ref": r.logical_id});
        let attached: usize = all
            .values()
            .filter(|o| {
                matches!(
                    o.get("Type").and_then(Json::as_str),
                    Some(
                        "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy"
                    )
                )
            })
            .filter(|o| {
                let props = o.get("Properties");
                let in_list = props
                    .and_then(|p| p.get(list_key))
                    .and_then(Json::as_array)
                    .is_some_and(|l| l.contains(&reference));
                let by_name = props.and_then(|p| p.get(name_key)) == Some(&reference);
                in_list || by_name
            })
            .filter_map(|o| o.pointer("/Properties/PolicyDocument"))
            .map(policy_chars)
            .sum();
        let total = own + attached;
        if total > limit {
            out.push(err(
                &r.path,
                &format!("inline policies of the {noun} too large"),
                "Policies",
                format!("at least {total} characters without white space"),
                format!(
                    "at most {limit} characters in total: grant on fewer resources, use wildcards in resource names, or move statements to a managed policy"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_service_colon_action() {
        assert!(is_action("s3:GetObject"));
        assert!(is_action("s3:Get*"));
        assert!(is_action("*"));
        assert!(!is_action("GetObject"));
        assert!(!is_action("s3:"));
        assert!(!is_action("s3 :Get"));
    }

    #[test]
    fn alarm_periods_follow_put_metric_alarm() {
        assert!(valid_period(10) && valid_period(20) && valid_period(30) && valid_period(120));
        assert!(!valid_period(7) && !valid_period(0) && !valid_period(90) && !valid_period(-60));
    }
}
