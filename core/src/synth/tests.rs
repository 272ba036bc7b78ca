//! Tests of synthesis through the public API.

use indexmap::IndexMap;
use serde_json::{json, Value as Json};

use crate::fns;
use crate::prelude::*;

fn topic(stack: &mut Stack, id: &str) -> Handle<CfnResource> {
    stack.add(id, CfnResource::new("AWS::SNS::Topic").taggable(TagFormat::List))
}

fn synth_one(app: &App) -> Json {
    app.synth().expect("synth").stacks[0].template.clone()
}

fn errors(app: &App) -> Vec<String> {
    app.synth().expect_err("expected errors").diagnostics.iter().map(ToString::to_string).collect()
}

fn prop(t: &Json, res: &str, p: &str) -> Json {
    t["Resources"][res]["Properties"][p].clone()
}

#[test]
fn every_intrinsic_writes_its_cloudformation_form() {
    let mut app = App::new();
    let s = app.stack("s");
    let t = topic(s, "Topic");
    let cond = s.condition("IsProd", fns::equals(Pseudo::Region.expr(), "us-east-1"));
    let either = s.condition("Either", fns::or([fns::condition(cond), fns::not(fns::condition(cond))]));
    let both = s.condition("Both", fns::and([fns::condition(cond), fns::condition(either)]));
    let mut inner = IndexMap::new();
    inner.insert("Ami".to_string(), Token::from("ami-1"));
    let mut table = IndexMap::new();
    table.insert("us-east-1".to_string(), inner);
    let m = s.mapping("Images", table);
    let r = CfnResource::new("AWS::Test::Thing")
        .property("Ref", t.reference())
        .property("GetAtt", t.get_att("TopicName"))
        .property("Join", fns::join(",", [Token::from("a"), t.reference().into()]))
        .property("Select", fns::select(1, fns::get_azs("")))
        .property("Split", fns::split(",", "a,b"))
        .property("If", fns::if_::<String>(cond, "x", Pseudo::NoValue.expr()))
        .property("Import", fns::import_value("other:Name"))
        .property("Map", fns::find_in_map(m, Pseudo::Region.expr(), "Ami"))
        .property("B64", fns::base64("hi"))
        .property("Cidr", fns::cidr("10.0.0.0/16", 4, 8))
        .property("Pseudo", Token::list(Pseudo::ALL.iter().map(|p| p.expr())));
    s.add("Thing", r);
    let _ = both;
    let t = synth_one(&app);
    let p = |k: &str| prop(&t, "Thing", k);
    assert_eq!(p("Ref"), json!({"Ref": "Topic"}));
    assert_eq!(p("GetAtt"), json!({"Fn::GetAtt": ["Topic", "TopicName"]}));
    assert_eq!(p("Join"), json!({"Fn::Join": [",", ["a", {"Ref": "Topic"}]]}));
    assert_eq!(p("Select"), json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
    assert_eq!(p("Split"), json!({"Fn::Split": [",", "a,b"]}));
    assert_eq!(p("If"), json!({"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]}));
    assert_eq!(p("Import"), json!({"Fn::ImportValue": "other:Name"}));
    assert_eq!(p("Map"), json!({"Fn::FindInMap": ["Images", {"Ref": "AWS::Region"}, "Ami"]}));
    assert_eq!(p("B64"), json!({"Fn::Base64": "hi"}));
    assert_eq!(p("Cidr"), json!({"Fn::Cidr": ["10.0.0.0/16", 4, 8]}));
    assert_eq!(p("Pseudo")[0], json!({"Ref": "AWS::AccountId"}));
    assert_eq!(p("Pseudo")[5], json!({"Ref": "AWS::URLSuffix"}));
    assert_eq!(t["Conditions"]["IsProd"], json!({"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}));
    assert_eq!(
        t["Conditions"]["Either"],
        json!({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsProd"}]}]})
    );
    assert_eq!(t["Conditions"]["Both"], json!({"Fn::And": [{"Condition": "IsProd"}, {"Condition": "Either"}]}));
    assert_eq!(t["Mappings"]["Images"]["us-east-1"]["Ami"], json!("ami-1"));
}

#[test]
fn sub_inlines_plain_references_and_keeps_other_variables() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("test"));
    let t = topic(s, "Topic");
    let name = s.suffix().name("orders");
    let sub = fns::sub("${T}/${A}/${X}")
        .var("T", t.get_att("TopicName"))
        .var("A", Pseudo::AccountId.expr())
        .var("X", fns::join("-", ["a", "b"]));
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("Name", name).property("Sub", sub));
    let t = synth_one(&app);
    assert_eq!(prop(&t, "Thing", "Name"), json!({"Fn::Sub": "orders-${EnvironmentSuffix}"}));
    assert_eq!(
        prop(&t, "Thing", "Sub"),
        json!({"Fn::Sub": ["${Topic.TopicName}/${AWS::AccountId}/${X}", {"X": {"Fn::Join": ["-", ["a", "b"]]}}]})
    );
}

#[test]
fn sub_placeholders_that_name_nothing_are_dangling_references() {
    let mut app = App::new();
    let s = app.stack("s");
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", fns::sub("${Nope}-${!Literal}")));
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("s/Thing: P: dangling reference: Fn::Sub placeholder ${Nope}"), "{errs:?}");
}

#[test]
fn handles_from_another_app_are_refused_naming_both_paths() {
    // The foreign handle's stack and index exist in this app too: it used to
    // resolve to `{"Ref": "Unrelated"}`.
    let mut other = App::new();
    let o = other.stack("o");
    let foreign = topic(o, "Orders");
    let mut app = App::new();
    let s = app.stack("s");
    let unrelated = topic(s, "Unrelated");
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", foreign.reference()));
    s.add_dependency(unrelated.id(), foreign.id());
    let err = app.synth().unwrap_err();
    let foreign_app: Vec<String> = err.of_kind(DiagKind::ForeignApp).map(ToString::to_string).collect();
    assert!(
        foreign_app.iter().any(|e| e.contains("s/Thing: P: the resource at o/Orders belongs to another App")),
        "{err}"
    );
    assert!(!err.to_string().contains("Unrelated\"}"), "{err}");
    assert!(err.has(DiagKind::ForeignStack), "DependsOn on another app's resource: {err}");
    // Parameters of another app are refused too, even at an index this app has.
    let mut other = App::new();
    let p = other.stack("o").parameter(Parameter::string("Name"));
    let mut app = App::new();
    let s = app.stack("s");
    s.parameter(Parameter::string("Mine"));
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", p.value()));
    assert!(app.synth().unwrap_err().has(DiagKind::ForeignApp));
}

#[test]
fn logical_ids_come_from_paths_and_collisions_are_errors() {
    let mut app = App::new();
    let s = app.stack("s");
    let scope = s.construct("audit-function");
    s.within(scope, |s| {
        topic(s, "Resource");
        topic(s, "service_role");
    });
    topic(s, "AuditFunctionServiceRole");
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("logical id AuditFunctionServiceRole is already used by s/audit-function/service_role"));
}

#[test]
fn pinned_logical_ids_win_and_are_checked() {
    let mut app = App::new();
    let s = app.stack("s");
    let t = topic(s, "Topic");
    s.pin_logical_id(t.id(), "MyTopic");
    assert!(synth_one(&app)["Resources"].get("MyTopic").is_some());
    let mut app = App::new();
    let s = app.stack("s");
    let t = topic(s, "Topic");
    s.pin_logical_id(t.id(), "my-topic");
    assert!(errors(&app)[0].contains("invalid logical id (got \"my-topic\")"));
}

#[test]
fn a_logical_id_pinned_by_path_reaches_a_resource_a_construct_kept_to_itself() {
    let mut app = App::new();
    let s = app.stack("s");
    let scope = s.construct("Worker");
    s.within(scope, |s| topic(s, "Dead"));
    s.pin_logical_id_at("Worker/Dead", "SeedName");
    assert!(synth_one(&app)["Resources"].get("SeedName").is_some());

    let mut app = App::new();
    let s = app.stack("s");
    let scope = s.construct("Worker");
    s.within(scope, |s| topic(s, "Dead"));
    s.pin_logical_id_at("Worker/Deed", "SeedName");
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("no resource at this construct path"), "{errs:?}");
    assert!(errs[0].contains("such as Worker/Dead"), "the nearest path is named: {errs:?}");
}

#[test]
fn construct_ids_are_validated_and_unique_among_siblings() {
    let mut app = App::new();
    let s = app.stack("s");
    topic(s, "a/b");
    topic(s, "T");
    topic(s, "T");
    topic(s, "");
    let errs = errors(&app);
    assert!(errs.iter().any(|e| e.contains("s/a/b: invalid construct id")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("s/T: construct id already used")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("s/: invalid construct id")), "{errs:?}");
}

#[test]
fn stack_names_are_validated_and_unique() {
    let mut app = App::new();
    app.stack("1bad");
    app.stack("ok");
    app.stack("ok");
    let errs = errors(&app);
    assert_eq!(errs.len(), 2, "{errs:?}");
}

#[test]
fn depends_on_cycles_are_reported_with_their_path() {
    let mut app = App::new();
    let s = app.stack("s");
    let a = topic(s, "A");
    let b = s.add("B", CfnResource::new("AWS::Test::Thing").property("P", a.reference()));
    s.add_dependency(a.id(), b.id());
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(
            "DependsOn: dependency cycle through references and DependsOn (got A -(DependsOn)-> B -(references)-> A)"
        ),
        "{errs:?}"
    );
}

#[test]
fn reference_cycles_are_not_called_depends_on_cycles() {
    let mut app = App::new();
    let s = app.stack("s");
    let a = s.add("A", CfnResource::new("AWS::Test::Thing"));
    let b = s.add("B", CfnResource::new("AWS::Test::Thing").property("P", a.reference()));
    s.override_property(a.id(), "P", b.reference());
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains(
            "reference cycle: the resources reference each other (got A -(references)-> B -(references)-> A)"
        ),
        "{errs:?}"
    );
    assert!(!errs[0].contains(": DependsOn:"), "no DependsOn property: {errs:?}");
}

#[test]
fn quotas_are_enforced() {
    let mut app = App::new();
    let s = app.stack("s");
    for i in 0..501 {
        topic(s, &format!("T{i}"));
    }
    for i in 0..201 {
        s.output(&format!("O{i}"), "x");
    }
    let errs = errors(&app);
    assert!(errs.iter().any(|e| e.contains("Resources: too many resources (got 501)")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("Outputs: too many outputs (got 201)")), "{errs:?}");
}

#[test]
fn too_many_parameters_and_oversized_templates_fail() {
    let mut app = App::new();
    let s = app.stack("s");
    for i in 0..201 {
        s.parameter(Parameter::string(&format!("P{i}")));
    }
    s.add("Big", CfnResource::new("AWS::Test::Thing").property("Blob", "x".repeat(1_100_000)));
    let errs = errors(&app);
    assert!(errs.iter().any(|e| e.contains("too many parameters (got 201)")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("template body too large")), "{errs:?}");
}

#[test]
fn references_across_stacks_become_exports_and_imports() {
    let mut app = App::new();
    let p = app.stack("producer");
    let t = topic(p, "Topic");
    let c = app.stack("consumer");
    c.add(
        "Sub",
        CfnResource::new("AWS::Test::Thing").property("TopicArn", t.reference()).property("N", t.get_att("TopicName")),
    );
    c.add("Again", CfnResource::new("AWS::Test::Thing").property("TopicArn", t.reference()));
    let out = app.synth().unwrap();
    let prod = &out.stacks[0].template;
    let cons = &out.stacks[1].template;
    assert_eq!(prod["Outputs"]["ExportTopicRef"]["Export"]["Name"], json!("producer-Topic-Ref"));
    assert_eq!(prod["Outputs"]["ExportTopicTopicName"]["Value"], json!({"Fn::GetAtt": ["Topic", "TopicName"]}));
    assert_eq!(prod["Outputs"]["ExportTopicTopicName"]["Export"]["Name"], json!("producer-Topic-TopicName"));
    // One export per distinct value, however many imports.
    assert_eq!(prod["Outputs"].as_object().unwrap().len(), 2);
    assert_eq!(prop(cons, "Sub", "TopicArn"), json!({"Fn::ImportValue": "producer-Topic-Ref"}));
    assert_eq!(prop(cons, "Again", "TopicArn"), json!({"Fn::ImportValue": "producer-Topic-Ref"}));
    assert_eq!(out.stacks[1].dependencies, vec!["producer".to_string()]);
}

#[test]
fn stacks_that_import_from_each_other_are_an_error() {
    let mut app = App::new();
    let a = app.stack("a");
    let ta = topic(a, "T");
    let b = app.stack("b");
    let tb = b.add("T", CfnResource::new("AWS::Test::Thing").property("P", ta.reference()));
    app.get_stack_mut("a").unwrap().add("U", CfnResource::new("AWS::Test::Thing").property("P", tb.reference()));
    assert!(errors(&app).iter().any(|e| e.contains("stacks import from each other")));
}

#[test]
fn parameters_of_another_stack_cannot_be_referenced() {
    let mut app = App::new();
    let a = app.stack("a");
    let p = a.parameter(Parameter::string("Name"));
    let b = app.stack("b");
    b.add("T", CfnResource::new("AWS::Test::Thing").property("P", p.value()));
    assert!(errors(&app)[0].contains("dangling reference: a Parameter of another stack"));
}

#[test]
fn tags_flow_from_stack_and_scopes_with_nearest_winning() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("orders"));
    let scope = s.construct("Team");
    s.tag_scope(scope, "Purpose", "team purpose");
    s.within(scope, |s| topic(s, "Topic"));
    s.add("Untaggable", CfnResource::new("AWS::Test::Thing"));
    let t = synth_one(&app);
    assert_eq!(
        prop(&t, "TeamTopic", "Tags"),
        json!([{"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}, {"Key": "Purpose", "Value": "team purpose"}])
    );
    assert!(t["Resources"]["Untaggable"].get("Properties").is_none());
}

#[test]
fn removal_policy_metadata_condition_and_overrides_are_written() {
    let mut app = App::new();
    let s = app.stack("s");
    let c = s.condition("C", fns::equals("a", "a"));
    let t = s.add("T", CfnResource::new("AWS::Test::Thing").property("A", Token::object([("B", 1)])));
    s.set_removal_policy(t.id(), RemovalPolicy::RetainExceptOnCreate)
        .set_condition(t.id(), c)
        .acknowledge(t.id(), Ack::Checkov { id: "CKV_1".into(), reason: "why".into() })
        .acknowledge(t.id(), Ack::CfnLint { id: "W1".into(), reason: "because".into() })
        .acknowledge(t.id(), Ack::Cfnkit { id: "conv-x".into(), reason: "by design".into() })
        .override_property(t.id(), "A.C", "x")
        .delete_property(t.id(), "A.B");
    let t = synth_one(&app);
    let r = &t["Resources"]["T"];
    assert_eq!(r["Condition"], json!("C"));
    assert_eq!(r["DeletionPolicy"], json!("RetainExceptOnCreate"));
    assert_eq!(r["UpdateReplacePolicy"], json!("Retain"));
    assert_eq!(r["Properties"]["A"], json!({"C": "x"}));
    assert_eq!(r["Metadata"]["checkov"], json!({"skip": [{"id": "CKV_1", "comment": "why"}]}));
    assert_eq!(r["Metadata"]["cfn-lint"], json!({"config": {"ignore_checks": ["W1"]}}));
    assert_eq!(r["Metadata"]["cfnkit:acknowledgements"], json!({"W1": "because", "conv-x": "by design"}));
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Type", "Condition", "Properties", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"]);
}

