//! The four reference stacks under both security profiles: the exact
//! resource types and counts of each (the default profile is the
//! reference: the seed's resources plus what the program's doc comment
//! justifies), what the hardened profile adds, both clean under cfn-lint
//! and checkov, and a first run whose only warnings are the ones the README
//! explains next to the command.

#[path = "support/validators.rs"]
mod validators;

use std::collections::BTreeMap;

use cfnkit::core::conventions::SecurityProfile;
use cfnkit::reference;
use serde_json::Value;

/// Resource type -> count, for one synthesized template.
fn type_counts(template: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in template["Resources"].as_object().expect("resources").values() {
        *out.entry(r["Type"].as_str().expect("type").to_string()).or_insert(0) += 1;
    }
    out
}

fn counts(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn templates(profile: SecurityProfile) -> BTreeMap<String, Value> {
    let out = reference::app_with_profile(profile).synth().expect("synthesizes");
    out.stacks.iter().map(|s| (s.name.clone(), s.template.clone())).collect()
}

/// The default profile's exact resource list, per stack.
fn expected_default() -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    m.insert(
        "order-monitoring",
        counts(&[
            ("AWS::CloudWatch::Alarm", 1),
            ("AWS::DynamoDB::Table", 1),
            ("AWS::IAM::Policy", 1),
            ("AWS::IAM::Role", 1),
            ("AWS::Lambda::EventSourceMapping", 1),
            ("AWS::Lambda::Function", 1),
            ("AWS::Logs::LogGroup", 1),
            ("AWS::S3::Bucket", 1),
            ("AWS::S3::BucketPolicy", 1),
            ("AWS::SNS::Topic", 1),
            ("AWS::SNS::TopicPolicy", 1),
            ("AWS::SQS::Queue", 1),
            ("AWS::SQS::QueuePolicy", 1),
        ]),
    );
    m.insert(
        "order-queue",
        counts(&[
            ("AWS::CloudWatch::Alarm", 3),
            ("AWS::CloudWatch::Dashboard", 1),
            ("AWS::DynamoDB::Table", 1),
            ("AWS::IAM::Policy", 1),
            ("AWS::IAM::Role", 1),
            ("AWS::KMS::Key", 1),
            ("AWS::Lambda::EventSourceMapping", 1),
            ("AWS::Lambda::Function", 1),
            ("AWS::Logs::LogGroup", 1),
            ("AWS::Logs::QueryDefinition", 1),
            ("AWS::SNS::Topic", 1),
            ("AWS::SNS::TopicPolicy", 1),
            ("AWS::SQS::Queue", 2),
            ("AWS::SQS::QueuePolicy", 2),
        ]),
    );
    m.insert(
        "payments-dr",
        counts(&[
            ("AWS::ApiGateway::Account", 1),
            ("AWS::ApiGateway::Deployment", 1),
            ("AWS::ApiGateway::Method", 3),
            ("AWS::ApiGateway::Resource", 3),
            ("AWS::ApiGateway::RestApi", 1),
            ("AWS::ApiGateway::Stage", 1),
            ("AWS::CloudWatch::Alarm", 6),
            ("AWS::CloudWatch::Dashboard", 1),
            ("AWS::DynamoDB::GlobalTable", 1),
            ("AWS::IAM::Policy", 3),
            ("AWS::IAM::Role", 4),
            ("AWS::KMS::Key", 1),
            ("AWS::Lambda::EventInvokeConfig", 1),
            ("AWS::Lambda::EventSourceMapping", 1),
            ("AWS::Lambda::Function", 3),
            ("AWS::Lambda::Permission", 3),
            ("AWS::Logs::LogGroup", 4),
            ("AWS::Route53::HealthCheck", 1),
            ("AWS::SNS::Subscription", 1),
            ("AWS::SNS::Topic", 2),
            ("AWS::SNS::TopicPolicy", 2),
            ("AWS::SQS::Queue", 3),
            ("AWS::SQS::QueuePolicy", 3),
        ]),
    );
    m.insert(
        "transaction-pipeline",
        counts(&[
            ("AWS::CloudTrail::Trail", 1),
            ("AWS::DynamoDB::Table", 1),
            ("AWS::EC2::RouteTable", 2),
            ("AWS::EC2::SecurityGroup", 2),
            ("AWS::EC2::Subnet", 2),
            ("AWS::EC2::SubnetRouteTableAssociation", 2),
            ("AWS::EC2::VPC", 1),
            ("AWS::EC2::VPCEndpoint", 3),
            ("AWS::IAM::Policy", 2),
            ("AWS::IAM::Role", 1),
            ("AWS::KMS::Alias", 1),
            ("AWS::KMS::Key", 1),
            ("AWS::Lambda::EventInvokeConfig", 1),
            ("AWS::Lambda::Function", 1),
            ("AWS::Lambda::Permission", 1),
            ("AWS::Logs::LogGroup", 1),
            ("AWS::S3::Bucket", 2),
            ("AWS::S3::BucketPolicy", 2),
            ("AWS::SQS::Queue", 1),
            ("AWS::SQS::QueuePolicy", 1),
            ("AWS::SecretsManager::Secret", 1),
        ]),
    );
    m
}

