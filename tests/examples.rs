//! Every example in `examples/`: its templates are snapshotted and pass
//! cfn-lint and checkov. The example files are included as modules so the
//! tests call the same `app()` that `cargo run --example NAME` prints.

#[path = "support/validators.rs"]
mod validators;

#[path = "../examples/first_bucket.rs"]
mod first_bucket;

#[path = "../examples/stream_processor.rs"]
mod stream_processor;

#[path = "../examples/cross_stack.rs"]
mod cross_stack;

#[path = "../examples/cross_stack_encrypted.rs"]
mod cross_stack_encrypted;

#[path = "../examples/queue_worker.rs"]
mod queue_worker;

#[path = "../examples/rest_api.rs"]
mod rest_api;

#[path = "../examples/custom_construct.rs"]
mod custom_construct;

#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

#[path = "../examples/three_tier_web_app.rs"]
mod three_tier_web_app;

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use serde_json::{json, Value};

fn check(example: &str, app: &App) {
    let out = app.synth().unwrap_or_else(|e| panic!("{example}: {e}"));
    let mut templates = Vec::new();
    for s in &out.stacks {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("example_{example}_{}", s.name), s.json);
        });
        templates.push((s.name.as_str(), s.json.as_str()));
    }
    let region = out.stacks[0].region.clone().unwrap_or_else(|| "us-east-1".into());
    validators::assert_all_clean(&templates, &[region.as_str()]);
}

#[test]
fn first_bucket_example() {
    check("first_bucket", &first_bucket::app());
}

#[test]
fn stream_processor_example() {
    check("stream_processor", &stream_processor::app());
}

#[test]
fn cross_stack_example_exports_and_imports() {
    let app = cross_stack::app();
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[1].dependencies, ["data"]);
    // The export carries the environment suffix: a second environment exports its own.
    let import = json!({"Fn::ImportValue": {"Fn::Sub": "data-Items-Ref-${EnvironmentSuffix}"}});
    let env = &out.stacks[1].template["Resources"]["Reader"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["TABLE_NAME"], import);
    check("cross_stack", &app);
}

#[test]
fn cross_stack_encrypted_example_grants_the_data_key_across_stacks() {
    let app = cross_stack_encrypted::app();
    let out = app.synth().unwrap_or_else(|e| panic!("{e}"));
    let data = &out.stacks[0].template;
    let compute = &out.stacks[1].template;
    assert_eq!(out.stacks[1].dependencies, ["data"]);
    // The compute stack's role may use the data key, imported from `data`,
    // for the queue, the bucket and the table alike.
    let key = json!({"Fn::ImportValue": {"Fn::Sub": "data-DataKey-Arn-${EnvironmentSuffix}"}});
    let statements = compute["Resources"]["WorkerServiceRoleDefaultPolicy"]["Properties"]["PolicyDocument"]
        ["Statement"]
        .as_array()
        .unwrap();
    let on_key: Vec<String> = statements
        .iter()
        .filter(|s| s["Resource"] == key)
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_else(|| vec![s["Action"].clone()]))
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    for action in ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"] {
        assert!(on_key.iter().any(|a| a == action), "{action} missing on the data key: {on_key:?}");
    }
    assert_eq!(data["Outputs"]["ExportDataKeyArn"]["Value"], json!({"Fn::GetAtt": ["DataKey", "Arn"]}));
    // S3 may use the key to put notifications on the queue: written in the key's own stack.
    let key_policy = data["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"].to_string();
    assert!(key_policy.contains("s3.amazonaws.com"), "{key_policy}");
    check("cross_stack_encrypted", &app);
}

#[test]
fn queue_worker_example() {
    check("queue_worker", &queue_worker::app());
}

#[test]
fn rest_api_example() {
    check("rest_api", &rest_api::app());
}

#[test]
fn custom_construct_example_scopes_each_worker() {
    let app = custom_construct::app();
    let out = app.synth().unwrap();
    let resources = out.stacks[0].template["Resources"].as_object().unwrap();
    for id in ["BillingWorkerQueue", "BillingWorkerFunction", "ShippingWorkerQueue", "ShippingWorkerDeadLettersAlarm"] {
        assert!(resources.contains_key(id), "{id}");
    }
    check("custom_construct", &app);
}

