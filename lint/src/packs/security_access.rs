//! Security rules about access: S3 public access and TLS, public databases,
//! open ingress, IMDSv2, HTTPS listeners and TLS policies, IAM wildcards and
//! unconditioned public principals.

use serde_json::Value;

use super::security_data::rule;
use crate::policy::{self, Kind};
use crate::rule::{Hit, Pack, Rule, Severity};
use crate::template::{one_or_many, references, truth, Ctx, Res, Truth};

/// The rules of this module.
pub const RULES: &[Rule] = &[
    rule!("sec-s3-public-access-block", Error, "S3 buckets block every form of public access",
        "One public ACL or policy on a bucket without the block exposes its objects to the internet",
        "Set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true",
        ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"], ["AwsSolutions-S2", "S3BucketLevelPublicAccessProhibited"], [],
        s3_public_access_block),
    rule!("sec-s3-tls-only", Error, "Bucket policies deny requests without TLS",
        "Without the deny, clients may read and write objects over plain HTTP",
        "Add a BucketPolicy statement: Deny, Principal *, Action s3:*, on the bucket and bucket/*, Condition Bool aws:SecureTransport false",
        [], ["AwsSolutions-S10", "S3BucketSSLRequestsOnly"], [], s3_tls_only),
    rule!("sec-s3-public-acl", Error, "No bucket grants public access through its ACL",
        "PublicRead, PublicReadWrite and AuthenticatedRead open objects to anyone",
        "Remove AccessControl (keep BucketOwnerEnforced object ownership); serve public content through CloudFront",
        ["CKV_AWS_20", "CKV_AWS_57"], ["S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"], [], s3_public_acl),
    rule!("sec-public-database", Error, "No database is publicly accessible",
        "A public endpoint exposes the database to the internet's password guessing and exploits",
        "Set PubliclyAccessible: false and reach the database from inside the VPC",
        ["CKV_AWS_17", "CKV_AWS_87"], ["AwsSolutions-RS8", "RDSInstancePublicAccess"], [], public_database),
    rule!("sec-open-ingress", Error, "No ingress from 0.0.0.0/0 or ::/0, except web ports on load balancers",
        "Open ingress exposes SSH, RDP, databases and admin ports to the whole internet",
        "Allow only known CIDR ranges or security groups; put internet traffic behind a load balancer on 80/443",
        ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"], ["AwsSolutions-EC23", "EC2RestrictedInbound"], [], open_ingress),
    rule!("sec-imdsv2", Error, "EC2 instances require IMDSv2",
        "IMDSv1 answers any request, so one SSRF bug leaks the instance role's credentials",
        "Set MetadataOptions.HttpTokens: required (in the launch template, launch configuration or instance)",
        ["CKV_AWS_79"], ["EC2IMDSv2Enabled"], [], imdsv2),
    rule!("sec-https-listener", Error, "Load balancer listeners use HTTPS, or redirect HTTP to HTTPS",
        "Plain HTTP exposes requests, cookies and tokens on the wire",
        "Use Protocol HTTPS with a certificate, or make the HTTP listener's default action a redirect to HTTPS",
        ["CKV_AWS_2", "CKV_AWS_103"], ["ALBHttpToHttpsRedirection", "ELBTlsHttpsListenersOnly"], [], https_listener),
    rule!("sec-tls-policy", Error, "HTTPS and TLS listeners use a current TLS policy",
        "The default ELBSecurityPolicy-2016-08 still accepts TLS 1.0 and 1.1",
        "Set SslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy)",
        ["CKV_AWS_103"], [], [], tls_policy),
    rule!("sec-iam-wildcard-action", Error, "No Allow statement grants every action or every action of a service",
        "`*` and `service:*` grant far more than any function needs, including future actions",
        "List the exact actions the principal needs (grants write them for you)",
        ["CKV_AWS_62", "CKV_AWS_63"], ["AwsSolutions-IAM5", "IAMNoWildcardPermissions", "IAMPolicyNoStatementsWithFullAccess"], [],
        iam_wildcard_action),
    rule!("sec-public-principal", Error, "No Allow statement names Principal * without a Condition",
        "An unconditioned `*` principal lets every AWS account, or anyone, use the resource",
        "Name the principals, or add a Condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID)",
        ["CKV_AWS_33", "CKV_AWS_60", "CKV_AWS_32"], ["LambdaFunctionPublicAccessProhibited"], [], public_principal),
];

fn s3_public_access_block(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    const FLAGS: [&str; 4] = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"];
    for r in ctx.of_type("AWS::S3::Bucket") {
        let Some(cfg) = r.prop("PublicAccessBlockConfiguration") else {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), "bucket has no PublicAccessBlockConfiguration".into()));
            continue;
        };
        if cfg.as_object().is_none() {
            continue;
        }
        let off: Vec<&str> = FLAGS.into_iter().filter(|f| truth(cfg.get(*f)) == Truth::False).collect();
        if !off.is_empty() {
            hits.push(Hit::at(
                r.id,
                r.ptr("PublicAccessBlockConfiguration"),
                format!("public access is not blocked: {} not true", off.join(", ")),
            ));
        }
    }
}

