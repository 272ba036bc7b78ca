//! Behaviour of the generated L1 types through cfnkit-core's synthesis:
//! schema checks, template shape, tag formats and typed attributes.
#![cfg(all(
    feature = "cloudwatch",
    feature = "dynamodb",
    feature = "ec2",
    feature = "iam",
    feature = "lambda",
    feature = "kms",
    feature = "s3",
    feature = "sqs",
    feature = "ssm"
))]

use cfnkit_core::diag::{Diagnostic, SynthError};
use cfnkit_core::fns;
use cfnkit_core::resource::{Resource, TagFormat};
use cfnkit_core::token::{Expr, ToToken, Token, Value};
use cfnkit_core::tree::App;
use cfnkit_l1::cloudwatch::{Alarm, Dimension};
use cfnkit_l1::dynamodb::{AttributeDefinition, KeySchema, ProvisionedThroughput, Table, TableAttrs, Tag};
use cfnkit_l1::ec2::{SecurityGroup, VPCAttrs, VPC};
use cfnkit_l1::iam::{Policy, Role, RolePolicyProperty};
use cfnkit_l1::lambda::{Code, Environment, Function, FunctionAttrs};
use cfnkit_l1::s3::{Bucket, RedirectAllRequestsTo, WebsiteConfiguration};
use cfnkit_l1::ssm::Parameter;
use serde_json::{json, Value as Json};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/app";

fn table() -> Table {
    Table::new([KeySchema::new("pk", "HASH")]).attribute_definitions([AttributeDefinition::new("pk", "S")])
}

/// Synthesizes one resource as `T` in stack `t`; the template or every error.
fn synth_one<R: Resource>(r: R) -> Result<Json, SynthError> {
    let mut app = App::new();
    app.stack("t").add("T", r);
    app.synth().map(|out| out.stacks[0].template.clone())
}

fn errors<R: Resource>(r: R) -> Vec<Diagnostic> {
    match synth_one(r) {
        Ok(t) => panic!("expected synthesis errors, got {t:#}"),
        Err(e) => e.diagnostics,
    }
}

fn props(template: &Json) -> &Json {
    &template["Resources"]["T"]["Properties"]
}

#[test]
fn valid_table_synthesizes_with_schema_property_names() {
    let t = synth_one(table().billing_mode("PAY_PER_REQUEST").table_name("orders")).unwrap();
    assert_eq!(t["Resources"]["T"]["Type"], "AWS::DynamoDB::Table");
    assert_eq!(
        props(&t),
        &json!({
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "TableName": "orders",
        })
    );
}

#[test]
fn billing_mode_outside_the_enum_is_reported_with_the_property_name() {
    let errs = errors(table().billing_mode("ON_DEMAND"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].path, "t/T");
    assert_eq!(errs[0].property.as_deref(), Some("BillingMode"));
    assert_eq!(errs[0].value.as_deref(), Some("\"ON_DEMAND\""));
    assert!(errs[0].allowed.as_deref().unwrap().contains("PAY_PER_REQUEST"));
}

#[test]
fn nested_struct_problems_carry_the_dotted_path() {
    let errs = errors(Table::new([KeySchema::new("pk", "HASH"), KeySchema::new("sk", "SORT")]));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("KeySchema.1.KeyType"));
    let errs =
        errors(Table::new([KeySchema::new("a", "HASH"), KeySchema::new("b", "RANGE"), KeySchema::new("c", "RANGE")]));
    assert_eq!(errs[0].property.as_deref(), Some("KeySchema"));
    assert!(errs[0].to_string().contains("allowed: 1 to 2 items"), "{}", errs[0]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let errs = errors(
        table()
            .billing_mode("FREE")
            .table_class("CHEAP")
            .provisioned_throughput(ProvisionedThroughput::new(5, 5))
            .tags([Tag::new("", "v")]),
    );
    let names: Vec<_> = errs.iter().filter_map(|d| d.property.clone()).collect();
    assert_eq!(names, ["BillingMode", "TableClass", "Tags.0.Key"], "{errs:?}");
}

#[test]
fn intrinsics_are_not_checked_against_literal_constraints() {
    let mut app = App::new();
    let s = app.stack("t");
    let p = s.parameter(cfnkit_core::template::Parameter::string("Mode"));
    s.add("T", table().billing_mode(p.value()));
    let out = app.synth().unwrap();
    assert_eq!(props(&out.stacks[0].template)["BillingMode"], json!({"Ref": "Mode"}));
}

