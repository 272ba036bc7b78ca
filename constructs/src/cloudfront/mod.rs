//! CloudFront: [`Distribution`], HTTPS to viewers and origins, private S3
//! origins through origin access control, and the security headers on.
//!
//! Defaults: viewers on HTTP are redirected to HTTPS
//! ([`ViewerProtocol::RedirectToHttps`]); with a certificate
//! ([`Distribution::certificate`], which must be in `us-east-1`) viewers
//! need TLS 1.2 or later (`TLSv1.2_2021`, SNI); HTTP/2 and HTTP/3, IPv6
//! and compression on; AWS's managed `SecurityHeadersPolicy` on every
//! response (HSTS and the usual headers). An S3 origin stays private: an
//! origin access control is created for it and the bucket's policy lets
//! this distribution read its objects, nothing else (its customer managed
//! key, when it has one, lets the distribution decrypt); objects are cached
//! with the `CachingOptimized` policy and `/` serves `index.html`. An HTTP
//! origin (a load balancer) is reached over HTTPS only with TLS 1.2,
//! uncached (`CachingDisabled`), with every viewer header but `Host`
//! forwarded.
//!
//! Decisions a distribution needs, each a named call: a web ACL
//! ([`Distribution::web_acl`], a CloudFront-scoped [`WebAclRef`]) or
//! [`Distribution::without_web_acl`] with a reason; a certificate or
//! [`Distribution::default_domain_only`] with a reason (CloudFront's
//! default `*.cloudfront.net` certificate cannot require TLS 1.2).
//! Without either, synthesis warns and the validator finding stands.
//!
//! Access logs follow the stack's security profile: under the hardened
//! profile they go to the stack's CloudFront log bucket
//! ([`stack_log_bucket`]: ACLs enabled as CloudFront's log delivery
//! requires, private, encrypted, expiring logs after a year), under the
//! default profile there are none and checkov's CKV_AWS_86 is
//! acknowledged with the reason.
//!
//! Compared with AWS CDK (`aws-cloudfront` `Distribution`): CDK allows
//! plain HTTP to viewers and TLSv1.2_2021 only with a certificate, as here,
//! but adds no security headers, no WAF decision and no logging unless
//! asked; its `S3BucketOrigin.withOriginAccessControl` writes the same
//! kind of bucket-policy statement.

mod distribution_ref;
mod origin;

pub use distribution_ref::{DistributionRef, METRICS_REGION};
pub use origin::{
    HttpOrigin, Origin, ALL_VIEWER_EXCEPT_HOST_HEADER, CACHING_DISABLED, CACHING_OPTIMIZED, SECURITY_HEADERS,
};

use cfnkit_core::conventions::{Hardening, SecurityProfile};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::Value;
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::Duration;
use cfnkit_l1::cloudfront as l1;
use cfnkit_l1::s3::BucketAttrs;

use crate::certificatemanager::CertificateRef;
use crate::s3::{Bucket, BucketRef, Rule};
use crate::wafv2::{Scope, WebAclRef};

/// The region a distribution's certificate must be in.
pub const CERTIFICATE_REGION: &str = "us-east-1";
/// The minimum viewer TLS version with a certificate.
pub const MINIMUM_PROTOCOL_VERSION: &str = "TLSv1.2_2021";

/// How viewers may connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ViewerProtocol {
    /// HTTP requests are redirected to HTTPS (the default).
    #[default]
    RedirectToHttps,
    /// HTTP requests are refused (403).
    HttpsOnly,
}

impl ViewerProtocol {
    fn name(self) -> &'static str {
        match self {
            ViewerProtocol::RedirectToHttps => "redirect-to-https",
            ViewerProtocol::HttpsOnly => "https-only",
        }
    }
}

/// Which edge locations serve the distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PriceClass {
    /// Every edge location (the default).
    #[default]
    All,
    /// North America, Europe, Asia, the Middle East and Africa.
    Class200,
    /// North America and Europe only.
    Class100,
}

