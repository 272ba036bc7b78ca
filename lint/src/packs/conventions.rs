//! The `conventions` pack: the TAP conventions reviewers check by hand — an
//! environment-suffix parameter used by every physical name, the required
//! tags, a stated removal policy that matches the chosen mode, no
//! hard-coded accounts or regions, outputs for tests, parameters with
//! defaults, current runtimes and no literal secrets (written-out ARNs of
//! the template's own resources: `conventions_arn`).

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::config::RemovalMode;
use crate::rule::{Hit, Pack, Rule, Severity};
use crate::template::{each_string, escape, is_intrinsic, references, Ctx};

/// The pack's rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "conv-suffix-parameter",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "The template declares the environment-suffix parameter",
        rationale: "Without it two environments of one stack collide on every physical name",
        fix: "Add a String parameter `EnvironmentSuffix` (pattern ^[a-z0-9-]+$, default `dev`) or set `suffix-parameter`",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &[],
        check: suffix_parameter,
    },
    Rule {
        id: "conv-suffixed-names",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "Every physical name uses the environment suffix",
        rationale: "A fixed name makes a second deployment fail or overwrite the first",
        fix: "Build the name with {\"Fn::Sub\": \"name-${EnvironmentSuffix}\"}, or leave it out and let CloudFormation name the resource",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &[],
        check: suffixed_names,
    },
    Rule {
        id: "conv-required-tags",
        pack: Pack::Conventions,
        severity: Severity::Warning,
        title: "Every taggable resource carries the required tags",
        rationale: "Cost, ownership and cleanup reports group resources by these tags",
        fix: "Add the missing keys to the resource's Tags (default: Environment = the suffix, Purpose = what the stack is for)",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &[],
        check: required_tags,
    },
    Rule {
        id: "conv-removal-policy",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "Every stateful resource states a DeletionPolicy that matches the removal mode",
        rationale: "An unstated policy deletes data by default, or a Retain leaves resources behind a teardown that should be clean",
        fix: "Set DeletionPolicy and UpdateReplacePolicy to Delete (clean teardown) or Retain (keep data), as the config's `removal` says",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &["I3011"],
        check: removal_policy,
    },
    Rule {
        id: "conv-hardcoded-account",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "No hard-coded account ids",
        rationale: "A literal account id breaks the template in every other account",
        fix: "Use ${AWS::AccountId} (in Fn::Sub) or {\"Ref\": \"AWS::AccountId\"}, or a parameter for another account",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &["I3042"],
        check: hardcoded_account,
    },
    Rule {
        id: "conv-hardcoded-region",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "No hard-coded regions or availability zones",
        rationale: "A literal region or zone breaks the template in every other region (a global table's or secret's replica region, beside a replica in AWS::Region, is another region on purpose)",
        fix: "Use ${AWS::Region}, {\"Fn::GetAZs\": \"\"} with Fn::Select, or a parameter",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &["I3042", "W3010"],
        check: hardcoded_region,
    },
    Rule {
        id: "conv-outputs",
        pack: Pack::Conventions,
        severity: Severity::Warning,
        title: "The template declares the outputs its tests read",
        rationale: "Integration tests and other stacks find resources through outputs, not by guessing names",
        fix: "Add an Output for each name in `required-outputs` (and at least one output)",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &[],
        check: outputs,
    },
    Rule {
        id: "conv-parameter-default",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "Every parameter other than the suffix has a default",
        rationale: "A parameter without a default is a manual step before every deploy",
        fix: "Give the parameter a Default, or derive the value in the template (a generated secret, a lookup)",
        checkov: &[],
        cdk_nag: &[],
        cfn_lint: &[],
        check: parameter_default,
    },
    Rule {
        id: "conv-deprecated-runtime",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "No Lambda runtime that AWS has deprecated",
        rationale: "A deprecated runtime gets no security patches, and AWS blocks creating and then updating such functions",
        fix: "Move to the runtime's successor (nodejs24.x, python3.13, java21, dotnet10, ruby3.4, provided.al2023)",
        checkov: &["CKV_AWS_363"],
        cdk_nag: &["AwsSolutions-L1"],
        cfn_lint: &["W2531", "E2531"],
        check: deprecated_runtime,
    },
    Rule {
        id: "conv-literal-secret",
        pack: Pack::Conventions,
        severity: Severity::Error,
        title: "No literal secrets in the template",
        rationale: "Anyone who can read the template or its stack can read the secret",
        fix: "Generate the secret in AWS::SecretsManager::Secret and use a {{resolve:secretsmanager:...}} dynamic reference",
        checkov: &["CKV_AWS_45", "CKV_AWS_46", "CKV_AWS_384"],
        cdk_nag: &[],
        cfn_lint: &["W2501", "W1011"],
        check: literal_secret,
    },
];

