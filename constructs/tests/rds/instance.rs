//! DatabaseInstance: defaults, removal, connections, grants, metrics, errors.

use cfnkit_constructs::ec2::{Connectable, SecurityGroup};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::rds::{DatabaseInstance, Engine};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::DiagKind;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::tree::App;
use serde_json::json;

use super::{error, errors, of_type, template, vpc};

#[test]
fn an_instance_is_private_encrypted_multi_az_and_managed_by_default() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
    });
    let p = &t["Resources"]["Db"]["Properties"];
    assert_eq!(p["Engine"], "postgres");
    assert_eq!(p["EngineVersion"], "17.6");
    assert_eq!(p["PubliclyAccessible"], false);
    assert_eq!(p["StorageEncrypted"], true);
    assert_eq!(p["KmsKeyId"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(p["MultiAZ"], true);
    assert_eq!(p["ManageMasterUserPassword"], true);
    assert_eq!(p["MasterUserSecret"], json!({"KmsKeyId": {"Fn::GetAtt": ["DbKey", "Arn"]}}));
    assert!(p.get("MasterUserPassword").is_none());
    assert_eq!(p["MasterUsername"], "dbadmin");
    assert_eq!(p["BackupRetentionPeriod"], 7);
    assert_eq!(p["EnableIAMDatabaseAuthentication"], true);
    assert_eq!(p["EnableCloudwatchLogsExports"], json!(["postgresql", "upgrade"]));
    assert_eq!(p["MonitoringInterval"], 60);
    assert_eq!(p["MonitoringRoleArn"], json!({"Fn::GetAtt": ["DbMonitoringRole", "Arn"]}));
    assert_eq!(p["EnablePerformanceInsights"], true);
    assert_eq!(p["PerformanceInsightsKMSKeyId"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(p["PerformanceInsightsRetentionPeriod"], 7);
    assert_eq!(p["StorageType"], "gp3");
    assert_eq!(p["AllocatedStorage"], "20");
    assert_eq!(p["MaxAllocatedStorage"], 100);
    assert_eq!(p["Port"], "5432");
    assert_eq!(p["CopyTagsToSnapshot"], true);
    assert_eq!(p["AutoMinorVersionUpgrade"], true);
    assert_eq!(t["Resources"]["DbKey"]["Properties"]["EnableKeyRotation"], true);
}

#[test]
fn an_instance_sits_in_the_private_subnets_behind_its_own_closed_group() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
    });
    let p = &t["Resources"]["Db"]["Properties"];
    assert_eq!(p["DBSubnetGroupName"], json!({"Ref": "DbSubnetGroup"}));
    assert_eq!(
        t["Resources"]["DbSubnetGroup"]["Properties"]["SubnetIds"],
        json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}])
    );
    assert_eq!(p["VPCSecurityGroups"], json!([{"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}]));
    let g = &t["Resources"]["DbSecurityGroup"]["Properties"];
    assert!(g.get("SecurityGroupIngress").is_none());
    assert_eq!(g["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");
}

#[test]
fn the_parameter_group_requires_tls_for_every_engine() {
    for (engine, family, name, value) in [
        (Engine::postgres("17.6"), "postgres17", "rds.force_ssl", "1"),
        (Engine::mysql("8.0.39"), "mysql8.0", "require_secure_transport", "1"),
        (Engine::mariadb("10.11.9"), "mariadb10.11", "require_secure_transport", "1"),
    ] {
        let t = template(|s| {
            let v = vpc(s);
            DatabaseInstance::new("Db", engine, v).parameter("max_connections", "100").add_to(s);
        });
        let g = &t["Resources"]["DbParameterGroup"]["Properties"];
        assert_eq!(g["Family"], family);
        assert_eq!(g["Parameters"][name], value);
        assert_eq!(g["Parameters"]["max_connections"], "100");
        assert_eq!(t["Resources"]["Db"]["Properties"]["DBParameterGroupName"], json!({"Ref": "DbParameterGroup"}));
    }
}

#[test]
fn mysql_writes_the_slow_query_log_it_exports() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::mysql("8.4.8"), v).add_to(s);
    });
    assert_eq!(t["Resources"]["Db"]["Properties"]["EnableCloudwatchLogsExports"], json!(["error", "slowquery"]));
    assert_eq!(
        t["Resources"]["DbParameterGroup"]["Properties"]["Parameters"],
        json!({"require_secure_transport": "1", "slow_query_log": "1", "log_output": "FILE"})
    );
}