#[test]
fn assertions_example() {
    check("assertions_in_tests", &assertions_in_tests::app());
}

/// The three-tier example's template, for assertions.
fn three_tier() -> Template {
    Template::from_stack(&three_tier_web_app::app(), "three-tier-web-app")
}

/// The standalone ingress rules on the group `group`: `(source group, protocol, from, to)`.
fn ingress_into(t: &Template, group: &str) -> Vec<(Value, Value, Value, Value)> {
    let on_group = json!({"Properties": {"GroupId": {"Fn::GetAtt": [group, "GroupId"]}}});
    t.find_resources("AWS::EC2::SecurityGroupIngress", on_group)
        .values()
        .map(|r| {
            let p = &r["Properties"];
            (p["SourceSecurityGroupId"].clone(), p["IpProtocol"].clone(), p["FromPort"].clone(), p["ToPort"].clone())
        })
        .collect()
}

#[test]
fn three_tier_web_app_example() {
    check("three_tier_web_app", &three_tier_web_app::app());
}

#[test]
fn three_tier_database_admits_only_the_web_servers_on_its_port() {
    let t = three_tier();
    let web_servers = json!({"Fn::GetAtt": ["WebServerSecurityGroup", "GroupId"]});
    assert_eq!(ingress_into(&t, "DatabaseSecurityGroup"), [(web_servers, json!("tcp"), json!(5432), json!(5432))]);
    // No inline rule either, and the servers reach the database on that port only.
    let db_group = &t.to_json()["Resources"]["DatabaseSecurityGroup"]["Properties"];
    assert!(db_group["SecurityGroupIngress"].is_null(), "{db_group}");
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        json!({
            "GroupId": {"Fn::GetAtt": ["WebServerSecurityGroup", "GroupId"]},
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["DatabaseSecurityGroup", "GroupId"]},
            "FromPort": 5432, "ToPort": 5432
        }),
    );
    // The web servers admit the load balancer on 8080 and nothing else.
    let alb = json!({"Fn::GetAtt": ["AlbSecurityGroup", "GroupId"]});
    assert_eq!(ingress_into(&t, "WebServerSecurityGroup"), [(alb, json!("tcp"), json!(8080), json!(8080))]);
    assert!(t.to_json()["Resources"]["WebServerSecurityGroup"]["Properties"]["SecurityGroupIngress"].is_null());
}

#[test]
fn three_tier_database_is_private_encrypted_and_keeps_its_password_in_secrets_manager() {
    let t = three_tier();
    t.has_resource_properties(
        "AWS::RDS::DBCluster",
        json!({
            "Engine": "aurora-postgresql",
            "ManageMasterUserPassword": true,
            "StorageEncrypted": true,
            "KmsKeyId": {"Fn::GetAtt": ["DatabaseKey", "Arn"]}
        }),
    );
    t.has_resource_properties(
        "AWS::RDS::DBSubnetGroup",
        json!({"SubnetIds": [{"Ref": "VpcIsolatedSubnet1"}, {"Ref": "VpcIsolatedSubnet2"}]}),
    );
    t.all_resources_properties("AWS::RDS::DBInstance", json!({"PubliclyAccessible": false}));
    // The isolated subnets have no route out at all.
    let routes = t.find_resources("AWS::EC2::Route", Match::any_value());
    assert!(routes.values().all(|r| !r["Properties"]["RouteTableId"].to_string().contains("Isolated")), "{routes:?}");
    // The web servers may read the managed secret.
    let policy = t.to_json()["Resources"]["WebServerRoleDefaultPolicy"]["Properties"]["PolicyDocument"].to_string();
    assert!(
        policy.contains("secretsmanager:GetSecretValue") && policy.contains("MasterUserSecret.SecretArn"),
        "{policy}"
    );
}

