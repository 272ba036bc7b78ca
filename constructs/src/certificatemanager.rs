//! Certificate Manager: [`Certificate`], a public ACM certificate
//! validated through DNS.
//!
//! Defaults: DNS validation (ACM renews a DNS-validated certificate by
//! itself for as long as the validation record stays), certificate
//! transparency logging as ACM does it (on), RSA 2048 keys. With
//! [`Certificate::validated_in_zone`] CloudFormation writes the validation
//! records into that Route 53 hosted zone itself and the stack completes
//! once ACM has issued the certificate; without a zone, the stack waits
//! until someone adds the records ACM shows in the console (or in the
//! stack's events).
//!
//! Wildcard names (`*.example.com`) are refused unless
//! [`Certificate::allow_wildcard`] says why: a wildcard certificate's key
//! serves every host of the domain (checkov CKV2_AWS_71).
//!
//! The certificate's region travels with its handle: a CloudFront
//! distribution refuses a certificate not created in `us-east-1`.
//!
//! Compared with AWS CDK (`aws-certificatemanager` `Certificate`): the same
//! DNS validation with a hosted zone; CDK also refuses a domain name over
//! 64 characters, as here; cfnkit adds the wildcard decision and the region
//! fact.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::certificatemanager as l1;

use crate::cloudwatch::{Metric, Statistic};

/// The longest domain name ACM accepts as a certificate's `DomainName`.
pub const MAX_DOMAIN_NAME: usize = 64;
/// The most names (the domain name included) a certificate may have by default.
pub const MAX_NAMES: usize = 100;

/// The algorithm of the certificate's key pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// `RSA_2048` (ACM's default; what every client accepts).
    #[default]
    Rsa2048,
    /// `EC_prime256v1` (ECDSA P-256: smaller and faster).
    EcPrime256v1,
    /// `EC_secp384r1` (ECDSA P-384).
    EcSecp384r1,
}

impl KeyAlgorithm {
    /// The `KeyAlgorithm` value.
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa2048 => "RSA_2048",
            KeyAlgorithm::EcPrime256v1 => "EC_prime256v1",
            KeyAlgorithm::EcSecp384r1 => "EC_secp384r1",
        }
    }
}

/// The region a certificate was created in, as a fact of its handle
/// (`None` when its stack has no region).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CertificateRegion(pub(crate) Option<String>);

/// A public ACM certificate, validated through DNS.
///
/// ```
/// use cfnkit::constructs::certificatemanager::Certificate;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("edge").region("us-east-1");
/// let cert = Certificate::new("SiteCertificate", "www.example.com")
///     .alternative_name("example.com")
///     .validated_in_zone("Z0123456789ABCDEFGHIJ")
///     .add_to(stack);
/// let _arn = cert.arn();
/// let _expiry = cert.metric_days_to_expiry();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Certificate {
    id: String,
    domain: Value<String>,
    alternatives: Vec<Value<String>>,
    zone: Option<Value<String>>,
    key: KeyAlgorithm,
    wildcard: Option<String>,
}

impl Certificate {
    /// A certificate for `domain_name` (at most 64 characters).
    pub fn new(id: &str, domain_name: impl Into<Value<String>>) -> Self {
        Certificate {
            id: id.to_string(),
            domain: domain_name.into(),
            alternatives: Vec::new(),
            zone: None,
            key: KeyAlgorithm::Rsa2048,
            wildcard: None,
        }
    }
    /// Adds a subject alternative name.
    pub fn alternative_name(mut self, name: impl Into<Value<String>>) -> Self {
        self.alternatives.push(name.into());
        self
    }
    /// Validates every name through records CloudFormation writes into the
    /// Route 53 hosted zone `hosted_zone_id` (it must be the zone of every
    /// name).
    pub fn validated_in_zone(mut self, hosted_zone_id: impl Into<Value<String>>) -> Self {
        self.zone = Some(hosted_zone_id.into());
        self
    }
    /// Sets the key algorithm (RSA 2048 by default).
    pub fn key_algorithm(mut self, k: KeyAlgorithm) -> Self {
        self.key = k;
        self
    }
    /// Accepts wildcard names (`*.example.com`), saying why one key may
    /// serve every host of the domain.
    pub fn allow_wildcard(mut self, reason: &str) -> Self {
        self.wildcard = Some(reason.to_string());
        self
    }

