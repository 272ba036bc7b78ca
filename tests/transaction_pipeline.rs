//! The transaction-pipeline reference stack against spec section 2 and the
//! common TAP conventions, line by line, with cfnkit's assertions API; plus
//! the decisions its doc comment lists, its snapshot, cfn-lint, checkov, the
//! handler's syntax and deterministic synthesis.
//!
//! Each test is named after the spec line (or documented decision) it
//! proves. The one deviation from the spec (security-group egress to the S3
//! and DynamoDB prefix lists, without which the function could not reach
//! them) is pinned exactly by the last test.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::assertions::{Match, Template};
use cfnkit::reference::{self, transaction_pipeline};
use regex::Regex;
use serde_json::{json, Map, Value};

const NAME: &str = transaction_pipeline::NAME;
const REGION: &str = "us-east-1";
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

/// The stack's template as `cfnkit::reference::app()` synthesizes it.
fn template() -> Template {
    Template::from_stack(&reference::app(), NAME)
}

/// The stack's template as written to disk.
fn template_json() -> String {
    let out = reference::app().synth().expect("the reference app synthesizes");
    out.stack(NAME).expect("the transaction-pipeline stack").json.clone()
}

fn resources(t: &Template) -> Map<String, Value> {
    t.to_json()["Resources"].as_object().cloned().expect("the template has Resources")
}

fn resource(t: &Template, id: &str) -> Value {
    let all = resources(t);
    all.get(id).cloned().unwrap_or_else(|| panic!("no resource {id}; the template has {:?}", all.keys()))
}

/// Asserts that the resource `id` exists, has type `ty` and matches
/// `pattern` as a whole (Properties, DependsOn, policies, Metadata).
fn assert_resource(t: &Template, id: &str, ty: &str, pattern: impl Into<Match>) {
    let r = resource(t, id);
    assert_eq!(r["Type"], ty, "{id} is a {ty}");
    let diffs = pattern.into().test(Some(&r));
    assert!(diffs.is_empty(), "{id} does not match:\n{diffs:#?}\nresource: {r:#}");
}

/// `{"Properties": pattern}`.
fn props(pattern: impl Into<Match>) -> Match {
    Match::obj([("Properties", pattern.into())])
}

/// A policy document (`PolicyDocument`) whose statements are exactly `statements`.
fn policy_is(statements: Value) -> Match {
    Match::obj([("PolicyDocument", Match::obj([("Statement", Match::exact(statements))]))])
}

fn get_att(id: &str, attr: &str) -> Value {
    json!({"Fn::GetAtt": [id, attr]})
}

fn data_key_arn() -> Value {
    get_att("DataKey", "Arn")
}

fn vpc_cidr() -> Value {
    get_att("Vpc", "CidrBlock")
}

/// The convention tags, in the order cfnkit writes them.
fn convention_tags() -> Match {
    Match::array_with(vec![
        json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}).into(),
        json!({"Key": "Purpose", "Value": PURPOSE}).into(),
    ])
}

/// The trail's ARN as the policies name it before the trail exists.
fn trail_arn() -> Value {
    json!({"Fn::Sub": concat!(
        "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}",
        ":trail/transaction-audit-${EnvironmentSuffix}"
    )})
}

/// The transaction bucket's name and ARN, spelled out (as the permission and
/// the role must, to keep the bucket -> function -> role graph acyclic).
const BUCKET_NAME: &str = "transaction-data-${EnvironmentSuffix}-${AWS::AccountId}";

fn bucket_arn_by_name(suffix: &str) -> Value {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:s3:::{BUCKET_NAME}{suffix}")})
}

/// The deny-plain-HTTP statement every bucket policy starts with.
fn deny_insecure_transport(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

/// Every statement of every policy (IAM policies, bucket policies, key
/// policies, trust policies) as `(logical id, resource type, statement)`.
fn all_statements(t: &Template) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (id, r) in resources(t) {
        let ty = r["Type"].as_str().unwrap().to_owned();
        for key in ["PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"] {
            if let Some(statements) = r["Properties"].get(key).and_then(|d| d["Statement"].as_array()) {
                out.extend(statements.iter().map(|s| (id.clone(), ty.clone(), s.clone())));
            }
        }
    }
    out
}