/// True when the statement denies requests without TLS.
fn denies_insecure_transport(st: &policy::Statement<'_>) -> bool {
    st.denies()
        && st.raw.get("Condition").is_some_and(|c| {
            // Only the SecureTransport deny stops plain HTTP: a TlsVersion
            // condition does not match requests that carry no TLS at all.
            c.get("Bool")
                .and_then(|b| b.get("aws:SecureTransport"))
                .is_some_and(|v| truth(Some(v)) == Truth::False && !v.is_null())
        })
}

fn s3_tls_only(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::S3::Bucket") {
        let name = r.prop("BucketName").and_then(Value::as_str);
        let covered = ctx.of_type("AWS::S3::BucketPolicy").any(|p| {
            let target = p.prop("Bucket");
            let names_bucket = target
                .is_some_and(|t| references(t).iter().any(|x| x == r.id) || (name.is_some() && t.as_str() == name));
            names_bucket
                && p.prop("PolicyDocument").is_some_and(|d| policy::statements(d).iter().any(denies_insecure_transport))
        });
        if !covered {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), "no bucket policy denies requests without TLS".into()));
        }
    }
}

fn s3_public_acl(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::S3::Bucket") {
        if let Some(acl) = r.prop("AccessControl").and_then(Value::as_str) {
            if matches!(acl, "PublicRead" | "PublicReadWrite" | "AuthenticatedRead") {
                hits.push(Hit::at(r.id, r.ptr("AccessControl"), format!("AccessControl is {acl}")));
            }
        }
    }
}

fn public_database(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        if !matches!(
            r.kind,
            "AWS::RDS::DBInstance"
                | "AWS::Redshift::Cluster"
                | "AWS::DMS::ReplicationInstance"
                | "AWS::Neptune::DBInstance"
        ) {
            continue;
        }
        let flag = r.prop("PubliclyAccessible");
        if truth(flag) == Truth::True {
            hits.push(Hit::at(r.id, r.ptr("PubliclyAccessible"), format!("{} is PubliclyAccessible", r.kind)));
        } else if crate::template::may_be_true(flag) {
            hits.push(Hit::at(
                r.id,
                r.ptr("PubliclyAccessible"),
                format!("{} is PubliclyAccessible under one branch of its Fn::If", r.kind),
            ));
        }
    }
}

/// Security groups a load balancer uses (logical ids).
fn load_balancer_groups(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.resources()
        .filter(|r| {
            matches!(r.kind, "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer")
        })
        .filter_map(|r| r.prop("SecurityGroups"))
        .flat_map(references)
        .collect()
}