impl PriceClass {
    fn name(self) -> &'static str {
        match self {
            PriceClass::All => "PriceClass_All",
            PriceClass::Class200 => "PriceClass_200",
            PriceClass::Class100 => "PriceClass_100",
        }
    }
}

/// Where access logs go.
#[derive(Clone, Debug, PartialEq, Default)]
enum Logging {
    /// As the stack's security profile says.
    #[default]
    Profile,
    /// A bucket made with `Bucket::acl_log_destination`, under a prefix.
    Into(BucketRef, String),
    /// None, for the reason given.
    Off(String),
}

/// A decision that may be given with a value or declined with a reason.
#[derive(Clone, Debug, PartialEq)]
enum Decision<T> {
    Unset,
    Given(T),
    Declined(String),
}

/// The stack fact holding its CloudFront log bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackLogBucket(BucketRef);

/// The stack's one CloudFront access-log bucket (hardened profile):
/// created at the stack root as `CloudFrontLogsBucket` the first time a
/// distribution needs it, private and encrypted like every bucket, with
/// ACLs enabled (`BucketOwnerPreferred`, which CloudFront's log delivery
/// requires) and logs expiring after a year. Kept as a typed stack fact.
pub fn stack_log_bucket(stack: &mut Stack) -> BucketRef {
    if let Some(StackLogBucket(b)) = stack.stack_fact() {
        return b;
    }
    let removal = stack.default_removal_policy().unwrap_or(RemovalPolicy::Retain);
    let root = stack.root();
    let bucket = stack.within(root, |s| {
        Bucket::new("CloudFrontLogsBucket")
            .acl_log_destination()
            .lifecycle(Rule::new("ExpireAccessLogs").expiration(Duration::days(365)))
            .lifecycle(Rule::new("ExpireNoncurrentAccessLogs").noncurrent_version_expiration(Duration::days(30)))
            .removal_policy(removal)
            .add_to(s)
    });
    stack.set_stack_fact(StackLogBucket(bucket));
    bucket
}

/// A CloudFront distribution.
///
/// ```
/// use cfnkit::constructs::certificatemanager::Certificate;
/// use cfnkit::constructs::cloudfront::{Distribution, Origin};
/// use cfnkit::constructs::s3::Bucket;
/// use cfnkit::constructs::wafv2::WebAcl;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("site").region("us-east-1");
/// let content = Bucket::new("Content").add_to(stack);
/// let cert = Certificate::new("Certificate", "www.example.com").add_to(stack);
/// let acl = WebAcl::cloudfront("Firewall").add_to(stack);
/// let site = Distribution::new("Site", Origin::s3(content))
///     .certificate(cert, ["www.example.com"])
///     .web_acl(acl)
///     .behavior("/api/*", Origin::load_balancer("api.example.com"))
///     .add_to(stack);
/// let _domain = site.domain_name();
/// let _errors = site.metric_5xx_error_rate();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Distribution {
    id: String,
    origin: Origin,
    behaviors: Vec<(String, Origin)>,
    viewer: ViewerProtocol,
    certificate: Decision<(CertificateRef, Vec<Value<String>>)>,
    web_acl: Decision<WebAclRef>,
    root_object: Option<String>,
    price_class: PriceClass,
    comment: Option<String>,
    logging: Logging,
}

