//! Access logs of an application load balancer: into an S3 bucket, with
//! the bucket-policy statement Elastic Load Balancing needs written for you.
//!
//! Elastic Load Balancing writes the logs itself, as an AWS account of its
//! own in each region that opened before August 2022 (the account's root is
//! the principal), and as the service principal
//! `logdelivery.elasticloadbalancing.amazonaws.com` in the regions opened
//! since. It may put objects under `<prefix>/AWSLogs/<this account>/` only.
//! The bucket must be in the load balancer's region and encrypted with
//! SSE-S3: ALB access logs cannot be written to an SSE-KMS bucket.
//!
//! Compared with AWS CDK (`BaseLoadBalancer.logAccessLogs`): the same
//! principal for each region (from aws-cdk-lib's `region-info` table), the
//! same object prefix, and the load balancer waits for the bucket policy;
//! CDK also grants `delivery.logs.amazonaws.com` (used by network load
//! balancers' TLS logs, never by an ALB), which is left out here, and
//! refuses a KMS-encrypted bucket only at deploy time.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::Value;
use cfnkit_core::tree::{Ack, ResourceId, Stack};
use cfnkit_l1::elasticloadbalancingv2 as l1;

use crate::arn;
use crate::iam::{PolicyStatement, Principal};
use crate::s3::BucketRef;

/// The service principal that writes ALB access logs in regions opened
/// since August 2022 (and in any region without an Elastic Load Balancing
/// account below).
pub const LOG_DELIVERY_SERVICE: &str = "logdelivery.elasticloadbalancing.amazonaws.com";

/// The Elastic Load Balancing account that writes access logs, per region
/// opened before August 2022 (AWS's "Enable access logs for your Application
/// Load Balancer" page; the same table as aws-cdk-lib's `region-info`).
const ELB_ACCOUNTS: [(&str, &str); 29] = [
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-iso-east-1", "770363063475"),
    ("us-iso-west-1", "121062877647"),
    ("us-isob-east-1", "740734521339"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// The Elastic Load Balancing account that writes access logs in `region`,
/// or `None` where the [`LOG_DELIVERY_SERVICE`] principal does.
pub fn elb_account(region: &str) -> Option<&'static str> {
    ELB_ACCOUNTS.iter().find(|(r, _)| *r == region).map(|(_, a)| *a)
}

/// Where a load balancer's access logs go.
#[derive(Clone, Debug, PartialEq, Default)]
pub(super) enum AccessLogs {
    /// Not asked for: checkov's CKV_AWS_91 is acknowledged.
    #[default]
    Unset,
    /// Into a bucket under a prefix (possibly empty).
    To(BucketRef, String),
    /// None, for the reason given.
    Off(String),
}

/// The bucket's encryption uses KMS (`aws/s3` or a customer managed key):
/// a fact of its handle, since ALB access logs cannot be written there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SseKms;

/// Checks the bucket, prefix and region; returns the principal that writes
/// the logs when everything is in order.
fn principal(stack: &mut Stack, path: &str, bucket: BucketRef, prefix: &str) -> Option<Principal> {
    let mut ok = true;
    if stack.fact::<SseKms>(bucket.handle().id()).is_some() {
        stack.report(
            Diagnostic::error_of(DiagKind::Wiring, path, "ALB access logs cannot be written to an SSE-KMS bucket")
                .property("LoadBalancerAttributes.access_logs.s3.bucket")
                .value("a bucket encrypted with KMS")
                .allowed("a bucket with the default SSE-S3 encryption (BucketEncryption::S3Managed)"),
        );
        ok = false;
    }
    if prefix.contains("AWSLogs") || prefix.starts_with('/') || prefix.ends_with('/') {
        stack.report(
            Diagnostic::error_of(DiagKind::Pattern, path, "invalid access-log prefix")
                .property("LoadBalancerAttributes.access_logs.s3.prefix")
                .value(format!("{prefix:?}"))
                .allowed("a prefix without `AWSLogs` and without a leading or trailing `/` (or empty)"),
        );
        ok = false;
    }
    let Some(region) = stack.get_region().map(str::to_string) else {
        stack.report(
            Diagnostic::error_of(
                DiagKind::Missing,
                path,
                "ALB access logs need the stack's region (the log writer differs by region)",
            )
            .property("LoadBalancerAttributes.access_logs.s3.enabled")
            .allowed("a stack with .region(\"...\")"),
        );
        return None;
    };
    ok.then(|| match elb_account(&region) {
        Some(account) => Principal::Aws(fns::sub(format!("arn:${{AWS::Partition}}:iam::{account}:root")).expr().into()),
        None => Principal::service(LOG_DELIVERY_SERVICE),
    })
}

/// The load-balancer attributes that turn access logs on.
pub(super) fn attributes(bucket: BucketRef, prefix: &str) -> Vec<l1::LoadBalancerAttribute> {
    let mut attributes = vec![
        l1::LoadBalancerAttribute::new().key("access_logs.s3.enabled".to_string()).value("true".to_string()),
        l1::LoadBalancerAttribute::new().key("access_logs.s3.bucket".to_string()).value(Value::from(bucket.name())),
    ];
    if !prefix.is_empty() {
        attributes
            .push(l1::LoadBalancerAttribute::new().key("access_logs.s3.prefix".to_string()).value(prefix.to_string()));
    }
    attributes
}

/// Checks the bucket, prefix and region, writes the bucket-policy statement
/// that lets Elastic Load Balancing put the logs, and makes the load
/// balancer `lb` wait for the bucket policy (Elastic Load Balancing checks
/// it when logging is turned on).
pub(super) fn allow_delivery(stack: &mut Stack, path: &str, lb: ResourceId, bucket: BucketRef, prefix: &str) {
    let Some(writer) = principal(stack, path, bucket, prefix) else { return };
    let objects = if prefix.is_empty() {
        "/AWSLogs/${AWS::AccountId}/*".to_string()
    } else {
        format!("/{prefix}/AWSLogs/${{AWS::AccountId}}/*")
    };
    bucket.add_to_resource_policy(
        stack,
        PolicyStatement::allow()
            .principal(writer)
            .actions(["s3:PutObject"])
            .resource(arn::child_of(bucket.arn(), &objects)),
    );
    if let Some(p) = bucket.policy() {
        stack.add_dependency(lb, p.id());
        if p.id().stack() == stack.id() && elb_account_of(stack).is_some() {
            stack.acknowledge(
                p.id(),
                Ack::Cfnkit {
                    id: "conv-hardcoded-account".into(),
                    reason: "the account that writes ALB access logs in this region is Elastic Load Balancing's own, \
                             the same for every account"
                        .into(),
                },
            );
        }
    }
}

/// The Elastic Load Balancing account of the stack's region, if it has one.
fn elb_account_of(stack: &Stack) -> Option<&'static str> {
    stack.get_region().and_then(elb_account)
}