fn suffix_parameter(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let name = &ctx.config.suffix_parameter;
    let found = ctx.section("Parameters").and_then(|p| p.get(name.as_str()));
    match found {
        None => hits.push(Hit {
            resource: None,
            pointer: if ctx.section("Parameters").is_some() { "/Parameters".into() } else { String::new() },
            message: format!("no parameter named {name}"),
        }),
        Some(p) if p.get("Type").and_then(Value::as_str) != Some("String") => hits.push(Hit {
            resource: None,
            pointer: format!("/Parameters/{}/Type", escape(name)),
            message: format!("parameter {name} is not of Type String"),
        }),
        Some(_) => {}
    }
}

/// The physical-name property of a resource type, if it has one.
pub(super) fn name_property(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS::S3::Bucket" => "BucketName",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "TableName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::Lambda::Function" => "FunctionName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
        "AWS::IAM::User" => "UserName",
        "AWS::IAM::Group" | "AWS::EC2::SecurityGroup" => "GroupName",
        "AWS::IAM::InstanceProfile" => "InstanceProfileName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::CompositeAlarm" => "AlarmName",
        "AWS::CloudWatch::Dashboard" => "DashboardName",
        "AWS::KMS::Alias" => "AliasName",
        "AWS::KinesisFirehose::DeliveryStream" => "DeliveryStreamName",
        "AWS::CloudTrail::Trail" => "TrailName",
        "AWS::RDS::DBInstance" => "DBInstanceIdentifier",
        "AWS::RDS::DBCluster" => "DBClusterIdentifier",
        "AWS::RDS::DBSubnetGroup" => "DBSubnetGroupName",
        "AWS::ECS::Cluster" => "ClusterName",
        "AWS::ECS::Service" => "ServiceName",
        "AWS::ECR::Repository" => "RepositoryName",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        "AWS::Events::Rule"
        | "AWS::Events::EventBus"
        | "AWS::SecretsManager::Secret"
        | "AWS::SSM::Parameter"
        | "AWS::ApiGateway::RestApi"
        | "AWS::ApiGatewayV2::Api"
        | "AWS::ElasticLoadBalancingV2::LoadBalancer"
        | "AWS::ElasticLoadBalancingV2::TargetGroup"
        | "AWS::CodeBuild::Project"
        | "AWS::CodePipeline::Pipeline"
        | "AWS::WAFv2::WebACL"
        | "AWS::Glue::Job"
        | "AWS::Glue::Crawler"
        | "AWS::Kinesis::Stream" => "Name",
        "AWS::ElastiCache::ReplicationGroup" => "ReplicationGroupId",
        "AWS::AutoScaling::AutoScalingGroup" => "AutoScalingGroupName",
        "AWS::EC2::LaunchTemplate" => "LaunchTemplateName",
        "AWS::Cognito::UserPool" => "UserPoolName",
        "AWS::Backup::BackupVault" => "BackupVaultName",
        "AWS::Backup::BackupPlan" => "BackupPlan/BackupPlanName",
        "AWS::Config::ConfigRule" => "ConfigRuleName",
        _ => return None,
    })
}

fn suffixed_names(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let sfx = ctx.config.suffix_parameter.as_str();
    for r in ctx.resources() {
        let Some(prop) = name_property(r.kind) else { continue };
        let Some(v) = r.prop(prop) else { continue };
        if references(v).iter().any(|x| x == sfx) {
            continue;
        }
        let message = match v {
            Value::String(s) => format!("{prop} is the fixed name {s:?}; it does not use {sfx}"),
            _ => format!("{prop} is computed without {sfx}"),
        };
        hits.push(Hit::at(r.id, r.ptr(prop), message));
    }
}

