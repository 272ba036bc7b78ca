//! Rules, their packs and severities, and the findings they produce.

use crate::template::Ctx;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not by itself make the template wrong.
    Note,
    /// Likely wrong or insecure.
    Warning,
    /// Wrong or insecure.
    Error,
}

impl Severity {
    /// `error`, `warning` or `note` (SARIF's level names).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pack {
    /// The TAP conventions: suffixed names, tags, removal policies, outputs, parameters.
    Conventions,
    /// Encryption, public access, wildcards, TLS, recovery and logging.
    Security,
    /// Findings about the acknowledgements themselves (always on).
    Suppressions,
}

impl Pack {
    /// `conventions`, `security` or `suppressions`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pack::Conventions => "conventions",
            Pack::Security => "security",
            Pack::Suppressions => "suppressions",
        }
    }
}

/// One place a rule failed, before severity and fix are attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The resource's logical id, when the finding is about one resource.
    pub resource: Option<String>,
    /// JSON pointer into the template (`/Resources/Bucket/Properties/BucketName`).
    pub pointer: String,
    /// What is wrong, naming the bad value.
    pub message: String,
}

impl Hit {
    /// A hit on resource `id` at `pointer`.
    pub fn at(id: &str, pointer: String, message: String) -> Self {
        Hit { resource: Some(id.to_string()), pointer, message }
    }
}

/// A rule: its identity, what it protects and how to fix it, and its check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id used in findings, config and acknowledgements (`sec-s3-public-access-block`).
    pub id: &'static str,
    /// The pack the rule belongs to.
    pub pack: Pack,
    /// Severity unless the config changes it.
    pub severity: Severity,
    /// One line: what the rule asks for.
    pub title: &'static str,
    /// One line: why it matters.
    pub rationale: &'static str,
    /// One line: how to fix a finding.
    pub fix: &'static str,
    /// checkov check ids that look at the same thing.
    pub checkov: &'static [&'static str],
    /// cdk-nag rule ids (AwsSolutions pack, or NIST 800-53 rule names).
    pub cdk_nag: &'static [&'static str],
    /// cfn-lint rule ids.
    pub cfn_lint: &'static [&'static str],
    /// The check.
    pub check: fn(&Ctx<'_>, &mut Vec<Hit>),
}

impl Rule {
    /// True when `id` names this rule, or one of the external ids it corresponds to.
    pub fn answers_to(&self, id: &str) -> bool {
        self.id == id
            || self.checkov.contains(&id)
            || self.cfn_lint.contains(&id)
            || self.cdk_nag.iter().any(|n| *n == id || n.strip_prefix("AwsSolutions-") == Some(id))
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).field("pack", &self.pack).finish_non_exhaustive()
    }
}

/// A finding: a rule that failed at one place in one template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity (after the config).
    pub severity: Severity,
    /// The resource's logical id, if any.
    pub resource: Option<String>,
    /// JSON pointer into the template.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: &'static str,
}
