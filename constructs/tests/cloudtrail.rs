//! The CloudTrail trail: every default, the exact key and bucket policy
//! statements, the grant, and every validation error.

use cfnkit_constructs::cloudtrail::{ReadWrite, Trail};
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::logs::Retention;
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect_err("synthesis fails").diagnostics
}

fn has_error(errs: &[Diagnostic], problem: &str) -> bool {
    errs.iter().any(|d| d.problem.contains(problem))
}

fn default_trail() -> Value {
    template(|s| {
        Trail::new("Trail", "audit").add_to(s);
    })
}

fn statements(t: &Value, resource: &str, doc: &str) -> Vec<Value> {
    t["Resources"][resource]["Properties"][doc]["Statement"].as_array().expect("statements").clone()
}

fn with_sid(list: &[Value], sid: &str) -> Value {
    list.iter().find(|s| s["Sid"] == sid).cloned().unwrap_or_else(|| panic!("no statement {sid}"))
}

fn trail_arn() -> Value {
    json!({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/audit"})
}

// --- Defaults -----------------------------------------------------------

#[test]
fn trail_validates_log_files_and_is_logging_by_default() {
    let t = default_trail();
    let p = &t["Resources"]["Trail"]["Properties"];
    assert_eq!(t["Resources"]["Trail"]["Type"], "AWS::CloudTrail::Trail");
    assert_eq!(p["EnableLogFileValidation"], true);
    assert_eq!(p["IsLogging"], true);
    assert_eq!(p["TrailName"], "audit");
}

#[test]
fn trail_records_every_region_and_global_services_by_default() {
    let t = default_trail();
    let p = &t["Resources"]["Trail"]["Properties"];
    assert_eq!(p["IsMultiRegionTrail"], true);
    assert_eq!(p["IncludeGlobalServiceEvents"], true);
}

#[test]
fn trail_records_all_management_events_by_default() {
    let t = default_trail();
    assert_eq!(
        t["Resources"]["Trail"]["Properties"]["EventSelectors"],
        json!([{"IncludeManagementEvents": true, "ReadWriteType": "All"}])
    );
}

#[test]
fn trail_is_encrypted_with_a_rotating_key_of_its_own() {
    let t = default_trail();
    assert_eq!(t["Resources"]["Trail"]["Properties"]["KMSKeyId"], json!({"Fn::GetAtt": ["TrailKey", "Arn"]}));
    assert_eq!(t["Resources"]["TrailKey"]["Type"], "AWS::KMS::Key");
    assert_eq!(t["Resources"]["TrailKey"]["Properties"]["EnableKeyRotation"], true);
}

#[test]
fn trail_key_lets_cloudtrail_generate_data_keys_for_this_trail_only() {
    let t = default_trail();
    let s = with_sid(&statements(&t, "TrailKey", "KeyPolicy"), "AllowCloudTrailToEncryptLogs");
    assert_eq!(
        s,
        json!({
            "Sid": "AllowCloudTrailToEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail_arn()},
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": {"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"}
                }
            }
        })
    );
}

#[test]
fn trail_key_lets_cloudtrail_describe_it_for_this_trail_only() {
    let t = default_trail();
    let s = with_sid(&statements(&t, "TrailKey", "KeyPolicy"), "AllowCloudTrailToDescribeKey");
    assert_eq!(
        s,
        json!({
            "Sid": "AllowCloudTrailToDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
        })
    );
}

#[test]
fn trail_key_has_no_wildcard_principal() {
    let t = default_trail();
    for s in statements(&t, "TrailKey", "KeyPolicy") {
        assert_ne!(s["Principal"], json!("*"));
        assert_ne!(s["Principal"], json!({"AWS": "*"}));
    }
}