#[test]
fn retain_keeps_a_final_snapshot_and_protects_the_database() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
    });
    assert_eq!(t["Resources"]["Db"]["DeletionPolicy"], "Snapshot");
    assert_eq!(t["Resources"]["Db"]["UpdateReplacePolicy"], "Snapshot");
    assert_eq!(t["Resources"]["Db"]["Properties"]["DeletionProtection"], true);
}

#[test]
fn delete_conventions_drop_deletion_protection_and_the_snapshot() {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("db"));
    let v = vpc(stack);
    DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(stack);
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(t["Resources"]["Db"]["DeletionPolicy"], "Delete");
    assert_eq!(t["Resources"]["Db"]["Properties"]["DeletionProtection"], false);
}

#[test]
fn an_explicit_retain_wins_over_delete_conventions() {
    let mut app = App::new();
    let stack = app.stack("test").conventions(Conventions::tap("db"));
    let v = vpc(stack);
    DatabaseInstance::new("Db", Engine::postgres("17.6"), v).removal_policy(RemovalPolicy::Retain).add_to(stack);
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(t["Resources"]["Db"]["DeletionPolicy"], "Snapshot");
    assert_eq!(t["Resources"]["Db"]["Properties"]["DeletionProtection"], true);
}

#[test]
fn a_given_key_replaces_the_dedicated_key_everywhere() {
    let t = template(|s| {
        let v = vpc(s);
        let key = Key::new("Shared").add_to(s);
        DatabaseInstance::new("Db", Engine::postgres("17.6"), v).encryption_key(key).add_to(s);
    });
    let p = &t["Resources"]["Db"]["Properties"];
    let shared = json!({"Fn::GetAtt": ["Shared", "Arn"]});
    assert_eq!(p["KmsKeyId"], shared);
    assert_eq!(p["PerformanceInsightsKMSKeyId"], shared);
    assert_eq!(p["MasterUserSecret"]["KmsKeyId"], shared);
    assert!(t["Resources"].get("DbKey").is_none());
}

#[test]
fn single_az_and_no_monitoring_are_acknowledged_with_their_reasons() {
    let t = template(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::mysql("8.0.39"), v)
            .single_az("development database")
            .without_enhanced_monitoring("metrics from CloudWatch suffice here")
            .add_to(s);
    });
    let db = &t["Resources"]["Db"];
    assert_eq!(db["Properties"]["MultiAZ"], false);
    assert!(db["Properties"].get("MonitoringInterval").is_none());
    assert!(t["Resources"].get("DbMonitoringRole").is_none());
    let skips = &db["Metadata"]["checkov"]["skip"];
    assert!(skips.as_array().unwrap().contains(&json!({"id": "CKV_AWS_157", "comment": "development database"})));
    assert!(skips
        .as_array()
        .unwrap()
        .contains(&json!({"id": "CKV_AWS_118", "comment": "metrics from CloudWatch suffice here"})));
}

