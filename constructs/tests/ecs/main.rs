//! ECS on Fargate: cluster, task definition and service defaults, the two
//! roles and what each may do, load balancer wiring, connections, errors.

use cfnkit_constructs::ec2::{Connectable, Vpc};
use cfnkit_constructs::ecs::{Cluster, Container, ContainerImage, FargateService, FargateTaskDefinition};
use cfnkit_constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, TargetGroup, TargetProtocol, TargetType};
use cfnkit_constructs::secretsmanager::Secret;
use cfnkit_constructs::sqs::Queue;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, Severity};
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

fn statements(t: &Value, policy: &str) -> Vec<Value> {
    t["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"].as_array().cloned().unwrap_or_default()
}

/// A web service behind an internet-facing ALB.
fn web(s: &mut Stack) {
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
    let cluster = Cluster::new("Cluster", vpc).add_to(s);
    let db = Secret::new("DbSecret").without_rotation("test").add_to(s);
    let task = FargateTaskDefinition::new("WebTask")
        .cpu(512)
        .memory_mib(1024)
        .container(
            Container::new("web", ContainerImage::ecr("shop/web", "1.4.2"))
                .port(8080)
                .env("LOG_LEVEL", "info")
                .secret_field("DB_PASSWORD", db, "password"),
        )
        .add_to(s);
    let alb = ApplicationLoadBalancer::new("Alb", vpc).internet_facing().add_to(s);
    let tg = TargetGroup::new("WebTargets", vpc, TargetProtocol::Http, 8080).target_type(TargetType::Ip).add_to(s);
    alb.add_https_listener(s, "Https", CERT, tg);
    let svc = FargateService::new("Web", cluster, task).desired_count(2).target_group(tg).add_to(s);
    svc.connections().allow_default_port_from(s, &alb, "Load balancer to the web tasks");
}

#[test]
fn a_cluster_has_container_insights_on() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        Cluster::new("Cluster", vpc).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Cluster"]["Properties"]["ClusterSettings"],
        json!([{"Name": "containerInsights", "Value": "enabled"}])
    );
}

#[test]
fn turning_container_insights_off_names_the_reason() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").add_to(s);
        Cluster::new("Cluster", vpc).without_container_insights("dev cluster, cost").add_to(s);
    });
    let c = &t["Resources"]["Cluster"];
    assert_eq!(c["Properties"]["ClusterSettings"][0]["Value"], "disabled");
    assert_eq!(c["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_65");
}

