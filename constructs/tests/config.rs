//! AWS Config: the recorder, its delivery channel, bucket policy and role,
//! the creation order of managed rules, and the errors.

use cfnkit_constructs::config::{ConfigurationRecorder, Frequency, ManagedRule};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::tree::{App, Stack};
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

fn statement(t: &Value, resource: &str, doc: &str, sid: &str) -> Value {
    t["Resources"][resource]["Properties"][doc]["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["Sid"] == sid)
        .cloned()
        .unwrap_or_else(|| panic!("no statement {sid}"))
}

#[test]
fn recorder_records_everything_continuously_with_its_own_role() {
    let t = template(|s| {
        ConfigurationRecorder::new("Config").add_to(s);
    });
    let p = &t["Resources"]["Config"]["Properties"];
    assert_eq!(p["RecordingGroup"], json!({"AllSupported": true, "IncludeGlobalResourceTypes": true}));
    assert_eq!(p["RecordingMode"], json!({"RecordingFrequency": "CONTINUOUS"}));
    assert_eq!(p["RoleARN"], json!({"Fn::GetAtt": ["ConfigRole", "Arn"]}));
    assert_eq!(
        t["Resources"]["ConfigRole"]["Properties"]["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole"}])
    );
}

#[test]
fn delivery_channel_waits_for_the_bucket_policy_and_the_role_policy() {
    let t = template(|s| {
        ConfigurationRecorder::new("Config").snapshot_frequency(Frequency::OneHour).add_to(s);
    });
    let c = &t["Resources"]["ConfigDeliveryChannel"];
    assert_eq!(c["Properties"]["S3BucketName"], json!({"Ref": "ConfigBucket"}));
    assert_eq!(c["Properties"]["ConfigSnapshotDeliveryProperties"], json!({"DeliveryFrequency": "One_Hour"}));
    assert_eq!(c["DependsOn"], json!(["ConfigBucketPolicy", "ConfigRoleDefaultPolicy"]));
}

#[test]
fn bucket_policy_admits_config_for_this_account_only() {
    let t = template(|s| {
        ConfigurationRecorder::new("Config").add_to(s);
    });
    let check = statement(&t, "ConfigBucketPolicy", "PolicyDocument", "AWSConfigBucketPermissionsCheck");
    assert_eq!(check["Action"], json!(["s3:GetBucketAcl", "s3:ListBucket"]));
    assert_eq!(check["Condition"], json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}));
    let put = statement(&t, "ConfigBucketPolicy", "PolicyDocument", "AWSConfigBucketDelivery");
    assert_eq!(put["Resource"], json!({"Fn::Sub": "${ConfigBucket.Arn}/AWSLogs/${AWS::AccountId}/Config/*"}));
    assert_eq!(put["Condition"]["StringEquals"]["s3:x-amz-acl"], "bucket-owner-full-control");
}

#[test]
fn a_bucket_with_a_customer_key_gets_the_key_on_the_channel_and_the_role() {
    let t = template(|s| {
        let key = Key::new("AuditKey").add_to(s);
        let bucket = Bucket::new("Audit").encryption(key).add_to(s);
        ConfigurationRecorder::new("Config").bucket(bucket).add_to(s);
    });
    assert!(t["Resources"].get("ConfigBucket").is_none());
    assert_eq!(
        t["Resources"]["ConfigDeliveryChannel"]["Properties"]["S3KmsKeyArn"],
        json!({"Fn::GetAtt": ["AuditKey", "Arn"]})
    );
    let statements = t["Resources"]["ConfigRoleDefaultPolicy"]["Properties"]["PolicyDocument"]["Statement"].clone();
    assert!(statements
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["Action"] == json!(["kms:GenerateDataKey", "kms:Decrypt"])));
}

#[test]
fn managed_rules_wait_for_the_recorder_and_its_channel() {
    let t = template(|s| {
        let rec = ConfigurationRecorder::new("Config").add_to(s);
        ManagedRule::new("Versioning", rec, "S3_BUCKET_VERSIONING_ENABLED")
            .resource_types(["AWS::S3::Bucket"])
            .add_to(s);
        ManagedRule::new("Tagged", rec, "EBS_OPTIMIZED_INSTANCE").tagged("team", Some("web")).add_to(s);
        ManagedRule::new("Keys", rec, "ACCESS_KEYS_ROTATED")
            .parameter("maxAccessKeyAge", "90")
            .periodic(Frequency::TwentyFourHours)
            .add_to(s);
    });
    let r = &t["Resources"]["Versioning"];
    assert_eq!(r["DependsOn"], json!(["Config", "ConfigDeliveryChannel"]));
    assert_eq!(r["Properties"]["Source"], json!({"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}));
    assert_eq!(r["Properties"]["Scope"], json!({"ComplianceResourceTypes": ["AWS::S3::Bucket"]}));
    assert_eq!(t["Resources"]["Tagged"]["Properties"]["Scope"], json!({"TagKey": "team", "TagValue": "web"}));
    let k = &t["Resources"]["Keys"]["Properties"];
    assert_eq!(k["InputParameters"], json!({"maxAccessKeyAge": "90"}));
    assert_eq!(k["MaximumExecutionFrequency"], "TwentyFour_Hours");
}

#[test]
fn a_rule_in_another_stack_deploys_after_the_recorder() {
    let mut app = App::new();
    let rec = ConfigurationRecorder::new("Config").add_to(app.stack("recorder"));
    ManagedRule::new("Versioning", rec, "S3_BUCKET_VERSIONING_ENABLED").add_to(app.stack("rules"));
    let out = app.synth().expect("synthesizes");
    let rules = out.stacks.iter().find(|s| s.name == "rules").expect("rules stack");
    assert!(rules.template["Resources"]["Versioning"].get("DependsOn").is_none());
    assert_eq!(rules.dependencies, ["recorder"]);
}

#[test]
fn errors_are_reported() {
    let mut app = App::new();
    let stack = app.stack("test");
    let rec = ConfigurationRecorder::new("Config").add_to(stack);
    ConfigurationRecorder::new("Second").add_to(stack);
    ManagedRule::new("Bad", rec, "s3-bucket-versioning").add_to(stack);
    ManagedRule::new("Both", rec, "X").resource_types(["AWS::S3::Bucket"]).tagged("a", None).add_to(stack);
    let errs = app.synth().expect_err("fails").diagnostics;
    for problem in ["one Config recorder", "invalid managed rule identifier", "not both"] {
        assert!(errs.iter().any(|d| d.problem.contains(problem)), "{problem}: {errs:?}");
    }
}
