//! VPC flow logs, as the stack's security profile says or as asked: to a
//! CloudWatch Logs group through a role scoped to that group, or to an S3
//! bucket.

use cfnkit_core::conventions::{Hardening, SecurityProfile};
use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Pseudo, Value};
use cfnkit_core::tree::{Ack, NodeId, Stack};
use cfnkit_l1::ec2 as l1;
use cfnkit_l1::iam as iam_l1;
use cfnkit_l1::prelude::*;

use crate::arn;
use crate::iam::{PolicyDocument, PolicyStatement, Principal, RoleRef};
use crate::kms::{self, KeyRef};
use crate::logs::{LogGroup, Retention};
use crate::s3::BucketRef;

/// Where flow logs go.
#[derive(Clone, Debug, PartialEq, Default)]
pub(super) enum Destination {
    /// As the stack's security profile says (the default): a CloudWatch
    /// Logs group under the hardened profile; none under the default one,
    /// with checkov's CKV2_AWS_11 acknowledged.
    #[default]
    Profile,
    /// A CloudWatch Logs group created for them.
    CloudWatchLogs,
    /// An existing bucket.
    Bucket(BucketRef),
    /// None, with the reason.
    Off(String),
}

/// A VPC's flow-log settings.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct FlowLogs {
    pub(super) destination: Destination,
    pub(super) retention: Retention,
    pub(super) key: Option<KeyRef>,
}

impl Default for FlowLogs {
    fn default() -> Self {
        FlowLogs { destination: Destination::Profile, retention: Retention::OneYear, key: None }
    }
}

/// The service that delivers flow logs to CloudWatch Logs (it assumes the role).
const FLOW_LOGS_SERVICE: &str = "vpc-flow-logs.amazonaws.com";
/// The service that delivers flow logs to S3 (it writes under the bucket policy).
const DELIVERY_SERVICE: &str = "delivery.logs.amazonaws.com";

/// Adds the flow log of `vpc` (and what it needs) under `<vpc scope>/FlowLogs`.
pub(super) fn add(stack: &mut Stack, vpc_scope: NodeId, vpc: Handle<l1::VPC>, cfg: &FlowLogs) {
    let flow = l1::FlowLog::new(Value::from(vpc.reference()), "VPC").traffic_type("ALL");
    let hardened = stack.security_profile() == SecurityProfile::Hardened;
    match &cfg.destination {
        Destination::Profile if !hardened => {
            stack.defer_to_hardened(vpc.id(), Hardening::checkov("CKV2_AWS_11", "VPC flow logs"));
        }
        Destination::Off(reason) => {
            stack.acknowledge(vpc.id(), Ack::Checkov { id: "CKV2_AWS_11".into(), reason: reason.clone() });
        }
        Destination::Bucket(bucket) => {
            let scope = stack.within(vpc_scope, |s| s.construct("FlowLogs"));
            let flow = flow.log_destination_type("s3").log_destination(Value::from(bucket.arn()));
            let handle = stack.within(scope, |s| s.add("Resource", flow));
            allow_delivery_to_bucket(stack, *bucket);
            if let Some(p) = bucket.policy() {
                // The delivery service checks the bucket policy when the flow log is created.
                stack.add_dependency(handle.id(), p.id());
            }
        }
        Destination::CloudWatchLogs | Destination::Profile => {
            let scope = stack.within(vpc_scope, |s| s.construct("FlowLogs"));
            let mut group = LogGroup::new("LogGroup", cfg.retention);
            if let Some(k) = cfg.key {
                allow_logs_to_use_key(stack, k);
                group = group.encryption_key(k.arn());
            }
            // Without a given key the group follows the profile (the stack's log key when hardened).
            let group = stack.within(scope, |s| group.add_to(s));
            let role_scope = stack.within(scope, |s| s.construct("Role"));
            let role = stack.within(role_scope, |s| s.add("Resource", flow_logs_role()));
            let flow = flow
                .log_destination_type("cloud-watch-logs")
                .log_group_name(Value::from(group.name()))
                .deliver_logs_permission_arn(Value::from(role.attr_arn()));
            let handle = stack.within(scope, |s| s.add("Resource", flow));
            // Scoped to the one log group (its ARN ends in `:*`, covering its streams).
            RoleRef::new(role, Some(handle.id())).add_to_policy(
                stack,
                PolicyStatement::allow()
                    .actions(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"])
                    .resource(group.arn()),
            );
        }
    }
}

/// The role the flow-logs service assumes, for this account's flow logs only.
fn flow_logs_role() -> iam_l1::Role {
    let trust = PolicyDocument::new().with(
        PolicyStatement::allow()
            .principal(Principal::service(FLOW_LOGS_SERVICE))
            .actions(["sts:AssumeRole"])
            .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
            .condition(
                "ArnLike",
                "aws:SourceArn",
                fns::sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*").expr(),
            ),
    );
    iam_l1::Role::new(Value::Lit(trust.to_token()))
        .description("Lets VPC flow logs write to their log group, and nothing else")
}

/// Lets CloudWatch Logs in this region use a given key for this account's log groups.
fn allow_logs_to_use_key(stack: &mut Stack, key: KeyRef) {
    let statement = kms::cloudwatch_logs_statement("AllowCloudWatchLogsForVpcFlowLogs");
    if !key.add_to_resource_policy(stack, statement) {
        stack.report(Diagnostic::warning(
            stack.name().to_string(),
            "the flow-log key belongs to another stack: its policy must let logs.<region>.amazonaws.com use it",
        ));
    }
}

/// The bucket-policy statements the log delivery service needs, from this
/// account's log deliveries only.
fn allow_delivery_to_bucket(stack: &mut Stack, bucket: BucketRef) {
    let source_arn = fns::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*").expr();
    bucket.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .sid("AWSLogDeliveryWrite")
            .principal(Principal::service(DELIVERY_SERVICE))
            .actions(["s3:PutObject"])
            .resource(arn::child_of(bucket.arn(), "/AWSLogs/${AWS::AccountId}/*"))
            .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
            .condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control")
            .condition("ArnLike", "aws:SourceArn", source_arn.clone()),
    );
    bucket.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .sid("AWSLogDeliveryAclCheck")
            .principal(Principal::service(DELIVERY_SERVICE))
            .actions(["s3:GetBucketAcl"])
            .resource(bucket.arn())
            .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
            .condition("ArnLike", "aws:SourceArn", source_arn),
    );
}