/// Whether a type takes tags, and in which shape (from the provider schemas).
fn tag_shape(kind: &str) -> Option<&'static str> {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    let table =
        TABLE.get_or_init(|| include_str!("../data/taggable.txt").lines().filter_map(|l| l.split_once(' ')).collect());
    table.binary_search_by(|(t, _)| (*t).cmp(kind)).ok().map(|i| table[i].1)
}

fn required_tags(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let required = &ctx.config.required_tags;
    if required.is_empty() {
        return;
    }
    for r in ctx.resources() {
        // A global table carries its tags on each replica.
        let places: Vec<(String, Option<&Value>)> = if r.kind == "AWS::DynamoDB::GlobalTable" {
            match r.prop("Replicas") {
                Some(Value::Array(reps)) => (0..reps.len())
                    .map(|i| (format!("Replicas/{i}/Tags"), r.prop(&format!("Replicas/{i}/Tags"))))
                    .collect(),
                _ => continue,
            }
        } else if tag_shape(r.kind).is_some() {
            vec![("Tags".to_string(), r.props.get("Tags"))]
        } else {
            continue;
        };
        for (path, tags) in places {
            if tags.is_some_and(is_intrinsic) {
                continue;
            }
            let keys: Vec<&str> = match tags {
                Some(Value::Array(list)) => list.iter().filter_map(|t| t.get("Key").and_then(Value::as_str)).collect(),
                Some(Value::Object(m)) => m.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            let missing: Vec<&str> = required.iter().map(String::as_str).filter(|k| !keys.contains(k)).collect();
            if !missing.is_empty() {
                let at = if tags.is_some() { r.ptr(&path) } else { r.ptr("") };
                hits.push(Hit::at(r.id, at, format!("{} has no tag {}", r.kind, missing.join(", "))));
            }
        }
    }
}

/// Types that hold data or keys, whose deletion loses something.
fn is_stateful(kind: &str) -> bool {
    matches!(
        kind,
        "AWS::DynamoDB::Table"
            | "AWS::DynamoDB::GlobalTable"
            | "AWS::S3::Bucket"
            | "AWS::RDS::DBInstance"
            | "AWS::RDS::DBCluster"
            | "AWS::EFS::FileSystem"
            | "AWS::EC2::Volume"
            | "AWS::KMS::Key"
            | "AWS::Logs::LogGroup"
            | "AWS::SQS::Queue"
            | "AWS::SecretsManager::Secret"
            | "AWS::ElastiCache::ReplicationGroup"
            | "AWS::ElastiCache::CacheCluster"
            | "AWS::Kinesis::Stream"
            | "AWS::OpenSearchService::Domain"
            | "AWS::Elasticsearch::Domain"
            | "AWS::Neptune::DBCluster"
            | "AWS::DocDB::DBCluster"
            | "AWS::Redshift::Cluster"
            | "AWS::Backup::BackupVault"
            | "AWS::Cognito::UserPool"
            | "AWS::ECR::Repository"
            | "AWS::FSx::FileSystem"
            | "AWS::QLDB::Ledger"
    )
}

fn removal_policy(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let mode = ctx.config.removal;
    for r in ctx.resources().filter(|r| is_stateful(r.kind)) {
        let Some(dp) = r.raw.get("DeletionPolicy") else {
            hits.push(Hit::at(r.id, r.attr_ptr("Type"), format!("{} states no DeletionPolicy", r.kind)));
            continue;
        };
        for attr in ["DeletionPolicy", "UpdateReplacePolicy"] {
            let v = if attr == "DeletionPolicy" { Some(dp) } else { r.raw.get(attr) };
            let Some(Value::String(p)) = v else { continue };
            let ok = match mode {
                RemovalMode::Stated => true,
                RemovalMode::Delete => p == "Delete",
                RemovalMode::Retain => matches!(p.as_str(), "Retain" | "RetainExceptOnCreate" | "Snapshot"),
            };
            if !ok {
                let want = if mode == RemovalMode::Delete { "Delete (clean teardown)" } else { "Retain" };
                hits.push(Hit::at(r.id, r.attr_ptr(attr), format!("{attr} is {p}; the removal mode asks for {want}")));
            }
        }
    }
}

fn arn_account() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?:^|:)(\d{12})(?:$|:)").expect("valid regex"))
}

