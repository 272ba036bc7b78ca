//! Auto Scaling: group defaults, target groups and ELB health checks,
//! target tracking, step and scheduled scaling, connections, errors.

use cfnkit_constructs::autoscaling::{AutoScalingGroup, RollingUpdate, StepScaling};
use cfnkit_constructs::ec2::{Connectable, LaunchTemplate, Port, Vpc};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

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

fn has_error(errs: &[Diagnostic], kind: DiagKind, problem: &str) -> bool {
    errs.iter().any(|d| d.kind == kind && d.problem.contains(problem))
}

#[test]
fn a_group_runs_in_private_subnets_with_ec2_health_checks_by_default() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
        AutoScalingGroup::new("Asg", vpc, lt).add_to(s);
    });
    let p = &t["Resources"]["Asg"]["Properties"];
    assert_eq!((p["MinSize"].clone(), p["MaxSize"].clone()), (json!("1"), json!("2")));
    assert!(p.get("DesiredCapacity").is_none());
    assert_eq!(p["VPCZoneIdentifier"], json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]));
    assert_eq!(p["HealthCheckType"], "EC2");
    assert_eq!(
        p["LaunchTemplate"],
        json!({"LaunchTemplateId": {"Ref": "Lt"}, "Version": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]}})
    );
    assert_eq!(p["MetricsCollection"], json!([{"Granularity": "1Minute"}]));
    assert_eq!(p["InstanceMaintenancePolicy"], json!({"MaxHealthyPercentage": 110, "MinHealthyPercentage": 90}));
}

/// A web tier: ALB, target group, group of instances, connections.
fn web(s: &mut Stack) {
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
    let tg = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(s);
    let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
    let asg = AutoScalingGroup::new("Asg", vpc, lt).capacity(2, 6).target_group(tg).add_to(s);
    alb.connections().allow_to(s, &asg, Port::tcp(8080), "Load balancer to instances");
    asg.scale_on_cpu(s, "Cpu", 50.0);
    asg.scale_on_request_count(s, "Requests", alb, tg, 1000.0);
    asg.scale_on_schedule(s, "Night", "0 22 * * *", Some(1), Some(2));
    asg.scale_on_steps(
        s,
        "Steps",
        asg.metric_cpu_utilization(),
        StepScaling::new().add_above(70.0, 1).add_above(90.0, 3).remove_below(30.0, 1),
    );
}

#[test]
fn a_group_behind_a_target_group_uses_elb_health_checks() {
    let t = template(web);
    let p = &t["Resources"]["Asg"]["Properties"];
    assert_eq!(p["HealthCheckType"], "ELB");
    assert_eq!(p["HealthCheckGracePeriod"], 300);
    assert_eq!(p["TargetGroupARNs"], json!([{"Ref": "Web"}]));
}

#[test]
fn connections_open_the_instances_to_the_load_balancer_only() {
    let t = template(web);
    let ingress: Vec<&Value> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress")
        .collect();
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0]["Properties"]["GroupId"], json!({"Fn::GetAtt": ["LtSecurityGroup", "GroupId"]}));
    assert_eq!(
        ingress[0]["Properties"]["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["AlbSecurityGroup", "GroupId"]})
    );
}

