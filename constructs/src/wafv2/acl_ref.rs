//! [`WebAclRef`]: a web ACL added to a stack, with its references and metrics.

use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Pseudo};
use cfnkit_core::tree::Stack;
use cfnkit_l1::wafv2 as l1;
use cfnkit_l1::wafv2::WebACLAttrs;

use super::Scope;
use crate::cloudwatch::{Metric, Statistic};

/// The metric name (`VisibilityConfig.MetricName`) of a web ACL: the value
/// of the `WebACL` dimension of its metrics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct AclMetricName(pub(super) String);

/// A web ACL added to a stack: its references and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebAclRef {
    handle: Handle<l1::WebACL>,
    scope: Scope,
}

impl WebAclRef {
    pub(super) fn new(handle: Handle<l1::WebACL>, scope: Scope) -> Self {
        WebAclRef { handle, scope }
    }
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::WebACL> {
        self.handle
    }
    /// Where the web ACL applies.
    pub fn scope(self) -> Scope {
        self.scope
    }
    /// The web ACL's ARN (`Fn::GetAtt Arn`): what a CloudFront
    /// distribution's `WebACLId` and an association name.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The web ACL's id (`Fn::GetAtt Id`).
    pub fn id(self) -> Expr<String> {
        self.handle.attr_id()
    }

    /// A metric of the whole web ACL (`Rule` dimension `ALL`), in
    /// `AWS/WAFV2`: with the `Region` dimension for a regional web ACL; a
    /// CloudFront web ACL's metrics are in `us-east-1` without it.
    fn metric(self, stack: &Stack, name: &str) -> Metric {
        let acl = stack.fact::<AclMetricName>(self.handle.id()).map(|m| m.0).unwrap_or_default();
        let m = Metric::new("AWS/WAFV2", name).dimension("WebACL", acl).dimension("Rule", "ALL");
        match self.scope {
            Scope::Regional => m.dimension("Region", Pseudo::Region.expr()),
            Scope::CloudFront => m.region(super::CLOUDFRONT_REGION),
        }
        .statistic(Statistic::Sum)
    }
    /// `AllowedRequests` (Sum): requests the web ACL allowed.
    pub fn metric_allowed_requests(self, stack: &Stack) -> Metric {
        self.metric(stack, "AllowedRequests")
    }
    /// `BlockedRequests` (Sum): requests the web ACL blocked.
    pub fn metric_blocked_requests(self, stack: &Stack) -> Metric {
        self.metric(stack, "BlockedRequests")
    }
    /// `CountedRequests` (Sum): requests count-only rules matched.
    pub fn metric_counted_requests(self, stack: &Stack) -> Metric {
        self.metric(stack, "CountedRequests")
    }
}
