
#[test]
fn fargate_service_example_runs_behind_https_scales_on_cpu_and_runs_nightly() {
    use cfnkit::assertions::{Match, Template};
    let app = fargate_service::app();
    let t = Template::from_stack(&app, "fargate-service");
    t.resource_count_is("AWS::ECS::Service", 1);
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({
            "LaunchType": "FARGATE",
            "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}},
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED"}},
            "LoadBalancers": [{"ContainerName": "shop", "ContainerPort": 8080}]
        }),
    );
    // HTTPS with the certificate, and HTTP only redirecting to it.
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Protocol": "HTTPS", "Port": 443, "Certificates": [{"CertificateArn": {"Ref": "ShopCertificate"}}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Protocol": "HTTP", "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "StatusCode": "HTTP_301"}}]}),
    );
    // Two to ten tasks, following CPU.
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": 2, "MaxCapacity": 10, "ScalableDimension": "ecs:service:DesiredCount"}),
    );
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        Match::obj([(
            "TargetTrackingScalingPolicyConfiguration",
            json!({"PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}, "TargetValue": 60}).into(),
        )]),
    );
    // The nightly schedule invokes the function, with a permission scoped to the rule.
    t.has_resource_properties("AWS::Events::Rule", json!({"ScheduleExpression": "cron(0 2 * * ? *)", "State": "ENABLED"}));
    t.has_resource_properties(
        "AWS::Lambda::Permission",
        json!({"Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": ["NightlyCompaction", "Arn"]}}),
    );
    // The service waits for the listener that forwards to its target group.
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[0].template["Resources"]["Shop"]["DependsOn"], json!(["AlbHttps"]));
    check("fargate_service", &app);
}