#[test]
fn parameter_defaults_are_checked_against_their_constraints() {
    let mut app = App::new();
    let s = app.stack("s");
    s.parameter(Parameter::string("A").default("UPPER").allowed_pattern("^[a-z]+$"));
    s.parameter(Parameter::string("B").default("x").allowed_values(["y", "z"]));
    s.parameter(Parameter::string("C").allowed_pattern("(unclosed"));
    let errs = errors(&app);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].contains("Parameters.A.Default: parameter default does not match its AllowedPattern (got \"UPPER\")")
    );
}

#[test]
fn conventions_declare_the_suffix_parameter_and_exports_use_the_stack_name() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("p"));
    let t = topic(s, "Topic");
    s.export("TopicArn", t.reference()).description("The topic");
    let t = synth_one(&app);
    assert_eq!(t["Parameters"]["EnvironmentSuffix"]["AllowedPattern"], json!("^[a-z0-9-]+$"));
    assert_eq!(t["Parameters"]["EnvironmentSuffix"]["Default"], json!("dev"));
    assert_eq!(
        t["Outputs"]["TopicArn"],
        json!({"Description": "The topic", "Value": {"Ref": "Topic"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-TopicArn"}}})
    );
    let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["AWSTemplateFormatVersion", "Parameters", "Resources", "Outputs"]);
}

#[test]
fn errors_are_collected_not_first_only() {
    let mut app = App::new();
    let s = app.stack("s");
    s.add("Bad", CfnResource::new("not a type"));
    s.add("Bad2", CfnResource::new("AWS::X::Y").property("P", fns::sub("${Missing}")));
    s.output("bad-id", "x");
    assert_eq!(errors(&app).len(), 3);
}

#[test]
fn synthesis_is_deterministic() {
    let build = || {
        let mut app = App::new();
        let s = app.stack("s").conventions(Conventions::tap("p"));
        for i in 0..50 {
            let t = topic(s, &format!("T{i}"));
            s.export(&format!("O{i}"), t.reference()).description("d");
        }
        app.synth().unwrap().stacks[0].json.clone()
    };
    assert_eq!(build(), build());
}

#[test]
fn sub_splices_literal_strings_and_nested_subs() {
    let mut app = App::new();
    let s = app.stack("s").conventions(Conventions::tap("t"));
    let name = s.suffix().name("audit");
    let v = fns::sub("/aws/lambda/${Name}/${Lit}").var("Name", name).var("Lit", "a${b}");
    let alias = s.suffix().format("alias/logs-{}");
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", v).property("A", alias));
    let t = synth_one(&app);
    assert_eq!(prop(&t, "Thing", "P"), json!({"Fn::Sub": "/aws/lambda/audit-${EnvironmentSuffix}/a${!b}"}));
    assert_eq!(prop(&t, "Thing", "A"), json!({"Fn::Sub": "alias/logs-${EnvironmentSuffix}"}));
}

#[test]
fn a_cycle_through_three_stacks_is_an_error() {
    let mut app = App::new();
    let a = topic(app.stack("a"), "T");
    let b = app.stack("b").add("T", CfnResource::new("AWS::Test::Thing").property("P", a.reference()));
    let c = app.stack("c").add("T", CfnResource::new("AWS::Test::Thing").property("P", b.reference()));
    app.get_stack_mut("a").unwrap().add("U", CfnResource::new("AWS::Test::Thing").property("P", c.reference()));
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("stacks import from each other (got a -> c -> b -> a)"), "{errs:?}");
}

