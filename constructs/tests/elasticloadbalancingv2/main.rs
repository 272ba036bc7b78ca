//! Elastic Load Balancing v2: load balancer defaults, listeners, target
//! groups, rules, connections, metrics and validation errors.

use cfnkit_constructs::ec2::{Connectable, Port, SecurityGroup, Vpc};
use cfnkit_constructs::elasticloadbalancingv2::{
    elb_account, ApplicationLoadBalancer, ListenerRule, NetworkLoadBalancer, TargetGroup, TargetProtocol,
    LOG_DELIVERY_SERVICE, TLS_POLICY,
};
use cfnkit_constructs::s3::{Bucket, BucketEncryption};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/abc";

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

fn error<'a>(errs: &'a [Diagnostic], problem: &str) -> Option<&'a Diagnostic> {
    errs.iter().find(|d| d.problem.contains(problem))
}

fn attributes(t: &Value, id: &str) -> Value {
    t["Resources"][id]["Properties"]["LoadBalancerAttributes"].clone()
}

/// An internet-facing ALB with HTTPS, the HTTP redirect and one target group.
fn web(s: &mut Stack) {
    let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
    let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).health_check_path("/health").add_to(s);
    alb.add_https_listener(s, "Https", CERT, tg);
    alb.add_http_redirect(s, "Http");
}

#[test]
fn an_alb_is_internal_drops_invalid_headers_and_is_protected_by_default() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).add_to(s);
    });
    let p = &t["Resources"]["Alb"]["Properties"];
    assert_eq!(p["Type"], "application");
    assert_eq!(p["Scheme"], "internal");
    assert_eq!(p["Subnets"], json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]));
    assert_eq!(p["SecurityGroups"], json!([{"Fn::GetAtt": ["AlbSecurityGroup", "GroupId"]}]));
    assert_eq!(
        attributes(&t, "Alb"),
        json!([
            {"Key": "deletion_protection.enabled", "Value": "true"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}
        ])
    );
    assert_eq!(t["Resources"]["Alb"]["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_91");
}

#[test]
fn delete_conventions_turn_deletion_protection_off() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("web"));
    let vpc = Vpc::new("Vpc").add_to(s);
    ApplicationLoadBalancer::new("Alb", vpc).add_to(s);
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(attributes(&t, "Alb")[0], json!({"Key": "deletion_protection.enabled", "Value": "false"}));
}

#[test]
fn an_internet_facing_alb_sits_in_public_subnets_and_opens_only_its_listener_ports() {
    let t = template(web);
    let p = &t["Resources"]["Alb"]["Properties"];
    assert_eq!(p["Scheme"], "internet-facing");
    assert_eq!(p["Subnets"], json!([{"Ref": "VpcPublicSubnet1"}, {"Ref": "VpcPublicSubnet2"}]));
    let ingress = t["Resources"]["AlbSecurityGroup"]["Properties"]["SecurityGroupIngress"].as_array().unwrap().clone();
    let ports: Vec<(Value, Value)> = ingress.iter().map(|r| (r["FromPort"].clone(), r["CidrIp"].clone())).collect();
    assert_eq!(ports, [(json!(443), json!("0.0.0.0/0")), (json!(80), json!("0.0.0.0/0"))]);
    // Nothing goes out until connections say so.
    assert_eq!(
        t["Resources"]["AlbSecurityGroup"]["Properties"]["SecurityGroupEgress"][0]["CidrIp"],
        "255.255.255.255/32"
    );
}

#[test]
fn the_https_listener_uses_the_current_tls_policy_and_forwards() {
    let t = template(web);
    let p = &t["Resources"]["AlbHttps"]["Properties"];
    assert_eq!(p["Protocol"], "HTTPS");
    assert_eq!(p["Port"], 443);
    assert_eq!(p["SslPolicy"], TLS_POLICY);
    assert_eq!(p["Certificates"], json!([{"CertificateArn": CERT}]));
    assert_eq!(p["DefaultActions"], json!([{"TargetGroupArn": {"Ref": "Web"}, "Type": "forward"}]));
    assert_eq!(p["LoadBalancerArn"], json!({"Ref": "Alb"}));
}