#[test]
fn three_tier_load_balancer_serves_https_only_and_redirects_http() {
    let t = three_tier();
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({
            "Port": 443, "Protocol": "HTTPS",
            "SslPolicy": cfnkit::constructs::elasticloadbalancingv2::TLS_POLICY,
            "Certificates": [{"CertificateArn": {"Ref": "OriginCertificate"}}],
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "WebTargets"}}]
        }),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({
            "Port": 80, "Protocol": "HTTP",
            "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
        }),
    );
    t.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 2);
    t.all_resources_properties("AWS::CertificateManager::Certificate", json!({"ValidationMethod": "DNS"}));
    // Access logs into the bucket, after its policy lets Elastic Load Balancing write.
    t.has_resource("AWS::ElasticLoadBalancingV2::LoadBalancer", json!({"DependsOn": ["AlbLogsBucketPolicy"]}));
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match::obj([
            ("Scheme", Match::from(json!("internet-facing"))),
            (
                "LoadBalancerAttributes",
                Match::array_with(vec![
                    json!({"Key": "access_logs.s3.enabled", "Value": "true"}).into(),
                    json!({"Key": "access_logs.s3.bucket", "Value": {"Ref": "AlbLogsBucket"}}).into(),
                ]),
            ),
        ]),
    );
    // The instances serve the target group from the private subnets, checked by ELB.
    t.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        json!({
            "VPCZoneIdentifier": [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}],
            "TargetGroupARNs": [{"Ref": "WebTargets"}],
            "HealthCheckType": "ELB"
        }),
    );
}

#[test]
fn three_tier_web_acls_guard_the_load_balancer_and_the_distribution() {
    let t = three_tier();
    t.has_resource_properties(
        "AWS::WAFv2::WebACLAssociation",
        json!({"ResourceArn": {"Ref": "Alb"}, "WebACLArn": {"Fn::GetAtt": ["AlbFirewall", "Arn"]}}),
    );
    t.resource_count_is("AWS::WAFv2::WebACLAssociation", 1);
    for (acl, scope) in [("AlbFirewall", "REGIONAL"), ("EdgeFirewall", "CLOUDFRONT")] {
        let r = &t.to_json()["Resources"][acl]["Properties"];
        assert_eq!(r["Scope"], scope);
        let groups: Vec<&str> = r["Rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|rule| rule["Statement"]["ManagedRuleGroupStatement"]["Name"].as_str())
            .collect();
        assert!(groups.contains(&"AWSManagedRulesCommonRuleSet") && groups.contains(&"AWSManagedRulesSQLiRuleSet"));
    }
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        json!({"DistributionConfig": {
            "WebACLId": {"Fn::GetAtt": ["EdgeFirewall", "Arn"]},
            "ViewerCertificate": {"MinimumProtocolVersion": "TLSv1.2_2021"},
            "Origins": [{"DomainName": "origin.example.com",
                         "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}}]
        }}),
    );
}

#[test]
fn three_tier_alarms_notify_the_topic_and_the_dashboard_shows_them() {
    let t = three_tier();
    t.resource_count_is("AWS::CloudWatch::Alarm", 3);
    t.all_resources_properties("AWS::CloudWatch::Alarm", json!({"AlarmActions": [{"Ref": "Alerts"}]}));
    let names: Vec<String> = t
        .find_resources("AWS::CloudWatch::Alarm", Match::any_value())
        .values()
        .map(|a| a["Properties"]["AlarmName"]["Fn::Sub"].as_str().unwrap_or_default().to_string())
        .collect();
    for metric in ["webapp-alb-5xx", "webapp-target-response-time", "webapp-db-cpu"] {
        assert!(names.iter().any(|n| n.starts_with(metric) && n.contains("${EnvironmentSuffix}")), "{names:?}");
    }
    let body = t.to_json()["Resources"]["Dashboard"]["Properties"]["DashboardBody"].to_string();
    for metric in ["HTTPCode_ELB_5XX_Count", "TargetResponseTime", "CPUUtilization", "${Alb5xxAlarm.Arn}"] {
        assert!(body.contains(metric), "{metric} not on the dashboard");
    }
}
