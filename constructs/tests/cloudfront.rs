//! The CloudFront distribution: viewer and origin TLS, the S3 origin's
//! access control and policy statements (in one stack and across stacks),
//! certificates, web ACLs, logging under both profiles, grant, metrics and
//! errors.

use cfnkit_constructs::certificatemanager::Certificate;
use cfnkit_constructs::cloudfront::{Distribution, Origin, PriceClass, ViewerProtocol};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::s3::Bucket;
use cfnkit_constructs::wafv2::WebAcl;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn decided(d: Distribution) -> Distribution {
    d.default_domain_only("test").without_web_acl("test")
}

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test").region("us-east-1"));
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    out.stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut App)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(&mut app);
    app.synth().expect_err("synthesis fails").diagnostics
}

fn config(t: &Value) -> Value {
    t["Resources"]["Site"]["Properties"]["DistributionConfig"].clone()
}

#[test]
fn an_s3_origin_is_read_through_origin_access_control() {
    let t = template(|s| {
        let b = Bucket::new("Content").add_to(s);
        decided(Distribution::new("Site", Origin::s3(b))).add_to(s);
    });
    let c = config(&t);
    assert_eq!(c["Origins"][0]["S3OriginConfig"], json!({"OriginAccessIdentity": ""}));
    assert_eq!(c["Origins"][0]["OriginAccessControlId"], json!({"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}));
    assert_eq!(c["Origins"][0]["DomainName"], json!({"Fn::GetAtt": ["Content", "RegionalDomainName"]}));
    let oac = &t["Resources"]["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"];
    assert_eq!(oac["SigningBehavior"], "always");
    assert_eq!(oac["SigningProtocol"], "sigv4");
    assert_eq!(oac["OriginAccessControlOriginType"], "s3");
    let statements = t["Resources"]["ContentPolicy"]["Properties"]["PolicyDocument"]["Statement"].clone();
    let read = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AllowCloudFrontReadSite")
        .expect("statement")
        .clone();
    assert_eq!(read["Principal"], json!({"Service": "cloudfront.amazonaws.com"}));
    assert_eq!(read["Action"], "s3:GetObject");
    assert_eq!(
        read["Condition"],
        json!({"StringEquals": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Site}"}}})
    );
    assert_eq!(c["DefaultRootObject"], "index.html");
    assert_eq!(c["DefaultCacheBehavior"]["CachePolicyId"], "658327ea-f89d-4fab-a63d-7e88639e58f6");
}

#[test]
fn viewers_are_redirected_to_https_with_security_headers_by_default() {
    let t = template(|s| {
        let b = Bucket::new("Content").add_to(s);
        decided(Distribution::new("Site", Origin::s3(b))).add_to(s);
    });
    let c = config(&t);
    assert_eq!(c["DefaultCacheBehavior"]["ViewerProtocolPolicy"], "redirect-to-https");
    assert_eq!(c["DefaultCacheBehavior"]["ResponseHeadersPolicyId"], "67f7725c-6f97-4210-82d7-5512b31e9d03");
    assert_eq!(c["HttpVersion"], "http2and3");
    assert_eq!(c["IPV6Enabled"], true);
    assert_eq!(c["ViewerCertificate"], json!({"CloudFrontDefaultCertificate": true}));
    let skips = &t["Resources"]["Site"]["Metadata"]["checkov"]["skip"];
    let ids: Vec<&str> = skips.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["CKV_AWS_174", "CKV_AWS_68", "CKV_AWS_86"]);
}

#[test]
fn a_certificate_requires_tls_1_2_with_sni() {
    let t = template(|s| {
        let b = Bucket::new("Content").add_to(s);
        let cert = Certificate::new("Cert", "www.example.com").add_to(s);
        let acl = WebAcl::cloudfront("Edge").add_to(s);
        Distribution::new("Site", Origin::s3(b))
            .certificate(cert, ["www.example.com"])
            .web_acl(acl)
            .viewer_protocol(ViewerProtocol::HttpsOnly)
            .price_class(PriceClass::Class100)
            .add_to(s);
    });
    let c = config(&t);
    assert_eq!(c["Aliases"], json!(["www.example.com"]));
    assert_eq!(
        c["ViewerCertificate"],
        json!({"AcmCertificateArn": {"Ref": "Cert"}, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"})
    );
    assert_eq!(c["WebACLId"], json!({"Fn::GetAtt": ["Edge", "Arn"]}));
    assert_eq!(c["DefaultCacheBehavior"]["ViewerProtocolPolicy"], "https-only");
    assert_eq!(c["PriceClass"], "PriceClass_100");
}

#[test]
fn http_origins_are_reached_over_https_only_and_not_cached() {
    let t = template(|s| {
        let b = Bucket::new("Content").add_to(s);
        decided(Distribution::new("Site", Origin::s3(b)))
            .behavior("/api/*", Origin::load_balancer("alb.example.com"))
            .behavior("/legacy/*", Origin::http_plain("legacy.example.com", "the legacy server has no TLS").path("/v1"))
            .add_to(s);
    });
    let c = config(&t);
    assert_eq!(
        c["Origins"][1]["CustomOriginConfig"],
        json!({"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]})
    );
    assert_eq!(c["Origins"][2]["CustomOriginConfig"], json!({"OriginProtocolPolicy": "http-only"}));
    assert_eq!(c["Origins"][2]["OriginPath"], "/v1");
    let api = &c["CacheBehaviors"][0];
    assert_eq!(api["PathPattern"], "/api/*");
    assert_eq!(api["TargetOriginId"], "SiteOrigin2");
    assert_eq!(api["CachePolicyId"], "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    assert_eq!(api["OriginRequestPolicyId"], "b689b0a8-53d0-40ab-baf2-68738e2966ac");
    let skips = t["Resources"]["Site"]["Metadata"]["checkov"]["skip"].as_array().unwrap().clone();
    assert!(skips.iter().any(|s| s["id"] == "CKV2_AWS_72" && s["comment"] == "the legacy server has no TLS"));
}

#[test]
fn a_bucket_with_a_customer_key_lets_cloudfront_decrypt() {
    let t = template(|s| {
        let key = Key::new("ContentKey").add_to(s);
        let b = Bucket::new("Content").encryption(key).add_to(s);
        decided(Distribution::new("Site", Origin::s3(b))).add_to(s);
    });
    let statements = t["Resources"]["ContentKey"]["Properties"]["KeyPolicy"]["Statement"].clone();
    let s = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AllowCloudFrontDecryptSite")
        .expect("key statement")
        .clone();
    assert_eq!(s["Action"], "kms:Decrypt");
    assert_eq!(
        s["Condition"],
        json!({"StringLike": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}}})
    );
}

#[test]
fn a_bucket_of_another_stack_gets_its_statement_in_its_own_stack_with_a_warning() {
    let mut app = App::new();
    let b = Bucket::new("Content").add_to(app.stack("storage"));
    decided(Distribution::new("Site", Origin::s3(b))).add_to(app.stack("edge"));
    let out = app.synth().expect("synthesizes");
    assert!(
        out.warnings.iter().any(|w| w.problem.contains("another stack") && w.kind == DiagKind::ForeignStack),
        "{:?}",
        out.warnings
    );
    let storage = out.stacks.iter().find(|s| s.name == "storage").unwrap();
    let statements =
        storage.template["Resources"]["ContentPolicy"]["Properties"]["PolicyDocument"]["Statement"].clone();
    let read = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AllowCloudFrontReadSite")
        .expect("written in the bucket's stack")
        .clone();
    assert_eq!(
        read["Condition"],
        json!({"StringLike": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}}})
    );
}

#[test]
fn access_logs_follow_the_security_profile() {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("t").hardened());
    let b = Bucket::new("Content").add_to(stack);
    decided(Distribution::new("Site", Origin::s3(b))).add_to(stack);
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(
        config(&t)["Logging"],
        json!({"Bucket": {"Fn::GetAtt": ["CloudFrontLogsBucket", "DomainName"]}, "IncludeCookies": false, "Prefix": "Site/"})
    );
    assert_eq!(
        t["Resources"]["CloudFrontLogsBucket"]["Properties"]["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerPreferred"
    );
    assert_eq!(
        t["Resources"]["CloudFrontLogsBucket"]["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
        true
    );
}

#[test]
fn grant_and_metrics_name_the_distribution() {
    let mut app = App::new();
    let stack = app.stack("test").region("us-east-1");
    let b = Bucket::new("Content").add_to(stack);
    let site = decided(Distribution::new("Site", Origin::s3(b))).add_to(stack);
    let deployer = Role::new("Deployer", Principal::service("codebuild.amazonaws.com")).add_to(stack);
    site.grant_create_invalidation(stack, &deployer);
    let m = site.metric_requests();
    assert_eq!((m.namespace(), m.name(), m.get_region()), ("AWS/CloudFront", "Requests", Some("us-east-1")));
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(
        t["Resources"]["DeployerDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"][0],
        json!({"Effect": "Allow", "Action": "cloudfront:CreateInvalidation",
               "Resource": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Site}"}})
    );
}

#[test]
fn undecided_certificate_and_web_acl_are_warnings() {
    let mut app = App::new();
    let stack = app.stack("test");
    let b = Bucket::new("Content").add_to(stack);
    Distribution::new("Site", Origin::s3(b)).add_to(stack);
    let out = app.synth().expect("synthesizes");
    for problem in ["no certificate", "no web ACL"] {
        assert!(
            out.warnings.iter().any(|w| w.problem.contains(problem) && w.kind == DiagKind::Missing),
            "{problem}: {:?}",
            out.warnings
        );
    }
}

#[test]
fn wrong_region_scope_and_log_bucket_are_errors() {
    let errs = errors(|app| {
        let cert = Certificate::new("Cert", "www.example.com").add_to(app.stack("eu").region("eu-west-1"));
        let regional = WebAcl::regional("Regional").add_to(app.stack("eu"));
        let stack = app.stack("edge").region("us-east-1");
        let b = Bucket::new("Content").add_to(stack);
        let plain_logs = Bucket::new("Logs").add_to(stack);
        Distribution::new("Site", Origin::s3(b))
            .certificate(cert, Vec::<String>::new())
            .web_acl(regional)
            .access_logs_to(plain_logs, "cdn/")
            .behavior("*", Origin::http("a.example.com"))
            .comment(&"x".repeat(200))
            .add_to(stack);
    });
    for (problem, kind) in [
        ("must be created in us-east-1", DiagKind::Wiring),
        ("served for the domain names", DiagKind::Missing),
        ("web ACL of CloudFront scope", DiagKind::Wiring),
        ("through ACLs", DiagKind::Wiring),
        ("path pattern", DiagKind::NotAllowedValue),
        ("comment too long", DiagKind::Length),
    ] {
        assert!(errs.iter().any(|d| d.problem.contains(problem) && d.kind == kind), "{problem} ({kind}): {errs:?}");
    }
}