#[test]
fn trail_writes_to_a_dedicated_secure_bucket() {
    let t = default_trail();
    assert_eq!(t["Resources"]["Trail"]["Properties"]["S3BucketName"], json!({"Ref": "TrailLogsBucket"}));
    let b = &t["Resources"]["TrailLogsBucket"]["Properties"];
    assert_eq!(b["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(b["PublicAccessBlockConfiguration"]["BlockPublicPolicy"], true);
    assert!(t["Resources"].get("AccessLogsBucket").is_none(), "access logs come with the hardened profile");
}

#[test]
fn trail_bucket_policy_lets_cloudtrail_check_the_acl_for_this_trail_only() {
    let t = default_trail();
    let s = with_sid(&statements(&t, "TrailLogsBucketPolicy", "PolicyDocument"), "AWSCloudTrailAclCheck");
    assert_eq!(
        s,
        json!({
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": {"Fn::GetAtt": ["TrailLogsBucket", "Arn"]},
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
        })
    );
}

#[test]
fn trail_bucket_policy_lets_cloudtrail_write_the_account_logs_owned_by_the_bucket_owner() {
    let t = default_trail();
    let s = with_sid(&statements(&t, "TrailLogsBucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite");
    assert_eq!(
        s,
        json!({
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "${TrailLogsBucket.Arn}/AWSLogs/${AWS::AccountId}/*"},
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn()}}
        })
    );
}

#[test]
fn trail_waits_for_its_bucket_policy() {
    let t = default_trail();
    assert_eq!(t["Resources"]["Trail"]["DependsOn"], json!(["TrailLogsBucketPolicy"]));
}

#[test]
fn trail_arn_in_policies_follows_a_suffixed_name() {
    let t = template(|s| {
        let name = s.conventions(Conventions::tap("audit")).suffix().name("audit-trail");
        Trail::new("Trail", name).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Trail"]["Properties"]["TrailName"],
        json!({"Fn::Sub": "audit-trail-${EnvironmentSuffix}"})
    );
    let s = with_sid(&statements(&t, "TrailLogsBucketPolicy", "PolicyDocument"), "AWSCloudTrailAclCheck");
    assert_eq!(
        s["Condition"]["StringEquals"]["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/audit-trail-${EnvironmentSuffix}"})
    );
}

#[test]
fn cloudwatch_logs_delivery_is_off_by_default() {
    let t = default_trail();
    assert!(t["Resources"]["Trail"]["Properties"].get("CloudWatchLogsLogGroupArn").is_none());
    assert!(t["Resources"].get("TrailLogGroup").is_none());
}

#[test]
fn trail_retains_by_default_and_follows_the_stack_conventions() {
    let t = default_trail();
    for id in ["Trail", "TrailKey", "TrailLogsBucket"] {
        assert_eq!(t["Resources"][id]["DeletionPolicy"], "Retain", "{id}");
    }
    let tap = template(|s| {
        s.conventions(Conventions::tap("audit"));
        Trail::new("Trail", "audit").add_to(s);
    });
    for id in ["Trail", "TrailKey", "TrailLogsBucket"] {
        assert_eq!(tap["Resources"][id]["DeletionPolicy"], "Delete", "{id}");
    }
    let explicit = template(|s| {
        s.conventions(Conventions::tap("audit"));
        Trail::new("Trail", "audit").removal_policy(RemovalPolicy::Retain).add_to(s);
    });
    assert_eq!(explicit["Resources"]["Trail"]["UpdateReplacePolicy"], "Retain");
    assert_eq!(explicit["Resources"]["TrailLogsBucket"]["DeletionPolicy"], "Retain");
}

// --- Options ------------------------------------------------------------

#[test]
fn a_given_key_is_used_and_gets_the_cloudtrail_statements() {
    let t = template(|s| {
        let key = Key::new("DataKey").add_to(s);
        Trail::new("Trail", "audit").encryption_key(key).add_to(s);
    });
    assert!(t["Resources"].get("TrailKey").is_none());
    assert_eq!(t["Resources"]["Trail"]["Properties"]["KMSKeyId"], json!({"Fn::GetAtt": ["DataKey", "Arn"]}));
    let list = statements(&t, "DataKey", "KeyPolicy");
    assert_eq!(with_sid(&list, "AllowCloudTrailToEncryptLogsTrail")["Action"], "kms:GenerateDataKey");
    assert_eq!(
        with_sid(&list, "AllowCloudTrailToDescribeKeyTrail")["Condition"],
        json!({"StringEquals": {"aws:SourceArn": trail_arn()}})
    );
}

