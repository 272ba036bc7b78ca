//! The TAP conventions common to every reference stack: suffixed names, no
//! hard-coded account, region or partition, tags, encryption at rest, TLS,
//! least-privilege IAM, retention and outputs.

use cfnkit::assertions::Match;
use regex::Regex;
use serde_json::{json, Value};

use super::helpers::{
    actions, all_statements, assert_resource, data_key_arn, deny_insecure_transport, get_att, props, resources,
    template, BUCKET_NAME,
};

const PURPOSE: &str = "secure-transaction-processing";

/// The spec's stateful resources ("buckets, table, key, log groups, secret,
/// trail"), by type.
const STATEFUL_TYPES: [&str; 7] = [
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::DynamoDB::Table",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::SecretsManager::Secret",
    "AWS::CloudTrail::Trail",
];

/// A policy document (`PolicyDocument`) whose statements are exactly `statements`.
fn policy_is(statements: Value) -> Match {
    Match::obj([("PolicyDocument", Match::obj([("Statement", Match::exact(statements))]))])
}

/// The convention tags, in the order cfnkit writes them.
fn convention_tags() -> Match {
    Match::array_with(vec![
        json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}).into(),
        json!({"Key": "Purpose", "Value": PURPOSE}).into(),
    ])
}

/// Whether the vendored CloudFormation schema of `ty` says it takes tags.
fn is_taggable(ty: &str) -> bool {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/resources")
        .join(format!("{}.json", ty.replace("::", "_")));
    let text =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("no schema for {ty} at {}: {e}", file.display()));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    schema["tagging"]["taggable"] == true || schema["properties"].get("Tags").is_some()
}

// ---------------------------------------------------------------------------
// TAP conventions (common to every reference stack)

#[test]
fn environment_suffix_is_a_string_parameter_with_a_default_and_a_lowercase_pattern() {
    let t = template();
    t.has_parameter("EnvironmentSuffix", json!({"Type": "String", "Default": "dev", "AllowedPattern": "^[a-z0-9-]+$"}));
}

#[test]
fn every_physical_name_is_its_kind_followed_by_the_environment_suffix() {
    let t = template();
    t.has_resource_properties("AWS::S3::Bucket", json!({"BucketName": {"Fn::Sub": BUCKET_NAME}}));
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"TableName": {"Fn::Sub": "transactions-${EnvironmentSuffix}"}}),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"FunctionName": {"Fn::Sub": "transaction-processor-${EnvironmentSuffix}"}}),
    );
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": {"Fn::Sub": "/aws/lambda/transaction-processor-${EnvironmentSuffix}"}}),
    );
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        json!({"Name": {"Fn::Sub": "transaction-processor-config-${EnvironmentSuffix}"}}),
    );
    t.has_resource_properties(
        "AWS::CloudTrail::Trail",
        json!({"TrailName": {"Fn::Sub": "transaction-audit-${EnvironmentSuffix}"}}),
    );
    t.has_resource_properties(
        "AWS::KMS::Alias",
        json!({"AliasName": {"Fn::Sub": "alias/transaction-pipeline-${EnvironmentSuffix}"}}),
    );
    // No resource's own name is a literal: each is `<kind>-${EnvironmentSuffix}`
    // (the buckets add the account id and the region, bucket names being global).
    let name_key_of = [
        ("AWS::S3::Bucket", "BucketName"),
        ("AWS::DynamoDB::Table", "TableName"),
        ("AWS::Lambda::Function", "FunctionName"),
        ("AWS::Logs::LogGroup", "LogGroupName"),
        ("AWS::SecretsManager::Secret", "Name"),
        ("AWS::CloudTrail::Trail", "TrailName"),
        ("AWS::KMS::Alias", "AliasName"),
        ("AWS::IAM::Role", "RoleName"),
        ("AWS::EC2::SecurityGroup", "GroupName"),
        ("AWS::SQS::Queue", "QueueName"),
    ];
    let suffixed = Regex::new(
        r"^(alias/|/aws/lambda/)?[a-z][a-z-]*-\$\{EnvironmentSuffix\}(-\$\{AWS::AccountId\}-\$\{AWS::Region\})?$",
    )
    .unwrap();
    let mut named = 0;
    for (id, r) in resources(&t) {
        for (ty, key) in name_key_of {
            if let Some(name) = r["Properties"].get(key).filter(|_| r["Type"] == ty) {
                named += 1;
                let text = name["Fn::Sub"].as_str().unwrap_or_else(|| panic!("{id}.{key} is not an Fn::Sub: {name}"));
                assert!(suffixed.is_match(text), "{id}.{key} = {text} is not <kind>-${{EnvironmentSuffix}}");
            }
        }
    }
    assert_eq!(
        named, 12,
        "two buckets, table, function, log group, secret, trail, alias, role, two security groups, queue"
    );
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"BucketName": {"Fn::Sub": "txn-trail-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}}),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"RoleName": {"Fn::Sub": "transaction-processor-role-${EnvironmentSuffix}"}}),
    );
}