fn port(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whether a CIDR covers every address: a `/0` prefix, whatever the address
/// (`192.168.1.0/0` is as open as `0.0.0.0/0`).
fn is_open_cidr(c: &str) -> bool {
    c.trim().ends_with("/0")
}

/// The open CIDR of an ingress rule, if any: a literal, or a `Ref` to a
/// parameter whose default is open (the value a deployment gets unless it
/// says otherwise, as checkov reads it too).
fn open_source(ctx: &Ctx<'_>, rule: &Value) -> Option<String> {
    for k in ["CidrIp", "CidrIpv6"] {
        match rule.get(k) {
            Some(Value::String(c)) if is_open_cidr(c) => return Some(c.clone()),
            Some(v @ Value::Object(_)) => {
                let Some(name) = v.get("Ref").and_then(Value::as_str) else { continue };
                let default = ctx.section("Parameters").and_then(|p| p.get(name)).and_then(|p| p.get("Default"));
                if let Some(Value::String(c)) = default.filter(|d| d.as_str().is_some_and(is_open_cidr)) {
                    return Some(format!("{c} (the default of parameter {name})"));
                }
            }
            _ => {}
        }
    }
    None
}

fn check_ingress(
    ctx: &Ctx<'_>,
    rule: &Value,
    group: Option<&str>,
    lb_groups: &[String],
    r: &Res<'_>,
    at: String,
    hits: &mut Vec<Hit>,
) {
    let Some(cidr) = open_source(ctx, rule) else { return };
    let (from, to) = (port(rule.get("FromPort")), port(rule.get("ToPort")));
    let protocol = rule.get("IpProtocol").map(|p| p.as_str().map_or(p.to_string(), str::to_string));
    let all = protocol.as_deref() == Some("-1") || from.is_none() || to.is_none();
    let web_only = !all
        && from
            .zip(to)
            .is_some_and(|(f, t)| (f == 80 || f == 443) && (t == 80 || t == 443) && (f == t || (f, t) == (80, 443)));
    let on_lb = group.is_some_and(|g| lb_groups.iter().any(|x| x == g));
    if web_only && on_lb {
        return;
    }
    let ports = if all { "all ports".to_string() } else { format!("ports {}-{}", from.unwrap_or(0), to.unwrap_or(0)) };
    let hint = if web_only { " (web ports are allowed only on a load balancer's security group)" } else { "" };
    hits.push(Hit::at(r.id, at, format!("ingress from {cidr} on {ports}{hint}")));
}

fn open_ingress(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let lb = load_balancer_groups(ctx);
    for r in ctx.of_type("AWS::EC2::SecurityGroup") {
        let Some(Value::Array(list)) = r.prop("SecurityGroupIngress") else { continue };
        for (i, rule) in list.iter().enumerate() {
            check_ingress(ctx, rule, Some(r.id), &lb, r, r.ptr(&format!("SecurityGroupIngress/{i}")), hits);
        }
    }
    for r in ctx.of_type("AWS::EC2::SecurityGroupIngress") {
        let group = r.prop("GroupId").map(references).and_then(|v| v.into_iter().next());
        let at = r.ptr(if r.props.contains_key("CidrIp") { "CidrIp" } else { "CidrIpv6" });
        check_ingress(ctx, &Value::Object(r.props.clone()), group.as_deref(), &lb, r, at, hits);
    }
}

fn imdsv2(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        let path = match r.kind {
            "AWS::EC2::LaunchTemplate" => "LaunchTemplateData/MetadataOptions",
            "AWS::AutoScaling::LaunchConfiguration" => "MetadataOptions",
            // An instance launched from a template takes the template's options.
            "AWS::EC2::Instance" if !r.props.contains_key("LaunchTemplate") => "MetadataOptions",
            _ => continue,
        };
        // With the metadata endpoint off there is no IMDS to protect.
        if r.prop(&format!("{path}/HttpEndpoint")).and_then(Value::as_str) == Some("disabled") {
            continue;
        }
        let tokens = r.prop(&format!("{path}/HttpTokens"));
        let ok = match tokens {
            Some(Value::String(s)) => s == "required",
            Some(_) => true,
            None => false,
        };
        if !ok {
            let at = if tokens.is_some() { r.ptr(&format!("{path}/HttpTokens")) } else { r.attr_ptr("Type") };
            hits.push(Hit::at(r.id, at, format!("{} does not require IMDSv2 (HttpTokens: required)", r.kind)));
        }
    }
}

