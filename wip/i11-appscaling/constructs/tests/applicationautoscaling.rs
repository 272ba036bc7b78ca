//! Application Auto Scaling: scalable targets for ECS services and
//! DynamoDB tables and indexes, target tracking, the service-linked role,
//! errors.

use cfnkit_constructs::applicationautoscaling::ScalableTarget;
use cfnkit_constructs::dynamodb::{Billing, Gsi, Key, Table};
use cfnkit_constructs::ec2::Vpc;
use cfnkit_constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateServiceRef, FargateTaskDefinition};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol, TargetType};
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

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

fn error<'a>(errs: &'a [Diagnostic], problem: &str) -> &'a Diagnostic {
    errs.iter().find(|d| d.problem.contains(problem)).unwrap_or_else(|| panic!("no {problem:?} in {errs:#?}"))
}

fn service(s: &mut Stack) -> FargateServiceRef {
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
    let cluster = Cluster::new("Cluster", vpc).add_to(s);
    let task = FargateTaskDefinition::new("Task")
        .container(Container::new("app", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37")))
        .add_to(s);
    FargateService::new("Svc", cluster, task).add_to(s)
}

fn provisioned(s: &mut Stack) -> cfnkit_constructs::dynamodb::TableRef {
    Table::new("Orders", Key::string("id"))
        .index(Gsi::new("by-status", Key::string("status")))
        .billing(Billing::Provisioned { read: 5, write: 5 })
        .add_to(s)
}

#[test]
fn an_ecs_service_target_scales_the_desired_count_through_the_service_linked_role() {
    let t = template(|s| {
        let svc = service(s);
        ScalableTarget::ecs_service("Scaling", svc, 1, 4).add_to(s);
    });
    let p = &t["Resources"]["Scaling"]["Properties"];
    assert_eq!(p["ServiceNamespace"], "ecs");
    assert_eq!(p["ScalableDimension"], "ecs:service:DesiredCount");
    assert_eq!((p["MinCapacity"].clone(), p["MaxCapacity"].clone()), (json!(1), json!(4)));
    assert_eq!(
        p["ResourceId"],
        json!({"Fn::Join": ["/", ["service", {"Ref": "Cluster"}, {"Fn::GetAtt": ["Svc", "Name"]}]]})
    );
    assert!(p.get("RoleARN").is_none(), "the service-linked role, no role of ours");
}

#[test]
fn target_tracking_on_cpu_memory_and_requests_per_task() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
        let cluster = Cluster::new("Cluster", vpc).add_to(s);
        let task = FargateTaskDefinition::new("Task")
            .container(Container::new("web", ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")).port(8080))
            .add_to(s);
        let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
        let tg = TargetGroup::new("Tg", vpc, TargetProtocol::Http, 8080).target_type(TargetType::Ip).add_to(s);
        alb.add_https_listener(s, "Https", CERT, tg);
        let svc = FargateService::new("Web", cluster, task).target_group(tg).add_to(s);
        let scaling = ScalableTarget::ecs_service("Scaling", svc, 2, 10).add_to(s);
        scaling.scale_on_cpu(s, "Cpu", 50.0);
        scaling.scale_on_memory(s, "Memory", 70.0);
        scaling.scale_on_request_count(s, "Requests", alb, tg, 500.0);
    });
    let cpu = &t["Resources"]["ScalingCpu"]["Properties"];
    assert_eq!(cpu["PolicyName"], "Cpu");
    assert_eq!(cpu["PolicyType"], "TargetTrackingScaling");
    assert_eq!(cpu["ScalingTargetId"], json!({"Ref": "Scaling"}));
    assert_eq!(
        cpu["TargetTrackingScalingPolicyConfiguration"],
        json!({"PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}, "TargetValue": 50})
    );
    assert_eq!(
        t["Resources"]["ScalingMemory"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "ECSServiceAverageMemoryUtilization"
    );
    let req = &t["Resources"]["ScalingRequests"]["Properties"]["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(req["PredefinedMetricSpecification"]["PredefinedMetricType"], "ALBRequestCountPerTarget");
    assert_eq!(
        req["PredefinedMetricSpecification"]["ResourceLabel"],
        json!({"Fn::Join": ["/", [{"Fn::GetAtt": ["Alb", "LoadBalancerFullName"]}, {"Fn::GetAtt": ["Tg", "TargetGroupFullName"]}]]})
    );
}

#[test]
fn table_and_index_capacity_scale_on_utilization() {
    let t = template(|s| {
        let orders = provisioned(s);
        ScalableTarget::table_reads("Reads", orders, 5, 100).add_to(s).scale_on_utilization(s, "Util", 70.0);
        ScalableTarget::table_writes("Writes", orders, 5, 50).add_to(s).scale_on_utilization(s, "Util", 70.0);
        ScalableTarget::index_reads("IndexReads", orders, "by-status", 5, 20).add_to(s);
    });
    let r = &t["Resources"]["Reads"]["Properties"];
    assert_eq!(r["ServiceNamespace"], "dynamodb");
    assert_eq!(r["ScalableDimension"], "dynamodb:table:ReadCapacityUnits");
    assert_eq!(r["ResourceId"], json!({"Fn::Join": ["/", ["table", {"Ref": "Orders"}]]}));
    assert_eq!(t["Resources"]["Writes"]["Properties"]["ScalableDimension"], "dynamodb:table:WriteCapacityUnits");
    assert_eq!(
        t["Resources"]["ReadsUtil"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "DynamoDBReadCapacityUtilization"
    );
    assert_eq!(
        t["Resources"]["WritesUtil"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "DynamoDBWriteCapacityUtilization"
    );
    let i = &t["Resources"]["IndexReads"]["Properties"];
    assert_eq!(i["ScalableDimension"], "dynamodb:index:ReadCapacityUnits");
    assert_eq!(i["ResourceId"], json!({"Fn::Join": ["/", ["table", {"Ref": "Orders"}, "index", "by-status"]]}));
}

#[test]
fn minimum_above_maximum_is_an_error_naming_path_property_value_and_allowed() {
    let errs = errors(|s| {
        let svc = service(s);
        ScalableTarget::ecs_service("Scaling", svc, 5, 2).add_to(s);
    });
    let e = error(&errs, "minimum capacity above the maximum");
    assert_eq!(e.path, "test/Scaling/Resource");
    assert_eq!(e.property.as_deref(), Some("MinCapacity"));
    assert_eq!(e.value.as_deref(), Some("5 to 2"));
    assert!(e.allowed.as_deref().unwrap().contains("MinCapacity <= MaxCapacity"));
}

#[test]
fn zero_capacity_tables_and_oversized_services_are_errors() {
    let errs = errors(|s| {
        let orders = provisioned(s);
        ScalableTarget::table_reads("Reads", orders, 0, 10).add_to(s);
        let svc = service(s);
        ScalableTarget::ecs_service("Scaling", svc, 1, 6000).add_to(s);
    });
    assert_eq!(error(&errs, "minimum capacity above the maximum").path, "test/Reads/Resource");
    assert_eq!(error(&errs, "maximum above the tasks").value.as_deref(), Some("6000"));
}

#[test]
fn an_on_demand_table_cannot_scale_capacity() {
    let errs = errors(|s| {
        let t = Table::new("OnDemand", Key::string("id")).add_to(s);
        ScalableTarget::table_reads("Reads", t, 1, 10).add_to(s);
    });
    let e = error(&errs, "on-demand table");
    assert!(e.allowed.as_deref().unwrap().contains("Billing::Provisioned"));
}

#[test]
fn a_metric_the_target_lacks_or_a_target_out_of_range_is_an_error() {
    let errs = errors(|s| {
        let orders = provisioned(s);
        let reads = ScalableTarget::table_reads("Reads", orders, 5, 100).add_to(s);
        reads.scale_on_cpu(s, "Cpu", 50.0);
        reads.scale_on_utilization(s, "TooHigh", 95.0);
        let svc = service(s);
        let tasks = ScalableTarget::ecs_service("Scaling", svc, 1, 4).add_to(s);
        tasks.scale_on_utilization(s, "Util", 70.0);
        tasks.scale_on_cpu(s, "Cpu", 150.0);
    });
    let wrong = error(&errs, "metric not available for DynamoDB read capacity");
    assert_eq!(wrong.path, "test/Reads/Cpu");
    assert_eq!(wrong.value.as_deref(), Some("ECSServiceAverageCPUUtilization"));
    assert_eq!(error(&errs, "metric not available for an ECS service").path, "test/Scaling/Util");
    let high: Vec<&Diagnostic> = errs.iter().filter(|d| d.problem == "target value out of range").collect();
    assert_eq!(high.len(), 2, "{errs:#?}");
    assert!(high.iter().any(|d| d.value.as_deref() == Some("95") && d.allowed.as_deref() == Some("20 to 90")));
    assert!(high.iter().any(|d| d.value.as_deref() == Some("150") && d.allowed.as_deref() == Some("1 to 100")));
}
