//! The hand-shaped `cloudformation::CustomResource` (codegen/src/custom.rs)
//! through cfnkit-core's synthesis: the type written, property order, the
//! provider's attributes, and each check with its path, property, value,
//! allowed values and kind.
#![cfg(feature = "cloudformation")]

use cfnkit_core::diag::{DiagKind, Diagnostic, SynthError};
use cfnkit_core::template::Parameter;
use cfnkit_core::tree::App;
use cfnkit_l1::cloudformation::{CustomResource, CustomResourceAttrs};
use serde_json::{json, Value as Json};

const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:seeder";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:provider";

fn synth_one(r: CustomResource) -> Result<Json, SynthError> {
    let mut app = App::new();
    app.stack("t").add("T", r);
    app.synth().map(|out| out.stacks[0].template.clone())
}

fn errors(r: CustomResource) -> Vec<Diagnostic> {
    match synth_one(r) {
        Ok(t) => panic!("expected synthesis errors, got {t:#}"),
        Err(e) => e.diagnostics,
    }
}

#[test]
fn the_default_type_and_a_custom_type_are_written() {
    let t = synth_one(CustomResource::new(LAMBDA)).unwrap();
    assert_eq!(t["Resources"]["T"]["Type"], "AWS::CloudFormation::CustomResource");
    assert_eq!(t["Resources"]["T"]["Properties"], json!({"ServiceToken": LAMBDA}));

    let t = synth_one(CustomResource::new(LAMBDA).custom_type("OrderSeeder")).unwrap();
    assert_eq!(t["Resources"]["T"]["Type"], "Custom::OrderSeeder");
    // The prefix is not doubled when given.
    let t = synth_one(CustomResource::new(LAMBDA).custom_type("Custom::OrderSeeder")).unwrap();
    assert_eq!(t["Resources"]["T"]["Type"], "Custom::OrderSeeder");
}

#[test]
fn provider_properties_follow_the_typed_ones_in_the_order_given() {
    let r = CustomResource::new(TOPIC)
        .property("Zeta", "z")
        .service_timeout(60)
        .property("Alpha", json!({"Nested": [1, 2]}))
        .property("Rows", 10)
        // Setting a name again replaces its value and keeps its place.
        .property("Zeta", "z2");
    let t = synth_one(r).unwrap();
    let props = t["Resources"]["T"]["Properties"].as_object().unwrap();
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(keys, ["ServiceToken", "ServiceTimeout", "Zeta", "Alpha", "Rows"]);
    assert_eq!(props["Zeta"], "z2");
    assert_eq!(props["Alpha"], json!({"Nested": [1, 2]}));
    assert_eq!(props["ServiceTimeout"], 60);
}

#[test]
fn attributes_are_get_atts_of_the_providers_data_keys() {
    let mut app = App::new();
    let s = app.stack("t");
    let seed = s.add("Seed", CustomResource::new(LAMBDA).custom_type("OrderSeeder"));
    s.output("Count", seed.attr("Count"));
    s.output("Physical", seed.reference());
    let out = app.synth().unwrap();
    let outputs = &out.stacks[0].template["Outputs"];
    assert_eq!(outputs["Count"]["Value"], json!({"Fn::GetAtt": ["Seed", "Count"]}));
    assert_eq!(outputs["Physical"]["Value"], json!({"Ref": "Seed"}));
}

#[test]
fn type_names_are_custom_and_1_to_60_letters_digits_or_underscore_at_dash() {
    let ok = ["A", "Order_Seeder@v2-beta", &"x".repeat(60)];
    for name in ok {
        synth_one(CustomResource::new(LAMBDA).custom_type(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for name in ["", "Has.Dot", "Two::Parts", "Spaced Name", &"x".repeat(61)] {
        let errs = errors(CustomResource::new(LAMBDA).custom_type(name));
        assert_eq!(errs.len(), 1, "{name}: {errs:?}");
        let d = &errs[0];
        assert!(d.is(DiagKind::Invalid), "{d:?}");
        assert_eq!(d.path, "t/T");
        assert_eq!(d.property.as_deref(), Some("Type"));
        assert_eq!(d.value.as_deref(), Some(format!("\"Custom::{name}\"").as_str()));
        assert!(
            d.allowed.as_deref().unwrap().contains("Custom:: followed by 1 to 60 letters, digits, _, @ or -"),
            "{d}"
        );
    }
    // A type set on the public field is checked too.
    let mut r = CustomResource::new(LAMBDA);
    r.resource_type = "AWS::Lambda::Function".into();
    assert!(errors(r)[0].is(DiagKind::Invalid));
}

#[test]
fn service_timeout_is_1_to_3600_seconds() {
    for ok in [1, 3600] {
        synth_one(CustomResource::new(LAMBDA).service_timeout(ok)).unwrap();
    }
    for bad in [0, 3601, -5] {
        let errs = errors(CustomResource::new(LAMBDA).service_timeout(bad));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].is(DiagKind::OutOfRange), "{:?}", errs[0]);
        assert_eq!(errs[0].to_string(), format!("t/T: ServiceTimeout: out of range (got {bad}); allowed: 1 to 3600"));
    }
    // A parameter's value is CloudFormation's to check.
    let mut app = App::new();
    let s = app.stack("t");
    let p = s.parameter(Parameter::number("Timeout"));
    s.add("T", CustomResource::new(LAMBDA).service_timeout(cfnkit_core::token::Value::Expr(p.value().into())));
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[0].template["Resources"]["T"]["Properties"]["ServiceTimeout"], json!({"Ref": "Timeout"}));
}

#[test]
fn a_literal_service_token_is_a_lambda_function_or_sns_topic_arn() {
    for bad in ["seeder", "arn:aws:s3:::bucket", "arn:aws:lambda:us-east-1:123456789012:layer:x:1"] {
        let errs = errors(CustomResource::new(bad));
        assert_eq!(errs.len(), 1, "{errs:?}");
        let d = &errs[0];
        assert!(d.is(DiagKind::Invalid), "{d:?}");
        assert_eq!(d.property.as_deref(), Some("ServiceToken"));
        assert_eq!(d.value.as_deref(), Some(format!("{bad:?}").as_str()));
        assert!(d.allowed.as_deref().unwrap().contains("arn:<partition>:sns:"), "{d}");
    }
    synth_one(CustomResource::new(format!("{LAMBDA}:live"))).unwrap();
}

#[test]
fn a_provider_property_named_service_token_or_service_timeout_is_an_error() {
    let errs = errors(
        CustomResource::new(LAMBDA).service_timeout(30).property("ServiceTimeout", 60).property("ServiceToken", TOPIC),
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
    for d in &errs {
        assert!(d.is(DiagKind::Conflict), "{d:?}");
        assert_eq!(d.path, "t/T");
    }
    assert_eq!(errs[0].property.as_deref(), Some("ServiceTimeout"));
    assert_eq!(errs[0].value.as_deref(), Some("60"));
    assert_eq!(errs[0].allowed.as_deref(), Some("ServiceTimeout set once, with service_timeout()"));
    assert_eq!(errs[1].property.as_deref(), Some("ServiceToken"));
    assert_eq!(errs[1].value.as_deref(), Some(format!("{TOPIC:?}").as_str()));
    assert_eq!(errs[1].allowed.as_deref(), Some("ServiceToken set once, with CustomResource::new"));
}