fn redirects_to_https(r: &Res<'_>) -> bool {
    r.prop("DefaultActions").is_some_and(|a| {
        one_or_many(a).into_iter().any(|act| {
            act.get("Type").and_then(Value::as_str) == Some("redirect")
                && act.pointer("/RedirectConfig/Protocol").and_then(Value::as_str).is_some_and(|p| p == "HTTPS")
        })
    })
}

fn https_listener(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        if r.prop("Protocol").and_then(Value::as_str) == Some("HTTP") && !redirects_to_https(r) {
            hits.push(Hit::at(r.id, r.ptr("Protocol"), "HTTP listener does not redirect to HTTPS".into()));
        }
    }
    for r in ctx.of_type("AWS::ElasticLoadBalancing::LoadBalancer") {
        let Some(Value::Array(list)) = r.prop("Listeners") else { continue };
        for (i, l) in list.iter().enumerate() {
            if l.get("Protocol").and_then(Value::as_str).is_some_and(|p| p.eq_ignore_ascii_case("HTTP")) {
                hits.push(Hit::at(
                    r.id,
                    r.ptr(&format!("Listeners/{i}/Protocol")),
                    "classic load balancer listener uses HTTP".into(),
                ));
            }
        }
    }
}

/// TLS policies that accept TLS 1.2 and later only. The version after the
/// family is the minimum: `ELBSecurityPolicy-TLS13-1-0-2021-06` offers
/// TLS 1.3 but still accepts 1.0.
fn current_tls_policy(p: &str) -> bool {
    [
        "ELBSecurityPolicy-TLS13-1-2-",
        "ELBSecurityPolicy-TLS13-1-3-",
        "ELBSecurityPolicy-TLS-1-2-",
        "ELBSecurityPolicy-FS-1-2-",
    ]
    .iter()
    .any(|prefix| p.starts_with(prefix))
}

fn tls_policy(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        if !matches!(r.prop("Protocol").and_then(Value::as_str), Some("HTTPS" | "TLS")) {
            continue;
        }
        match r.prop("SslPolicy") {
            None => hits.push(Hit::at(
                r.id,
                r.ptr("Protocol"),
                "no SslPolicy: the default ELBSecurityPolicy-2016-08 accepts TLS 1.0".into(),
            )),
            Some(Value::String(p)) if !current_tls_policy(p) => {
                hits.push(Hit::at(r.id, r.ptr("SslPolicy"), format!("SslPolicy {p} accepts TLS versions before 1.2")));
            }
            Some(_) => {}
        }
    }
}

fn iam_wildcard_action(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        for (kind, doc, path) in policy::documents(r) {
            if kind != Kind::Identity {
                continue;
            }
            for st in policy::statements(doc) {
                if !st.allows() {
                    continue;
                }
                let wide: Vec<&str> = st.actions().into_iter().filter(|a| *a == "*" || a.ends_with(":*")).collect();
                if !wide.is_empty() {
                    hits.push(Hit::at(
                        r.id,
                        r.ptr(&format!("{}/Action", st.path(&path))),
                        format!("Allow of {}", wide.join(", ")),
                    ));
                }
            }
        }
    }
}

fn public_principal(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        for (kind, doc, path) in policy::documents(r) {
            if kind == Kind::Identity {
                continue;
            }
            for st in policy::statements(doc) {
                if st.allows() && st.principal_is_everyone() && !st.has_condition() {
                    hits.push(Hit::at(
                        r.id,
                        r.ptr(&format!("{}/Principal", st.path(&path))),
                        "Allow to Principal * without a Condition".into(),
                    ));
                }
            }
        }
        if r.kind == "AWS::Lambda::Permission"
            && r.prop("Principal").and_then(Value::as_str) == Some("*")
            && r.prop("SourceArn").is_none()
            && r.prop("SourceAccount").is_none()
            && r.prop("PrincipalOrgID").is_none()
        {
            hits.push(Hit::at(
                r.id,
                r.ptr("Principal"),
                "Lambda permission for Principal * without a source condition".into(),
            ));
        }
    }
}