#[test]
fn lambda_memory_size_out_of_range() {
    let f = Function::new(Code::new().zip_file("exports.handler = async () => 1;"), ROLE_ARN)
        .runtime("nodejs20.x")
        .handler("index.handler")
        .memory_size(64);
    let errs = errors(f);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("MemorySize"));
    assert_eq!(errs[0].to_string(), "t/T: MemorySize: out of range (got 64); allowed: 128 to 32768");
}

#[test]
fn list_items_are_checked_one_by_one() {
    let f = Function::new(Code::new().zip_file("x"), ROLE_ARN).architectures(["sparc"]);
    let errs = errors(f);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("Architectures.0"));
}

#[test]
fn pattern_checks_run_on_literals() {
    let errs = errors(Function::new(Code::new().zip_file("x"), "not-an-arn"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("Role"));
    assert!(errs[0].problem.contains("pattern"));
}

#[test]
fn table_properties_follow_schema_order() {
    let t = table()
        .warm_throughput(cfnkit_l1::dynamodb::WarmThroughput::new().read_units_per_second(10))
        .tags([Tag::new("k", "v")])
        .table_name("n")
        .billing_mode("PROVISIONED")
        .provisioned_throughput(ProvisionedThroughput::new(1, 2))
        .deletion_protection_enabled(true);
    let keys: Vec<String> = t.properties().keys().cloned().collect();
    let schema: Json = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/resources/AWS_DynamoDB_Table.json"))
            .unwrap(),
    )
    .unwrap();
    let order: Vec<String> =
        schema["properties"].as_object().unwrap().keys().filter(|k| keys.contains(k)).cloned().collect();
    assert_eq!(keys, order);
    assert_eq!(keys.len(), 8);
    // ToToken writes the same map.
    assert_eq!(t.to_token(), Token::Map(t.properties()));
    // Constructor arguments follow the property order too (Read before Write).
    let pt = ProvisionedThroughput::new(1, 2).to_token();
    assert_eq!(pt, Token::object([("ReadCapacityUnits", 1_i64), ("WriteCapacityUnits", 2_i64)]));
}

#[test]
fn attribute_accessors_write_the_right_get_att_names() {
    let mut app = App::new();
    let s = app.stack("t");
    let t = s.add("T", table());
    let f = s.add("F", Function::new(Code::new().zip_file("x"), ROLE_ARN));
    let v = s.add("V", VPC::new().cidr_block("10.0.0.0/16"));
    s.output("A", t.attr_arn());
    s.output("B", t.attr_stream_arn());
    s.output("C", f.attr_snap_start_response_apply_on());
    s.output("D", fns::select(0, v.attr_cidr_block_associations()));
    let out = app.synth().unwrap();
    let o = &out.stacks[0].template["Outputs"];
    assert_eq!(o["A"]["Value"], json!({"Fn::GetAtt": ["T", "Arn"]}));
    assert_eq!(o["B"]["Value"], json!({"Fn::GetAtt": ["T", "StreamArn"]}));
    assert_eq!(o["C"]["Value"], json!({"Fn::GetAtt": ["F", "SnapStartResponse.ApplyOn"]}));
    assert_eq!(o["D"]["Value"], json!({"Fn::Select": [0, {"Fn::GetAtt": ["V", "CidrBlockAssociations"]}]}));
}

#[test]
fn list_properties_mix_literals_and_references() {
    let mut app = App::new();
    let s = app.stack("t");
    let vpc = s.add("Vpc", VPC::new().cidr_block("10.0.0.0/16"));
    let sg = s.add("Sg", SecurityGroup::new("app").vpc_id(vpc.reference()));
    let code = Code::new().zip_file("x");
    s.add(
        "F",
        Function::new(code, ROLE_ARN).vpc_config(
            cfnkit_l1::lambda::VpcConfig::new()
                .security_group_ids([sg.reference()])
                .subnet_ids(vec![Value::from("subnet-1"), vpc.attr_default_security_group().into()]),
        ),
    );
    let out = app.synth().unwrap();
    let vc = &out.stacks[0].template["Resources"]["F"]["Properties"]["VpcConfig"];
    assert_eq!(vc["SecurityGroupIds"], json!([{"Ref": "Sg"}]));
    assert_eq!(vc["SubnetIds"], json!(["subnet-1", {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}]));
}

