//! [`Origin`]: where a distribution fetches content, and what an origin
//! needs written elsewhere (an S3 bucket's origin access control and the
//! bucket- and key-policy statements that admit it).

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_l1::cloudfront as l1;
use cfnkit_l1::cloudfront::OriginAccessControlAttrs;
use cfnkit_l1::s3::BucketAttrs;

use crate::iam::{PolicyStatement, Principal};
use crate::s3::BucketRef;

const CLOUDFRONT: &str = "cloudfront.amazonaws.com";

/// AWS managed cache policy `Managed-CachingOptimized`.
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// AWS managed cache policy `Managed-CachingDisabled`.
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/// AWS managed origin request policy `Managed-AllViewerExceptHostHeader`.
pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
/// AWS managed response headers policy `Managed-SecurityHeadersPolicy`
/// (HSTS, `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`,
/// `X-XSS-Protection`).
pub const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/// Where a distribution fetches content.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Origin {
    /// A private S3 bucket read through origin access control.
    S3(BucketRef),
    /// An HTTP server (an Application Load Balancer, an API...) by domain name.
    Http(HttpOrigin),
}

/// An HTTP origin: its domain name and how CloudFront talks to it.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpOrigin {
    domain: Value<String>,
    plain_http: Option<String>,
    path: Option<String>,
}

impl Origin {
    /// A private bucket, read through an origin access control created for
    /// the distribution: the bucket stays private and its policy gets a
    /// statement letting this distribution (only) `s3:GetObject`.
    pub fn s3(bucket: BucketRef) -> Self {
        Origin::S3(bucket)
    }
    /// An HTTP server by domain name, reached over HTTPS only (TLS 1.2).
    pub fn http(domain_name: impl Into<Value<String>>) -> Self {
        Origin::Http(HttpOrigin { domain: domain_name.into(), plain_http: None, path: None })
    }
    /// An Application Load Balancer by DNS name (`lb.dns_name()`), reached
    /// over HTTPS only: its HTTPS listener's certificate must name the
    /// domain CloudFront connects to.
    pub fn load_balancer(dns_name: impl Into<Value<String>>) -> Self {
        Origin::http(dns_name)
    }
    /// An HTTP server reached over plain HTTP, saying why (viewers still
    /// reach CloudFront over HTTPS; checkov's CKV2_AWS_72 is acknowledged
    /// with the reason).
    pub fn http_plain(domain_name: impl Into<Value<String>>, reason: &str) -> Self {
        Origin::Http(HttpOrigin { domain: domain_name.into(), plain_http: Some(reason.to_string()), path: None })
    }
    /// Fetches under `path` of the origin (`/static`).
    pub fn path(mut self, path: &str) -> Self {
        if let Origin::Http(h) = &mut self {
            h.path = Some(path.to_string());
        }
        self
    }
    pub(super) fn is_s3(&self) -> bool {
        matches!(self, Origin::S3(_))
    }
    pub(super) fn plain_http_reason(&self) -> Option<&str> {
        match self {
            Origin::Http(h) => h.plain_http.as_deref(),
            Origin::S3(_) => None,
        }
    }
}

/// The `Origin` of `o` under `origin_id`; an S3 origin gets its origin
/// access control (created under `scope`).
pub(super) fn to_l1(stack: &mut Stack, scope: NodeId, o: &Origin, origin_id: &str, index: usize) -> l1::Origin {
    match o {
        Origin::S3(bucket) => {
            let oac_id = if index == 0 {
                "OriginAccessControl".to_string()
            } else {
                format!("OriginAccessControl{}", index + 1)
            };
            // Names are unique in the account: the stack's UUID and the construct id.
            let uuid = fns::select(2, fns::split("/", Pseudo::StackId.expr()));
            let short: String = origin_id.chars().take(20).collect();
            let name = fns::sub(format!("${{Uuid}}-{short}")).var("Uuid", uuid).expr();
            let oac = stack.within(scope, |s| {
                s.add(
                    &oac_id,
                    l1::OriginAccessControl::new(l1::OriginAccessControlConfig::new(
                        Value::from(name),
                        "s3".to_string(),
                        "always".to_string(),
                        "sigv4".to_string(),
                    )),
                )
            });
            l1::Origin::new(Value::from(bucket.handle().attr_regional_domain_name()), origin_id.to_string())
                .s3_origin_config(l1::S3OriginConfig::new().origin_access_identity(String::new()))
                .origin_access_control_id(Value::from(oac.attr_id()))
        }
        Origin::Http(h) => {
            let policy = if h.plain_http.is_some() { "http-only" } else { "https-only" };
            let mut c = l1::CustomOriginConfig::new(policy.to_string());
            if h.plain_http.is_none() {
                c = c.origin_ssl_protocols(vec![Value::Lit("TLSv1.2".to_string())]);
            }
            let mut origin = l1::Origin::new(h.domain.clone(), origin_id.to_string()).custom_origin_config(c);
            if let Some(p) = &h.path {
                origin = origin.origin_path(p.clone());
            }
            origin
        }
    }
}

/// Writes the statements that let the distribution read `bucket` (and
/// decrypt with its customer managed key) into the bucket's (and key's)
/// policy, in whichever stack of the app holds them. In the
/// distribution's stack the bucket statement names this distribution; in
/// another stack it names the account's distributions (naming this one
/// there would make each stack wait for the other), and a warning says so.
/// The key statement always names the account's distributions.
pub(super) fn admit(stack: &mut Stack, path: &str, bucket: BucketRef, distribution_id: &Expr<String>, sid: &str) {
    let same_stack = stack.stack_name_of(bucket.handle().id()).as_deref() == Some(stack.name());
    let source: Token = if same_stack {
        fns::sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}")
            .var("Distribution", distribution_id.clone())
            .into()
    } else {
        stack.report(Diagnostic::warning_of(
            DiagKind::ForeignStack,
            path,
            "the origin bucket belongs to another stack: its policy admits every CloudFront distribution of the \
             account (naming this one would make each stack wait for the other); put the bucket and the \
             distribution in one stack to admit this distribution only",
        ));
        fns::sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*").into()
    };
    let op = if same_stack { "StringEquals" } else { "StringLike" };
    bucket.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .sid(&format!("AllowCloudFrontRead{sid}"))
            .principal(Principal::service(CLOUDFRONT))
            .actions(["s3:GetObject"])
            .resource(bucket.arn_for_objects("*"))
            .condition(op, "AWS:SourceArn", source.clone()),
    );
    let Some(key) = crate::customer_key::of(stack, bucket.handle().id()) else { return };
    // The key statement names the account's distributions, not this one:
    // the distribution references the bucket, which references the key, so
    // a key policy naming the distribution would be a cycle (AWS CDK does
    // the same). The bucket policy still admits this distribution only.
    let statement = PolicyStatement::allow()
        .sid(&format!("AllowCloudFrontDecrypt{sid}"))
        .principal(Principal::service(CLOUDFRONT))
        .actions(["kms:Decrypt"])
        .resource("*")
        .condition(
            "StringLike",
            "AWS:SourceArn",
            fns::sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*").expr(),
        );
    match crate::customer_key::key_ref(stack, &key) {
        Some(k) => {
            k.add_to_resource_policy(stack, statement);
        }
        None => stack.report(Diagnostic::warning_of(
            DiagKind::Wiring,
            path,
            "the origin bucket's customer managed key is not a cfnkit Key: its key policy must let \
             cloudfront.amazonaws.com kms:Decrypt for this distribution, or CloudFront cannot read the objects",
        )),
    }
}
