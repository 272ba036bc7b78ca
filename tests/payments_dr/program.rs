//! The outputs, the typed props and doc comments of the program, and the
//! deployable order of the resources.

use cfnkit::assertions::{Match, Template};
use cfnkit::core::tree::App;
use cfnkit::reference;
use cfnkit::reference::payments_dr::{self, PaymentsDrProps, NAME};
use serde_json::json;

use super::helpers::{arn_of, reference_to, sub, template, FUNCTIONS};

// ---------------------------------------------------------------------------
// Outputs

#[test]
fn outputs_export_every_resource_the_spec_lists() {
    let t = template();
    // The seed's 13 outputs, with its exact names, first and in its order;
    // then three more.
    let expected = [
        ("PaymentsTableName", reference_to("PaymentsTable")),
        ("PaymentsTableArn", arn_of("PaymentsTable")),
        ("PaymentValidatorArn", arn_of("PaymentValidator")),
        ("PaymentProcessorArn", arn_of("PaymentProcessor")),
        ("PaymentQueueUrl", reference_to("PaymentQueue")),
        ("PaymentQueueArn", arn_of("PaymentQueue")),
        ("PaymentDLQUrl", reference_to("PaymentDlq")),
        (
            "APIEndpoint",
            sub("https://${PaymentApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${PaymentApiDeploymentStage}/"),
        ),
        ("APIId", reference_to("PaymentApi")),
        ("OpsAlertTopicArn", reference_to("OpsAlertsTopic")),
        ("TransactionTopicArn", reference_to("TransactionsTopic")),
        ("DashboardName", reference_to("Dashboard")),
        ("Region", reference_to("AWS::Region")),
        ("FailoverOrchestratorArn", arn_of("FailoverOrchestrator")),
        ("HealthCheckId", reference_to("ApiHealthCheck")),
        ("SecondaryRegion", json!("us-east-2")),
    ];
    let names: Vec<&String> = t.to_json()["Outputs"].as_object().unwrap().keys().collect();
    assert_eq!(names, expected.iter().map(|(n, _)| n).collect::<Vec<_>>(), "the seed's names, in its order, first");
    for (name, value) in expected {
        t.has_output(
            name,
            Match::obj([
                ("Value", Match::exact(value)),
                ("Description", Match::string_like_regexp(r"^\S.+")),
                ("Export", json!({"Name": sub(&format!("${{AWS::StackName}}-{name}"))}).into()),
            ]),
        );
    }
}

// ---------------------------------------------------------------------------
// Typed props and doc comments

#[test]
fn typed_props_set_the_default_suffix_and_both_regions() {
    let props = PaymentsDrProps {
        environment_suffix: "qa".into(),
        primary_region: "eu-west-1".into(),
        secondary_region: "eu-central-1".into(),
        ..PaymentsDrProps::default()
    };
    assert_eq!(PaymentsDrProps::default().environment_suffix, "dev");
    let mut app = App::new();
    payments_dr::payments_dr(&mut app, &props);
    let out = app.synth().expect("payments-dr synthesizes with any props");
    let stack = out.stack(NAME).unwrap();
    assert_eq!(stack.region.as_deref(), Some("eu-west-1"));
    let t = Template::from_json(stack.template.clone());
    t.has_parameter("EnvironmentSuffix", json!({"Default": "qa"}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"Replicas": [{"Region": {"Ref": "AWS::Region"}}, {"Region": "eu-central-1"}]}),
    );
    t.has_output("SecondaryRegion", json!({"Value": "eu-central-1"}));
    // The shipped app uses the defaults.
    assert_eq!(reference::app().synth().unwrap().stack(NAME).unwrap().region.as_deref(), Some("us-east-1"));
}

#[test]
fn every_public_item_of_the_program_has_a_doc_comment() {
    let src = include_str!("../../src/reference/payments_dr.rs");
    assert!(src.starts_with("//!"), "the module has a doc comment");
    let lines: Vec<&str> = src.lines().collect();
    let mut public = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("pub ") {
            let mut j = i;
            while j > 0 && lines[j - 1].trim_start().starts_with("#[") {
                j -= 1;
            }
            assert!(
                j > 0 && lines[j - 1].trim_start().starts_with("///"),
                "line {}: `{}` has no doc comment",
                i + 1,
                line.trim()
            );
            public += 1;
        }
    }
    assert_eq!(public, 10, "4 consts, the props struct and its 4 fields and the stack function were checked");
}

// ---------------------------------------------------------------------------
// Deployability: ordering

#[test]
fn resources_are_created_in_a_deployable_order() {
    let t = template();
    for f in FUNCTIONS {
        t.has_resource(
            "AWS::Lambda::Function",
            json!({"Properties": {"Role": arn_of(&format!("{f}ServiceRole"))}, "DependsOn": [format!("{f}ServiceRoleDefaultPolicy")]}),
        );
    }
    t.has_resource(
        "AWS::ApiGateway::Deployment",
        json!({"DependsOn": ["PaymentApiValidatePOST", "PaymentApiProcessPOST", "PaymentApiHealthGET"]}),
    );
    let deployment = t.find_resources("AWS::ApiGateway::Deployment", json!({}));
    let deployment_id = deployment.keys().next().unwrap();
    t.has_resource_properties("AWS::ApiGateway::Stage", json!({"DeploymentId": reference_to(deployment_id)}));
}