/// A statement's actions, whether written as a string or a list.
fn actions(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(list) => list.iter().map(|a| a.as_str().expect("actions are strings").to_owned()).collect(),
        other => panic!("statement without an Action: {other} in {statement}"),
    }
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
    // (the bucket adds the account id, bucket names being global).
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
    ];
    let suffixed =
        Regex::new(r"^(alias/|/aws/lambda/)?[a-z][a-z-]*-\$\{EnvironmentSuffix\}(-\$\{AWS::AccountId\})?$").unwrap();
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
    assert_eq!(named, 7, "seven named resources: bucket, table, function, log group, secret, trail, alias");
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
        ["TransactionBucket"],
        "only the data bucket uses SSE-KMS (with the data key, asserted below)"
    );
    assert_eq!(s3_buckets.len(), 3, "the log buckets use SSE-S3: {:?}", s3_buckets.keys());
    t.resource_count_is("AWS::S3::Bucket", 4);
    t.all_resources_properties(
        "AWS::DynamoDB::Table",
        json!({"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS"}}),
    );
    t.all_resources_properties("AWS::SecretsManager::Secret", Match::obj([("KmsKeyId", Match::any_value())]));
    t.all_resources_properties("AWS::Logs::LogGroup", Match::obj([("KmsKeyId", Match::any_value())]));
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
    assert_eq!(star, ["TransactionProcessorServiceRoleVpcAccessPolicy"]);
    assert_resource(
        &t,
        "TransactionProcessorServiceRoleVpcAccessPolicy",
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
            "AuditTrailLogsBucket",
            "AuditTrailLogsBucketAccessLogs",
            "DataKey",
            "LogsKey",
            "ProcessorConfig",
            "ProcessorFailures",
            "TransactionBucket",
            "TransactionBucketAccessLogs",
            "TransactionProcessorLogGroup",
            "TransactionsTable",
            "VpcFlowLogsKey",
            "VpcFlowLogsLogGroup"
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
        ("TransactionBucketName", "Name of the transaction upload bucket", json!({"Ref": "TransactionBucket"})),
        ("TransactionsTableName", "Name of the transactions table", json!({"Ref": "TransactionsTable"})),
        ("ProcessorFunctionArn", "ARN of the transaction processor", get_att("TransactionProcessor", "Arn")),
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

// ---------------------------------------------------------------------------
// Customer-managed KMS key

#[test]
fn data_key_rotates_and_lets_root_administer_and_cloudtrail_lambda_and_s3_use_it() {
    let t = template();
    t.resource_count_is("AWS::KMS::Key", 3);
    let use_key = json!([
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:DescribeKey"
    ]);
    let this_account = json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}});
    assert_resource(
        &t,
        "DataKey",
        "AWS::KMS::Key",
        props(Match::obj([
            ("EnableKeyRotation", Match::exact(json!(true))),
            (
                "KeyPolicy",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        {
                            "Sid": "AllowAccountRootToAdministerKey",
                            "Effect": "Allow",
                            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                            "Action": "kms:*",
                            "Resource": "*"
                        },
                        {
                            "Sid": "AllowS3",
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": use_key,
                            "Resource": "*",
                            "Condition": this_account
                        },
                        {
                            "Sid": "AllowLambda",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": use_key,
                            "Resource": "*",
                            "Condition": this_account
                        },
                        {
                            "Sid": "AllowCloudTrailToEncryptLogsAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:GenerateDataKey",
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {"aws:SourceArn": trail_arn()},
                                "StringLike": {
                                    "kms:EncryptionContext:aws:cloudtrail:arn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"
                                    }
                                }
                            }
                        },
                        {
                            "Sid": "AllowCloudTrailToDescribeKeyAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "kms:DescribeKey",
                            "Resource": "*",
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
                        }
                    ])),
                )]),
            ),
        ])),
    );
    t.resource_count_is("AWS::KMS::Alias", 1);
    t.has_resource_properties(
        "AWS::KMS::Alias",
        Match::object_equals(json!({
            "AliasName": {"Fn::Sub": "alias/transaction-pipeline-${EnvironmentSuffix}"},
            "TargetKeyId": {"Ref": "DataKey"}
        })),
    );
}

// ---------------------------------------------------------------------------
// Transaction data bucket

