//! The S3 bucket-name rules, checked on what synthesis knows of a name.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::Value;

use crate::name::KnownName;

/// Prefixes S3 reserves for its own bucket names.
const RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
/// Suffixes S3 reserves for access points, Object Lambda, directory and table buckets.
const RESERVED_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// Reports every S3 naming rule a bucket name is known to break: 3 to 63
/// characters; lowercase letters, digits, `.` and `-`; starting and ending
/// with a letter or digit; no `..`; not an IP address; none of the reserved
/// prefixes and suffixes.
pub(crate) fn check_bucket_name(path: &str, name: &Value<String>, out: &mut Vec<Diagnostic>) {
    let Some(known) = KnownName::of(name) else { return };
    let text = known.text();
    let error = |problem: String, allowed: &str| {
        Diagnostic::error_of(DiagKind::Pattern, path, problem)
            .property("BucketName")
            .value(format!("{text:?}"))
            .allowed(allowed)
    };
    if let Some(c) = text.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'))) {
        out.push(error(
            format!("invalid character {c:?} in bucket name"),
            "lowercase letters, digits, '.' and '-' (the environment suffix is lowercase too)",
        ));
    }
    let len = text.chars().count();
    if len > 63 || (known.fully_known() && len < 3) {
        out.push(
            Diagnostic::error_of(DiagKind::Length, path, "bucket name length")
                .property("BucketName")
                .value(known.describe_len())
                .allowed("3 to 63 characters"),
        );
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if known.start().chars().next().is_some_and(|c| !alnum(c)) {
        out.push(error("a bucket name starts with a letter or digit".into(), "a lowercase letter or digit first"));
    }
    if known.end().chars().last().is_some_and(|c| !alnum(c)) {
        out.push(error("a bucket name ends with a letter or digit".into(), "a lowercase letter or digit last"));
    }
    if known.texts().any(|t| t.contains("..")) {
        out.push(error("a bucket name has no two adjacent periods".into(), "at most one '.' in a row"));
    }
    if known.fully_known() && text.split('.').count() == 4 && text.split('.').all(|p| p.parse::<u8>().is_ok()) {
        out.push(error("a bucket name is not an IP address".into(), "a name that is not formatted as an IP address"));
    }
    if let Some(p) = RESERVED_PREFIXES.iter().find(|p| known.start().starts_with(**p)) {
        out.push(error(format!("the prefix {p:?} is reserved by S3"), "a name without a reserved prefix"));
    }
    if let Some(s) = RESERVED_SUFFIXES.iter().find(|s| known.end().ends_with(**s)) {
        out.push(error(format!("the suffix {s:?} is reserved by S3"), "a name without a reserved suffix"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_break_each_rule_once() {
        let mut out = Vec::new();
        check_bucket_name("B", &Value::Lit("Bad..Name-".into()), &mut out);
        let problems: Vec<&str> = out.iter().map(|d| d.problem.as_str()).collect();
        assert_eq!(
            problems,
            [
                "invalid character 'B' in bucket name",
                "a bucket name starts with a letter or digit",
                "a bucket name ends with a letter or digit",
                "a bucket name has no two adjacent periods"
            ]
        );
    }
}