#[test]
fn the_http_listener_only_redirects_to_https() {
    let t = template(web);
    let p = &t["Resources"]["AlbHttp"]["Properties"];
    assert_eq!(p["Protocol"], "HTTP");
    assert_eq!(p["Port"], 80);
    assert_eq!(p["DefaultActions"][0]["Type"], "redirect");
    let r = &p["DefaultActions"][0]["RedirectConfig"];
    assert_eq!(
        (r["Protocol"].clone(), r["Port"].clone(), r["StatusCode"].clone()),
        (json!("HTTPS"), json!("443"), json!("HTTP_301"))
    );
}

#[test]
fn a_target_group_checks_health_by_default() {
    let t = template(web);
    let p = &t["Resources"]["Web"]["Properties"];
    assert_eq!(p["Protocol"], "HTTP");
    assert_eq!(p["Port"], 8080);
    assert_eq!(p["VpcId"], json!({"Ref": "Vpc"}));
    assert_eq!(p["TargetType"], "instance");
    assert_eq!(p["HealthCheckPath"], "/health");
    assert_eq!(p["HealthCheckIntervalSeconds"], 30);
    assert_eq!(p["HealthyThresholdCount"], 2);
    assert_eq!(p["UnhealthyThresholdCount"], 3);
    assert_eq!(p["Matcher"], json!({"HttpCode": "200"}));
    assert_eq!(p["TargetGroupAttributes"], json!([{"Key": "deregistration_delay.timeout_seconds", "Value": "60"}]));
}

#[test]
fn listener_rules_forward_by_path_and_host() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let alb = ApplicationLoadBalancer::new("Alb", vpc).add_to(s);
        let web = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(s);
        let api = TargetGroup::new("Api", vpc, TargetProtocol::Http, 9090).add_to(s);
        let https = alb.add_https_listener(s, "Https", CERT, web);
        https.add_rule(
            s,
            "ApiRule",
            ListenerRule::new(10).path_patterns(["/api/*"]).host_headers(["example.com"]).forward(api),
        );
    });
    let r = &t["Resources"]["AlbHttpsApiRule"]["Properties"];
    assert_eq!(r["Priority"], 10);
    assert_eq!(r["ListenerArn"], json!({"Ref": "AlbHttps"}));
    assert_eq!(r["Actions"], json!([{"TargetGroupArn": {"Ref": "Api"}, "Type": "forward"}]));
    assert_eq!(
        r["Conditions"],
        json!([
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}},
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["example.com"]}}
        ])
    );
    // An internal load balancer opens nothing to the internet.
    assert!(t["Resources"]["AlbSecurityGroup"]["Properties"].get("SecurityGroupIngress").is_none());
}

#[test]
fn alb_connections_to_targets_write_both_rules() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
        let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
        let servers = SecurityGroup::new("Servers", vpc, "Web servers").add_to(s);
        alb.connections().allow_to(s, &servers, Port::tcp(8080), "Load balancer to web servers");
    });
    let r = &t["Resources"];
    let egress = r.as_object().unwrap().values().find(|v| v["Type"] == "AWS::EC2::SecurityGroupEgress").unwrap();
    assert_eq!(egress["Properties"]["DestinationSecurityGroupId"], json!({"Fn::GetAtt": ["Servers", "GroupId"]}));
    let ingress = r.as_object().unwrap().values().find(|v| v["Type"] == "AWS::EC2::SecurityGroupIngress").unwrap();
    assert_eq!(ingress["Properties"]["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["AlbSecurityGroup", "GroupId"]}));
}

#[test]
fn a_network_load_balancer_forwards_tcp_and_tls() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let nlb = NetworkLoadBalancer::new("Nlb", vpc).add_to(s);
        let tg = TargetGroup::new("Svc", vpc, TargetProtocol::Tcp, 9000).add_to(s);
        nlb.add_tcp_listener(s, "Tcp", 9000, tg);
        nlb.add_tls_listener(s, "Tls", 9443, CERT, tg);
    });
    assert_eq!(t["Resources"]["Nlb"]["Properties"]["Type"], "network");
    assert_eq!(attributes(&t, "Nlb")[1], json!({"Key": "load_balancing.cross_zone.enabled", "Value": "true"}));
    assert_eq!(t["Resources"]["NlbTcp"]["Properties"]["Protocol"], "TCP");
    assert_eq!(t["Resources"]["NlbTls"]["Properties"]["SslPolicy"], TLS_POLICY);
    let svc = &t["Resources"]["Svc"]["Properties"];
    assert_eq!(svc["Protocol"], "TCP");
    assert!(svc.get("HealthCheckPath").is_none());
}

