//! Scaling policies of an Auto Scaling group: target tracking (CPU, requests
//! per target), step scaling on any metric, and scheduled actions.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_l1::autoscaling as l1;

use super::AutoScalingGroupRef;
use crate::cloudwatch::{Alarm, AlarmAction, Metric};
use crate::elasticloadbalancingv2::{LoadBalancerRef, TargetGroupRef};

/// Steps of a step-scaling policy: how many instances to add above each
/// threshold and remove below each.
///
/// ```
/// use cfnkit::constructs::autoscaling::StepScaling;
/// let steps = StepScaling::new().add_above(70.0, 1).add_above(90.0, 3).remove_below(30.0, 1);
/// # let _ = steps;
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepScaling {
    out: Vec<(f64, u32)>,
    inn: Vec<(f64, u32)>,
}

impl StepScaling {
    /// No steps yet.
    pub fn new() -> Self {
        StepScaling::default()
    }
    /// Adds `instances` when the metric is at or above `threshold`.
    pub fn add_above(mut self, threshold: f64, instances: u32) -> Self {
        self.out.push((threshold, instances));
        self
    }
    /// Removes `instances` when the metric is at or below `threshold`.
    pub fn remove_below(mut self, threshold: f64, instances: u32) -> Self {
        self.inn.push((threshold, instances));
        self
    }
}

/// A scaling policy as an alarm action (its `Ref` is the policy ARN).
struct PolicyAction(Token);

impl AlarmAction for PolicyAction {
    fn action_arn(&self) -> Token {
        self.0.clone()
    }
}

impl AutoScalingGroupRef {
    fn scope(self, stack: &Stack) -> Option<NodeId> {
        stack.node_of(self.handle.id()).and_then(|n| stack.parent_of(n))
    }

    fn target_tracking(self, stack: &mut Stack, id: &str, spec: l1::PredefinedMetricSpecification, target: f64) {
        let Some(scope) = self.scope(stack) else { return };
        if !(target.is_finite() && target > 0.0) {
            let path = stack.path_of_node(scope).unwrap_or_default();
            stack.report(
                Diagnostic::error_of(
                    DiagKind::OutOfRange,
                    format!("{path}/{id}"),
                    "target value must be a positive number",
                )
                .property("TargetTrackingConfiguration.TargetValue")
                .value(target.to_string())
                .allowed("a number above 0"),
            );
            return;
        }
        let policy = l1::ScalingPolicy::new(Value::from(self.name()))
            .policy_type("TargetTrackingScaling")
            .target_tracking_configuration(
                l1::TargetTrackingConfiguration::new(target).predefined_metric_specification(spec),
            );
        stack.within(scope, |s| s.add(id, policy));
    }

