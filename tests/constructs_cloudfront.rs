//! The CloudFront distribution against cfn-lint and checkov: a private S3
//! origin through origin access control (bucket encrypted with a customer
//! managed key), a certificate and a web ACL in us-east-1; and, under the
//! hardened profile, a load-balancer origin with access logs and the
//! decisions written with their reasons.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::certificatemanager::Certificate;
use cfnkit_constructs::cloudfront::{Distribution, Origin, ViewerProtocol};
use cfnkit_constructs::wafv2::WebAcl;

#[test]
fn a_site_on_a_private_bucket_with_certificate_and_web_acl_is_clean() {
    let mut app = App::new();
    let stack = app.stack("cdn").region("us-east-1").conventions(Conventions::tap("cloudfront validator test"));
    let key = KmsKey::new("ContentKey").add_to(stack);
    let content = Bucket::new("Content").encryption(key).add_to(stack);
    let cert =
        Certificate::new("Certificate", "www.example.com").validated_in_zone("Z0123456789ABCDEFGHIJ").add_to(stack);
    let acl = WebAcl::cloudfront("EdgeFirewall").add_to(stack);
    let site = Distribution::new("Site", Origin::s3(content))
        .certificate(cert, ["www.example.com"])
        .web_acl(acl)
        .viewer_protocol(ViewerProtocol::HttpsOnly)
        .add_to(stack);
    Alarm::new("SiteErrors", site.metric_5xx_error_rate()).greater_than(5.0).add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "cdn", &["us-east-1"]);
}

#[test]
fn a_load_balancer_origin_under_the_hardened_profile_is_clean() {
    let mut app = App::new();
    let stack = app
        .stack("cdn-hardened")
        .region("eu-west-1")
        .conventions(Conventions::tap("cloudfront validator test").hardened());
    Distribution::new("Api", Origin::load_balancer("alb.example.com"))
        .default_domain_only("internal preview served on its cloudfront.net name")
        .without_web_acl("the load balancer's regional web ACL filters every request")
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let json = &out.stacks[0].json;
    assert!(json.contains("CloudFrontLogsBucket"), "the hardened profile adds the log bucket");
    validators::assert_clean(json, "cdn-hardened", &["eu-west-1"]);
}
