//! CloudTrail: data events, log file validation and its dedicated bucket.

use cfnkit::assertions::Match;
use serde_json::json;

use super::helpers::{assert_resource, data_key_arn, deny_insecure_transport, get_att, props, template, trail_arn};

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
                "DataResources": [{"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${TransactionDataBucket.Arn}/"}]}],
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
    t.has_resource_properties("AWS::CloudTrail::Trail", json!({"S3BucketName": {"Ref": "CloudTrailLogsBucket"}}));
    assert_resource(
        &t,
        "CloudTrailLogsBucket",
        "AWS::S3::Bucket",
        props(json!({"VersioningConfiguration": {"Status": "Enabled"}})),
    );
    assert_resource(
        &t,
        "CloudTrailLogsBucketPolicy",
        "AWS::S3::BucketPolicy",
        props(Match::obj([
            ("Bucket", Match::exact(json!({"Ref": "CloudTrailLogsBucket"}))),
            (
                "PolicyDocument",
                Match::obj([(
                    "Statement",
                    Match::exact(json!([
                        deny_insecure_transport("CloudTrailLogsBucket"),
                        {
                            "Sid": "AWSCloudTrailAclCheckAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:GetBucketAcl",
                            "Resource": get_att("CloudTrailLogsBucket", "Arn"),
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn()}}
                        },
                        {
                            "Sid": "AWSCloudTrailWriteAuditTrail",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": "${CloudTrailLogsBucket.Arn}/AWSLogs/${AWS::AccountId}/*"},
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
        "CloudTrailLogsBucket",
        "AWS::S3::Bucket",
        props(Match::obj([("NotificationConfiguration", Match::absent())])),
    );
}

#[test]
fn trail_depends_on_its_bucket_policy() {
    let t = template();
    t.has_resource("AWS::CloudTrail::Trail", json!({"DependsOn": ["CloudTrailLogsBucketPolicy"]}));
}