impl Distribution {
    /// A distribution serving `origin` by default.
    pub fn new(id: &str, origin: Origin) -> Self {
        let root_object = origin.is_s3().then(|| "index.html".to_string());
        Distribution {
            id: id.to_string(),
            origin,
            behaviors: Vec::new(),
            viewer: ViewerProtocol::RedirectToHttps,
            certificate: Decision::Unset,
            web_acl: Decision::Unset,
            root_object,
            price_class: PriceClass::All,
            comment: None,
            logging: Logging::Profile,
        }
    }
    /// Serves paths matching `pattern` (`/api/*`) from `origin`.
    pub fn behavior(mut self, pattern: &str, origin: Origin) -> Self {
        self.behaviors.push((pattern.to_string(), origin));
        self
    }
    /// Sets how viewers may connect (HTTP redirected to HTTPS by default).
    pub fn viewer_protocol(mut self, p: ViewerProtocol) -> Self {
        self.viewer = p;
        self
    }
    /// Serves `domain_names` with `certificate` (created in `us-east-1`),
    /// requiring TLS 1.2 or later (`TLSv1.2_2021`, SNI).
    pub fn certificate<N: Into<Value<String>>>(
        mut self,
        certificate: CertificateRef,
        domain_names: impl IntoIterator<Item = N>,
    ) -> Self {
        self.certificate = Decision::Given((certificate, domain_names.into_iter().map(Into::into).collect()));
        self
    }
    /// Serves only the distribution's `*.cloudfront.net` domain with
    /// CloudFront's default certificate, saying why (its minimum TLS version
    /// cannot be raised; checkov's CKV_AWS_174 is acknowledged with the reason).
    pub fn default_domain_only(mut self, reason: &str) -> Self {
        self.certificate = Decision::Declined(reason.to_string());
        self
    }
    /// Protects the distribution with a CloudFront-scoped web ACL.
    pub fn web_acl(mut self, acl: WebAclRef) -> Self {
        self.web_acl = Decision::Given(acl);
        self
    }
    /// Leaves the distribution without a web ACL, saying why (checkov's
    /// CKV_AWS_68 is acknowledged with the reason).
    pub fn without_web_acl(mut self, reason: &str) -> Self {
        self.web_acl = Decision::Declined(reason.to_string());
        self
    }
    /// Serves `object` for requests to `/` (`index.html` by default for an
    /// S3 origin).
    pub fn default_root_object(mut self, object: &str) -> Self {
        self.root_object = Some(object.to_string());
        self
    }
    /// Sets which edge locations serve the distribution (all by default).
    pub fn price_class(mut self, p: PriceClass) -> Self {
        self.price_class = p;
        self
    }
    /// Sets the comment (at most 128 characters).
    pub fn comment(mut self, c: &str) -> Self {
        self.comment = Some(c.to_string());
        self
    }
    /// Sends access logs to `bucket` (made with
    /// [`Bucket::acl_log_destination`]) under `prefix`, under every profile.
    pub fn access_logs_to(mut self, bucket: BucketRef, prefix: &str) -> Self {
        self.logging = Logging::Into(bucket, prefix.to_string());
        self
    }
    /// Turns access logging off, saying why.
    pub fn without_access_logs(mut self, reason: &str) -> Self {
        self.logging = Logging::Off(reason.to_string());
        self
    }