    /// Keeps average CPU near `percent` (target tracking on `ASGAverageCPUUtilization`).
    pub fn scale_on_cpu(self, stack: &mut Stack, id: &str, percent: f64) {
        let spec = l1::PredefinedMetricSpecification::new("ASGAverageCPUUtilization");
        if percent > 100.0 {
            let path = self.scope(stack).and_then(|n| stack.path_of_node(n)).unwrap_or_default();
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, format!("{path}/{id}"), "CPU target above 100%")
                    .property("TargetTrackingConfiguration.TargetValue")
                    .value(percent.to_string())
                    .allowed("1 to 100"),
            );
            return;
        }
        self.target_tracking(stack, id, spec, percent);
    }

    /// Keeps requests per target of `target_group` behind `lb` near
    /// `per_target` (target tracking on `ALBRequestCountPerTarget`).
    pub fn scale_on_request_count(
        self,
        stack: &mut Stack,
        id: &str,
        lb: LoadBalancerRef,
        target_group: TargetGroupRef,
        per_target: f64,
    ) {
        let label = fns::join("/", [Token::from(lb.full_name()), Token::from(target_group.full_name())]);
        let spec =
            l1::PredefinedMetricSpecification::new("ALBRequestCountPerTarget").resource_label(Value::from(label));
        self.target_tracking(stack, id, spec, per_target);
    }

    /// Scales on `metric` in steps: a scale-out policy and an alarm at the
    /// lowest `add_above` threshold, a scale-in policy and an alarm at the
    /// highest `remove_below` threshold (`<Id>ScaleOut`, `<Id>ScaleOutAlarm`...).
    pub fn scale_on_steps(self, stack: &mut Stack, id: &str, metric: Metric, steps: StepScaling) {
        let Some(scope) = self.scope(stack) else { return };
        let path = format!("{}/{id}", stack.path_of_node(scope).unwrap_or_default());
        let mut out = steps.out.clone();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut inn = steps.inn.clone();
        inn.sort_by(|a, b| b.0.total_cmp(&a.0));
        if out.is_empty() && inn.is_empty() {
            stack.report(
                Diagnostic::error_of(DiagKind::Missing, &path, "step scaling without steps")
                    .property("StepAdjustments")
                    .allowed(".add_above(threshold, n) and/or .remove_below(threshold, n)"),
            );
            return;
        }
        if let (Some(lo), Some(hi)) = (out.first(), inn.first()) {
            if hi.0 >= lo.0 {
                stack.report(
                    Diagnostic::error_of(
                        DiagKind::Conflict,
                        &path,
                        "scale-in threshold not below the scale-out threshold",
                    )
                    .property("StepAdjustments")
                    .value(format!("remove below {} / add above {}", hi.0, lo.0))
                    .allowed("every remove_below threshold under every add_above threshold"),
                );
                return;
            }
        }
        if let Some(&(base, _)) = out.first() {
            let adjustments: Vec<l1::StepAdjustment> = out
                .iter()
                .enumerate()
                .map(|(i, &(t, n))| {
                    let mut a = l1::StepAdjustment::new(i64::from(n)).metric_interval_lower_bound(t - base);
                    if let Some(&(next, _)) = out.get(i + 1) {
                        a = a.metric_interval_upper_bound(next - base);
                    }
                    a
                })
                .collect();
            self.step_policy(stack, scope, &format!("{id}ScaleOut"), adjustments, metric.clone(), base, true);
        }
        if let Some(&(base, _)) = inn.first() {
            let adjustments: Vec<l1::StepAdjustment> = inn
                .iter()
                .enumerate()
                .map(|(i, &(t, n))| {
                    let mut a = l1::StepAdjustment::new(-i64::from(n)).metric_interval_upper_bound(t - base);
                    if let Some(&(next, _)) = inn.get(i + 1) {
                        a = a.metric_interval_lower_bound(next - base);
                    }
                    a
                })
                .collect();
            self.step_policy(stack, scope, &format!("{id}ScaleIn"), adjustments, metric, base, false);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn step_policy(
        self,
        stack: &mut Stack,
        scope: NodeId,
        id: &str,
        adjustments: Vec<l1::StepAdjustment>,
        metric: Metric,
        threshold: f64,
        out: bool,
    ) {
        let policy = l1::ScalingPolicy::new(Value::from(self.name()))
            .policy_type("StepScaling")
            .adjustment_type("ChangeInCapacity")
            .metric_aggregation_type("Average")
            .step_adjustments(adjustments);
        let handle = stack.within(scope, |s| s.add(id, policy));
        let alarm = Alarm::new(&format!("{id}Alarm"), metric);
        let alarm = if out { alarm.greater_or_equal(threshold) } else { alarm.less_or_equal(threshold) };
        let alarm = alarm.action(PolicyAction(Token::from(handle.reference())));
        stack.within(scope, |s| alarm.add_to(s));
    }

    /// Sets capacity on a schedule: `cron` is a five-field UTC cron
    /// expression (`0 22 * * *`); `None` leaves a bound as it is.
    pub fn scale_on_schedule(self, stack: &mut Stack, id: &str, cron: &str, min: Option<u32>, max: Option<u32>) {
        let Some(scope) = self.scope(stack) else { return };
        let path = format!("{}/{id}", stack.path_of_node(scope).unwrap_or_default());
        if cron.split_whitespace().count() != 5 {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::Invalid,
                    &path,
                    "scheduled action recurrence is not a five-field cron expression",
                )
                .property("Recurrence")
                .value(format!("{cron:?}"))
                .allowed("minute hour day-of-month month day-of-week, such as 0 22 * * *"),
            );
            return;
        }
        if min.is_none() && max.is_none() {
            stack.report(
                Diagnostic::error_of(DiagKind::NoEffect, &path, "scheduled action changes nothing")
                    .property("MinSize")
                    .allowed("a minimum, a maximum or both"),
            );
            return;
        }
        let mut a = l1::ScheduledAction::new(Value::from(self.name())).recurrence(cron.to_string());
        if let Some(m) = min {
            a = a.min_size(i64::from(m));
        }
        if let Some(m) = max {
            a = a.max_size(i64::from(m));
        }
        stack.within(scope, |s| s.add(id, a));
    }
}
