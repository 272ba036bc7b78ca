//! DynamoDB constructs: the defaults, grants, metrics and validation of
//! `Table` and `GlobalTable`, read from synthesized templates.

use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::dynamodb::{
    GlobalBilling, GlobalTable, Gsi, Key, Replica, StreamView, Table, TableAction, TableClass, TableEncryption,
};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::{Diagnostic, Severity};
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::Token;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(app: &App) -> Value {
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(app: &App) -> Vec<Diagnostic> {
    app.synth().expect_err("synthesis fails").diagnostics
}

fn one_of(t: &Value, ty: &str) -> Value {
    let all: Vec<&Value> = t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == ty).collect();
    assert_eq!(all.len(), 1, "expected one {ty}");
    all[0].clone()
}

fn statements(t: &Value) -> Vec<Value> {
    one_of(t, "AWS::IAM::Policy")["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

fn worker(stack: &mut Stack) -> cfnkit_constructs::iam::RoleRef {
    Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack)
}

/// A two-region global table in a us-east-1 stack with the TAP conventions.
fn payments(app: &mut App) -> (cfnkit_constructs::dynamodb::GlobalTableRef, cfnkit_constructs::iam::RoleRef) {
    let stack = app.stack("payments").region("us-east-1").conventions(Conventions::tap("payments dr"));
    let sfx = stack.suffix();
    let t = GlobalTable::new("Payments", Key::string("transaction_id"))
        .sort_key(Key::number("timestamp"))
        .name(sfx.name("payments"))
        .index(Gsi::new("customer-index", Key::string("customer_id")).sort_key(Key::number("timestamp")))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2"))
        .add_to(stack);
    let w = worker(stack);
    (t, w)
}

// ---------------------------------------------------------------- Table

#[test]
fn table_is_on_demand_encrypted_and_recoverable_by_default() {
    let mut app = App::new();
    Table::new("Orders", Key::string("id")).add_to(app.stack("s"));
    let p = &one_of(&template(&app), "AWS::DynamoDB::Table")["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(p["PointInTimeRecoverySpecification"], json!({"PointInTimeRecoveryEnabled": true}));
    assert_eq!(
        p["SSESpecification"],
        json!({"KMSMasterKeyId": "alias/aws/dynamodb", "SSEEnabled": true, "SSEType": "KMS"})
    );
}

#[test]
fn table_is_retained_and_protected_without_conventions() {
    let mut app = App::new();
    Table::new("Orders", Key::string("id")).add_to(app.stack("s"));
    let r = one_of(&template(&app), "AWS::DynamoDB::Table");
    assert_eq!(r["DeletionPolicy"], "Retain");
    assert_eq!(r["Properties"]["DeletionProtectionEnabled"], true);
}

#[test]
fn table_derives_each_attribute_definition_once() {
    let mut app = App::new();
    Table::new("Orders", Key::string("orderId"))
        .sort_key(Key::number("timestamp"))
        .index(Gsi::new("status-index", Key::string("status")).sort_key(Key::number("timestamp")))
        .add_to(app.stack("s"));
    let p = &one_of(&template(&app), "AWS::DynamoDB::Table")["Properties"];
    let names: Vec<&str> =
        p["AttributeDefinitions"].as_array().unwrap().iter().map(|a| a["AttributeName"].as_str().unwrap()).collect();
    assert_eq!(names, ["orderId", "timestamp", "status"]);
}

#[test]
fn table_reports_a_key_attribute_declared_with_two_types() {
    let mut app = App::new();
    Table::new("Orders", Key::string("id")).index(Gsi::new("by-id", Key::number("id"))).add_to(app.stack("s"));
    let e = errors(&app);
    assert!(e.iter().any(|d| d.problem == "key attribute declared with two types"), "{e:?}");
}

#[test]
fn table_reports_an_invalid_index_name_and_table_name_together() {
    let mut app = App::new();
    Table::new("Orders", Key::string("id"))
        .name("no spaces allowed")
        .index(Gsi::new("ix", Key::string("a")))
        .add_to(app.stack("s"));
    let e = errors(&app);
    assert!(e.iter().any(|d| d.problem == "invalid index name" && d.value.as_deref() == Some("\"ix\"")), "{e:?}");
    assert!(e.iter().any(|d| d.problem == "invalid table name"), "{e:?}");
}

#[test]
fn table_grant_writes_exactly_the_given_actions_on_the_table_and_its_indexes() {
    let mut app = App::new();
    let stack = app.stack("s");
    let t = Table::new("Orders", Key::string("id")).index(Gsi::new("by-status", Key::string("status"))).add_to(stack);
    let w = worker(stack);
    t.grant(stack, &w, &[TableAction::GetItem, TableAction::PutItem]);
    let s = &statements(&template(&app))[0];
    assert_eq!(s["Action"], json!(["dynamodb:GetItem", "dynamodb:PutItem"]));
    assert_eq!(s["Resource"], json!([{"Fn::GetAtt": ["Orders", "Arn"]}, {"Fn::Sub": "${Orders.Arn}/index/*"}]));
}

#[test]
fn table_grant_names_no_index_arn_for_a_table_without_indexes_or_for_writes_only() {
    let mut app = App::new();
    let stack = app.stack("s");
    let plain = Table::new("Plain", Key::string("id")).add_to(stack);
    let indexed = Table::new("Indexed", Key::string("id")).index(Gsi::new("ix1", Key::string("a"))).add_to(stack);
    let w = worker(stack);
    plain.grant(stack, &w, &[TableAction::Query]);
    indexed.grant(stack, &w, &[TableAction::PutItem]);
    let all = statements(&template(&app));
    assert_eq!(all[0]["Resource"], json!({"Fn::GetAtt": ["Plain", "Arn"]}));
    assert_eq!(all[1]["Resource"], json!({"Fn::GetAtt": ["Indexed", "Arn"]}));
}

#[test]
fn table_grant_with_a_customer_managed_key_adds_the_key_actions() {
    let mut app = App::new();
    let stack = app.stack("s");
    let t = Table::new("Orders", Key::string("id"))
        .encryption(TableEncryption::CustomerManaged(Token::Str("arn:aws:kms:us-east-1:111122223333:key/k".into())))
        .add_to(stack);
    let w = worker(stack);
    t.grant(stack, &w, &[TableAction::UpdateItem]);
    let s = statements(&template(&app));
    assert_eq!(s.len(), 2);
    assert!(s[1]["Action"].as_array().unwrap().contains(&json!("kms:GenerateDataKey")));
    assert_eq!(s[1]["Resource"], "arn:aws:kms:us-east-1:111122223333:key/k");
}

#[test]
fn table_user_errors_metric_has_no_dimension() {
    let mut app = App::new();
    let t = Table::new("Orders", Key::string("id")).add_to(app.stack("s"));
    let m = t.metric_user_errors();
    assert_eq!(m.name(), "UserErrors");
    assert!(m.dimensions().is_empty());
}

#[test]
fn table_system_errors_metric_names_the_operation() {
    let mut app = App::new();
    let t = Table::new("Orders", Key::string("id")).add_to(app.stack("s"));
    let m = t.metric_system_errors("PutItem");
    let dims: Vec<&str> = m.dimensions().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!((m.name(), dims), ("SystemErrors", vec!["TableName", "Operation"]));
}

// ---------------------------------------------------------- GlobalTable

#[test]
fn global_table_puts_the_stack_region_first_among_its_replicas() {
    let mut app = App::new();
    payments(&mut app);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    let regions: Vec<&Value> = p["Replicas"].as_array().unwrap().iter().map(|r| &r["Region"]).collect();
    assert_eq!(
        regions,
        [&json!({"Ref": "AWS::Region"}), &json!("us-east-2")],
        "the stack's own region is never a literal"
    );
}

#[test]
fn global_table_moves_a_listed_stack_region_first() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2"))
        .replica(Replica::new("us-east-1"))
        .add_to(stack);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["Replicas"][0]["Region"], json!({"Ref": "AWS::Region"}));
    assert_eq!(p["Replicas"][1]["Region"], "us-east-2");
    assert_eq!(p["Replicas"].as_array().unwrap().len(), 2);
}