#[test]
fn no_account_id_region_arn_or_partition_is_hard_coded() {
    let t = template();
    let text = serde_json::to_string(t.to_json()).unwrap();
    assert!(!Regex::new(r"\b\d{12}\b").unwrap().is_match(&text), "a 12-digit account id is hard-coded");
    let region = Regex::new(r"\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?[a-z]+-\d\b").unwrap();
    assert!(!region.is_match(&text), "a region is hard-coded: {:?}", region.find(&text));
    // Every ARN in the template starts from the partition pseudo parameter.
    let arns: Vec<&str> = text.match_indices("arn:").map(|(i, _)| &text[i..(i + 22).min(text.len())]).collect();
    assert!(!arns.is_empty(), "the template builds ARNs with Fn::Sub");
    assert!(arns.iter().all(|a| a.starts_with("arn:${AWS::Partition}")), "hard-coded partition in {arns:?}");
    // Service endpoints are built from the region pseudo parameter.
    for service in ["s3", "dynamodb", "secretsmanager"] {
        t.has_resource_properties(
            "AWS::EC2::VPCEndpoint",
            json!({"ServiceName": {"Fn::Sub": format!("com.amazonaws.${{AWS::Region}}.{service}")}}),
        );
    }
}

#[test]
fn every_taggable_resource_carries_the_environment_and_purpose_tags() {
    let t = template();
    let mut types: Vec<String> = resources(&t).values().map(|r| r["Type"].as_str().unwrap().to_owned()).collect();
    types.sort();
    types.dedup();
    let mut untagged = Vec::new();
    for ty in &types {
        if is_taggable(ty) {
            t.all_resources_properties(ty, Match::obj([("Tags", convention_tags())]));
        } else {
            untagged.push(ty.as_str());
        }
    }
    assert_eq!(
        untagged,
        [
            "AWS::EC2::SubnetRouteTableAssociation",
            "AWS::IAM::Policy",
            "AWS::KMS::Alias",
            "AWS::Lambda::EventInvokeConfig",
            "AWS::Lambda::Permission",
            "AWS::S3::BucketPolicy",
            "AWS::SQS::QueuePolicy"
        ],
        "only types CloudFormation cannot tag go untagged"
    );
}