#[test]
fn connections_write_ingress_on_the_database_and_egress_on_the_peer() {
    let t = template(|s| {
        let v = vpc(s);
        let db = DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
        let app_sg = SecurityGroup::new("AppSg", v, "Application tier").add_to(s);
        db.connections().allow_default_port_from(s, &app_sg, "From the application");
    });
    let ingress = of_type(&t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress.len(), 1);
    let i = &ingress[0].1["Properties"];
    assert_eq!(i["GroupId"], json!({"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}));
    assert_eq!(i["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["AppSg", "GroupId"]}));
    assert_eq!(
        (i["FromPort"].clone(), i["ToPort"].clone(), i["IpProtocol"].clone()),
        (json!(5432), json!(5432), json!("tcp"))
    );
    let egress = of_type(&t, "AWS::EC2::SecurityGroupEgress");
    assert_eq!(egress.len(), 1);
    let e = &egress[0].1["Properties"];
    assert_eq!(e["GroupId"], json!({"Fn::GetAtt": ["AppSg", "GroupId"]}));
    assert_eq!(e["DestinationSecurityGroupId"], json!({"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}));
    assert_eq!(e["FromPort"], 5432);
}

#[test]
fn connections_use_a_custom_port() {
    let t = template(|s| {
        let v = vpc(s);
        let db = DatabaseInstance::new("Db", Engine::mysql("8.0.39"), v).port(3307).add_to(s);
        let app_sg = SecurityGroup::new("AppSg", v, "Application tier").add_to(s);
        app_sg.connections().allow_to_default_port(s, &db, "To the database");
    });
    assert_eq!(t["Resources"]["Db"]["Properties"]["Port"], "3307");
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupIngress")[0].1["Properties"]["FromPort"], 3307);
}

#[test]
fn grant_connect_names_one_database_user_of_this_instance() {
    let t = template(|s| {
        let v = vpc(s);
        let db = DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
        let role = Role::new("App", Principal::service("ecs-tasks.amazonaws.com")).add_to(s);
        db.grant_connect(s, &role, "app_user");
    });
    let st = &t["Resources"]["AppDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        st,
        &json!([{
            "Action": "rds-db:connect",
            "Effect": "Allow",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Db.DbiResourceId}/app_user"}
        }])
    );
}

#[test]
fn grant_secret_read_reads_the_managed_secret_and_decrypts_through_secrets_manager() {
    let t = template(|s| {
        let v = vpc(s);
        let db = DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
        let role = Role::new("App", Principal::service("ecs-tasks.amazonaws.com")).add_to(s);
        db.grant_secret_read(s, &role);
    });
    let st = &t["Resources"]["AppDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(st[0]["Action"], json!(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]));
    assert_eq!(st[0]["Resource"], json!({"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}));
    assert_eq!(st[1]["Action"], "kms:Decrypt");
    assert_eq!(st[1]["Resource"], json!({"Fn::GetAtt": ["DbKey", "Arn"]}));
    assert_eq!(
        st[1]["Condition"],
        json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}})
    );
}

#[test]
fn metrics_name_the_instance() {
    let mut app = App::new();
    let stack = app.stack("test");
    let v = vpc(stack);
    let db = DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(stack);
    let m = db.metric_cpu_utilization();
    assert_eq!((m.namespace(), m.name()), ("AWS/RDS", "CPUUtilization"));
    assert_eq!(db.metric_free_storage_space().name(), "FreeStorageSpace");
    assert_eq!(db.metric_database_connections().name(), "DatabaseConnections");
}

#[test]
fn bad_settings_are_all_reported_with_property_and_allowed_values() {
    let errs = errors(|s| {
        let v = vpc(s);
        DatabaseInstance::new("Db", Engine::aurora_postgresql("16.9"), v)
            .backup_retention(0)
            .monitoring_interval(7)
            .performance_insights_retention(30)
            .allocated_storage(10)
            .master_username("admin")
            .log_exports(["slowquery"])
            .parameter("rds.force_ssl", "0")
            .port(80)
            .add_to(s);
    });
    for (problem, property, kind) in [
        ("Aurora runs as a cluster", "Engine", DiagKind::NotAllowedValue),
        ("backup retention", "BackupRetentionPeriod", DiagKind::OutOfRange),
        ("enhanced monitoring interval", "MonitoringInterval", DiagKind::NotAllowedValue),
        ("Performance Insights retention", "PerformanceInsightsRetentionPeriod", DiagKind::NotAllowedValue),
        ("allocated storage", "AllocatedStorage", DiagKind::OutOfRange),
        ("master user name", "MasterUsername", DiagKind::Pattern),
        ("log type", "EnableCloudwatchLogsExports", DiagKind::NotAllowedValue),
        ("TLS enforcement off", "Parameters.rds.force_ssl", DiagKind::NotAllowedValue),
        ("port out of range", "Port", DiagKind::OutOfRange),
    ] {
        let e = error(&errs, problem).unwrap_or_else(|| panic!("no error {problem:?} in {errs:#?}"));
        assert_eq!(e.property.as_deref(), Some(property));
        assert_eq!(e.kind, kind, "{problem}");
        assert_eq!(e.path, "test/Db/Resource");
        assert!(e.allowed.is_some());
    }
}

#[test]
fn grant_connect_refuses_a_user_name_it_cannot_scope() {
    let errs = errors(|s| {
        let v = vpc(s);
        let db = DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
        let role = Role::new("App", Principal::service("ecs-tasks.amazonaws.com")).add_to(s);
        db.grant_connect(s, &role, "*");
    });
    let user = error(&errs, "invalid database user").unwrap();
    assert_eq!(user.value.as_deref(), Some("\"*\""));
    assert_eq!(user.kind, DiagKind::Pattern);
}

#[test]
fn an_instance_sits_in_the_isolated_subnets_when_the_vpc_has_them() {
    let t = template(|s| {
        let v = cfnkit_constructs::ec2::Vpc::new("Vpc").isolated_subnets().nat_gateways(1).add_to(s);
        DatabaseInstance::new("Db", Engine::postgres("17.6"), v).add_to(s);
    });
    let g = &t["Resources"]["DbSubnetGroup"]["Properties"];
    assert_eq!(g["SubnetIds"], json!([{"Ref": "VpcIsolatedSubnet1"}, {"Ref": "VpcIsolatedSubnet2"}]));
    assert_eq!(g["DBSubnetGroupDescription"], "Isolated subnets of the database");
}