#[test]
fn global_table_in_a_stack_without_region_replicates_from_the_deployment_region() {
    let mut app = App::new();
    GlobalTable::new("T", Key::string("id"))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2"))
        .add_to(app.stack("s"));
    let out = app.synth().unwrap();
    let p = &one_of(&out.stacks[0].template, "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["Replicas"][0]["Region"], json!({"Ref": "AWS::Region"}));
    assert!(out.warnings.iter().any(|w| w.severity == Severity::Warning && w.property.as_deref() == Some("Replicas")));
}

#[test]
fn global_table_is_on_demand_with_keys_defined_once() {
    let mut app = App::new();
    payments(&mut app);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        p["AttributeDefinitions"],
        json!([
            {"AttributeName": "transaction_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
            {"AttributeName": "customer_id", "AttributeType": "S"}
        ])
    );
    assert_eq!(p["GlobalSecondaryIndexes"][0]["IndexName"], "customer-index");
}

#[test]
fn global_table_has_point_in_time_recovery_on_every_replica_by_default() {
    let mut app = App::new();
    payments(&mut app);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    for r in p["Replicas"].as_array().unwrap() {
        assert_eq!(r["PointInTimeRecoverySpecification"], json!({"PointInTimeRecoveryEnabled": true}));
    }
}

#[test]
fn global_table_is_encrypted_with_the_aws_managed_key_by_default() {
    let mut app = App::new();
    payments(&mut app);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["SSESpecification"], json!({"SSEEnabled": true, "SSEType": "KMS"}));
    assert!(p["Replicas"].as_array().unwrap().iter().all(|r| r.get("SSESpecification").is_none()));
}