fn region_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-|iso-|isob-)?(?:east|west|north|south|central|northeast|southeast|northwest|southwest)-\d[a-z]?\b")
            .expect("valid regex")
    })
}

/// Calls `f` on every literal string of the Resources and Outputs sections.
pub(super) fn each_literal(ctx: &Ctx<'_>, f: &mut dyn FnMut(Option<&str>, &str, &str)) {
    for r in ctx.resources() {
        if let Some(p) = r.raw.get("Properties") {
            each_string(p, &r.attr_ptr("Properties"), &mut |s, ptr| f(Some(r.id), s, ptr));
        }
    }
    if let Some(outs) = ctx.template.get("Outputs") {
        each_string(outs, "/Outputs", &mut |s, ptr| f(None, s, ptr));
    }
}

fn hardcoded_account(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    each_literal(ctx, &mut |res, s, ptr| {
        let arn_like = s.contains("arn:") || s.bytes().all(|b| b.is_ascii_digit());
        if let Some(m) = arn_account().captures(s).filter(|_| arn_like) {
            let acct = m.get(1).map_or(s, |g| g.as_str());
            hits.push(Hit {
                resource: res.map(str::to_string),
                pointer: ptr.to_string(),
                message: format!("hard-coded account id {acct}"),
            });
        }
    });
}

/// The other regions a multi-region template declares on purpose: literal
/// replica regions of a DynamoDB global table that also has a replica in
/// `AWS::Region`, and a secret's `ReplicaRegions` (always other regions).
/// They are not the template's own resources' region, so the same literal
/// elsewhere (an output, an environment variable) names that replica.
fn declared_other_regions<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for r in ctx.of_type("AWS::DynamoDB::GlobalTable") {
        let Some(Value::Array(replicas)) = r.prop("Replicas") else { continue };
        let regions = replicas.iter().filter_map(|x| x.get("Region"));
        let has_own = regions.clone().any(|v| v == &serde_json::json!({"Ref": "AWS::Region"}));
        if has_own {
            out.extend(regions.filter_map(Value::as_str));
        }
    }
    for r in ctx.of_type("AWS::SecretsManager::Secret") {
        if let Some(Value::Array(replicas)) = r.prop("ReplicaRegions") {
            out.extend(replicas.iter().filter_map(|x| x.get("Region")).filter_map(Value::as_str));
        }
    }
    out
}

fn hardcoded_region(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let others = declared_other_regions(ctx);
    each_literal(ctx, &mut |res, s, ptr| {
        if let Some(m) = region_re().find_iter(s).find(|m| !others.contains(&m.as_str())) {
            hits.push(Hit {
                resource: res.map(str::to_string),
                pointer: ptr.to_string(),
                message: format!("hard-coded region or zone {}", m.as_str()),
            });
        }
    });
}

fn outputs(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let outs = ctx.section("Outputs");
    if outs.is_none_or(serde_json::Map::is_empty) {
        hits.push(Hit { resource: None, pointer: String::new(), message: "the template declares no outputs".into() });
    }
    for name in &ctx.config.required_outputs {
        if !outs.is_some_and(|o| o.contains_key(name)) {
            hits.push(Hit {
                resource: None,
                pointer: if outs.is_some() { "/Outputs".into() } else { String::new() },
                message: format!("no output named {name}"),
            });
        }
    }
}

fn parameter_default(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    let Some(params) = ctx.section("Parameters") else { return };
    for (name, p) in params {
        if *name == ctx.config.suffix_parameter || p.get("Default").is_some() {
            continue;
        }
        hits.push(Hit {
            resource: None,
            pointer: format!("/Parameters/{}", escape(name)),
            message: format!("parameter {name} has no Default"),
        });
    }
}