#[test]
fn diagnostics_carry_kinds_callers_can_match_on() {
    let mut app = App::new();
    let s = app.stack("s");
    let a = topic(s, "A");
    let b = s.add("B", CfnResource::new("AWS::Test::Thing").property("P", a.reference()));
    s.add_dependency(a.id(), b.id());
    topic(s, "T");
    topic(s, "T");
    s.add("Sub", CfnResource::new("AWS::Test::Thing").property("P", fns::sub("${Missing}")));
    s.output("bad-id", "x");
    app.stack("1bad");
    let err = app.synth().unwrap_err();
    for kind in [DiagKind::DependencyCycle, DiagKind::DuplicateId, DiagKind::DanglingReference, DiagKind::InvalidId] {
        assert!(err.has(kind), "no {kind} in {err}");
    }
    assert_eq!(err.of_kind(DiagKind::InvalidId).count(), 2, "{err}");
    assert!(err.diagnostics.iter().all(|d| d.kind != DiagKind::Other), "{err}");
}

#[test]
fn exports_carry_the_environment_suffix_so_two_environments_coexist() {
    let mut app = App::new();
    let p = app.stack("data").conventions(Conventions::tap("t"));
    let t = topic(p, "Topic");
    let c = app.stack("compute").conventions(Conventions::tap("t"));
    c.add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()));
    let out = app.synth().unwrap();
    let name = json!({"Fn::Sub": "data-Topic-Ref-${EnvironmentSuffix}"});
    assert_eq!(out.stacks[0].template["Outputs"]["ExportTopicRef"]["Export"]["Name"], name);
    assert_eq!(prop(&out.stacks[1].template, "Use", "P"), json!({ "Fn::ImportValue": name }));
    // A consumer without the suffix parameter cannot name the same environment's export.
    let mut app = App::new();
    let p = app.stack("data").conventions(Conventions::tap("t"));
    let t = topic(p, "Topic");
    app.stack("compute").add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()));
    let err = app.synth().unwrap_err();
    assert!(err.to_string().contains("has no EnvironmentSuffix parameter"), "{err}");
}