#[test]
fn global_table_writes_the_stack_tags_into_every_replica() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1").conventions(Conventions::tap("payments dr"));
    GlobalTable::new("T", Key::string("id"))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2").tag("Role", "standby"))
        .add_to(stack);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    let env = json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}});
    let purpose = json!({"Key": "Purpose", "Value": "payments dr"});
    assert_eq!(p["Replicas"][0]["Tags"], json!([env, purpose]));
    assert_eq!(p["Replicas"][1]["Tags"], json!([env, purpose, {"Key": "Role", "Value": "standby"}]));
    assert!(p.get("Tags").is_none());
}

#[test]
fn global_table_deletion_protection_follows_the_removal_policy() {
    let mut app = App::new();
    payments(&mut app);
    let destroyable = one_of(&template(&app), "AWS::DynamoDB::GlobalTable");
    assert_eq!(destroyable["DeletionPolicy"], "Delete");
    assert_eq!(destroyable["Properties"]["Replicas"][1]["DeletionProtectionEnabled"], false);

    let mut app = App::new();
    GlobalTable::new("T", Key::string("id")).removal_policy(RemovalPolicy::Retain).add_to(app.stack("s"));
    let retained = one_of(&template(&app), "AWS::DynamoDB::GlobalTable");
    assert_eq!(retained["DeletionPolicy"], "Retain");
    assert_eq!(retained["Properties"]["Replicas"][0]["DeletionProtectionEnabled"], true);
}

#[test]
fn global_table_with_two_replicas_requires_a_new_and_old_images_stream() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id")).replica(Replica::new("us-east-2")).add_to(stack);
    let e = errors(&app);
    assert!(e
        .iter()
        .any(|d| d.property.as_deref() == Some("StreamSpecification") && d.value.as_deref() == Some("none")));
}

#[test]
fn global_table_reports_bad_and_repeated_regions() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("Mars-1"))
        .replica(Replica::new("us-east-2"))
        .replica(Replica::new("us-east-2"))
        .add_to(stack);
    let e = errors(&app);
    assert!(e.iter().any(|d| d.problem == "invalid replica region"));
    assert!(e.iter().any(|d| d.problem == "replica region listed twice"));
}

