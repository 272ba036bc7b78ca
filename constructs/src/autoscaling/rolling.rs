//! [`RollingUpdate`]: how CloudFormation replaces a group's instances when
//! its launch template changes, and the group's `UpdatePolicy`.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::Token;
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use serde_json::json;

/// CloudFormation's longest pause between batches (`PT1H`).
const MAX_PAUSE_SECONDS: u64 = 3_600;
/// The processes suspended during a rolling update, as AWS recommends: no
/// health-check replacements, rebalancing, alarms or scheduled actions
/// fighting the update.
const SUSPENDED: [&str; 5] =
    ["HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions"];

/// A rolling update (`UpdatePolicy.AutoScalingRollingUpdate`).
///
/// ```
/// use cfnkit_constructs::autoscaling::RollingUpdate;
/// use cfnkit_core::units::Duration;
/// let r = RollingUpdate::new().max_batch_size(2).min_in_service(2).pause(Duration::minutes(10));
/// # let _ = r;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollingUpdate {
    max_batch: u32,
    min_in_service: Option<u32>,
    pause: Option<Duration>,
}

impl Default for RollingUpdate {
    fn default() -> Self {
        RollingUpdate::new()
    }
}

impl RollingUpdate {
    /// One instance at a time, keeping `min(MinSize, MaxSize - 1)` in
    /// service, pausing for the group's health-check grace period (one hour
    /// at most) after each batch.
    pub fn new() -> Self {
        RollingUpdate { max_batch: 1, min_in_service: None, pause: None }
    }
    /// Replaces at most `n` instances at a time (1 by default).
    pub fn max_batch_size(mut self, n: u32) -> Self {
        self.max_batch = n;
        self
    }
    /// Keeps `n` instances in service (below MaxSize).
    pub fn min_in_service(mut self, n: u32) -> Self {
        self.min_in_service = Some(n);
        self
    }
    /// Waits `pause` after each batch (one hour at most).
    pub fn pause(mut self, pause: Duration) -> Self {
        self.pause = Some(pause);
        self
    }

    pub(super) fn check(&self, path: &str, max: u32, stack: &mut Stack) {
        if self.max_batch == 0 {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "a rolling update batch of zero instances")
                    .property("UpdatePolicy.AutoScalingRollingUpdate.MaxBatchSize")
                    .value("0")
                    .allowed("1 or more"),
            );
        }
        if let Some(n) = self.min_in_service.filter(|n| *n >= max) {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::OutOfRange,
                    path,
                    "instances kept in service during a rolling update must be fewer than MaxSize",
                )
                .property("UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService")
                .value(n.to_string())
                .allowed(format!("0 to {}", max.saturating_sub(1))),
            );
        }
        if let Some(p) = self.pause.filter(|p| p.to_seconds() > MAX_PAUSE_SECONDS) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "rolling update pause too long")
                    .property("UpdatePolicy.AutoScalingRollingUpdate.PauseTime")
                    .value(format!("{} seconds", p.to_seconds()))
                    .allowed("at most one hour (PT1H)"),
            );
        }
    }
}

/// The group's `UpdatePolicy`: the rolling update (when there is one), and
/// scheduled actions' sizes left alone by stack updates.
pub(super) fn update_policy(rolling: Option<&RollingUpdate>, min: u32, max: u32, grace: u32) -> Token {
    let mut policy = json!({"AutoScalingScheduledAction": {"IgnoreUnmodifiedGroupSizeProperties": true}});
    if let Some(r) = rolling {
        let keep = r.min_in_service.unwrap_or_else(|| min.min(max.saturating_sub(1)));
        let pause = r.pause.map_or(u64::from(grace), Duration::to_seconds).min(MAX_PAUSE_SECONDS);
        policy["AutoScalingRollingUpdate"] = json!({
            "MaxBatchSize": r.max_batch,
            "MinInstancesInService": keep,
            "PauseTime": format!("PT{pause}S"),
            "SuspendProcesses": SUSPENDED,
        });
    }
    Token::from(policy)
}