#[test]
fn a_task_definition_is_fargate_sized_with_two_roles_and_read_only_containers() {
    let t = template(web);
    let p = &t["Resources"]["WebTask"]["Properties"];
    assert_eq!(p["RequiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(p["NetworkMode"], "awsvpc");
    assert_eq!((p["Cpu"].clone(), p["Memory"].clone()), (json!("512"), json!("1024")));
    assert_eq!(p["TaskRoleArn"], json!({"Fn::GetAtt": ["WebTaskTaskRole", "Arn"]}));
    assert_eq!(p["ExecutionRoleArn"], json!({"Fn::GetAtt": ["WebTaskExecutionRole", "Arn"]}));
    assert_ne!(p["TaskRoleArn"], p["ExecutionRoleArn"]);
    let c = &p["ContainerDefinitions"][0];
    assert_eq!(c["Name"], "web");
    assert_eq!(c["Essential"], true);
    assert_eq!(c["ReadonlyRootFilesystem"], true);
    assert!(c.get("Privileged").is_none());
    assert_eq!(
        c["Image"],
        json!({"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/shop/web:1.4.2"})
    );
    assert_eq!(c["PortMappings"], json!([{"ContainerPort": 8080, "Protocol": "tcp"}]));
    assert_eq!(c["Environment"], json!([{"Name": "LOG_LEVEL", "Value": "info"}]));
    assert_eq!(c["Secrets"], json!([{"Name": "DB_PASSWORD", "ValueFrom": {"Fn::Sub": "${DbSecret}:password::"}}]));
    assert_eq!(
        c["LogConfiguration"],
        json!({"LogDriver": "awslogs", "Options": {
            "awslogs-group": {"Ref": "WebTaskLogGroup"},
            "awslogs-region": {"Ref": "AWS::Region"},
            "awslogs-stream-prefix": "web"
        }})
    );
    assert_eq!(t["Resources"]["WebTaskLogGroup"]["Properties"]["RetentionInDays"], 30);
}

#[test]
fn the_execution_role_pulls_its_repository_writes_its_logs_and_reads_its_secrets_only() {
    let t = template(web);
    let st = statements(&t, "WebTaskExecutionRoleDefaultPolicy");
    let find = |action: &str| -> Value {
        st.iter()
            .find(|s| {
                s["Action"] == json!(action) || s["Action"].as_array().is_some_and(|a| a.contains(&json!(action)))
            })
            .cloned()
            .unwrap_or_else(|| panic!("{action} missing: {st:#?}"))
    };
    assert_eq!(find("logs:PutLogEvents")["Resource"], json!({"Fn::GetAtt": ["WebTaskLogGroup", "Arn"]}));
    assert_eq!(
        find("ecr:BatchGetImage")["Resource"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/shop/web"})
    );
    assert_eq!(find("ecr:GetAuthorizationToken")["Resource"], "*");
    assert_eq!(find("secretsmanager:GetSecretValue")["Resource"], json!({"Ref": "DbSecret"}));
    // Nothing else uses "*".
    let wildcards = st.iter().filter(|s| s["Resource"] == "*").count();
    assert_eq!(wildcards, 1, "{st:#?}");
    // The task role holds nothing until grants add it.
    assert!(t["Resources"].get("WebTaskTaskRoleDefaultPolicy").is_none());
    // The task definition waits for its execution role's policy.
    assert_eq!(t["Resources"]["WebTask"]["DependsOn"], json!(["WebTaskExecutionRoleDefaultPolicy"]));
}

#[test]
fn an_image_from_a_public_registry_needs_no_ecr_permission() {
    let t = template(|s| {
        FargateTaskDefinition::new("Task")
            .container(Container::new("app", ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")))
            .add_to(s);
    });
    let st = statements(&t, "TaskExecutionRoleDefaultPolicy");
    assert!(!serde_json::to_string(&st).unwrap().contains("ecr:"), "{st:#?}");
    assert_eq!(
        t["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["Image"],
        "public.ecr.aws/nginx/nginx:1.27"
    );
}

#[test]
fn grants_to_a_task_definition_or_service_go_to_the_task_role() {
    let t = template(|s| {
        let q = Queue::new("Jobs").add_to(s);
        let task = FargateTaskDefinition::new("Task")
            .container(Container::new("app", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37")))
            .add_to(s);
        q.grant_send_messages(s, &task);
    });
    let st = statements(&t, "TaskTaskRoleDefaultPolicy");
    assert!(st.iter().any(|s| s["Action"].to_string().contains("sqs:SendMessage")), "{st:#?}");
    assert!(!serde_json::to_string(&statements(&t, "TaskExecutionRoleDefaultPolicy")).unwrap().contains("sqs:"));
}

#[test]
fn a_service_runs_privately_with_the_circuit_breaker_and_without_exec() {
    let t = template(web);
    let p = &t["Resources"]["Web"]["Properties"];
    assert_eq!(p["LaunchType"], "FARGATE");
    assert_eq!(p["PlatformVersion"], "LATEST");
    assert_eq!(p["DesiredCount"], 2);
    assert_eq!(p["EnableExecuteCommand"], false);
    assert_eq!(
        p["DeploymentConfiguration"],
        json!({"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}, "MaximumPercent": 200, "MinimumHealthyPercent": 100})
    );
    assert_eq!(
        p["NetworkConfiguration"]["AwsvpcConfiguration"],
        json!({
            "AssignPublicIp": "DISABLED",
            "SecurityGroups": [{"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}],
            "Subnets": [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]
        })
    );
}

#[test]
fn a_load_balanced_service_registers_its_container_port_and_waits_for_the_listener() {
    let t = template(web);
    let svc = &t["Resources"]["Web"];
    assert_eq!(
        svc["Properties"]["LoadBalancers"],
        json!([{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "WebTargets"}}])
    );
    assert_eq!(svc["Properties"]["HealthCheckGracePeriodSeconds"], 60);
    assert_eq!(svc["DependsOn"], json!(["AlbHttps"]));
    assert_eq!(t["Resources"]["WebTargets"]["Properties"]["TargetType"], "ip");
}

#[test]
fn connections_admit_the_load_balancer_on_the_container_port_only() {
    let t = template(web);
    let ingress: Vec<&Value> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress")
        .collect();
    assert_eq!(ingress.len(), 1);
    let i = &ingress[0]["Properties"];
    assert_eq!(i["GroupId"], json!({"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}));
    assert_eq!(i["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["AlbSecurityGroup", "GroupId"]}));
    assert_eq!((i["FromPort"].clone(), i["ToPort"].clone()), (json!(8080), json!(8080)));
    // The tasks send HTTPS only.
    let egress = &t["Resources"]["WebSecurityGroup"]["Properties"]["SecurityGroupEgress"];
    assert_eq!(egress.as_array().unwrap().len(), 1);
    assert_eq!(egress[0]["FromPort"], 443);
}

#[test]
fn ecs_exec_is_an_explicit_choice_that_grants_session_channels() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
        let cluster = Cluster::new("Cluster", vpc).add_to(s);
        let task = FargateTaskDefinition::new("Task")
            .container(Container::new("app", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37")))
            .add_to(s);
        FargateService::new("Svc", cluster, task).enable_execute_command().add_to(s);
    });
    assert_eq!(t["Resources"]["Svc"]["Properties"]["EnableExecuteCommand"], true);
    let st = statements(&t, "TaskTaskRoleDefaultPolicy");
    assert!(st.iter().any(|s| s["Action"].to_string().contains("ssmmessages:OpenDataChannel")), "{st:#?}");
}

#[test]
fn metrics_name_cluster_and_service() {
    let mut app = App::new();
    let s = app.stack("test");
    let vpc = Vpc::new("Vpc").add_to(s);
    let cluster = Cluster::new("Cluster", vpc).add_to(s);
    let task = FargateTaskDefinition::new("Task")
        .container(Container::new("app", ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37")))
        .add_to(s);
    let svc = FargateService::new("Svc", cluster, task).add_to(s);
    let cpu = format!("{:?}", svc.metric_cpu_utilization());
    assert!(cpu.contains("CPUUtilization") && cpu.contains("ServiceName") && cpu.contains("ClusterName"), "{cpu}");
    assert!(format!("{:?}", svc.metric_memory_utilization()).contains("MemoryUtilization"));
}

#[test]
fn sizes_fargate_does_not_offer_are_errors_naming_what_it_does() {
    let errs = errors(|s| {
        FargateTaskDefinition::new("Task")
            .cpu(256)
            .memory_mib(4096)
            .container(Container::new("app", ContainerImage::registry("busybox:1.37")))
            .add_to(s);
        FargateTaskDefinition::new("Odd")
            .cpu(300)
            .container(Container::new("app", ContainerImage::registry("busybox:1.37")))
            .add_to(s);
    });
    let mem = error(&errs, "memory size Fargate does not offer");
    assert_eq!(mem.path, "test/Task/Resource");
    assert_eq!(mem.property.as_deref(), Some("Memory"));
    assert_eq!(mem.value.as_deref(), Some("4096"));
    assert!(mem.allowed.as_deref().unwrap().contains("512, 1024 or 2048"));
    let cpu = error(&errs, "CPU size Fargate does not offer");
    assert_eq!(cpu.property.as_deref(), Some("Cpu"));
}

#[test]
fn containers_are_checked() {
    let errs = errors(|s| {
        FargateTaskDefinition::new("Empty").add_to(s);
        FargateTaskDefinition::new("Task")
            .container(Container::new("app", ContainerImage::ecr("Shop/Web", "1.0")).port(0))
            .container(Container::new("app", ContainerImage::registry("busybox:1.37")).env("1BAD", "x"))
            .add_to(s);
    });
    assert_eq!(error(&errs, "needs containers").property.as_deref(), Some("ContainerDefinitions"));
    assert_eq!(error(&errs, "container name used twice").value.as_deref(), Some("app"));
    assert_eq!(error(&errs, "invalid ECR repository name").value.as_deref(), Some("\"Shop/Web\""));
    assert!(error(&errs, "invalid or repeated container port").path.ends_with("Task/Resource/app"));
    assert_eq!(error(&errs, "environment variable name").value.as_deref(), Some("\"1BAD\""));
}

#[test]
fn a_secret_looking_environment_value_is_a_warning() {
    let mut app = App::new();
    let s = app.stack("test");
    FargateTaskDefinition::new("Task")
        .container(Container::new("app", ContainerImage::registry("busybox:1.37")).env("DB_PASSWORD", "hunter2"))
        .add_to(s);
    let out = app.synth().expect("a warning, not an error");
    let w = out.warnings.iter().find(|d| d.problem.contains("looks like a secret")).expect("warned");
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.allowed.as_deref().unwrap().contains(".secret("));
}

#[test]
fn a_writable_root_file_system_is_acknowledged_with_its_reason() {
    let t = template(|s| {
        FargateTaskDefinition::new("Task")
            .container(
                Container::new("app", ContainerImage::registry("busybox:1.37"))
                    .writable_root_filesystem("the vendor image writes to /var/cache"),
            )
            .add_to(s);
    });
    let td = &t["Resources"]["Task"];
    assert_eq!(td["Properties"]["ContainerDefinitions"][0]["ReadonlyRootFilesystem"], false);
    assert_eq!(td["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_336");
    assert!(td["Metadata"]["checkov"]["skip"][0]["comment"].as_str().unwrap().contains("/var/cache"));
}

#[test]
fn load_balancer_wiring_mistakes_are_errors() {
    let errs = errors(|s| {
        let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(s);
        let cluster = Cluster::new("Cluster", vpc).add_to(s);
        let task = FargateTaskDefinition::new("Task")
            .container(Container::new("app", ContainerImage::registry("busybox:1.37")))
            .add_to(s);
        let tg = TargetGroup::new("Tg", vpc, TargetProtocol::Http, 80).add_to(s);
        FargateService::new("Svc", cluster, task).target_group(tg).deployment(100, 100).add_to(s);
    });
    let instance = error(&errs, "target group registers instances");
    assert_eq!(instance.path, "test/Svc/Resource");
    assert!(instance.allowed.as_deref().unwrap().contains("TargetType::Ip"));
    assert!(error(&errs, "target group without a listener").allowed.as_deref().unwrap().contains("before the service"));
    assert_eq!(
        error(&errs, "target group for a task without a port").property.as_deref(),
        Some("LoadBalancers.ContainerPort")
    );
    assert_eq!(error(&errs, "deployment cannot replace tasks").property.as_deref(), Some("DeploymentConfiguration"));
}

#[test]
fn the_hardened_profile_encrypts_the_task_logs_with_the_stack_log_key() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("ecs").hardened());
    FargateTaskDefinition::new("Task")
        .container(Container::new("app", ContainerImage::registry("busybox:1.37")))
        .add_to(s);
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(t["Resources"]["TaskLogGroup"]["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
}