#[test]
fn global_table_customer_managed_key_is_set_on_each_replica() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .encryption(TableEncryption::CustomerManaged(Token::Str("arn:aws:kms:us-east-1:111122223333:key/a".into())))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2").kms_key("arn:aws:kms:us-east-2:111122223333:key/b"))
        .add_to(stack);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["Replicas"][0]["SSESpecification"]["KMSMasterKeyId"], "arn:aws:kms:us-east-1:111122223333:key/a");
    assert_eq!(p["Replicas"][1]["SSESpecification"]["KMSMasterKeyId"], "arn:aws:kms:us-east-2:111122223333:key/b");
}

#[test]
fn global_table_reports_a_replica_without_its_customer_managed_key() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .encryption(TableEncryption::CustomerManaged(Token::Str("arn:aws:kms:us-east-1:111122223333:key/a".into())))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2"))
        .add_to(stack);
    let e = errors(&app);
    assert!(e
        .iter()
        .any(|d| d.problem.starts_with("replica without a key") && d.value.as_deref() == Some("us-east-2")));
}

#[test]
fn global_table_reports_a_replica_key_under_the_aws_managed_key() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id")).replica(Replica::new("us-east-1").kms_key("arn:k")).add_to(stack);
    let e = errors(&app);
    assert!(e.iter().any(|d| d.problem == "replica key given but the table uses the AWS managed key"));
}

#[test]
fn global_table_provisioned_billing_scales_writes_and_fixes_reads() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .index(Gsi::new("by-a", Key::string("a")))
        .billing(GlobalBilling::provisioned(5, 5, 50))
        .add_to(stack);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    let scaling = json!({"WriteCapacityAutoScalingSettings": {
        "MaxCapacity": 50, "MinCapacity": 5, "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70}}});
    assert_eq!(p["BillingMode"], "PROVISIONED");
    assert_eq!(p["WriteProvisionedThroughputSettings"], scaling);
    assert_eq!(p["GlobalSecondaryIndexes"][0]["WriteProvisionedThroughputSettings"], scaling);
    assert_eq!(p["Replicas"][0]["ReadProvisionedThroughputSettings"], json!({"ReadCapacityUnits": 5}));
    assert_eq!(
        p["Replicas"][0]["GlobalSecondaryIndexes"],
        json!([{"IndexName": "by-a", "ReadProvisionedThroughputSettings": {"ReadCapacityUnits": 5}}])
    );
}

#[test]
fn global_table_reports_every_bad_provisioned_capacity() {
    let mut app = App::new();
    let billing = GlobalBilling::Provisioned { read: 0, write_min: 10, write_max: 5, target_utilization: 95 };
    GlobalTable::new("T", Key::string("id")).billing(billing).add_to(app.stack("s").region("us-east-1"));
    let e = errors(&app);
    for p in [
        "provisioned read capacity must be at least 1",
        "write capacity auto scaling bounds out of range",
        "write capacity target utilization out of range",
    ] {
        assert!(e.iter().any(|d| d.problem == p), "{p}: {e:?}");
    }
}

#[test]
fn global_table_grant_read_data_lists_the_read_actions_on_table_and_indexes() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant_read_data(app.get_stack_mut("payments").unwrap(), &w);
    let s = &statements(&template(&app))[0];
    assert_eq!(
        s["Action"],
        json!([
            "dynamodb:BatchGetItem",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable"
        ])
    );
    assert_eq!(s["Resource"][0], json!({"Fn::GetAtt": ["Payments", "Arn"]}));
    assert_eq!(s["Resource"][1], json!({"Fn::Sub": "${Payments.Arn}/index/*"}));
}

#[test]
fn global_table_grant_write_data_lists_the_write_actions() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant_write_data(app.get_stack_mut("payments").unwrap(), &w);
    let s = &statements(&template(&app))[0];
    assert_eq!(
        s["Action"],
        json!([
            "dynamodb:BatchWriteItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable"
        ])
    );
}

#[test]
fn global_table_grant_read_write_data_lists_each_action_once() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant_read_write_data(app.get_stack_mut("payments").unwrap(), &w);
    let actions = statements(&template(&app))[0]["Action"].as_array().unwrap().clone();
    assert_eq!(actions.len(), 10);
    assert_eq!(actions.iter().filter(|a| *a == "dynamodb:DescribeTable").count(), 1);
}