#[test]
fn everything_that_stores_data_is_encrypted_at_rest() {
    let t = template();
    let sse = |algorithm: &str| {
        json!({"BucketEncryption": {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]
        }})
    };
    let kms_buckets = t.find_resources("AWS::S3::Bucket", props(sse("aws:kms")));
    let s3_buckets = t.find_resources("AWS::S3::Bucket", props(sse("AES256")));
    assert_eq!(
        kms_buckets.keys().collect::<Vec<_>>(),
        ["TransactionDataBucket"],
        "only the data bucket uses SSE-KMS (with the data key, asserted below)"
    );
    assert_eq!(s3_buckets.len(), 1, "the trail's log bucket uses SSE-S3: {:?}", s3_buckets.keys());
    t.resource_count_is("AWS::S3::Bucket", 2);
    t.all_resources_properties(
        "AWS::DynamoDB::Table",
        json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}),
    );
    t.all_resources_properties("AWS::SecretsManager::Secret", Match::obj([("KmsKeyId", Match::any_value())]));
    // Default security profile: the log group is encrypted by CloudWatch
    // Logs; a key just for logs comes with the hardened profile.
    t.all_resources_properties("AWS::Logs::LogGroup", Match::obj([("KmsKeyId", Match::absent())]));
    t.all_resources_properties("AWS::CloudTrail::Trail", Match::obj([("KMSKeyId", Match::any_value())]));
    t.all_resources_properties("AWS::Lambda::Function", Match::obj([("KmsKeyArn", Match::any_value())]));
    t.all_resources_properties("AWS::KMS::Key", json!({"EnableKeyRotation": true}));
}

#[test]
fn every_bucket_blocks_public_access_and_accepts_only_tls() {
    let t = template();
    t.all_resources_properties(
        "AWS::S3::Bucket",
        json!({
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        }),
    );
    let buckets = t.find_resources("AWS::S3::Bucket", json!({}));
    t.resource_count_is("AWS::S3::BucketPolicy", buckets.len());
    for id in buckets.keys() {
        let policy = Match::obj([
            ("Bucket", Match::exact(json!({"Ref": id}))),
            (
                "PolicyDocument",
                Match::obj([("Statement", Match::array_with(vec![deny_insecure_transport(id).into()]))]),
            ),
        ]);
        assert_eq!(t.find_resources("AWS::S3::BucketPolicy", props(policy)).len(), 1, "{id} has a TLS-only policy");
    }
    // Nothing is public: a `*` principal only ever appears in a Deny.
    for (id, _, s) in all_statements(&t) {
        if s["Principal"] == "*" || s["Principal"]["AWS"] == "*" {
            assert_eq!(s["Effect"], "Deny", "{id} lets anyone in: {s}");
        }
    }
}

#[test]
fn iam_policies_list_actions_one_by_one_and_use_star_only_for_lambda_network_interfaces() {
    let t = template();
    for (id, ty, s) in all_statements(&t) {
        let acts = actions(&s);
        match ty.as_str() {
            "AWS::IAM::Policy" | "AWS::IAM::Role" => {
                assert!(acts.iter().all(|a| !a.contains('*')), "{id}: wildcard action in {s}");
                assert_eq!(s["Effect"], "Allow", "{id}: {s}");
            }
            // Key policies: only the account root's administration is `kms:*`
            // (the AWS default key policy); Resource "*" there means "this key".
            "AWS::KMS::Key" => {
                let root = json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}});
                if acts.iter().any(|a| a.contains('*')) {
                    assert_eq!((s["Principal"].clone(), acts.clone()), (root, vec!["kms:*".to_owned()]), "{id}: {s}");
                }
                assert_eq!(s["Resource"], "*", "{id}: a key policy names its key as *");
            }
            // Queue policies: `sqs:*` only to deny (TLS only).
            "AWS::SQS::QueuePolicy" => {
                if acts.iter().any(|a| a.contains('*')) {
                    assert_eq!(s["Effect"], "Deny", "{id}: {s}");
                }
            }
            // Bucket policies: `s3:*` only to deny.
            "AWS::S3::BucketPolicy" => {
                if acts.iter().any(|a| a.contains('*')) {
                    assert_eq!(s["Effect"], "Deny", "{id}: {s}");
                }
            }
            other => panic!("unexpected policy holder {other} ({id})"),
        }
    }
    // The one `*` resource: EC2's network-interface actions, which take no
    // resource-level permission when Lambda places a function in a VPC.
    let star: Vec<String> = all_statements(&t)
        .into_iter()
        .filter(|(_, ty, s)| ty == "AWS::IAM::Policy" && s["Resource"] == "*")
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(star, ["TransactionProcessorFunctionServiceRoleVpcAccessPolicy"]);
    assert_resource(
        &t,
        "TransactionProcessorFunctionServiceRoleVpcAccessPolicy",
        "AWS::IAM::Policy",
        Match::obj([
            (
                "Properties",
                policy_is(json!([{
                    "Effect": "Allow",
                    "Action": [
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses"
                    ],
                    "Resource": "*"
                }])),
            ),
            (
                "Metadata",
                Match::obj([(
                    "checkov",
                    Match::obj([(
                        "skip",
                        Match::exact(json!([{
                            "id": "CKV_AWS_111",
                            "comment": concat!(
                                "the EC2 network-interface actions Lambda needs to place the function in its VPC; ",
                                "EC2 offers no resource-level permission for them when Lambda creates the interfaces, ",
                                "and this policy holds nothing else"
                            )
                        }])),
                    )]),
                )]),
            ),
        ]),
    );
}