    fn check(&self, path: &str, stack: &Stack, out: &mut Vec<Diagnostic>) {
        match &self.certificate {
            Decision::Given((cert, names)) => {
                let region = cert.region(stack);
                if region.as_deref() != Some(CERTIFICATE_REGION) {
                    out.push(
                        Diagnostic::error_of(
                            DiagKind::Wiring,
                            path,
                            "a CloudFront certificate must be created in us-east-1",
                        )
                        .property("DistributionConfig.ViewerCertificate.AcmCertificateArn")
                        .value(format!("a certificate in {}", region.as_deref().unwrap_or("a stack without a region")))
                        .allowed("a Certificate of a stack with .region(\"us-east-1\")"),
                    );
                }
                if names.is_empty() {
                    out.push(
                        Diagnostic::error_of(
                            DiagKind::Missing,
                            path,
                            "a certificate is served for the domain names it is given",
                        )
                        .property("DistributionConfig.Aliases")
                        .allowed("at least one domain name the certificate covers"),
                    );
                }
            }
            Decision::Unset => out.push(
                Diagnostic::warning_of(
                    DiagKind::Missing,
                    path,
                    "no certificate: viewers reach the *.cloudfront.net domain with CloudFront's default \
                     certificate, which accepts TLS 1.0 (checkov CKV_AWS_174)",
                )
                .property("DistributionConfig.ViewerCertificate")
                .allowed(".certificate(cert, domain_names), or .default_domain_only(reason)"),
            ),
            Decision::Declined(_) => {}
        }
        match &self.web_acl {
            Decision::Given(acl) if acl.scope() != Scope::CloudFront => out.push(
                Diagnostic::error_of(DiagKind::Wiring, path, "a distribution takes a web ACL of CloudFront scope")
                    .property("DistributionConfig.WebACLId")
                    .value("a REGIONAL web ACL")
                    .allowed("WebAcl::cloudfront(..) in a us-east-1 stack"),
            ),
            Decision::Unset => out.push(
                Diagnostic::warning_of(
                    DiagKind::Missing,
                    path,
                    "no web ACL: requests reach the origins unfiltered (checkov CKV_AWS_68)",
                )
                .property("DistributionConfig.WebACLId")
                .allowed(".web_acl(WebAcl::cloudfront(..)), or .without_web_acl(reason)"),
            ),
            _ => {}
        }
        if let Logging::Into(b, _) = &self.logging {
            if stack.fact::<crate::s3::AclLogDestination>(b.handle().id()).is_none() {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::Wiring,
                        path,
                        "CloudFront delivers access logs through ACLs, which the bucket disables",
                    )
                    .property("DistributionConfig.Logging.Bucket")
                    .allowed("a bucket made with Bucket::acl_log_destination(), or the hardened profile's log bucket"),
                );
            }
        }
        let mut patterns: Vec<&str> = Vec::new();
        for (p, _) in &self.behaviors {
            let kind = if patterns.contains(&p.as_str()) {
                Some(DiagKind::DuplicateId)
            } else if p.is_empty() || p.len() > 255 {
                Some(DiagKind::Length)
            } else if p == "*" {
                Some(DiagKind::NotAllowedValue)
            } else {
                None
            };
            if let Some(kind) = kind {
                out.push(
                    Diagnostic::error_of(kind, path, "invalid or repeated path pattern")
                        .property("DistributionConfig.CacheBehaviors.PathPattern")
                        .value(format!("{p:?}"))
                        .allowed("1 to 255 characters, each pattern once, not `*` (the default behavior)"),
                );
            }
            patterns.push(p);
        }
        if let Some(c) = &self.comment {
            if c.chars().count() > 128 {
                out.push(
                    Diagnostic::error_of(DiagKind::Length, path, "comment too long")
                        .property("DistributionConfig.Comment")
                        .value(format!("{} characters", c.chars().count()))
                        .allowed("at most 128 characters"),
                );
            }
        }
    }

    /// Adds the distribution, its origin access controls, and the
    /// bucket- and key-policy statements its S3 origins need.
    pub fn add_to(self, stack: &mut Stack) -> DistributionRef {
        let scope = stack.construct(&self.id);
        let scope_path = stack.path_of_node(scope).unwrap_or_default();
        let path = format!("{scope_path}/Resource");
        let mut diags = Vec::new();
        self.check(&path, stack, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let hardened = stack.security_profile() == SecurityProfile::Hardened;
        let logs = match &self.logging {
            Logging::Profile if hardened => Some((stack_log_bucket(stack), format!("{}/", self.id))),
            Logging::Profile | Logging::Off(_) => None,
            Logging::Into(b, p) => Some((*b, p.clone())),
        };

        let all: Vec<&Origin> = std::iter::once(&self.origin).chain(self.behaviors.iter().map(|(_, o)| o)).collect();
        let origin_ids: Vec<String> = (0..all.len()).map(|i| format!("{}Origin{}", self.id, i + 1)).collect();
        let origins: Vec<l1::Origin> =
            all.iter().enumerate().map(|(i, o)| origin::to_l1(stack, scope, o, &origin_ids[i], i)).collect();

        let viewer = self.viewer.name().to_string();
        let mut default = l1::DefaultCacheBehavior::new(origin_ids[0].clone(), viewer.clone())
            .compress(true)
            .response_headers_policy_id(SECURITY_HEADERS.to_string());
        default = if self.origin.is_s3() {
            default
                .cache_policy_id(CACHING_OPTIMIZED.to_string())
                .allowed_methods(methods(&["GET", "HEAD", "OPTIONS"]))
                .cached_methods(methods(&["GET", "HEAD"]))
        } else {
            default
                .cache_policy_id(CACHING_DISABLED.to_string())
                .origin_request_policy_id(ALL_VIEWER_EXCEPT_HOST_HEADER.to_string())
                .allowed_methods(methods(&["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]))
                .cached_methods(methods(&["GET", "HEAD"]))
        };
        let behaviors: Vec<l1::CacheBehavior> = self
            .behaviors
            .iter()
            .enumerate()
            .map(|(i, (pattern, o))| {
                let b = l1::CacheBehavior::new(pattern.clone(), origin_ids[i + 1].clone(), viewer.clone())
                    .compress(true)
                    .response_headers_policy_id(SECURITY_HEADERS.to_string());
                if o.is_s3() {
                    b.cache_policy_id(CACHING_OPTIMIZED.to_string())
                        .allowed_methods(methods(&["GET", "HEAD", "OPTIONS"]))
                        .cached_methods(methods(&["GET", "HEAD"]))
                } else {
                    b.cache_policy_id(CACHING_DISABLED.to_string())
                        .origin_request_policy_id(ALL_VIEWER_EXCEPT_HOST_HEADER.to_string())
                        .allowed_methods(methods(&["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]))
                        .cached_methods(methods(&["GET", "HEAD"]))
                }
            })
            .collect();

        let mut config = l1::DistributionConfig::new(default, true)
            .origins(origins)
            .http_version("http2and3".to_string())
            .ipv6_enabled(true)
            .price_class(self.price_class.name().to_string());
        if !behaviors.is_empty() {
            config = config.cache_behaviors(behaviors);
        }
        if let Some(r) = &self.root_object {
            config = config.default_root_object(r.clone());
        }
        if let Some(c) = &self.comment {
            config = config.comment(c.clone());
        }
        config = match &self.certificate {
            Decision::Given((cert, names)) => config.aliases(names.clone()).viewer_certificate(
                l1::ViewerCertificate::new()
                    .acm_certificate_arn(Value::from(cert.arn()))
                    .ssl_support_method("sni-only".to_string())
                    .minimum_protocol_version(MINIMUM_PROTOCOL_VERSION.to_string()),
            ),
            _ => config.viewer_certificate(l1::ViewerCertificate::new().cloud_front_default_certificate(true)),
        };
        if let Decision::Given(acl) = &self.web_acl {
            config = config.web_acl_id(Value::from(acl.arn()));
        }
        if let Some((bucket, prefix)) = &logs {
            config = config.logging(
                l1::Logging::new()
                    .bucket(Value::from(bucket.handle().attr_domain_name()))
                    .prefix(prefix.clone())
                    .include_cookies(false),
            );
        }
        let handle = stack.within(scope, |s| s.add("Resource", l1::Distribution::new(config)));

        if let Decision::Declined(reason) = &self.certificate {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_174".into(), reason: reason.clone() });
        }
        if let Decision::Declined(reason) = &self.web_acl {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_68".into(), reason: reason.clone() });
        }
        match &self.logging {
            Logging::Off(reason) => {
                stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_86".into(), reason: reason.clone() });
            }
            Logging::Profile if !hardened => {
                stack.defer_to_hardened(
                    handle.id(),
                    Hardening::checkov("CKV_AWS_86", "access logging to the stack's CloudFront log bucket"),
                );
            }
            _ => {}
        }
        let reasons: Vec<&str> = all.iter().filter_map(|o| o.plain_http_reason()).collect();
        if !reasons.is_empty() {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV2_AWS_72".into(), reason: reasons.join("; ") });
        }

        let me = DistributionRef::new(handle);
        let sid = logical_id::from_path(scope_path.split('/').skip(1));
        let mut admitted: Vec<BucketRef> = Vec::new();
        for o in &all {
            if let Origin::S3(b) = o {
                if !admitted.contains(b) {
                    origin::admit(stack, &path, *b, &me.id(), &sid);
                    admitted.push(*b);
                }
            }
        }
        me
    }
}

fn methods(m: &[&str]) -> Vec<Value<String>> {
    m.iter().map(|s| Value::Lit((*s).to_string())).collect()
}