#[test]
fn metrics_name_the_load_balancer_and_target_group() {
    let mut app = App::new();
    let s = app.stack("test");
    let vpc = Vpc::new("Vpc").add_to(s);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).add_to(s);
    let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(s);
    let m = alb.metric_target_5xx_count();
    assert_eq!((m.namespace(), m.name()), ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"));
    let h = tg.metric_unhealthy_host_count(alb);
    assert_eq!(h.dimensions().iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["TargetGroup", "LoadBalancer"]);
}

#[test]
fn an_internet_facing_alb_needs_public_subnets() {
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
    });
    let e = error(&errs, "without public subnets").unwrap();
    assert_eq!((e.path.as_str(), e.property.as_deref()), ("test/Alb/Resource", Some("Subnets")));
    assert_eq!(e.kind, DiagKind::Wiring);
}

#[test]
fn protocol_mismatches_and_bad_health_checks_are_reported() {
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let nlb = NetworkLoadBalancer::new("Nlb", vpc).add_to(s);
        let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080)
            .health_check_path("health")
            .healthy_http_codes("abc")
            .health_check_interval(2)
            .thresholds(1, 11)
            .add_to(s);
        nlb.add_https_listener(s, "Https", CERT, tg);
        let https = ApplicationLoadBalancer::new("Alb", vpc).add_to(s).add_https_listener(s, "Https", CERT, tg);
        https.add_rule(s, "Bad", ListenerRule::new(0));
    });
    for (problem, kind) in [
        ("HTTPS listener on a network load balancer", DiagKind::Wiring),
        ("health-check path", DiagKind::Pattern),
        ("healthy HTTP codes", DiagKind::Pattern),
        ("health-check interval", DiagKind::OutOfRange),
        ("health-check threshold", DiagKind::OutOfRange),
        ("rule priority", DiagKind::OutOfRange),
        ("rule without a condition", DiagKind::Missing),
        ("rule without an action", DiagKind::Missing),
    ] {
        let e = error(&errs, problem).unwrap_or_else(|| panic!("no error {problem:?} in {errs:#?}"));
        assert_eq!(e.kind, kind, "{problem}");
    }
    let mismatch = error(&errs, "HTTPS listener on a network load balancer").unwrap();
    assert_eq!(mismatch.value.as_deref(), Some("a network load balancer forwarding to an HTTP or HTTPS target group"));
}

/// An internet-facing ALB in `region` logging to a bucket of the same stack.
fn logged(region: &str, prefix: &'static str) -> Value {
    let mut app = App::new();
    let s = app.stack("test").region(region);
    let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
    let logs = Bucket::new("AlbLogs").add_to(s);
    ApplicationLoadBalancer::new("Alb", vpc).internet_facing().access_logs_to(logs, prefix).add_to(s);
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

/// The bucket-policy statements that name a principal other than `*`.
fn writers(t: &Value) -> Vec<Value> {
    t["Resources"]["AlbLogsPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Principal"] != "*")
        .cloned()
        .collect()
}