#[test]
fn stateful_resources_are_retained_and_everything_else_is_destroyable() {
    let t = template();
    let retain = json!({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"});
    let mut retained = Vec::new();
    for ty in STATEFUL_TYPES {
        let all = t.find_resources(ty, json!({}));
        let kept = t.find_resources(ty, retain.clone());
        assert!(!all.is_empty(), "the stack has a {ty}");
        assert_eq!(kept.keys().collect::<Vec<_>>(), all.keys().collect::<Vec<_>>(), "every {ty} is retained");
        retained.extend(kept.into_iter().map(|(id, _)| id));
    }
    retained.sort();
    assert_eq!(
        retained,
        [
            "AuditTrail",
            "CloudTrailLogsBucket",
            "DataKey",
            "ProcessorConfig",
            "ProcessorFailures",
            "TransactionDataBucket",
            "TransactionProcessorFunctionLogGroup",
            "TransactionsTable"
        ]
    );
    // Stateless resources keep CloudFormation's default (Delete).
    for (id, r) in resources(&t) {
        if !STATEFUL_TYPES.contains(&r["Type"].as_str().unwrap()) {
            let policies = Match::obj([("DeletionPolicy", Match::absent()), ("UpdateReplacePolicy", Match::absent())]);
            assert!(policies.test(Some(&r)).is_empty(), "{id} is stateless and must stay destroyable");
        }
    }
}

#[test]
fn every_output_has_a_description_and_an_export_named_after_the_stack() {
    let t = template();
    let expected = [
        ("TransactionBucketName", "Name of the transaction upload bucket", json!({"Ref": "TransactionDataBucket"})),
        ("TransactionsTableName", "Name of the transactions table", json!({"Ref": "TransactionsTable"})),
        ("ProcessorFunctionArn", "ARN of the transaction processor", get_att("TransactionProcessorFunction", "Arn")),
        ("DataKeyArn", "ARN of the data key", data_key_arn()),
        ("ConfigSecretArn", "ARN of the processor configuration secret", json!({"Ref": "ProcessorConfig"})),
        ("VpcId", "Id of the private VPC", json!({"Ref": "Vpc"})),
        ("TrailArn", "ARN of the audit trail", get_att("AuditTrail", "Arn")),
        ("StackRegion", "Region the stack is deployed in", json!({"Ref": "AWS::Region"})),
    ];
    for (id, description, value) in &expected {
        t.has_output(
            id,
            Match::object_equals(json!({
                "Description": description,
                "Value": value,
                "Export": {"Name": {"Fn::Sub": format!("${{AWS::StackName}}-{id}")}}
            })),
        );
    }
    let ids: Vec<String> = t.to_json()["Outputs"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(ids, expected.iter().map(|(id, _, _)| (*id).to_owned()).collect::<Vec<_>>(), "no other output");
}