#[test]
fn transaction_bucket_is_encrypted_with_the_data_key() {
    let t = template();
    assert_resource(
        &t,
        "TransactionBucket",
        "AWS::S3::Bucket",
        props(Match::obj([(
            "BucketEncryption",
            Match::exact(json!({"ServerSideEncryptionConfiguration": [{
                "BucketKeyEnabled": true,
                "ServerSideEncryptionByDefault": {"KMSMasterKeyID": data_key_arn(), "SSEAlgorithm": "aws:kms"}
            }]})),
        )])),
    );
}

#[test]
fn transaction_bucket_policy_denies_unencrypted_uploads_and_insecure_transport() {
    let t = template();
    let objects = json!({"Fn::Sub": "${TransactionBucket.Arn}/*"});
    assert_resource(
        &t,
        "TransactionBucketPolicy",
        "AWS::S3::BucketPolicy",
        props(Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "TransactionBucket"}))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        deny_insecure_transport("TransactionBucket"),
                        {
                            "Sid": "DenyUploadsNotEncryptedWithKms",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": objects,
                            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
                        },
                        {
                            "Sid": "DenyUploadsWithAnotherKey",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": objects,
                            "Condition": {
                                "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": data_key_arn()}
                            }
                        }
                    ])),
                )]),
            ),
        ])),
    );
}

#[test]
fn transaction_bucket_is_versioned_and_moves_objects_to_standard_ia_after_30_days() {
    let t = template();
    assert_resource(
        &t,
        "TransactionBucket",
        "AWS::S3::Bucket",
        props(json!({
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": [{
                "Id": "TransitionToInfrequentAccess",
                "Status": "Enabled",
                "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]
            }]}
        })),
    );
}

#[test]
fn uploads_notify_the_processor_which_s3_may_invoke_before_the_bucket_exists() {
    let t = template();
    // CloudFormation spells the S3 API's `LambdaFunctionConfigurations` as
    // `LambdaConfigurations` (with `Event` and `Function`).
    assert_resource(
        &t,
        "TransactionBucket",
        "AWS::S3::Bucket",
        props(Match::obj([(
            "NotificationConfiguration",
            Match::exact(json!({"LambdaConfigurations": [{
                "Event": "s3:ObjectCreated:*",
                "Function": get_att("TransactionProcessor", "Arn")
            }]})),
        )])),
    );
    assert!(!template_json().contains("LambdaFunctionConfigurations"), "no S3-API spelling CloudFormation rejects");
    t.resource_count_is("AWS::Lambda::Permission", 1);
    assert_resource(
        &t,
        "TransactionProcessorTransactionBucketPermission",
        "AWS::Lambda::Permission",
        props(Match::object_equals(json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": get_att("TransactionProcessor", "Arn"),
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": bucket_arn_by_name("")
        }))),
    );
    // The ordering: the bucket (whose notification S3 validates on creation)
    // waits for the permission, which names the bucket by its ARN, not a Ref.
    assert_resource(
        &t,
        "TransactionBucket",
        "AWS::S3::Bucket",
        Match::obj([(
            "DependsOn",
            Match::exact(json!([
                "TransactionBucketAccessLogsPolicy",
                "TransactionProcessorTransactionBucketPermission"
            ])),
        )]),
    );
}

#[test]
fn no_output_describes_a_manual_step() {
    let t = template();
    let manual = Regex::new(r"(?i)manual|post[- ]?deploy|after (stack )?creation|configure|note").unwrap();
    for (id, o) in t.to_json()["Outputs"].as_object().unwrap() {
        assert!(!manual.is_match(id), "output {id} names a manual step");
        assert!(!manual.is_match(&o.to_string()), "output {id} describes a manual step: {o}");
    }
}

// ---------------------------------------------------------------------------
// VPC

#[test]
fn vpc_has_two_private_subnets_in_two_different_availability_zones() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPC", 1);
    t.resource_count_is("AWS::EC2::Subnet", 2);
    for (n, id) in ["VpcPrivateSubnet1", "VpcPrivateSubnet2"].iter().enumerate() {
        assert_resource(
            &t,
            id,
            "AWS::EC2::Subnet",
            props(json!({
                "AvailabilityZone": {"Fn::Select": [n, {"Fn::GetAZs": ""}]},
                "MapPublicIpOnLaunch": false,
                "VpcId": {"Ref": "Vpc"}
            })),
        );
    }
    t.all_resources_properties("AWS::EC2::Subnet", json!({"MapPublicIpOnLaunch": false}));
}