#[test]
fn global_table_grant_takes_only_the_item_actions_named() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant(app.get_stack_mut("payments").unwrap(), &w, &[TableAction::PutItem, TableAction::Query]);
    let s = statements(&template(&app));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["Action"], json!(["dynamodb:PutItem", "dynamodb:Query"]));
}

#[test]
fn global_table_grant_with_no_action_is_an_error() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant(app.get_stack_mut("payments").unwrap(), &w, &[]);
    assert!(errors(&app).iter().any(|d| d.problem == "table grant with no action"));
}

#[test]
fn global_table_grant_stream_read_is_scoped_to_the_stream_arn() {
    let mut app = App::new();
    let (t, w) = payments(&mut app);
    t.grant_stream_read(app.get_stack_mut("payments").unwrap(), &w);
    let s = &statements(&template(&app))[0];
    assert_eq!(
        s["Action"],
        json!(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"])
    );
    assert_eq!(s["Resource"], json!({"Fn::GetAtt": ["Payments", "StreamArn"]}));
}

#[test]
fn global_table_stream_read_without_a_stream_is_an_error() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    let t = GlobalTable::new("T", Key::string("id")).add_to(stack);
    let w = worker(stack);
    t.grant_stream_read(stack, &w);
    assert!(errors(&app).iter().any(|d| d.problem == "stream read granted on a table without a stream"));
}

#[test]
fn global_table_grant_under_a_customer_managed_key_adds_the_local_key_actions() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    let t = GlobalTable::new("T", Key::string("id"))
        .encryption(TableEncryption::CustomerManaged(Token::Str("arn:aws:kms:us-east-1:111122223333:key/a".into())))
        .add_to(stack);
    let w = worker(stack);
    t.grant_read_data(stack, &w);
    let s = statements(&template(&app));
    assert_eq!(s[1]["Action"], json!(["kms:Decrypt", "kms:DescribeKey"]));
    assert_eq!(s[1]["Resource"], "arn:aws:kms:us-east-1:111122223333:key/a");
}

#[test]
fn global_table_metrics_name_the_table_and_the_receiving_region() {
    let mut app = App::new();
    let (t, _) = payments(&mut app);
    let m = t.metric_replication_latency("us-east-2");
    assert_eq!(m.name(), "ReplicationLatency");
    assert_eq!(m.stat(), &Statistic::Average);
    assert_eq!(m.dimensions()[1], ("ReceivingRegion".to_string(), Token::Str("us-east-2".into())));
    assert_eq!(t.metric_throttled_requests("PutItem").dimensions().len(), 2);
    assert_eq!(t.metric_consumed_write_capacity_units().name(), "ConsumedWriteCapacityUnits");
    assert_eq!(t.metric_consumed_read_capacity_units().stat(), &Statistic::Sum);
}

#[test]
fn global_table_replica_options_apply_to_that_replica_only() {
    let mut app = App::new();
    let stack = app.stack("s").region("us-east-1");
    GlobalTable::new("T", Key::string("id"))
        .time_to_live("expiresAt")
        .stream(StreamView::NewAndOldImages)
        .replica(
            Replica::new("us-east-2")
                .table_class(TableClass::StandardInfrequentAccess)
                .contributor_insights()
                .deletion_protection(true),
        )
        .add_to(stack);
    let p = &one_of(&template(&app), "AWS::DynamoDB::GlobalTable")["Properties"];
    assert_eq!(p["TimeToLiveSpecification"], json!({"AttributeName": "expiresAt", "Enabled": true}));
    let (home, standby) = (&p["Replicas"][0], &p["Replicas"][1]);
    assert_eq!(standby["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert_eq!(standby["ContributorInsightsSpecification"], json!({"Enabled": true}));
    assert_eq!(standby["DeletionProtectionEnabled"], true);
    assert!(home.get("TableClass").is_none() && home.get("ContributorInsightsSpecification").is_none());
    assert_eq!(home["DeletionProtectionEnabled"], true, "retained by default, so protected");
}
