//! CloudWatch: [`Metric`]s, [`MathExpression`]s, [`Alarm`]s,
//! [`CompositeAlarm`]s over them, and [`Dashboard`]s of typed widgets.
//!
//! Defaults: metrics are 5-minute `Average`s; an alarm compares `>= 0` over
//! one period and treats missing data as `missing`; dashboards lay widgets
//! out left to right on the 24-column grid and read metrics in the stack's
//! region (or the region a metric is pinned to, such as Route 53's
//! `us-east-1`). Metric math variable names, widget sizes and the service
//! quotas (500 widgets and 2,500 metrics a dashboard, 500 metrics a widget,
//! 100 alarms a composite rule) are checked when the construct is added.

mod composite;
mod dashboard;
mod metric;
mod sub;
mod widgets;

pub use composite::{AlarmRule, CompositeAlarm, CompositeAlarmRef, ALARMS_PER_RULE};
pub use dashboard::{Dashboard, DashboardRef, METRICS_PER_DASHBOARD, WIDGETS_PER_DASHBOARD};
pub use metric::{AlarmSource, MathExpression, Metric, Statistic};
pub use widgets::{
    AlarmStatusWidget, GraphWidget, Series, SingleValueWidget, TextWidget, Widget, GRID_WIDTH, METRICS_PER_WIDGET,
};

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::cloudwatch as l1;
use cfnkit_l1::prelude::*;

/// Something an alarm can notify: a topic.
pub trait AlarmAction {
    /// The ARN written into `AlarmActions`.
    fn action_arn(&self) -> Token;
    /// Why CloudWatch could not deliver to this target, if it could not
    /// (reported as a synthesis warning on the alarm).
    fn delivery_problem(&self) -> Option<String> {
        None
    }
    /// The topic behind the action, whose policy must let CloudWatch publish.
    fn topic(&self) -> Option<crate::sns::TopicRef> {
        None
    }
}

/// The notification targets of an alarm (metric or composite): their ARNs,
/// and what each target needs when the alarm is added.
#[derive(Clone, Debug, Default)]
pub(crate) struct Actions {
    /// `AlarmActions` (and `OKActions` when asked).
    pub(crate) arns: Vec<Token>,
    problems: Vec<String>,
    topics: Vec<crate::sns::TopicRef>,
}

impl Actions {
    pub(crate) fn push(&mut self, target: &impl AlarmAction) {
        self.arns.push(target.action_arn());
        match target.delivery_problem() {
            // No policy statement suggests a delivery that cannot happen.
            Some(problem) => self.problems.push(problem),
            None => self.topics.extend(target.topic()),
        }
    }

    /// Lets CloudWatch publish to every topic target it can deliver to, and
    /// warns about the others (no topic-policy statement is written for
    /// them: it would suggest notifications that never arrive), on the
    /// alarm at `scope`.
    pub(crate) fn apply(&self, stack: &mut Stack, scope: cfnkit_core::tree::NodeId) {
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        for topic in &self.topics {
            allow_alarms_to_publish(stack, *topic);
            // The topic's key must let CloudWatch encrypt: written into the
            // key's policy wherever the key lives, or a warning when the key
            // is not one of this app.
            if let Some(k) = topic.customer_managed_key(stack) {
                match crate::customer_key::key_ref(stack, &k) {
                    Some(key) => {
                        key.add_to_resource_policy(stack, crate::kms::alarm_notifications_statement());
                    }
                    None => stack.report(
                        Diagnostic::warning_of(
                            DiagKind::Wiring,
                            path.clone(),
                            "the topic's customer managed key is not a key of this app: unless its key policy lets \
                             cloudwatch.amazonaws.com use kms:GenerateDataKey and kms:Decrypt, the alarm cannot notify",
                        )
                        .property("AlarmActions")
                        .value(k.describe())
                        .allowed("a key built with KmsKey::new(..).allow_alarm_notifications(), or that statement in the key's policy"),
                    ),
                }
            }
        }
        for problem in &self.problems {
            stack
                .report(cfnkit_core::diag::Diagnostic::warning(path.clone(), problem.clone()).property("AlarmActions"));
        }
    }

    /// The ARNs as property values.
    pub(crate) fn values(&self) -> Vec<Value<String>> {
        self.arns.iter().map(|t| Value::Expr(t.clone())).collect()
    }
}

/// The topic-policy statement that lets this account's alarms publish to a
/// topic (a topic policy replaces SNS's default one, which allowed them).
fn allow_alarms_to_publish(stack: &mut Stack, topic: crate::sns::TopicRef) {
    use crate::iam::{PolicyStatement, Principal};
    let statement = PolicyStatement::allow()
        .sid("AllowCloudWatchAlarmsToPublish")
        .principal(Principal::service("cloudwatch.amazonaws.com"))
        .actions(["sns:Publish"])
        .resource(topic.arn())
        .condition("StringEquals", "aws:SourceAccount", cfnkit_core::token::Pseudo::AccountId.expr())
        .condition(
            "ArnLike",
            "aws:SourceArn",
            cfnkit_core::fns::sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*").expr(),
        );
    topic.add_to_resource_policy(stack, statement);
}