#[test]
fn target_tracking_on_cpu_and_requests_per_target() {
    let t = template(web);
    let cpu = &t["Resources"]["AsgCpu"]["Properties"];
    assert_eq!(cpu["AutoScalingGroupName"], json!({"Ref": "Asg"}));
    assert_eq!(cpu["PolicyType"], "TargetTrackingScaling");
    assert_eq!(
        cpu["TargetTrackingConfiguration"],
        json!({"PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 50})
    );
    let req = &t["Resources"]["AsgRequests"]["Properties"]["TargetTrackingConfiguration"];
    assert_eq!(req["PredefinedMetricSpecification"]["PredefinedMetricType"], "ALBRequestCountPerTarget");
    assert_eq!(
        req["PredefinedMetricSpecification"]["ResourceLabel"],
        json!({"Fn::Join": ["/", [{"Fn::GetAtt": ["Alb", "LoadBalancerFullName"]}, {"Fn::GetAtt": ["Web", "TargetGroupFullName"]}]]})
    );
}

#[test]
fn step_scaling_writes_policies_and_alarms_relative_to_their_thresholds() {
    let t = template(web);
    let out = &t["Resources"]["AsgStepsScaleOut"]["Properties"];
    assert_eq!(out["PolicyType"], "StepScaling");
    assert_eq!(
        out["StepAdjustments"],
        json!([
            {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1},
            {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3}
        ])
    );
    let alarm = &t["Resources"]["AsgStepsScaleOutAlarm"]["Properties"];
    assert_eq!(alarm["Threshold"], 70);
    assert_eq!(alarm["ComparisonOperator"], "GreaterThanOrEqualToThreshold");
    assert_eq!(alarm["AlarmActions"], json!([{"Ref": "AsgStepsScaleOut"}]));
    let inn = &t["Resources"]["AsgStepsScaleIn"]["Properties"];
    assert_eq!(inn["StepAdjustments"], json!([{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]));
    assert_eq!(
        t["Resources"]["AsgStepsScaleInAlarm"]["Properties"]["ComparisonOperator"],
        "LessThanOrEqualToThreshold"
    );
}

#[test]
fn scheduled_actions_set_capacity_on_a_cron_schedule() {
    let t = template(web);
    let a = &t["Resources"]["AsgNight"]["Properties"];
    assert_eq!(a["Recurrence"], "0 22 * * *");
    assert_eq!((a["MinSize"].clone(), a["MaxSize"].clone()), (json!(1), json!(2)));
}

#[test]
fn bad_capacity_and_scaling_are_reported() {
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
        let asg = AutoScalingGroup::new("Asg", vpc, lt).capacity(5, 2).desired(9).add_to(s);
        asg.scale_on_cpu(s, "Cpu", 150.0);
        asg.scale_on_schedule(s, "Bad", "every night", Some(1), None);
        asg.scale_on_steps(
            s,
            "Steps",
            asg.metric_cpu_utilization(),
            StepScaling::new().add_above(50.0, 1).remove_below(60.0, 1),
        );
    });
    for (p, kind) in [
        ("minimum above maximum", DiagKind::Conflict),
        ("desired capacity", DiagKind::OutOfRange),
        ("CPU target above", DiagKind::OutOfRange),
        ("five-field cron", DiagKind::Invalid),
        ("scale-in threshold", DiagKind::Conflict),
    ] {
        assert!(has_error(&errs, kind, p), "no {p:?} ({kind}) in {errs:#?}");
    }
}

#[test]
fn a_group_rolls_instances_one_at_a_time_and_keeps_scheduled_sizes() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
        AutoScalingGroup::new("Asg", vpc, lt).capacity(2, 4).add_to(s);
        AutoScalingGroup::new("Single", vpc, lt).capacity(1, 1).health_check_grace_period(7200).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Asg"]["UpdatePolicy"],
        json!({
            "AutoScalingRollingUpdate": {
                "MaxBatchSize": 1,
                "MinInstancesInService": 2,
                "PauseTime": "PT300S",
                "SuspendProcesses": ["HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions"]
            },
            "AutoScalingScheduledAction": {"IgnoreUnmodifiedGroupSizeProperties": true}
        })
    );
    // One instance at most: none can stay in service; the pause stops at an hour.
    let single = &t["Resources"]["Single"]["UpdatePolicy"]["AutoScalingRollingUpdate"];
    assert_eq!(single["MinInstancesInService"], 0);
    assert_eq!(single["PauseTime"], "PT3600S");
}

#[test]
fn a_rolling_update_can_be_tuned_or_left_out() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
        AutoScalingGroup::new("Tuned", vpc, lt)
            .capacity(2, 8)
            .rolling_update(RollingUpdate::new().max_batch_size(2).min_in_service(4).pause(Duration::minutes(10)))
            .add_to(s);
        AutoScalingGroup::new("Plain", vpc, lt).without_rolling_update().add_to(s);
    });
    let tuned = &t["Resources"]["Tuned"]["UpdatePolicy"]["AutoScalingRollingUpdate"];
    assert_eq!((tuned["MaxBatchSize"].clone(), tuned["MinInstancesInService"].clone()), (json!(2), json!(4)));
    assert_eq!(tuned["PauseTime"], "PT600S");
    assert_eq!(
        t["Resources"]["Plain"]["UpdatePolicy"],
        json!({"AutoScalingScheduledAction": {"IgnoreUnmodifiedGroupSizeProperties": true}})
    );
}

#[test]
fn bad_rolling_updates_are_reported() {
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        let lt = LaunchTemplate::new("Lt", vpc).add_to(s);
        AutoScalingGroup::new("Asg", vpc, lt)
            .capacity(1, 3)
            .rolling_update(RollingUpdate::new().max_batch_size(0).min_in_service(3).pause(Duration::hours(2)))
            .add_to(s);
    });
    for p in ["batch of zero", "fewer than MaxSize", "pause too long"] {
        assert!(has_error(&errs, DiagKind::OutOfRange, p), "no {p:?} (out of range) in {errs:#?}");
    }
}