#[test]
fn export_collisions_with_user_outputs_are_errors_not_replacements() {
    let mut app = App::new();
    let p = app.stack("producer");
    let t = topic(p, "Topic");
    p.output("ExportTopicRef", "mine");
    app.stack("consumer").add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()));
    let err = app.synth().unwrap_err();
    assert!(err.has(DiagKind::ExportCollision), "{err}");
    // The same with a user export named like the generated one.
    let mut app = App::new();
    let p = app.stack("producer");
    let t = topic(p, "Topic");
    p.output("Mine", "x").export_name = Some("producer-Topic-Ref".into());
    app.stack("consumer").add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()));
    assert!(app.synth().unwrap_err().has(DiagKind::ExportCollision));
}

#[test]
fn export_names_can_be_pinned_and_long_ones_fit_in_255_characters() {
    let mut app = App::new();
    let p = app.stack("producer");
    let t = topic(p, "Topic");
    let long = topic(p, &"L".repeat(250));
    p.name_export(t.reference(), "orders-topic-arn");
    let c = app.stack("consumer");
    c.add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()).property("Q", long.reference()));
    let out = app.synth().unwrap();
    assert_eq!(prop(&out.stacks[1].template, "Use", "P"), json!({"Fn::ImportValue": "orders-topic-arn"}));
    let outputs = out.stacks[0].template["Outputs"].as_object().unwrap();
    for (id, o) in outputs {
        assert!(id.len() <= 255, "{id}");
        assert!(o["Export"]["Name"].as_str().unwrap().len() <= 255);
    }
    assert_eq!(outputs.len(), 2);
}