#[test]
fn access_logs_go_to_the_bucket_written_by_the_regions_elb_account() {
    let t = logged("us-east-1", "web");
    let attrs = attributes(&t, "Alb");
    for (k, v) in [
        ("access_logs.s3.enabled", json!("true")),
        ("access_logs.s3.bucket", json!({"Ref": "AlbLogs"})),
        ("access_logs.s3.prefix", json!("web")),
    ] {
        assert!(attrs.as_array().unwrap().contains(&json!({"Key": k, "Value": v})), "{k} missing: {attrs}");
    }
    assert_eq!(elb_account("us-east-1"), Some("127311923021"));
    let w = writers(&t);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["Effect"], "Allow");
    assert_eq!(w[0]["Action"], "s3:PutObject");
    assert_eq!(w[0]["Principal"], json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::127311923021:root"}}));
    // Only this account's logs under the prefix.
    assert_eq!(w[0]["Resource"], json!({"Fn::Sub": "${AlbLogs.Arn}/web/AWSLogs/${AWS::AccountId}/*"}));
    // ELB checks the policy when logging is turned on: the load balancer waits for it.
    assert_eq!(t["Resources"]["Alb"]["DependsOn"], json!(["AlbLogsPolicy"]));
    // AWS's own log writer account, acknowledged for `cfnkit lint`.
    assert!(
        t["Resources"]["AlbLogsPolicy"]["Metadata"]["cfnkit:acknowledgements"]["conv-hardcoded-account"].is_string()
    );
    // Logged: no acknowledgement of CKV_AWS_91.
    assert!(t["Resources"]["Alb"]["Metadata"]["checkov"].is_null(), "{}", t["Resources"]["Alb"]["Metadata"]);
}

#[test]
fn access_logs_in_a_newer_region_are_written_by_the_log_delivery_service() {
    let t = logged("ap-south-2", "");
    assert_eq!(elb_account("ap-south-2"), None);
    let w = writers(&t);
    assert_eq!(w[0]["Principal"], json!({"Service": LOG_DELIVERY_SERVICE}));
    assert_eq!(w[0]["Resource"], json!({"Fn::Sub": "${AlbLogs.Arn}/AWSLogs/${AWS::AccountId}/*"}));
    assert!(!attributes(&t, "Alb").to_string().contains("access_logs.s3.prefix"));
}

#[test]
fn access_logs_turned_off_say_why() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).without_access_logs("internal test balancer").add_to(s);
    });
    let skip = &t["Resources"]["Alb"]["Metadata"]["checkov"]["skip"][0];
    assert_eq!((skip["id"].as_str(), skip["comment"].as_str()), (Some("CKV_AWS_91"), Some("internal test balancer")));
}

#[test]
fn access_logs_refuse_kms_buckets_bad_prefixes_and_stacks_without_a_region() {
    for encryption in [BucketEncryption::KmsManaged, BucketEncryption::kms("arn:aws:kms:us-east-1:111122223333:key/k")]
    {
        let mut app = App::new();
        let s = app.stack("test").region("us-east-1");
        let vpc = Vpc::new("Vpc").add_to(s);
        let logs = Bucket::new("AlbLogs").encryption(encryption).add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).access_logs_to(logs, "web").add_to(s);
        let errs = app.synth().expect_err("refused").diagnostics;
        let e = error(&errs, "SSE-KMS").unwrap_or_else(|| panic!("{errs:#?}"));
        assert_eq!(e.path, "test/Alb/Resource");
        assert_eq!(e.property.as_deref(), Some("LoadBalancerAttributes.access_logs.s3.bucket"));
    }
    for prefix in ["/web", "web/", "AWSLogs/web"] {
        let mut app = App::new();
        let s = app.stack("test").region("us-east-1");
        let vpc = Vpc::new("Vpc").add_to(s);
        let logs = Bucket::new("AlbLogs").add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).access_logs_to(logs, prefix).add_to(s);
        let errs = app.synth().expect_err("refused").diagnostics;
        assert!(error(&errs, "invalid access-log prefix").is_some(), "{prefix}: {errs:#?}");
    }
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let logs = Bucket::new("AlbLogs").add_to(s);
        ApplicationLoadBalancer::new("Alb", vpc).access_logs_to(logs, "web").add_to(s);
    });
    assert!(error(&errs, "need the stack's region").is_some(), "{errs:#?}");
}