#[test]
fn vpc_has_no_internet_gateway_no_nat_gateway_and_no_route_out() {
    let t = template();
    t.resource_count_is("AWS::EC2::InternetGateway", 0);
    t.resource_count_is("AWS::EC2::VPCGatewayAttachment", 0);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::EC2::EIP", 0);
    t.resource_count_is("AWS::EC2::EgressOnlyInternetGateway", 0);
    t.resource_count_is("AWS::EC2::Route", 0);
}

#[test]
fn gateway_endpoints_serve_s3_and_dynamodb_on_both_private_route_tables() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPCEndpoint", 3);
    for (id, service) in [("S3Endpoint", "s3"), ("DynamoDbEndpoint", "dynamodb")] {
        assert_resource(
            &t,
            id,
            "AWS::EC2::VPCEndpoint",
            props(json!({
                "VpcEndpointType": "Gateway",
                "ServiceName": {"Fn::Sub": format!("com.amazonaws.${{AWS::Region}}.{service}")},
                "RouteTableIds": [{"Ref": "VpcPrivateSubnet1RouteTable"}, {"Ref": "VpcPrivateSubnet2RouteTable"}],
                "VpcId": {"Ref": "Vpc"}
            })),
        );
    }
}

#[test]
fn secrets_manager_interface_endpoint_has_private_dns_in_both_subnets() {
    let t = template();
    assert_resource(
        &t,
        "SecretsManagerEndpoint",
        "AWS::EC2::VPCEndpoint",
        props(json!({
            "VpcEndpointType": "Interface",
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.secretsmanager"},
            "PrivateDnsEnabled": true,
            "SubnetIds": [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}],
            "SecurityGroupIds": [{"Fn::GetAtt": ["SecretsManagerEndpointSecurityGroup", "GroupId"]}]
        })),
    );
}

#[test]
fn security_groups_open_nothing_beyond_the_vpc_cidr_and_the_gateway_prefix_lists() {
    let t = template();
    t.resource_count_is("AWS::EC2::SecurityGroup", 2);
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 0);
    t.resource_count_is("AWS::EC2::SecurityGroupEgress", 0);
    // The endpoint: HTTPS in from the VPC CIDR; no egress (the "disallow
    // all" placeholder rule matches no traffic).
    assert_resource(
        &t,
        "SecretsManagerEndpointSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            (
                "SecurityGroupIngress",
                Match::exact(json!([{
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS from the VPC CIDR block",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443
                }])),
            ),
            (
                "SecurityGroupEgress",
                Match::exact(json!([{
                    "CidrIp": "255.255.255.255/32",
                    "Description": "Disallow all traffic",
                    "FromPort": 252,
                    "IpProtocol": "icmp",
                    "ToPort": 86
                }])),
            ),
        ])),
    );
    // The processor: nothing in; HTTPS out to the VPC CIDR (the interface endpoint).
    assert_resource(
        &t,
        "ProcessorSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            ("SecurityGroupIngress", Match::absent()),
            (
                "SecurityGroupEgress",
                Match::array_with(vec![json!({
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS to the Secrets Manager interface endpoint",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443
                })
                .into()]),
            ),
        ])),
    );
    // No rule anywhere opens to the internet.
    for (id, r) in t.find_resources("AWS::EC2::SecurityGroup", json!({})) {
        let text = r.to_string();
        assert!(!text.contains("0.0.0.0/0") && !text.contains("::/0"), "{id} opens to the internet");
        assert!(!text.contains("\"IpProtocol\":\"-1\""), "{id} allows every protocol");
    }
}

