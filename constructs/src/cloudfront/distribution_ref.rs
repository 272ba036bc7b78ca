//! [`DistributionRef`]: a distribution added to a stack, with its
//! references, grant and metrics.

use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;
use cfnkit_l1::cloudfront as l1;
use cfnkit_l1::cloudfront::DistributionAttrs;

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{grant, Grantable, PolicyStatement};

/// The region CloudFront publishes its metrics in.
pub const METRICS_REGION: &str = "us-east-1";

/// A distribution added to a stack: its references, grant and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DistributionRef {
    handle: Handle<l1::Distribution>,
}

impl DistributionRef {
    pub(super) fn new(handle: Handle<l1::Distribution>) -> Self {
        DistributionRef { handle }
    }
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Distribution> {
        self.handle
    }
    /// The distribution id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The distribution's domain name (`d111111abcdef8.cloudfront.net`):
    /// the target of a DNS alias.
    pub fn domain_name(self) -> Expr<String> {
        self.handle.attr_domain_name()
    }
    /// `arn:<partition>:cloudfront::<account>:distribution/<id>`.
    pub fn arn(self) -> Expr<String> {
        fns::sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}")
            .var("Distribution", self.id())
            .expr()
    }
    /// Lets `grantee` invalidate cached objects: `cloudfront:CreateInvalidation`
    /// on this distribution only.
    pub fn grant_create_invalidation(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["cloudfront:CreateInvalidation"]).resource(self.arn()));
    }
    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/CloudFront", name)
            .dimension("DistributionId", self.id())
            .dimension("Region", "Global")
            .statistic(stat)
            .region(METRICS_REGION)
    }
    /// `Requests` (Sum): viewer requests.
    pub fn metric_requests(self) -> Metric {
        self.metric("Requests", Statistic::Sum)
    }
    /// `4xxErrorRate` (Average, percent): viewer requests answered 4xx.
    pub fn metric_4xx_error_rate(self) -> Metric {
        self.metric("4xxErrorRate", Statistic::Average)
    }
    /// `5xxErrorRate` (Average, percent): viewer requests answered 5xx.
    pub fn metric_5xx_error_rate(self) -> Metric {
        self.metric("5xxErrorRate", Statistic::Average)
    }
    /// `TotalErrorRate` (Average, percent): viewer requests answered 4xx or 5xx.
    pub fn metric_total_error_rate(self) -> Metric {
        self.metric("TotalErrorRate", Statistic::Average)
    }
    /// `BytesDownloaded` (Sum): bytes viewers downloaded.
    pub fn metric_bytes_downloaded(self) -> Metric {
        self.metric("BytesDownloaded", Statistic::Sum)
    }
}
