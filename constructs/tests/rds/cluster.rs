//! DatabaseCluster: defaults, instances, removal, grants, metrics, errors.

use cfnkit_constructs::ec2::{Connectable, SecurityGroup};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::rds::{DatabaseCluster, Engine};
use cfnkit_core::diag::DiagKind;
use cfnkit_core::tree::App;
use serde_json::json;

use super::{error, errors, of_type, template, vpc};

#[test]
fn a_cluster_is_encrypted_managed_and_monitored_by_default() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseCluster::new("Db", Engine::aurora_postgresql("16.9"), v).add_to(s);
    });
    let p = &t["Resources"]["Db"]["Properties"];
    assert_eq!(p["Engine"], "aurora-postgresql");
    assert_eq!(p["StorageEncrypted"], true);
    assert_eq!(p["KmsKeyId"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(p["ManageMasterUserPassword"], true);
    assert_eq!(p["MasterUserSecret"], json!({"KmsKeyId": {"Fn::GetAtt": ["DbKey", "Arn"]}}));
    assert_eq!(p["BackupRetentionPeriod"], 7);
    assert_eq!(p["EnableIAMDatabaseAuthentication"], true);
    assert_eq!(p["EnableCloudwatchLogsExports"], json!(["postgresql"]));
    assert_eq!(p["DeletionProtection"], true);
    assert_eq!(p["Port"], 5432);
    assert_eq!(p["DBSubnetGroupName"], json!({"Ref": "DbSubnetGroup"}));
    assert_eq!(p["DBClusterParameterGroupName"], json!({"Ref": "DbParameterGroup"}));
    let g = &t["Resources"]["DbParameterGroup"]["Properties"];
    assert_eq!(g["Family"], "aurora-postgresql16");
    assert_eq!(g["Parameters"], json!({"rds.force_ssl": "1"}));
    assert_eq!(t["Resources"]["Db"]["DeletionPolicy"], "Snapshot");
}

#[test]
fn a_cluster_runs_a_writer_and_a_reader_that_are_private_and_monitored() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseCluster::new("Db", Engine::aurora_postgresql("16.9"), v).add_to(s);
    });
    let instances = of_type(&t, "AWS::RDS::DBInstance");
    let ids: Vec<&str> = instances.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["DbWriter", "DbReader1"]);
    for (_, i) in instances {
        let p = &i["Properties"];
        assert_eq!(p["DBClusterIdentifier"], json!({"Ref": "Db"}));
        assert_eq!(p["PubliclyAccessible"], false);
        assert_eq!(p["DBInstanceClass"], "db.r6g.large");
        assert_eq!(p["MonitoringInterval"], 60);
        assert_eq!(p["EnablePerformanceInsights"], true);
        assert_eq!(p["PerformanceInsightsKMSKeyId"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
        assert_eq!(i["DeletionPolicy"], "Delete");
    }
}

#[test]
fn aurora_mysql_turns_on_the_logs_it_exports() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseCluster::new("Db", Engine::aurora_mysql("8.0.mysql_aurora.3.08.0"), v).add_to(s);
    });
    assert_eq!(
        t["Resources"]["DbParameterGroup"]["Properties"]["Parameters"],
        json!({
            "require_secure_transport": "1",
            "slow_query_log": "1",
            "server_audit_logging": "1",
            "log_output": "FILE"
        })
    );
    assert_eq!(
        t["Resources"]["Db"]["Properties"]["EnableCloudwatchLogsExports"],
        json!(["audit", "error", "slowquery"])
    );
    assert_eq!(t["Resources"]["Db"]["Properties"]["Port"], 3306);
}

#[test]
fn cluster_grants_connect_through_the_cluster_resource_id() {
    let t = template(|s| {
        let v = vpc(s);
        let db = DatabaseCluster::new("Db", Engine::aurora_postgresql("16.9"), v).add_to(s);
        let role = Role::new("App", Principal::service("ecs-tasks.amazonaws.com")).add_to(s);
        db.grant_connect(s, &role, "reporting");
        let app_sg = SecurityGroup::new("AppSg", v, "Application tier").add_to(s);
        app_sg.connections().allow_to_default_port(s, &db, "To the cluster");
    });
    let st = &t["Resources"]["AppDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(
        st["Resource"]["Fn::Sub"],
        "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Db.DBClusterResourceId}/reporting"
    );
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupIngress")[0].1["Properties"]["FromPort"], 5432);
}

#[test]
fn cluster_metrics_name_the_cluster() {
    let mut app = App::new();
    let stack = app.stack("test");
    let v = vpc(stack);
    let db = DatabaseCluster::new("Db", Engine::aurora_postgresql("16.9"), v).add_to(stack);
    assert_eq!(db.metric_cpu_utilization().name(), "CPUUtilization");
    assert_eq!(db.metric_replica_lag_maximum().name(), "AuroraReplicaLagMaximum");
}

#[test]
fn a_cluster_refuses_a_non_aurora_engine_and_a_bad_instance_count() {
    let errs = errors(|s| {
        let v = vpc(s);
        DatabaseCluster::new("Db", Engine::postgres("17.6"), v).instances(0).add_to(s);
    });
    assert_eq!(error(&errs, "Aurora engine").unwrap().property.as_deref(), Some("Engine"));
    assert_eq!(error(&errs, "Aurora engine").unwrap().kind, DiagKind::NotAllowedValue);
    assert_eq!(error(&errs, "instance count").unwrap().value.as_deref(), Some("0"));
    assert_eq!(error(&errs, "instance count").unwrap().kind, DiagKind::OutOfRange);
}

#[test]
fn a_single_instance_cluster_warns_about_failover() {
    let mut app = App::new();
    let stack = app.stack("test");
    let v = vpc(stack);
    DatabaseCluster::new("Db", Engine::aurora_postgresql("16.9"), v).instances(1).add_to(stack);
    let out = app.synth().expect("a warning does not fail synthesis");
    assert!(out
        .warnings
        .iter()
        .any(|w| w.problem.contains("no reader to fail over to") && w.kind == DiagKind::ItemCount));
}
