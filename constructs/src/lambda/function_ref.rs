//! [`FunctionRef`]: a function added to a stack, with its references,
//! permissions, grants and metrics.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;
use cfnkit_l1::lambda as l1;
use cfnkit_l1::prelude::*;

use super::invoke::{Permission, ASYNC_SERVICES};
use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{Grantable, PolicyStatement, RoleRef};
use crate::logs::LogGroupRef;

/// A function added to a stack: references, grants, metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionRef {
    pub(super) function: Handle<l1::Function>,
    pub(super) role: RoleRef,
    pub(super) log_group: Handle<cfnkit_l1::logs::LogGroup>,
    /// The construct acknowledged checkov's CKV_AWS_116 because only
    /// poll-based sources invoke the function; an asynchronous invoker
    /// would make that reason false.
    pub(super) poll_only: bool,
}

impl FunctionRef {
    /// The L1 handle of the function.
    pub fn handle(self) -> Handle<l1::Function> {
        self.function
    }
    /// The execution role.
    pub fn role(self) -> RoleRef {
        self.role
    }
    /// The function's log group.
    pub fn log_group(self) -> LogGroupRef {
        LogGroupRef::from_handle(self.log_group)
    }
    /// The function name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.function.reference()
    }
    /// The function ARN.
    pub fn arn(self) -> Expr<String> {
        self.function.attr_arn()
    }

    /// Lets a service invoke the function: an `AWS::Lambda::Permission` at
    /// `<Function>/<id>` (logical id `<Function><Id>`), which a resource that
    /// invokes the function at creation (an S3 notification) should depend on.
    ///
    /// Synthesis fails when the permission names neither a source ARN nor a
    /// source account, or when an asynchronous service (S3, SNS, EventBridge...)
    /// is let in on a function whose CKV_AWS_116 acknowledgement said only
    /// poll-based sources invoke it.
    pub fn add_permission(self, stack: &mut Stack, id: &str, p: Permission) -> Handle<l1::Permission> {
        let scope = stack.node_of(self.function.id()).and_then(|n| stack.parent_of(n)).unwrap_or(stack.scope());
        let path = format!("{}/{id}", stack.path_of_node(scope).unwrap_or_default());
        let mut out = Vec::new();
        p.check(&path, &mut out);
        if self.poll_only {
            if let Some(service) = p.literal_principal().filter(|s| ASYNC_SERVICES.iter().any(|a| s.starts_with(a))) {
                out.push(
                    Diagnostic::error(
                        path.clone(),
                        format!(
                            "{service} invokes asynchronously, but the function has no dead-letter queue or on-failure \
                             destination and was acknowledged (CKV_AWS_116) as invoked only by poll-based sources"
                        ),
                    )
                    .property("Principal")
                    .allowed(
                        "give the function .dead_letter_queue(queue) or .async_config(AsyncConfig::new().on_failure(..)), \
                         or acknowledge CKV_AWS_116 on it yourself with the reason",
                    ),
                );
            }
        }
        for d in out {
            stack.report(d);
        }
        let permission = p.to_l1(self.arn());
        stack.within(scope, |s| s.add(id, permission))
    }

    /// Lets `grantee` invoke the function: `lambda:InvokeFunction` on its ARN
    /// and its versions and aliases (`<arn>:*`).
    pub fn grant_invoke(self, stack: &mut Stack, grantee: &impl Grantable) {
        crate::iam::grant(
            stack,
            grantee,
            PolicyStatement::allow()
                .actions(["lambda:InvokeFunction"])
                .resource(self.arn())
                .resource(crate::arn::child_of(self.arn(), ":*")),
        );
    }
    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/Lambda", name).dimension("FunctionName", self.name()).statistic(stat)
    }
    /// `Errors` (Sum, 5 minutes).
    pub fn metric_errors(self) -> Metric {
        self.metric("Errors", Statistic::Sum)
    }
    /// `Invocations` (Sum, 5 minutes).
    pub fn metric_invocations(self) -> Metric {
        self.metric("Invocations", Statistic::Sum)
    }
    /// `Throttles` (Sum, 5 minutes).
    pub fn metric_throttles(self) -> Metric {
        self.metric("Throttles", Statistic::Sum)
    }
    /// `Duration` (Average, 5 minutes).
    pub fn metric_duration(self) -> Metric {
        self.metric("Duration", Statistic::Average)
    }
}

impl Grantable for FunctionRef {
    fn grant_role(&self) -> RoleRef {
        self.role
    }
}