#[test]
fn maps_and_any_json_properties() {
    let env = Environment::new().variables([("TABLE", Token::from("orders")), ("DEBUG", Token::from(true))]);
    let f = Function::new(Code::new().zip_file("x"), ROLE_ARN).environment(env);
    let role = Role::new(json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))
    .policies([RolePolicyProperty::new(json!({"Version": "2012-10-17", "Statement": []}), "inline")]);
    let mut app = App::new();
    let s = app.stack("t");
    s.add("F", f);
    s.add("R", role);
    let out = app.synth().unwrap();
    let r = &out.stacks[0].template["Resources"];
    assert_eq!(r["F"]["Properties"]["Environment"]["Variables"], json!({"TABLE": "orders", "DEBUG": true}));
    assert_eq!(r["R"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Action"], "sts:AssumeRole");
    assert_eq!(r["R"]["Properties"]["Policies"][0]["PolicyName"], "inline");
}

#[test]
fn tag_formats_follow_the_schema() {
    assert_eq!(table().tag_format(), TagFormat::List);
    assert_eq!(Parameter::new("String", "v").tag_format(), TagFormat::Map);
    assert_eq!(Policy::new(json!({}), "p").roles(["r"]).tag_format(), TagFormat::None);
    let mut app = App::new();
    let s = app.stack("t");
    s.tag("team", "orders");
    s.add("T", table().tags([Tag::new("own", "1")]));
    s.add("P", Parameter::new("String", "v"));
    let out = app.synth().unwrap();
    let r = &out.stacks[0].template["Resources"];
    assert_eq!(r["T"]["Properties"]["Tags"], json!([{"Key": "own", "Value": "1"}, {"Key": "team", "Value": "orders"}]));
    assert_eq!(r["P"]["Properties"]["Tags"], json!({"team": "orders"}));
}

#[test]
fn exactly_one_of_and_excluded_rules() {
    let errs = errors(Alarm::new().evaluation_periods(1).threshold(1.0).comparison_operator("GreaterThanThreshold"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].problem.contains("exactly one"), "{}", errs[0]);
    assert_eq!(errs[0].allowed.as_deref(), Some("Metrics or MetricName or EvaluationCriteria"));

    let errs = errors(
        Alarm::new()
            .metric_name("Errors")
            .namespace("AWS/Lambda")
            .dimensions([Dimension::new("FunctionName", "f")])
            .statistic("Sum")
            .extended_statistic("p99")
            .threshold(1.0)
            .threshold_metric_id("m1"),
    );
    let problems: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("ExtendedStatistic: cannot be set together with Statistic"), "{problems:?}");
    assert!(problems[1].contains("Threshold: cannot be set together with ThresholdMetricId"), "{problems:?}");
}

#[test]
fn at_least_one_of_and_dependent_required_rules() {
    let errs = errors(Policy::new(json!({}), "p"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].problem.contains("at least one"), "{}", errs[0]);
    assert!(synth_one(Policy::new(json!({}), "p").roles(["r"]).users(["u"])).is_ok());

    let errs = errors(VPC::new().ipv4_ipam_pool_id("ipam-pool-1"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("Ipv4IpamPoolId"));
    assert!(errs[0].problem.contains("requires Ipv4NetmaskLength"), "{}", errs[0]);
}

#[test]
fn fixed_up_rule_applies_where_the_properties_are() {
    let site = WebsiteConfiguration::new()
        .index_document("index.html")
        .redirect_all_requests_to(RedirectAllRequestsTo::new("example.com"));
    let errs = errors(Bucket::new().website_configuration(site));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].property.as_deref(), Some("WebsiteConfiguration.RedirectAllRequestsTo"));
}

#[test]
fn values_can_be_expressions_of_the_whole_list() {
    let t = Table::new(Expr::<Vec<String>>::from_token(Token::Str("x".into())));
    assert_eq!(t.key_schema, Value::Expr(Token::Str("x".into())));
}

#[test]
fn the_prelude_brings_every_attribute_trait() {
    #[allow(clippy::wildcard_imports, reason = "the prelude is meant to be glob-imported")]
    use cfnkit_l1::prelude::*;
    let mut app = App::new();
    let s = app.stack("t");
    let q = s.add("Q", cfnkit_l1::sqs::Queue::new());
    let k = s.add("K", cfnkit_l1::kms::Key::new());
    s.output("Q", q.attr_queue_url());
    s.output("K", k.attr_key_id());
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[0].template["Outputs"]["Q"]["Value"], json!({"Fn::GetAtt": ["Q", "QueueUrl"]}));
}