#[test]
fn references_across_regions_are_refused_with_the_fix() {
    for (a, b) in [(Some("us-east-1"), Some("eu-west-1")), (None, Some("eu-west-1")), (Some("us-east-1"), None)] {
        let mut app = App::new();
        let p = app.stack("producer");
        if let Some(r) = a {
            p.region(r);
        }
        let t = topic(p, "Topic");
        let c = app.stack("consumer");
        if let Some(r) = b {
            c.region(r);
        }
        c.add("Use", CfnResource::new("AWS::Test::Thing").property("P", t.reference()));
        let err = app.synth().unwrap_err();
        let d = err.of_kind(DiagKind::CrossRegion).next().unwrap_or_else(|| panic!("{a:?} -> {b:?}: {err}"));
        assert!(d.to_string().contains("SSM parameter"), "{d}");
    }
}

#[test]
fn sub_variables_never_clobber_each_other() {
    let mut app = App::new();
    let s = app.stack("s");
    let orders = topic(s, "Orders");
    let v = fns::sub("${X}/${Orders}").var("X", orders.reference()).var("Orders", "literal");
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", v));
    assert_eq!(prop(&synth_one(&app), "Thing", "P"), json!({"Fn::Sub": "${Orders}/literal"}));
    // A variable that stays a variable is renamed when its name is a logical id spliced in.
    let mut app = App::new();
    let s = app.stack("s");
    let orders = topic(s, "Orders");
    let cond = s.condition("C", fns::equals(Pseudo::Region.expr(), "x"));
    let kept = fns::if_::<String>(cond, "a", "b");
    let v = fns::sub("${X}/${Orders}").var("X", orders.reference()).var("Orders", kept);
    s.add("Thing", CfnResource::new("AWS::Test::Thing").property("P", v));
    let p = prop(&synth_one(&app), "Thing", "P");
    assert_eq!(p["Fn::Sub"][0], json!("${Orders}/${OrdersVar1}"), "{p}");
    assert!(p["Fn::Sub"][1].get("OrdersVar1").is_some(), "{p}");
}