#[test]
fn decision_processor_reaches_s3_and_dynamodb_gateway_endpoints_through_prefix_list_parameters() {
    let t = template();
    for (param, service) in [("S3PrefixListId", "s3"), ("DynamoDbPrefixListId", "dynamodb")] {
        t.has_parameter(
            param,
            json!({
                "Type": "String",
                "AllowedPattern": "^pl-[0-9a-f]{8,17}$",
                "Description": format!(
                    "Id of the AWS-managed prefix list com.amazonaws.<region>.{service} \
                     (aws ec2 describe-managed-prefix-lists)"
                )
            }),
        );
    }
    assert_resource(
        &t,
        "ProcessorSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([(
            "SecurityGroupEgress",
            Match::exact(json!([
                {
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS to the Secrets Manager interface endpoint",
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                },
                {
                    "Description": "HTTPS to S3 through the gateway endpoint",
                    "DestinationPrefixListId": {"Ref": "S3PrefixListId"},
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                },
                {
                    "Description": "HTTPS to DynamoDB through the gateway endpoint",
                    "DestinationPrefixListId": {"Ref": "DynamoDbPrefixListId"},
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                }
            ])),
        )])),
    );
}

#[test]
fn vpc_traffic_is_logged_to_an_encrypted_log_group() {
    let t = template();
    t.has_resource_properties(
        "AWS::EC2::FlowLog",
        json!({
            "ResourceId": {"Ref": "Vpc"},
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": {"Ref": "VpcFlowLogsLogGroup"}
        }),
    );
    assert_resource(
        &t,
        "VpcFlowLogsLogGroup",
        "AWS::Logs::LogGroup",
        props(json!({"KmsKeyId": get_att("VpcFlowLogsKey", "Arn"), "RetentionInDays": 365})),
    );
}

// ---------------------------------------------------------------------------
// Secrets Manager secret

#[test]
fn processor_configuration_secret_is_encrypted_with_the_data_key() {
    let t = template();
    t.resource_count_is("AWS::SecretsManager::Secret", 1);
    assert_resource(
        &t,
        "ProcessorConfig",
        "AWS::SecretsManager::Secret",
        props(Match::obj([
            ("KmsKeyId", Match::exact(data_key_arn())),
            ("Description", Match::exact(json!("Configuration of the transaction processor"))),
        ])),
    );
}

#[test]
fn decision_secret_is_json_with_a_generated_signing_key_and_says_why_it_is_not_rotated() {
    let t = template();
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        Match::obj([(
            "GenerateSecretString",
            Match::obj([
                ("GenerateStringKey", Match::exact(json!("signingKey"))),
                ("PasswordLength", Match::exact(json!(32))),
                ("ExcludePunctuation", Match::exact(json!(true))),
                (
                    "SecretStringTemplate",
                    Match::serialized_json(Match::object_equals(json!({"maxAmount": "1000000", "currency": "USD"}))),
                ),
            ]),
        )]),
    );
    t.resource_count_is("AWS::SecretsManager::RotationSchedule", 0);
    t.has_resource(
        "AWS::SecretsManager::Secret",
        json!({"Metadata": {"cdk_nag": {"rules_to_suppress": [{
            "id": "AwsSolutions-SMG4",
            "reason": concat!(
                "the signing key is rotated with the processor's release; ",
                "no rotation function is part of this system"
            )
        }]}}}),
    );
}

// ---------------------------------------------------------------------------
// Python Lambda

#[test]
fn processor_is_python_in_both_private_subnets_reading_its_table_and_secret_from_the_environment() {
    let t = template();
    t.resource_count_is("AWS::Lambda::Function", 1);
    assert_resource(
        &t,
        "TransactionProcessor",
        "AWS::Lambda::Function",
        props(Match::obj([
            ("Runtime", Match::exact(json!("python3.12"))),
            ("Handler", Match::exact(json!("index.handler"))),
            ("Timeout", Match::exact(json!(60))),
            ("MemorySize", Match::exact(json!(512))),
            ("Role", Match::exact(get_att("TransactionProcessorServiceRole", "Arn"))),
            (
                "VpcConfig",
                Match::exact(json!({
                    "SecurityGroupIds": [{"Fn::GetAtt": ["ProcessorSecurityGroup", "GroupId"]}],
                    "SubnetIds": [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]
                })),
            ),
            (
                "Environment",
                Match::exact(json!({"Variables": {
                    "TABLE_NAME": {"Ref": "TransactionsTable"},
                    "CONFIG_SECRET_ARN": {"Ref": "ProcessorConfig"}
                }})),
            ),
            ("KmsKeyArn", Match::exact(data_key_arn())),
        ])),
    );
    // The function is created only once its permissions exist.
    t.has_resource(
        "AWS::Lambda::Function",
        Match::obj([(
            "DependsOn",
            Match::exact(json!([
                "TransactionProcessorServiceRoleDefaultPolicy",
                "TransactionProcessorServiceRoleVpcAccessPolicy"
            ])),
        )]),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"
        }]}}),
    );
}