/// Any alarm a composite rule or a dashboard can name: a metric alarm
/// ([`AlarmRef`]) or a composite alarm ([`CompositeAlarmRef`]).
pub trait AnyAlarm {
    /// The alarm's ARN.
    fn alarm_arn(&self) -> Expr<String>;
}

/// How the alarm compares the value with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `GreaterThanThreshold`
    GreaterThan,
    /// `GreaterThanOrEqualToThreshold`
    GreaterThanOrEqual,
    /// `LessThanThreshold`
    LessThan,
    /// `LessThanOrEqualToThreshold`
    LessThanOrEqual,
}

impl Comparison {
    fn name(self) -> &'static str {
        match self {
            Comparison::GreaterThan => "GreaterThanThreshold",
            Comparison::GreaterThanOrEqual => "GreaterThanOrEqualToThreshold",
            Comparison::LessThan => "LessThanThreshold",
            Comparison::LessThanOrEqual => "LessThanOrEqualToThreshold",
        }
    }
}

/// What the alarm does with missing data points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TreatMissingData {
    /// `missing` (the CloudWatch default).
    #[default]
    Missing,
    /// `notBreaching`
    NotBreaching,
    /// `breaching`
    Breaching,
    /// `ignore`
    Ignore,
}

impl TreatMissingData {
    fn name(self) -> &'static str {
        match self {
            TreatMissingData::Missing => "missing",
            TreatMissingData::NotBreaching => "notBreaching",
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::Ignore => "ignore",
        }
    }
}

/// A CloudWatch alarm on a metric or on metric math.
///
/// ```
/// use cfnkit_constructs::cloudwatch::{Alarm, Metric, Statistic, TreatMissingData};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let errors = Metric::new("AWS/Lambda", "Errors").statistic(Statistic::Sum);
/// Alarm::new("Errors", errors).greater_or_equal(5.0).treat_missing_data(TreatMissingData::NotBreaching).add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Alarm {
    id: String,
    source: AlarmSource,
    comparison: Comparison,
    threshold: f64,
    evaluation_periods: u32,
    datapoints: Option<u32>,
    missing: TreatMissingData,
    actions: Actions,
    ok_actions: bool,
    name: Option<Value<String>>,
    description: Option<String>,
}

impl Alarm {
    /// An alarm on `source` (a [`Metric`] or a [`MathExpression`]); by
    /// default `>= 0` over one period; set the threshold with a comparison call.
    pub fn new(id: &str, source: impl Into<AlarmSource>) -> Self {
        Alarm {
            id: id.to_string(),
            source: source.into(),
            comparison: Comparison::GreaterThanOrEqual,
            threshold: 0.0,
            evaluation_periods: 1,
            datapoints: None,
            missing: TreatMissingData::Missing,
            actions: Actions::default(),
            ok_actions: false,
            name: None,
            description: None,
        }
    }
    /// Alarms when the value is greater than `t`.
    pub fn greater_than(mut self, t: f64) -> Self {
        (self.comparison, self.threshold) = (Comparison::GreaterThan, t);
        self
    }
    /// Alarms when the value is at least `t`.
    pub fn greater_or_equal(mut self, t: f64) -> Self {
        (self.comparison, self.threshold) = (Comparison::GreaterThanOrEqual, t);
        self
    }
    /// Alarms when the value is less than `t`.
    pub fn less_than(mut self, t: f64) -> Self {
        (self.comparison, self.threshold) = (Comparison::LessThan, t);
        self
    }
    /// Alarms when the value is at most `t`.
    pub fn less_or_equal(mut self, t: f64) -> Self {
        (self.comparison, self.threshold) = (Comparison::LessThanOrEqual, t);
        self
    }
    /// Sets `EvaluationPeriods` (at least 1).
    pub fn evaluation_periods(mut self, n: u32) -> Self {
        self.evaluation_periods = n;
        self
    }
    /// Sets `DatapointsToAlarm` (1 to the evaluation periods).
    pub fn datapoints_to_alarm(mut self, n: u32) -> Self {
        self.datapoints = Some(n);
        self
    }
    /// Sets `TreatMissingData`.
    pub fn treat_missing_data(mut self, t: TreatMissingData) -> Self {
        self.missing = t;
        self
    }
    /// Notifies `target` when the alarm fires.
    pub fn action(mut self, target: impl AlarmAction) -> Self {
        self.actions.push(&target);
        self
    }
    /// Also notifies the actions when the alarm returns to OK.
    pub fn notify_on_ok(mut self) -> Self {
        self.ok_actions = true;
        self
    }
    /// Sets `AlarmName` (suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `AlarmDescription`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }

    fn stat_query(id: &str, m: &Metric, period: i64) -> l1::MetricDataQuery {
        let mut metric = l1::Metric::default().namespace(m.namespace().to_string()).metric_name(m.name().to_string());
        if !m.dimensions().is_empty() {
            metric = metric.dimensions(
                m.dimensions()
                    .iter()
                    .map(|(k, v)| l1::Dimension::new(k.clone(), Value::Expr(v.clone())))
                    .collect::<Vec<_>>(),
            );
        }
        l1::MetricDataQuery::new(id.to_string())
            .metric_stat(l1::MetricStat::new(metric, period, m.stat().name().to_string()))
            .return_data(false)
    }

    /// Adds the alarm to the stack.
    pub fn add_to(self, stack: &mut Stack) -> AlarmRef {
        let scope = stack.construct(&self.id);
        self.actions.apply(stack, scope);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let mut a = l1::Alarm::default()
            .comparison_operator(self.comparison.name().to_string())
            .threshold(self.threshold)
            .evaluation_periods(i64::from(self.evaluation_periods))
            .treat_missing_data(self.missing.name().to_string());
        if self.evaluation_periods == 0 {
            stack.report(
                Diagnostic::error(path.clone(), "an alarm evaluates at least one period")
                    .property("EvaluationPeriods")
                    .value("0")
                    .allowed("1 or more"),
            );
        }
        if let Some(d) = self.datapoints {
            if d == 0 || d > self.evaluation_periods {
                stack.report(
                    Diagnostic::error(path.clone(), "datapoints to alarm out of range")
                        .property("DatapointsToAlarm")
                        .value(d.to_string())
                        .allowed(format!("1 to {} (the evaluation periods)", self.evaluation_periods)),
                );
            }
            a = a.datapoints_to_alarm(i64::from(d));
        }
        match &self.source {
            AlarmSource::Metric(m) => {
                check_region(stack, &path, m);
                a = a
                    .namespace(m.namespace().to_string())
                    .metric_name(m.name().to_string())
                    .period(m.period().to_seconds() as i64);
                a = match m.stat() {
                    Statistic::Percentile(p) => a.extended_statistic(p.clone()),
                    s => a.statistic(s.name().to_string()),
                };
                if !m.dimensions().is_empty() {
                    a = a.dimensions(
                        m.dimensions()
                            .iter()
                            .map(|(k, v)| l1::Dimension::new(k.clone(), Value::Expr(v.clone())))
                            .collect::<Vec<_>>(),
                    );
                }
            }
            AlarmSource::Math(e) => {
                let mut diags = Vec::new();
                e.check(&path, &mut diags);
                for d in diags {
                    stack.report(d);
                }
                let period = e.get_period().to_seconds() as i64;
                let mut q = l1::MetricDataQuery::new("expr".to_string())
                    .expression(e.expression().to_string())
                    .return_data(true);
                if let Some(l) = e.get_label() {
                    q = q.label(l.to_string());
                }
                for (_, m) in e.metrics() {
                    check_region(stack, &path, m);
                }
                let mut queries = vec![q];
                queries.extend(e.metrics().iter().map(|(id, m)| Self::stat_query(id, m, period)));
                a = a.metrics(queries);
            }
        }
        if !self.actions.arns.is_empty() {
            let arns = self.actions.values();
            if self.ok_actions {
                a = a.ok_actions(arns.clone());
            }
            a = a.alarm_actions(arns);
        }
        if let Some(n) = self.name {
            a = a.alarm_name(n);
        }
        if let Some(d) = self.description {
            a = a.alarm_description(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", a));
        AlarmRef { handle }
    }
}

/// An alarm can only watch metrics of its own region: an error when the
/// stack's region is known and differs, a warning when it is not set.
fn check_region(stack: &mut Stack, path: &str, m: &Metric) {
    let Some(r) = m.get_region() else { return };
    match stack.get_region() {
        Some(own) if own == r => {}
        Some(own) => {
            let d = Diagnostic::error(
                path,
                format!("alarm in {own} watches {} {}, published only in {r}", m.namespace(), m.name()),
            )
            .property("MetricName")
            .value(m.name().to_string())
            .allowed(format!("an alarm in a stack deployed to {r}"));
            stack.report(d);
        }
        None => stack.report(
            Diagnostic::warning(
                path,
                format!("{} {} is published only in {r}: deploy this alarm's stack there", m.namespace(), m.name()),
            )
            .property("MetricName"),
        ),
    }
}

/// An alarm added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlarmRef {
    handle: Handle<l1::Alarm>,
}

impl AlarmRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Alarm> {
        self.handle
    }
    /// The alarm ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The alarm name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
}

impl AnyAlarm for AlarmRef {
    fn alarm_arn(&self) -> Expr<String> {
        self.arn()
    }
}
