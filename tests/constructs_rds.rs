//! cfn-lint and checkov on minimal stacks of RDS instances and Aurora
//! clusters: the defaults alone must pass both.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::ec2::{Connectable, SecurityGroup, Vpc};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::rds::{DatabaseCluster, DatabaseInstance, Engine};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::tree::App;

fn synth(app: &App) -> String {
    app.synth().expect("synthesizes").stacks[0].json.clone()
}

#[test]
fn minimal_postgres_instance_is_clean() {
    let mut app = App::new();
    let stack = app.stack("rds-postgres").conventions(Conventions::tap("database"));
    let vpc = Vpc::new("Vpc").add_to(stack);
    let db = DatabaseInstance::new("Database", Engine::postgres("17.6"), vpc).database_name("orders").add_to(stack);
    let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier").add_to(stack);
    db.connections().allow_default_port_from(stack, &app_sg, "PostgreSQL from the application tier");
    let role = Role::new("AppRole", Principal::service("ecs-tasks.amazonaws.com")).add_to(stack);
    db.grant_connect(stack, &role, "app_user");
    db.grant_secret_read(stack, &role);
    validators::assert_clean(&synth(&app), "rds-postgres", &["us-east-1"]);
}

#[test]
fn retained_mysql_instance_is_clean() {
    let mut app = App::new();
    let stack = app.stack("rds-mysql");
    // Isolated subnets: the database goes there, with no route out.
    let vpc = Vpc::new("Vpc").isolated_subnets().add_to(stack);
    DatabaseInstance::new("Database", Engine::mysql("8.4.8"), vpc)
        .removal_policy(RemovalPolicy::Retain)
        .parameter("max_connections", "200")
        .add_to(stack);
    validators::assert_clean(&synth(&app), "rds-mysql", &["us-east-1"]);
}

#[test]
fn minimal_aurora_clusters_are_clean() {
    let mut app = App::new();
    let stack = app.stack("rds-aurora").conventions(Conventions::tap("database"));
    let vpc = Vpc::new("Vpc").add_to(stack);
    let pg = DatabaseCluster::new("Postgres", Engine::aurora_postgresql("16.9"), vpc).add_to(stack);
    DatabaseCluster::new("Mysql", Engine::aurora_mysql("8.0.mysql_aurora.3.08.0"), vpc)
        .instance_class("db.t4g.medium")
        .add_to(stack);
    let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier").add_to(stack);
    app_sg.connections().allow_to_default_port(stack, &pg, "To the cluster");
    validators::assert_clean(&synth(&app), "rds-aurora", &["us-east-1"]);
}