#[test]
fn processor_code_is_the_handler_file_inline() {
    let t = template();
    t.has_resource_properties("AWS::Lambda::Function", json!({"Code": {"ZipFile": transaction_pipeline::HANDLER_PY}}));
}

#[test]
fn processor_reads_its_config_from_the_secret() {
    code_matches(r#"SECRETS\.get_secret_value\(SecretId=os\.environ\["CONFIG_SECRET_ARN"\]\)"#);
    code_matches(r#"json\.loads\(secret\["SecretString"\]\)"#);
}

#[test]
fn processor_extracts_the_version_id_and_encryption_type_of_each_object() {
    code_matches(r"S3\.head_object\(Bucket=bucket, Key=key\)");
    code_matches(r#""versionId": head\.get\("VersionId""#);
    code_matches(r#""encryption": head\.get\("ServerSideEncryption""#);
}

#[test]
fn processor_writes_the_transaction_to_dynamodb_with_numbers_as_decimal() {
    code_matches(r"json\.loads\(body, parse_float=Decimal, parse_int=Decimal\)");
    code_matches(r"TABLE\.put_item\(Item=item\)");
    code_matches(r"(?m)^def handler\(event, context\):");
}

#[test]
fn processor_logs_structured_json() {
    code_matches(r#"json\.dumps\(\{"message": message, \*\*fields\}"#);
    code_matches(r#"log\(logging\.ERROR, "transaction failed""#);
}

/// Asserts the processor's inline code matches `re`.
fn code_matches(re: &str) {
    template().has_resource_properties(
        "AWS::Lambda::Function",
        Match::obj([("Code", Match::obj([("ZipFile", Match::string_like_regexp(re))]))]),
    );
}

#[test]
fn processor_log_group_keeps_90_days() {
    let t = template();
    assert_resource(
        &t,
        "TransactionProcessorLogGroup",
        "AWS::Logs::LogGroup",
        props(json!({
            "LogGroupName": {"Fn::Sub": "/aws/lambda/transaction-processor-${EnvironmentSuffix}"},
            "RetentionInDays": 90,
            "KmsKeyId": {"Fn::GetAtt": ["LogsKey", "Arn"]}
        })),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"LoggingConfig": {"LogGroup": {"Ref": "TransactionProcessorLogGroup"}}}),
    );
}

#[test]
fn processor_role_grants_are_exactly_these_statements_scoped_to_the_key_table_secret_and_bucket() {
    let t = template();
    let data_key = data_key_arn();
    assert_resource(
        &t,
        "TransactionProcessorServiceRoleDefaultPolicy",
        "AWS::IAM::Policy",
        props(Match::obj([
            ("Roles", Match::exact(json!([{"Ref": "TransactionProcessorServiceRole"}]))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": get_att("TransactionProcessorLogGroup", "Arn")
                        },
                        // Every use of the data key, merged into one statement: environment
                        // decryption, the failure queue, the table's writes and the bucket's reads.
                        {
                            "Effect": "Allow",
                            "Action": [
                                "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                                "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"
                            ],
                            "Resource": data_key
                        },
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": get_att("ProcessorFailures", "Arn")},
                        {
                            "Effect": "Allow",
                            "Action": "dynamodb:PutItem",
                            "Resource": get_att("TransactionsTable", "Arn")
                        },
                        {
                            "Effect": "Allow",
                            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                            "Resource": {"Ref": "ProcessorConfig"}
                        },
                        {
                            "Effect": "Allow",
                            "Action": "kms:Decrypt",
                            "Resource": data_key,
                            "Condition": {"StringEquals": {
                                "kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}
                            }}
                        },
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": bucket_arn_by_name("/*")},
                        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn_by_name("")}
                    ])),
                )]),
            ),
        ])),
    );
    // The role can neither write to the bucket nor read the table back.
    let granted: Vec<String> = all_statements(&t)
        .into_iter()
        .filter(|(_, ty, _)| ty == "AWS::IAM::Policy")
        .flat_map(|(_, _, s)| actions(&s))
        .collect();
    for forbidden in ["s3:PutObject", "s3:DeleteObject", "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:DeleteItem"] {
        assert!(!granted.iter().any(|a| a == forbidden), "the processor may not {forbidden}");
    }
}

// ---------------------------------------------------------------------------
// DynamoDB table

#[test]
fn table_has_a_composite_key_point_in_time_recovery_and_the_data_key() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::Table", 1);
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({
            "KeySchema": [
                {"AttributeName": "transactionId", "KeyType": "HASH"},
                {"AttributeName": "timestamp", "KeyType": "RANGE"}
            ],
            "AttributeDefinitions": [
                {"AttributeName": "transactionId", "AttributeType": "S"},
                {"AttributeName": "timestamp", "AttributeType": "N"}
            ]
        }),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        Match::obj([(
            "SSESpecification",
            Match::exact(json!({"KMSMasterKeyId": data_key_arn(), "SSEEnabled": true, "SSEType": "KMS"})),
        )]),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::Table",
        json!({"BillingMode": "PAY_PER_REQUEST", "DeletionProtectionEnabled": true}),
    );
}

// ---------------------------------------------------------------------------
// CloudTrail

#[test]
fn trail_records_s3_data_events_of_the_transaction_bucket() {
    let t = template();
    t.resource_count_is("AWS::CloudTrail::Trail", 1);
    t.has_resource_properties(
        "AWS::CloudTrail::Trail",
        Match::obj([(
            "EventSelectors",
            Match::exact(json!([{
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${TransactionBucket.Arn}/"}]}],
                "IncludeManagementEvents": true,
                "ReadWriteType": "All"
            }])),
        )]),
    );
}

#[test]
fn trail_validates_log_files_and_encrypts_them_with_the_data_key() {
    let t = template();
    t.has_resource_properties("AWS::CloudTrail::Trail", json!({"EnableLogFileValidation": true, "IsLogging": true}));
    t.has_resource_properties("AWS::CloudTrail::Trail", json!({"KMSKeyId": data_key_arn()}));
}

#[test]
fn trail_writes_to_a_dedicated_bucket_whose_policy_allows_cloudtrail() {
    let t = template();
    t.has_resource_properties("AWS::CloudTrail::Trail", json!({"S3BucketName": {"Ref": "AuditTrailLogsBucket"}}));
    assert_resource(
        &t,
        "AuditTrailLogsBucket",
        "AWS::S3::Bucket",
        props(json!({"VersioningConfiguration": {"Status": "Enabled"}})),
    );
    assert_resource(
        &t,
        "AuditTrailLogsBucketPolicy",
        "AWS::S3::BucketPolicy",
        props(Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "AuditTrailLogsBucket"}))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        deny_insecure_transport("AuditTrailLogsBucket"),
                        {
                            "Sid": "AWSCloudTrailAclCheck",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:GetBucketAcl",
                            "Resource": get_att("AuditTrailLogsBucket", "Arn"),
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
                        },
                        {
                            "Sid": "AWSCloudTrailWrite",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": "${AuditTrailLogsBucket.Arn}/AWSLogs/${AWS::AccountId}/*"},
                            "Condition": {"StringEquals": {
                                "s3:x-amz-acl": "bucket-owner-full-control",
                                "aws:SourceArn": trail_arn()
                            }}
                        }
                    ])),
                )]),
            ),
        ])),
    );
    // The logs bucket holds only the trail's logs: no notification, no other grant.
    assert_resource(
        &t,
        "AuditTrailLogsBucket",
        "AWS::S3::Bucket",
        props(Match::obj([("NotificationConfiguration", Match::absent())])),
    );
}

#[test]
fn trail_depends_on_its_bucket_policy() {
    let t = template();
    t.has_resource("AWS::CloudTrail::Trail", json!({"DependsOn": ["AuditTrailLogsBucketPolicy"]}));
}

// ---------------------------------------------------------------------------
// Decisions in the program's doc comment

#[test]
fn decision_the_stack_is_deployed_to_us_east_1() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    assert_eq!(out.stack(NAME).expect("the stack").region.as_deref(), Some(REGION));
}

#[test]
fn decision_one_data_key_encrypts_bucket_table_secret_trail_and_function_environment() {
    let t = template();
    let key = data_key_arn();
    let users: Vec<(&str, &str)> = vec![
        (
            "TransactionBucket",
            concat!(
                "/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0",
                "/ServerSideEncryptionByDefault/KMSMasterKeyID"
            ),
        ),
        ("TransactionsTable", "/Properties/SSESpecification/KMSMasterKeyId"),
        ("ProcessorConfig", "/Properties/KmsKeyId"),
        ("AuditTrail", "/Properties/KMSKeyId"),
        ("TransactionProcessor", "/Properties/KmsKeyArn"),
    ];
    for (id, pointer) in users {
        assert_eq!(resource(&t, id).pointer(pointer), Some(&key), "{id} is encrypted with the data key");
    }
}

#[test]
fn decision_each_service_may_use_the_data_key_for_this_account_only() {
    let t = template();
    let key = resource(&t, "DataKey");
    for s in key["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap() {
        if s["Principal"].get("Service").is_some() {
            let condition = s["Condition"]["StringEquals"].as_object().expect("a StringEquals condition");
            assert!(
                condition.get("aws:SourceAccount") == Some(&json!({"Ref": "AWS::AccountId"}))
                    || condition.get("aws:SourceArn") == Some(&trail_arn()),
                "{s} is not limited to this account"
            );
        }
    }
}

#[test]
fn decision_synthesis_gives_no_deprecation_warning_for_python_3_12() {
    let out = reference::app().synth().expect("the reference app synthesizes");
    let ours: Vec<String> = out.warnings.iter().filter(|w| w.path.starts_with(NAME)).map(ToString::to_string).collect();
    assert!(!ours.iter().any(|w| w.contains("deprecated")), "{ours:?}");
}

// ---------------------------------------------------------------------------
// Snapshot, validators, handler syntax, determinism

#[test]
fn template_snapshot() {
    let json = template_json();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("transaction_pipeline_template", json);
    });
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    validators::assert_clean(&template_json(), NAME, &[REGION]);
}

#[test]
fn handler_is_valid_python() {
    let dir = std::env::temp_dir().join(format!("cfnkit-py-{NAME}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("index.py");
    std::fs::write(&file, transaction_pipeline::HANDLER_PY).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to check the handler's syntax and could not be run: {e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    assert_eq!(template_json(), template_json());
}

// ---------------------------------------------------------------------------
// Security group rules: every address range is the VPC's; the only other
// rules are the two gateway-endpoint prefix lists the doc comment explains.

#[test]
fn every_security_group_cidr_is_the_vpc_cidr_and_the_rest_are_the_two_endpoint_prefix_lists() {
    let t = template();
    let no_traffic = json!({
        "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all traffic",
        "FromPort": 252,
        "IpProtocol": "icmp",
        "ToPort": 86
    });
    let mut prefix_lists = Vec::new();
    for (id, r) in t.find_resources("AWS::EC2::SecurityGroup", json!({})) {
        for key in ["SecurityGroupIngress", "SecurityGroupEgress"] {
            for rule in r["Properties"][key].as_array().into_iter().flatten() {
                if rule == &no_traffic {
                    continue;
                }
                if let Some(pl) = rule.get("DestinationPrefixListId") {
                    assert_eq!(
                        (rule["IpProtocol"].as_str(), rule["FromPort"].as_i64()),
                        (Some("tcp"), Some(443)),
                        "{rule}"
                    );
                    prefix_lists.push((id.clone(), pl.clone()));
                } else {
                    assert_eq!(
                        rule.get("CidrIp"),
                        Some(&vpc_cidr()),
                        "{id}.{key}: {rule} is not scoped to the VPC CIDR"
                    );
                }
            }
        }
    }
    assert_eq!(
        prefix_lists,
        [
            ("ProcessorSecurityGroup".to_string(), json!({"Ref": "S3PrefixListId"})),
            ("ProcessorSecurityGroup".to_string(), json!({"Ref": "DynamoDbPrefixListId"})),
        ]
    );
}