#[test]
fn each_reference_stack_has_exactly_its_pinned_resource_types_and_counts() {
    let got = templates(SecurityProfile::Default);
    let expected = expected_default();
    assert_eq!(got.len(), expected.len());
    for (name, want) in &expected {
        assert_eq!(&type_counts(&got[*name]), want, "{name}: resource types and counts");
    }
}

#[test]
fn the_hardened_profile_adds_only_the_scanner_requested_resources() {
    let default = templates(SecurityProfile::Default);
    let hardened = templates(SecurityProfile::Hardened);
    // What hardening adds, per stack: an access-log bucket and its policy
    // where the stack has buckets, one log key (and alias) where it has log
    // groups, the flow log with its group, role and policy where it has a VPC.
    let added: BTreeMap<&str, Vec<(&str, usize)>> = [
        (
            "order-monitoring",
            vec![("AWS::S3::Bucket", 1), ("AWS::S3::BucketPolicy", 1), ("AWS::KMS::Key", 1), ("AWS::KMS::Alias", 1)],
        ),
        ("order-queue", vec![("AWS::KMS::Key", 1), ("AWS::KMS::Alias", 1)]),
        ("payments-dr", vec![("AWS::KMS::Key", 1), ("AWS::KMS::Alias", 1), ("AWS::ApiGateway::RequestValidator", 1)]),
        (
            "transaction-pipeline",
            vec![
                ("AWS::S3::Bucket", 1),
                ("AWS::S3::BucketPolicy", 1),
                ("AWS::KMS::Key", 1),
                ("AWS::KMS::Alias", 1),
                ("AWS::EC2::FlowLog", 1),
                ("AWS::Logs::LogGroup", 1),
                ("AWS::IAM::Role", 1),
                ("AWS::IAM::Policy", 1),
            ],
        ),
    ]
    .into_iter()
    .collect();
    for (name, extra) in added {
        let mut want = type_counts(&default[name]);
        for (t, n) in extra {
            *want.entry(t.to_string()).or_insert(0) += n;
        }
        assert_eq!(type_counts(&hardened[name]), want, "{name}: hardened = default + scanner resources");
    }
}

/// Every acknowledgement reason of a template, by check id.
fn acknowledgements(template: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (id, r) in template["Resources"].as_object().unwrap() {
        for s in r["Metadata"]["checkov"]["skip"].as_array().into_iter().flatten() {
            out.push((id.clone(), s["id"].as_str().unwrap().into(), s["comment"].as_str().unwrap().into()));
        }
    }
    out
}

#[test]
fn default_profile_acknowledgements_name_the_profile_and_the_call_and_vanish_when_hardened() {
    let default = templates(SecurityProfile::Default);
    let hardened = templates(SecurityProfile::Hardened);
    for (name, t) in &default {
        let deferred: Vec<_> =
            acknowledgements(t).into_iter().filter(|(_, _, why)| why.starts_with("default security profile")).collect();
        assert!(!deferred.is_empty(), "{name}: some check is deferred to the hardened profile");
        for (id, check, why) in &deferred {
            assert!(why.contains("Conventions::hardened()"), "{name}/{id} {check}: {why}");
            assert!(["CKV_AWS_18", "CKV_AWS_158", "CKV2_AWS_11"].contains(&check.as_str()), "{name}/{id}: {check}");
        }
        let still: Vec<_> = acknowledgements(&hardened[name])
            .into_iter()
            .filter(|(_, _, why)| why.starts_with("default security profile"))
            .collect();
        assert!(still.is_empty(), "{name}: hardened still defers {still:?}");
    }
}

#[test]
fn both_profiles_are_clean_under_cfn_lint_and_checkov() {
    for profile in [SecurityProfile::Default, SecurityProfile::Hardened] {
        let out = reference::app_with_profile(profile).synth().expect("synthesizes");
        let files: Vec<(String, String)> =
            out.stacks.iter().map(|s| (format!("{}-{}", profile.name(), s.name), s.json.clone())).collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, j)| (n.as_str(), j.as_str())).collect();
        validators::assert_all_clean(&borrowed, &["us-east-1", "us-east-2", "ap-southeast-1"]);
    }
}

#[test]
fn every_stack_deploys_with_environment_suffix_alone() {
    for (name, t) in templates(SecurityProfile::Default) {
        let params = t["Parameters"].as_object().cloned().unwrap_or_default();
        let without_default: Vec<_> =
            params.iter().filter(|(_, p)| p.get("Default").is_none()).map(|(k, _)| k.clone()).collect();
        assert!(without_default.is_empty(), "{name}: parameters without a default: {without_default:?}");
        assert!(params.contains_key("EnvironmentSuffix"), "{name}");
        assert_eq!(params.len(), 1, "{name}: only EnvironmentSuffix");
    }
}

#[test]
fn the_first_run_warns_only_about_what_the_readme_explains_beside_the_command() {
    let out = reference::app().synth().expect("synthesizes");
    let warnings: Vec<String> = out.warnings.iter().map(|w| format!("{}: {}", w.path, w.problem)).collect();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    // Each warning the reference app prints is quoted (by construct path) in
    // the README right after `synth --all` (before the next heading).
    let start = readme.find("synth --all --out cdk.out").expect("the README shows synth --all");
    let end = readme[start..].find("\n## ").map_or(readme.len(), |e| start + e);
    let section = &readme[start..end];
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    for w in &out.warnings {
        assert!(section.contains(&w.path), "README does not explain the warning at {}: {}", w.path, w.problem);
    }
}
