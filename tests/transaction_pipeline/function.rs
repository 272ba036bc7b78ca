//! The Python Lambda: placement, code, log group and role.

use cfnkit::assertions::Match;
use cfnkit::reference::transaction_pipeline;
use serde_json::json;

use super::helpers::{
    actions, all_statements, assert_resource, bucket_arn_by_name, data_key_arn, get_att, props, template,
};

// ---------------------------------------------------------------------------
// Python Lambda

#[test]
fn processor_is_python_in_both_private_subnets_reading_its_table_and_secret_from_the_environment() {
    let t = template();
    t.resource_count_is("AWS::Lambda::Function", 1);
    assert_resource(
        &t,
        "TransactionProcessorFunction",
        "AWS::Lambda::Function",
        props(Match::obj([
            ("Runtime", Match::exact(json!("python3.12"))),
            ("Handler", Match::exact(json!("index.handler"))),
            ("Timeout", Match::exact(json!(60))),
            ("MemorySize", Match::exact(json!(512))),
            ("Role", Match::exact(get_att("TransactionProcessorFunctionServiceRole", "Arn"))),
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
                "TransactionProcessorFunctionServiceRoleDefaultPolicy",
                "TransactionProcessorFunctionServiceRoleVpcAccessPolicy"
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
        "TransactionProcessorFunctionLogGroup",
        "AWS::Logs::LogGroup",
        props(json!({
            "LogGroupName": {"Fn::Sub": "/aws/lambda/transaction-processor-${EnvironmentSuffix}"},
            "RetentionInDays": 90
        })),
    );
    // A key just for logs comes with the hardened profile (doc comment).
    assert_resource(
        &t,
        "TransactionProcessorFunctionLogGroup",
        "AWS::Logs::LogGroup",
        Match::obj([
            ("Properties", Match::obj([("KmsKeyId", Match::absent())])),
            (
                "Metadata",
                Match::exact(json!({"checkov": {"skip": [{
                    "id": "CKV_AWS_158",
                    "comment": cfnkit::core::conventions::Hardening::checkov(
                        "CKV_AWS_158",
                        "a customer managed key for the stack's log groups"
                    )
                    .reason()
                }]}})),
            ),
        ]),
    );
    t.has_resource_properties(
        "AWS::Lambda::Function",
        json!({"LoggingConfig": {"LogGroup": {"Ref": "TransactionProcessorFunctionLogGroup"}}}),
    );
}

#[test]
fn processor_role_grants_are_exactly_these_statements_scoped_to_the_key_table_secret_and_bucket() {
    let t = template();
    let data_key = data_key_arn();
    assert_resource(
        &t,
        "TransactionProcessorFunctionServiceRoleDefaultPolicy",
        "AWS::IAM::Policy",
        props(Match::obj([
            ("Roles", Match::exact(json!([{"Ref": "TransactionProcessorFunctionServiceRole"}]))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": get_att("TransactionProcessorFunctionLogGroup", "Arn")
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