#[test]
fn a_given_bucket_gets_the_cloudtrail_statements_under_the_key_prefix() {
    let t = template(|s| {
        let logs = Bucket::new("AuditLogs").add_to(s);
        Trail::new("Trail", "audit").bucket(logs).key_prefix("trails/").add_to(s);
    });
    assert!(t["Resources"].get("TrailLogsBucket").is_none());
    let p = &t["Resources"]["Trail"];
    assert_eq!(p["Properties"]["S3BucketName"], json!({"Ref": "AuditLogs"}));
    assert_eq!(p["Properties"]["S3KeyPrefix"], "trails");
    assert_eq!(p["DependsOn"], json!(["AuditLogsPolicy"]));
    let list = statements(&t, "AuditLogsPolicy", "PolicyDocument");
    assert_eq!(
        with_sid(&list, "AWSCloudTrailWriteTrail")["Resource"],
        json!({"Fn::Sub": "${AuditLogs.Arn}/trails/AWSLogs/${AWS::AccountId}/*"})
    );
    assert_eq!(with_sid(&list, "AWSCloudTrailAclCheckTrail")["Action"], "s3:GetBucketAcl");
}

#[test]
fn s3_data_events_select_every_object_of_the_bucket() {
    let t = template(|s| {
        let data = Bucket::new("Data").add_to(s);
        Trail::new("Trail", "audit").s3_data_events(data, ReadWrite::All).add_to(s);
    });
    assert_eq!(
        t["Resources"]["Trail"]["Properties"]["EventSelectors"],
        json!([{
            "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${Data.Arn}/"}]}],
            "IncludeManagementEvents": true,
            "ReadWriteType": "All"
        }])
    );
}

#[test]
fn data_events_of_another_kind_get_a_selector_of_their_own() {
    let t = template(|s| {
        let a = Bucket::new("A").add_to(s);
        let b = Bucket::new("B").add_to(s);
        Trail::new("Trail", "audit")
            .management_events(ReadWrite::WriteOnly)
            .s3_data_events(a, ReadWrite::ReadOnly)
            .s3_data_events(b, ReadWrite::WriteOnly)
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["Trail"]["Properties"]["EventSelectors"],
        json!([
            {
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${B.Arn}/"}]}],
                "IncludeManagementEvents": true,
                "ReadWriteType": "WriteOnly"
            },
            {
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${A.Arn}/"}]}],
                "IncludeManagementEvents": false,
                "ReadWriteType": "ReadOnly"
            }
        ])
    );
}

#[test]
fn a_trail_may_record_data_events_only() {
    let t = template(|s| {
        let data = Bucket::new("Data").add_to(s);
        Trail::new("Trail", "audit").without_management_events().s3_data_events(data, ReadWrite::WriteOnly).add_to(s);
    });
    let sel = &t["Resources"]["Trail"]["Properties"]["EventSelectors"];
    assert_eq!(sel.as_array().unwrap().len(), 1);
    assert_eq!(sel[0]["IncludeManagementEvents"], false);
}

#[test]
fn a_single_region_trail_may_leave_out_global_service_events() {
    let t = template(|s| {
        Trail::new("Trail", "audit").single_region().without_global_service_events().add_to(s);
    });
    let p = &t["Resources"]["Trail"]["Properties"];
    assert_eq!(p["IsMultiRegionTrail"], false);
    assert_eq!(p["IncludeGlobalServiceEvents"], false);
}

#[test]
fn cloudwatch_logs_delivery_uses_an_encrypted_group_and_a_role_scoped_to_it() {
    let t = template(|s| {
        Trail::new("Trail", "audit").send_to_cloudwatch_logs(Retention::OneYear).add_to(s);
    });
    let p = &t["Resources"]["Trail"]["Properties"];
    assert_eq!(p["CloudWatchLogsLogGroupArn"], json!({"Fn::GetAtt": ["TrailLogGroup", "Arn"]}));
    assert_eq!(p["CloudWatchLogsRoleArn"], json!({"Fn::GetAtt": ["TrailLogsRole", "Arn"]}));
    let g = &t["Resources"]["TrailLogGroup"]["Properties"];
    assert_eq!(g["RetentionInDays"], 365);
    assert_eq!(g["KmsKeyId"], json!({"Fn::GetAtt": ["TrailKey", "Arn"]}));
    assert_eq!(
        t["Resources"]["TrailLogsRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "cloudtrail.amazonaws.com"})
    );
    assert_eq!(
        statements(&t, "TrailLogsRoleDefaultPolicy", "PolicyDocument"),
        vec![json!({
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": ["TrailLogGroup", "Arn"]}
        })]
    );
    let logs = with_sid(&statements(&t, "TrailKey", "KeyPolicy"), "AllowCloudWatchLogsForTrail");
    assert_eq!(logs["Principal"], json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}));
}