#[test]
fn depends_on_a_resource_of_another_stack_orders_the_stacks() {
    let mut app = App::new();
    let a = topic(app.stack("a"), "T");
    let b = app.stack("b");
    let u = topic(b, "U");
    b.add_dependency(u.id(), a.id());
    let out = app.synth().unwrap();
    assert_eq!(out.stacks[1].dependencies, ["a"]);
    assert!(out.stacks[1].template["Resources"]["U"].get("DependsOn").is_none());
}

#[test]
fn resource_attributes_and_template_sections_are_written_as_given() {
    let mut app = App::new();
    let s = app.stack("s");
    let t = topic(s, "T");
    let q = s.add("Q", CfnResource::new("AWS::Test::Thing"));
    s.set_resource_attribute(q.id(), "DeletionPolicy", "Retain");
    s.set_resource_attribute(q.id(), "Metadata", Token::object([("Topic", Token::from(t.reference()))]));
    s.set_resource_attribute(q.id(), "CreationPolicy", json!({"ResourceSignal": {"Timeout": "PT5M"}}));
    s.set_template_section("Metadata", json!({"AWS::CloudFormation::Interface": {}}));
    let out = synth_one(&app);
    let r = &out["Resources"]["Q"];
    assert_eq!(r["DeletionPolicy"], json!("Retain"));
    assert!(r.get("UpdateReplacePolicy").is_none(), "{r}");
    assert_eq!(r["Metadata"], json!({"Topic": {"Ref": "T"}}));
    assert_eq!(r["CreationPolicy"]["ResourceSignal"]["Timeout"], json!("PT5M"));
    assert_eq!(out["Metadata"], json!({"AWS::CloudFormation::Interface": {}}));

    let mut app = App::new();
    let s = app.stack("s");
    let q = s.add("Q", CfnResource::new("AWS::Test::Thing"));
    s.set_resource_attribute(q.id(), "Type", "AWS::Other::Thing");
    s.set_template_section("Transform", "AWS::Serverless-2016-10-31");
    let errs = errors(&app);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].contains("Type: not a resource attribute cfnkit writes as given"), "{errs:?}");
}

