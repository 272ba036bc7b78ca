//! The decisions of the program's doc comment, the spec's deprecated-runtime
//! section, and least privilege and alarm delivery each on its own.

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference::{self, order_queue};
use serde_json::json;

use super::helpers::{as_list, at, get_att, identity_statements, r#ref, resources, template, NAME, REGION};

// ---------------------------------------------------------------------------
// Decisions of the program's doc comment not asserted above, and the spec's
// "Runtimes that AWS has deprecated" section.

#[test]
fn the_function_runs_the_newest_nodejs_runtime_with_no_warning_and_no_runtime_acknowledgement() {
    let mut app = App::new();
    order_queue::order_queue(&mut app);
    let out = app.synth().expect("order-queue synthesizes");
    assert!(out.warnings.is_empty(), "order-queue synthesizes quietly: {:?}", out.warnings);
    let t = Template::from_json(out.stack(NAME).unwrap().template.clone());
    t.has_resource_properties("AWS::Lambda::Function", json!({"Runtime": "nodejs24.x"}));
    assert_eq!(order_queue::NODE_RUNTIME.name(), "nodejs24.x");
    let code = order_queue::HANDLER_JS;
    assert!(code.contains("exports.handler = async"), "Node.js 24 accepts async handlers only");
    // Nothing is acknowledged without a written reason; the function no
    // longer acknowledges a deprecated runtime.
    for (id, r) in resources(&t) {
        let Some(meta) = r.get("Metadata") else { continue };
        assert!(meta.get("cfn-lint").is_none(), "{id}: no cfn-lint rule is ignored");
        for skip in meta["checkov"]["skip"].as_array().unwrap() {
            assert!(skip["comment"].as_str().is_some_and(|c| c.len() > 20), "checkov skip without a reason: {skip}");
            assert_ne!(skip["id"], "CKV_AWS_363", "{id}");
        }
    }
}

#[test]
fn the_stack_has_no_network_surface_or_public_entry_point() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPC", 0);
    t.resource_count_is("AWS::EC2::InternetGateway", 0);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::ApiGateway::RestApi", 0);
    t.resource_count_is("AWS::SNS::Subscription", 0);
}

#[test]
fn the_stack_is_deployed_to_us_east_1_and_its_template_does_not_depend_on_its_neighbours() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    let in_app = out.stack(NAME).expect("the reference app has order-queue");
    assert_eq!(in_app.region.as_deref(), Some(REGION));
    assert!(in_app.dependencies.is_empty(), "order-queue imports nothing");
    assert_eq!(&in_app.template, template().to_json(), "built alone or in the app, the template is the same");
}

// ---------------------------------------------------------------------------
// Least privilege and alarm delivery, each on its own.

#[test]
fn the_table_grant_is_scoped_to_the_table_and_the_actions_the_handler_uses() {
    let t = template();
    let statements = identity_statements(&t);
    let dynamodb = statements
        .iter()
        .find(|s| as_list(&s["Action"]).iter().any(|a| a.as_str().unwrap().starts_with("dynamodb:")))
        .expect("a DynamoDB statement");
    assert_eq!(dynamodb["Resource"], get_att("OrderStatusTable", "Arn"), "the table's ARN only");
    assert_eq!(dynamodb["Action"], json!("dynamodb:PutItem"), "the one action the handler uses");
}

#[test]
fn cloudwatch_may_use_the_alert_key_only_to_publish() {
    let t = template();
    t.has_resource_properties(
        "AWS::KMS::Key",
        at(
            &["KeyPolicy", "Statement"],
            Match::array_with(vec![Match::obj([
                ("Principal", json!({"Service": "cloudwatch.amazonaws.com"}).into()),
                ("Action", Match::exact(json!(["kms:GenerateDataKey", "kms:Decrypt"]))),
            ])]),
        ),
    );
}

#[test]
fn the_topic_policy_lets_cloudwatch_publish() {
    let t = template();
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        at(
            &["PolicyDocument", "Statement"],
            Match::array_with(vec![json!({
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": r#ref("AlertTopic")
            })
            .into()]),
        ),
    );
}