#[test]
fn trail_waits_for_its_logs_role_policy() {
    let t = template(|s| {
        Trail::new("Trail", "audit").send_to_cloudwatch_logs(Retention::OneYear).add_to(s);
    });
    assert_eq!(t["Resources"]["Trail"]["DependsOn"], json!(["TrailLogsBucketPolicy", "TrailLogsRoleDefaultPolicy"]));
}

#[test]
fn grant_read_logs_lets_the_grantee_read_and_decrypt_the_log_files_only() {
    let t = template(|s| {
        let trail = Trail::new("Trail", "audit").add_to(s);
        let auditor = Role::new("Auditor", Principal::account_root()).add_to(s);
        trail.grant_read_logs(s, &auditor);
    });
    assert_eq!(
        statements(&t, "AuditorDefaultPolicy", "PolicyDocument"),
        vec![
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${TrailLogsBucket.Arn}/*"}}),
            json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": ["TrailLogsBucket", "Arn"]}}),
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": ["TrailKey", "Arn"]}}),
        ]
    );
}

#[test]
fn trail_ref_gives_its_name_and_arn() {
    let mut app = App::new();
    let stack = app.stack("test");
    let trail = Trail::new("Trail", "audit").add_to(stack);
    stack.output("Name", trail.name());
    stack.output("Arn", trail.arn());
    stack.output("Bucket", trail.logs_bucket().name());
    stack.output("Key", trail.key().arn());
    assert!(trail.log_group().is_none());
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(t["Outputs"]["Name"]["Value"], json!({"Ref": "Trail"}));
    assert_eq!(t["Outputs"]["Arn"]["Value"], json!({"Fn::GetAtt": ["Trail", "Arn"]}));
    assert_eq!(t["Outputs"]["Bucket"]["Value"], json!({"Ref": "TrailLogsBucket"}));
    assert_eq!(t["Outputs"]["Key"]["Value"], json!({"Fn::GetAtt": ["TrailKey", "Arn"]}));
}

// --- Validation ---------------------------------------------------------

#[test]
fn an_invalid_trail_name_is_reported() {
    for name in ["ab", "-audit", "audit--trail", "audit trail", "192.168.0.1", &"a".repeat(129)] {
        let errs = errors(|s| {
            Trail::new("Trail", name).add_to(s);
        });
        assert!(errs.iter().any(|d| d.property.as_deref() == Some("TrailName")), "{name}: {errs:?}");
        assert_eq!(errs[0].path, "test/Trail/Resource");
    }
}

#[test]
fn a_multi_region_trail_without_global_service_events_is_reported() {
    let errs = errors(|s| {
        Trail::new("Trail", "audit").without_global_service_events().add_to(s);
    });
    assert!(has_error(&errs, "must include global service events"));
}

#[test]
fn a_trail_recording_nothing_is_reported() {
    let errs = errors(|s| {
        Trail::new("Trail", "audit").without_management_events().add_to(s);
    });
    assert!(has_error(&errs, "records no event"));
}

#[test]
fn a_key_prefix_over_200_characters_is_reported() {
    let errs = errors(|s| {
        Trail::new("Trail", "audit").key_prefix(&"p".repeat(201)).add_to(s);
    });
    assert!(has_error(&errs, "S3 key prefix too long"));
}

#[test]
fn every_trail_problem_is_reported_at_once() {
    let errs = errors(|s| {
        Trail::new("Trail", "a..b").without_global_service_events().without_management_events().add_to(s);
    });
    assert!(has_error(&errs, "invalid trail name"), "{errs:?}");
    assert!(has_error(&errs, "must include global service events"));
    assert!(has_error(&errs, "records no event"));
}

#[test]
fn a_key_of_another_stack_gets_the_trail_statements_in_its_own_stack() {
    let mut app = App::new();
    let key = Key::new("Key").add_to(app.stack("keys"));
    Trail::new("Trail", "audit").encryption_key(key).add_to(app.stack("audit"));
    let out = app.synth().expect("synthesizes");
    assert!(!out.warnings.iter().any(|w| w.problem.contains("the trail's key belongs to another stack")));
    let policy = &out.stack("keys").expect("keys stack").template["Resources"]["Key"]["Properties"]["KeyPolicy"];
    let statements = policy["Statement"].as_array().expect("statements");
    assert!(
        statements.iter().any(|s| s["Principal"]["Service"] == "cloudtrail.amazonaws.com"),
        "the key's own stack lets CloudTrail use it: {policy}"
    );
}
