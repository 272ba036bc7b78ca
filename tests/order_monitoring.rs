//! The order-monitoring reference stack against spec section 1, line by
//! line, plus its snapshot, cfn-lint, checkov and the handler's syntax.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::reference;
use serde_json::{json, Value};

fn template() -> Value {
    let out = reference::app().synth().expect("order-monitoring synthesizes");
    out.stack("order-monitoring").expect("stack").template.clone()
}

fn resources_of<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).collect()
}

fn one<'a>(t: &'a Value, ty: &str) -> &'a Value {
    let all = resources_of(t, ty);
    assert_eq!(all.len(), 1, "expected exactly one {ty}");
    all[0].1
}

fn statements(t: &Value) -> Vec<Value> {
    let policy = one(t, "AWS::IAM::Policy");
    policy["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

fn statement_with(t: &Value, action: &str) -> Value {
    statements(t)
        .into_iter()
        .find(|s| s["Action"] == json!(action) || s["Action"].as_array().is_some_and(|a| a.contains(&json!(action))))
        .unwrap_or_else(|| panic!("no statement allows {action}"))
}

#[test]
fn table_matches_the_spec() {
    let t = template();
    let table = &one(&t, "AWS::DynamoDB::Table")["Properties"];
    assert_eq!(table["TableName"], json!({"Fn::Sub": "orders-${EnvironmentSuffix}"}));
    assert_eq!(
        table["KeySchema"],
        json!([{"AttributeName": "orderId", "KeyType": "HASH"}, {"AttributeName": "timestamp", "KeyType": "RANGE"}])
    );
    assert_eq!(
        table["AttributeDefinitions"],
        json!([
            {"AttributeName": "orderId", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"}
        ])
    );
    let gsis = table["GlobalSecondaryIndexes"].as_array().unwrap();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0]["IndexName"], "status-timestamp-index");
    assert_eq!(
        gsis[0]["KeySchema"],
        json!([{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "timestamp", "KeyType": "RANGE"}])
    );
    assert_eq!(gsis[0]["Projection"], json!({"ProjectionType": "ALL"}));
    assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true);
    assert_eq!(table["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
    assert_eq!(table["DeletionProtectionEnabled"], false);
    assert_eq!(table["SSESpecification"]["SSEEnabled"], true);
}

#[test]
fn audit_bucket_matches_the_spec() {
    let t = template();
    let b = &t["Resources"]["AuditBucket"];
    assert_eq!(b["Type"], "AWS::S3::Bucket");
    let p = &b["Properties"];
    assert_eq!(p["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    let rule = &p["LifecycleConfiguration"]["Rules"][0];
    assert_eq!(rule["Id"], "TransitionToGlacier");
    assert_eq!(rule["Status"], "Enabled");
    assert_eq!(rule["Transitions"], json!([{"StorageClass": "GLACIER", "TransitionInDays": 90}]));
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(b["DeletionPolicy"], "Delete");
    assert_eq!(b["UpdateReplacePolicy"], "Delete");
    let policy = &t["Resources"]["AuditBucketPolicy"]["Properties"];
    assert_eq!(policy["Bucket"], json!({"Ref": "AuditBucket"}));
    let deny = &policy["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
}

#[test]
fn topic_is_suffixed_and_encrypted_with_the_aws_managed_key() {
    let t = template();
    let topic = &one(&t, "AWS::SNS::Topic")["Properties"];
    assert_eq!(topic["TopicName"], json!({"Fn::Sub": "order-alerts-${EnvironmentSuffix}"}));
    assert_eq!(topic["KmsMasterKeyId"], "alias/aws/sns");
    let policy = &one(&t, "AWS::SNS::TopicPolicy")["Properties"];
    assert_eq!(policy["PolicyDocument"]["Statement"][0]["Action"], "sns:Publish");
    assert_eq!(policy["PolicyDocument"]["Statement"][0]["Effect"], "Deny");
}

#[test]
fn function_matches_the_spec() {
    let t = template();
    let f = &one(&t, "AWS::Lambda::Function")["Properties"];
    assert_eq!(f["Runtime"], "nodejs20.x");
    assert_eq!(f["Timeout"], 60);
    assert_eq!(f["MemorySize"], 256);
    assert_eq!(f["Handler"], "index.handler");
    let code = f["Code"]["ZipFile"].as_str().unwrap();
    assert!(code.contains("@aws-sdk/client-s3") && code.contains("@aws-sdk/client-sns"), "AWS SDK v3");
    assert!(code.contains("orders/${orderId}/${timestamp}.json"));
    assert!(code.contains("status === 'FAILED'"));
    assert!(code.contains("try {") && code.contains("catch (err)") && code.contains("console.error"));
    assert_eq!(f["Environment"]["Variables"]["AUDIT_BUCKET_NAME"], json!({"Ref": "AuditBucket"}));
    assert_eq!(f["Environment"]["Variables"]["SNS_TOPIC_ARN"], json!({"Ref": "AlertTopic"}));
    assert_eq!(f["Role"], json!({"Fn::GetAtt": ["AuditFunctionServiceRole", "Arn"]}));
    assert_eq!(f["LoggingConfig"]["LogGroup"], json!({"Ref": "AuditFunctionLogGroup"}));
    let esm = &one(&t, "AWS::Lambda::EventSourceMapping")["Properties"];
    assert_eq!(esm["EventSourceArn"], json!({"Fn::GetAtt": ["OrdersTable", "StreamArn"]}));
    assert_eq!(esm["FunctionName"], json!({"Ref": "AuditFunction"}));
    assert_eq!(esm["StartingPosition"], "TRIM_HORIZON");
    let lg = &one(&t, "AWS::Logs::LogGroup")["Properties"];
    assert_eq!(lg["RetentionInDays"], 30);
    assert_eq!(lg["LogGroupName"], json!({"Fn::Sub": "/aws/lambda/order-audit-${EnvironmentSuffix}"}));
}

#[test]
fn role_is_least_privilege() {
    let t = template();
    let role = &one(&t, "AWS::IAM::Role")["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"],
        json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])
    );
    let stream = statement_with(&t, "dynamodb:GetRecords");
    assert_eq!(
        stream["Action"],
        json!(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"])
    );
    assert_eq!(stream["Resource"], json!({"Fn::GetAtt": ["OrdersTable", "StreamArn"]}));
    let put = statement_with(&t, "s3:PutObject");
    assert_eq!(put["Action"], "s3:PutObject");
    assert_eq!(put["Resource"], json!({"Fn::Sub": "${AuditBucket.Arn}/*"}));
    let publish = statement_with(&t, "sns:Publish");
    assert_eq!(publish["Resource"], json!({"Ref": "AlertTopic"}));
    let logs = statement_with(&t, "logs:PutLogEvents");
    assert_eq!(logs["Resource"], json!({"Fn::GetAtt": ["AuditFunctionLogGroup", "Arn"]}));
    for s in statements(&t) {
        assert_ne!(s["Resource"], "*", "no wildcard resource: {s}");
        let actions: Vec<Value> = match &s["Action"] {
            Value::Array(a) => a.clone(),
            a => vec![a.clone()],
        };
        assert!(actions.iter().all(|a| !a.as_str().unwrap().contains('*')), "no wildcard action: {s}");
    }
    assert_eq!(statements(&t).len(), 4, "exactly the four grants");
}

#[test]
fn error_rate_alarm_matches_the_spec() {
    let t = template();
    let a = &one(&t, "AWS::CloudWatch::Alarm")["Properties"];
    let metrics = a["Metrics"].as_array().unwrap();
    assert_eq!(metrics[0]["Expression"], "(errors / invocations) * 100");
    assert_eq!(metrics[0]["ReturnData"], true);
    for (i, name) in [(1, "Errors"), (2, "Invocations")] {
        let stat = &metrics[i]["MetricStat"];
        assert_eq!(stat["Metric"]["MetricName"], name);
        assert_eq!(stat["Metric"]["Namespace"], "AWS/Lambda");
        assert_eq!(stat["Metric"]["Dimensions"], json!([{"Name": "FunctionName", "Value": {"Ref": "AuditFunction"}}]));
        assert_eq!(stat["Stat"], "Sum");
        assert_eq!(stat["Period"], 300);
        assert_eq!(metrics[i]["ReturnData"], false);
    }
    assert_eq!(a["ComparisonOperator"], "GreaterThanThreshold");
    assert_eq!(a["Threshold"], 5);
    assert_eq!(a["EvaluationPeriods"], 1);
    assert_eq!(a["TreatMissingData"], "notBreaching");
    assert_eq!(a["AlarmActions"], json!([{"Ref": "AlertTopic"}]));
}

#[test]
fn tap_conventions_hold_everywhere() {
    let t = template();
    let p = &t["Parameters"]["EnvironmentSuffix"];
    assert_eq!(p["Type"], "String");
    assert_eq!(p["Default"], "dev");
    assert_eq!(p["AllowedPattern"], "^[a-z0-9-]+$");
    let text = serde_json::to_string(&t).unwrap();
    for literal in ["arn:aws:", "ap-southeast-1", "123456789012"] {
        assert!(!text.contains(literal), "hard-coded {literal}");
    }
    for (id, r) in t["Resources"].as_object().unwrap() {
        let ty = r["Type"].as_str().unwrap();
        let untaggable = ["AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::IAM::Policy", "AWS::KMS::Alias"];
        if !untaggable.contains(&ty) {
            let tags = r["Properties"]["Tags"].as_array().unwrap_or_else(|| panic!("{id} has no tags"));
            assert!(tags.contains(&json!({"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}})), "{id}");
            assert!(tags.contains(&json!({"Key": "Purpose", "Value": "order-processing-monitoring"})), "{id}");
        }
        if let Some(d) = r.get("DeletionPolicy") {
            assert_eq!(d, "Delete", "{id} is destroyable");
            assert_eq!(r["UpdateReplacePolicy"], "Delete", "{id}");
        }
    }
    for (id, o) in t["Outputs"].as_object().unwrap() {
        assert!(o["Description"].is_string(), "{id} has a description");
        assert_eq!(o["Export"]["Name"], json!({"Fn::Sub": format!("${{AWS::StackName}}-{id}")}));
    }
}

#[test]
fn template_snapshot() {
    let out = reference::app().synth().unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("order_monitoring_template", out.stack("order-monitoring").unwrap().json);
    });
}

#[test]
fn synthesis_is_byte_identical_across_runs() {
    let a = reference::app().synth().unwrap();
    let b = reference::app().synth().unwrap();
    assert_eq!(a.stacks[0].json, b.stacks[0].json);
}

#[test]
fn handler_is_valid_javascript() {
    let dir = std::env::temp_dir().join(format!("cfnkit-js-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("order_monitoring.js");
    std::fs::write(&file, reference::order_monitoring::HANDLER_JS).unwrap();
    let out = std::process::Command::new("node")
        .arg("--check")
        .arg(&file)
        .output()
        .expect("node is needed to check the handler's syntax");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cfn_lint_and_checkov_report_nothing() {
    let out = reference::app().synth().unwrap();
    validators::assert_clean(&out.stack("order-monitoring").unwrap().json, "order-monitoring", &["ap-southeast-1"]);
}

#[test]
fn deprecated_runtime_gives_a_warning_and_an_acknowledgement() {
    let out = reference::app().synth().unwrap();
    assert!(out.warnings.iter().any(|w| w.to_string().contains("runtime nodejs20.x is deprecated since 2026-04-30")));
    let t = &out.stacks[0].template;
    assert_eq!(t["Resources"]["AuditFunction"]["Metadata"]["cfn-lint"]["config"]["ignore_checks"], json!(["W2531"]));
    assert!(t["Resources"]["AuditFunction"]["Metadata"]["cfnkit:acknowledgements"]["W2531"].is_string());
}