    fn names(&self) -> impl Iterator<Item = &Value<String>> {
        std::iter::once(&self.domain).chain(&self.alternatives)
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if let Value::Lit(d) = &self.domain {
            if d.is_empty() || d.len() > MAX_DOMAIN_NAME {
                out.push(
                    Diagnostic::error_of(DiagKind::Length, path, "certificate domain name length")
                        .property("DomainName")
                        .value(format!("{} characters", d.len()))
                        .allowed(format!("1 to {MAX_DOMAIN_NAME} characters (put a longer name in .alternative_name)")),
                );
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, n) in self.names().enumerate() {
            let Value::Lit(n) = n else { continue };
            let prop = if i == 0 { "DomainName" } else { "SubjectAlternativeNames" };
            if !valid_domain_name(n) {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid domain name")
                        .property(prop)
                        .value(format!("{n:?}"))
                        .allowed("labels of letters, digits and '-' separated by '.', at most 253 characters; '*.' only as the first label"),
                );
            }
            if n.contains('*') && self.wildcard.is_none() {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::Missing,
                        path,
                        "wildcard certificate names serve every host of the domain with one key",
                    )
                    .property(prop)
                    .value(format!("{n:?}"))
                    .allowed("the host names themselves, or .allow_wildcard(reason)"),
                );
            }
            if seen.contains(&n.as_str()) {
                out.push(
                    Diagnostic::error_of(DiagKind::DuplicateId, path, "domain name given twice")
                        .property(prop)
                        .value(format!("{n:?}"))
                        .allowed("each name once"),
                );
            }
            seen.push(n);
        }
        let count = 1 + self.alternatives.len();
        if count > MAX_NAMES {
            out.push(
                Diagnostic::error_of(DiagKind::ItemCount, path, "too many names on one certificate")
                    .property("SubjectAlternativeNames")
                    .value(count.to_string())
                    .allowed(format!("at most {MAX_NAMES} names, the domain name included")),
            );
        }
    }

    /// Adds the certificate.
    pub fn add_to(self, stack: &mut Stack) -> CertificateRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        self.check(&path, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let mut c = l1::Certificate::new(self.domain.clone()).validation_method("DNS".to_string());
        if !self.alternatives.is_empty() {
            c = c.subject_alternative_names(self.alternatives.clone());
        }
        if let Some(zone) = &self.zone {
            c = c.domain_validation_options(
                self.names()
                    .map(|n| l1::DomainValidationOption::new().domain_name(n.clone()).hosted_zone_id(zone.clone()))
                    .collect::<Vec<_>>(),
            );
        }
        if self.key != KeyAlgorithm::Rsa2048 {
            c = c.key_algorithm(self.key.name().to_string());
        }
        let handle = stack.within(scope, |s| s.add("Resource", c));
        let wildcard = self.names().any(|n| matches!(n, Value::Lit(s) if s.contains('*')));
        if let (Some(reason), true) = (self.wildcard, wildcard) {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV2_AWS_71".into(), reason });
        }
        let region = stack.get_region().map(str::to_string);
        stack.record_fact(handle.id(), CertificateRegion(region));
        CertificateRef { handle }
    }
}

/// True for a domain name ACM accepts: dot-separated labels of 1 to 63
/// letters, digits and `-` (not at either end), at most 253 characters,
/// with `*` only as a whole first label.
fn valid_domain_name(n: &str) -> bool {
    let n = n.strip_suffix('.').unwrap_or(n);
    if n.is_empty() || n.len() > 253 {
        return false;
    }
    let rest = n.strip_prefix("*.").unwrap_or(n);
    rest.split('.').count() >= 1
        && rest.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A certificate added to a stack: its ARN, region and metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateRef {
    handle: Handle<l1::Certificate>,
}

impl CertificateRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Certificate> {
        self.handle
    }
    /// The certificate's ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The region the certificate was created in (`None` when its stack has
    /// no region), in any stack of the app.
    pub fn region(self, stack: &Stack) -> Option<String> {
        stack.fact::<CertificateRegion>(self.handle.id()).and_then(|r| r.0)
    }
    /// `DaysToExpiry` (Minimum, over a day): days until the certificate
    /// expires; ACM renews a DNS-validated certificate 60 days before, so
    /// a value under 45 means renewal is failing.
    pub fn metric_days_to_expiry(self) -> Metric {
        Metric::new("AWS/CertificateManager", "DaysToExpiry")
            .dimension("CertificateArn", self.arn())
            .statistic(Statistic::Minimum)
            .with_period(cfnkit_core::units::Duration::days(1))
    }
}

#[cfg(test)]
mod tests {
    use super::valid_domain_name;

    #[test]
    fn domain_names_follow_dns_label_rules() {
        assert!(valid_domain_name("www.example.com"));
        assert!(valid_domain_name("*.example.com"));
        assert!(valid_domain_name("localhost"));
        assert!(!valid_domain_name("www..example.com"));
        assert!(!valid_domain_name("-a.example.com"));
        assert!(!valid_domain_name("a.*.example.com"));
        assert!(!valid_domain_name("exa mple.com"));
        assert!(!valid_domain_name(&format!("{}.com", "a".repeat(64))));
    }
}