/// Runtimes AWS had deprecated by 2026-12-07, with the date (AWS Lambda's
/// runtime deprecation schedule). A fixed list keeps output deterministic;
/// add runtimes here as AWS deprecates them.
pub const DEPRECATED_RUNTIMES: &[(&str, &str)] = &[
    ("dotnet6", "2024-12-20"),
    ("dotnet8", "2026-11-10"),
    ("dotnet9", "2026-11-10"),
    ("dotnetcore1.0", "2019-06-27"),
    ("dotnetcore2.0", "2019-05-30"),
    ("dotnetcore2.1", "2022-01-05"),
    ("dotnetcore3.1", "2023-04-03"),
    ("go1.x", "2024-01-08"),
    ("java8", "2024-01-08"),
    ("nodejs", "2016-08-30"),
    ("nodejs10.x", "2021-07-30"),
    ("nodejs12.x", "2023-03-31"),
    ("nodejs14.x", "2023-12-04"),
    ("nodejs16.x", "2024-06-12"),
    ("nodejs18.x", "2025-09-01"),
    ("nodejs20.x", "2026-04-30"),
    ("nodejs4.3", "2020-03-05"),
    ("nodejs4.3-edge", "2020-03-05"),
    ("nodejs6.10", "2019-08-12"),
    ("nodejs8.10", "2020-03-06"),
    ("provided", "2024-01-08"),
    ("provided.al2", "2026-07-31"),
    ("python2.7", "2021-07-15"),
    ("python3.10", "2026-10-31"),
    ("python3.6", "2022-07-18"),
    ("python3.7", "2023-12-04"),
    ("python3.8", "2024-10-14"),
    ("python3.9", "2025-12-15"),
    ("ruby2.5", "2021-07-30"),
    ("ruby2.7", "2023-12-07"),
    ("ruby3.2", "2026-03-31"),
];

fn deprecated_runtime(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    for r in ctx.resources() {
        if !matches!(r.kind, "AWS::Lambda::Function" | "AWS::Serverless::Function" | "AWS::Lambda::LayerVersion") {
            continue;
        }
        let mut check = |rt: &str, ptr: String| {
            if let Ok(i) = DEPRECATED_RUNTIMES.binary_search_by(|(n, _)| (*n).cmp(rt)) {
                let date = DEPRECATED_RUNTIMES[i].1;
                hits.push(Hit::at(r.id, ptr, format!("runtime {rt} was deprecated on {date}")));
            }
        };
        if let Some(rt) = r.prop("Runtime").and_then(Value::as_str) {
            check(rt, r.ptr("Runtime"));
        }
        if let Some(Value::Array(list)) = r.prop("CompatibleRuntimes") {
            for (i, rt) in list.iter().enumerate() {
                if let Some(rt) = rt.as_str() {
                    check(rt, r.ptr(&format!("CompatibleRuntimes/{i}")));
                }
            }
        }
    }
}

fn secret_key() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(password|passwd|pwd)$|secret_?(access_?)?key$|client_?secret$|api_?key$|auth_?token$|access_?token$|private_?key$|^secret$|^token$")
            .expect("valid regex")
    })
}

fn access_key_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b").expect("valid regex"))
}

fn literal_secret(ctx: &Ctx<'_>, hits: &mut Vec<Hit>) {
    fn walk(v: &Value, ptr: &str, res: &str, hits: &mut Vec<Hit>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = format!("{ptr}/{}", escape(k));
                    if let Value::String(s) = x {
                        if secret_key().is_match(k) && !s.is_empty() && !s.starts_with("{{resolve:") {
                            hits.push(Hit::at(res, p.clone(), format!("{k} is a literal value")));
                            continue;
                        }
                    }
                    walk(x, &p, res, hits);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{ptr}/{i}"), res, hits);
                }
            }
            Value::String(s) => {
                if let Some(m) = access_key_re().find(s) {
                    hits.push(Hit::at(res, ptr.to_string(), format!("AWS access key id {} in a literal", m.as_str())));
                }
            }
            _ => {}
        }
    }
    for r in ctx.resources() {
        if let Some(p) = r.raw.get("Properties") {
            walk(p, &r.attr_ptr("Properties"), r.id, hits);
        }
    }
    if let Some(params) = ctx.section("Parameters") {
        for (name, p) in params {
            let secret = secret_key().is_match(name)
                || p.get("NoEcho").is_some_and(|n| crate::template::truth(Some(n)) == crate::template::Truth::True);
            if secret && p.get("Default").and_then(Value::as_str).is_some_and(|d| !d.is_empty()) {
                hits.push(Hit {
                    resource: None,
                    pointer: format!("/Parameters/{}/Default", escape(name)),
                    message: format!("secret parameter {name} has a literal Default"),
                });
            }
        }
    }
}