#[test]
fn minified_size_is_counted_from_the_pretty_bytes() {
    let tricky = [
        json!({}),
        json!({"a": [], "b": {}, "c": [1, 2.5, -3e10, null, true]}),
        json!({"k y": "v: a, b", "q": "say \"hi\" \\ back\\slash", "nl": "line\nnext\ttab  two"}),
        json!({"u": "caf\u{e9} \u{1F600} \u{1}", "end\\": "\\", "\"": ["\"", "\\\"", " "]}),
        json!({"deep": [[[{"x": [" ", {"y": ": ,"}]}]]]}),
    ];
    for v in tricky {
        let pretty = super::pretty_json(&v);
        assert!(pretty.ends_with("}\n"), "{pretty}");
        let minified = serde_json::to_string(&v).expect("serializes");
        assert_eq!(super::minified_len(&pretty), minified.len(), "{minified}");
    }
}

fn any_json() -> impl proptest::strategy::Strategy<Value = Json> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Json::Number)),
        "\\PC{0,12}|[ :,\"\\\\\n\t{}\\[\\]]{0,6}".prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            proptest::collection::vec(("[ a-z:\"\\\\,]{0,5}", inner), 0..6)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    #[test]
    fn minified_size_from_pretty_bytes_matches_serde_for_any_json(v in any_json()) {
        let minified = serde_json::to_string(&v).expect("serializes");
        proptest::prop_assert_eq!(super::minified_len(&super::pretty_json(&v)), minified.len());
    }
}
