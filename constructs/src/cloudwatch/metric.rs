//! Metrics and metric math: what alarms and dashboards watch.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::Token;
use cfnkit_core::units::Duration;
use indexmap::IndexMap;

/// A statistic over a period.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Statistic {
    /// `Sum`
    Sum,
    /// `Average`
    Average,
    /// `Minimum`
    Minimum,
    /// `Maximum`
    Maximum,
    /// `SampleCount`
    SampleCount,
    /// A percentile such as `p99` (written as an extended statistic).
    Percentile(String),
}

impl Statistic {
    /// The statistic's name in CloudWatch.
    pub fn name(&self) -> &str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Average => "Average",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
            Statistic::Percentile(p) => p,
        }
    }
}

/// One CloudWatch metric: namespace, name, dimensions, statistic and period.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Metric, Statistic};
/// use cfnkit::core::units::Duration;
/// let m = Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", "audit").statistic(Statistic::Sum);
/// assert_eq!(m.period(), Duration::minutes(5));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    namespace: String,
    name: String,
    dimensions: Vec<(String, Token)>,
    statistic: Statistic,
    period: Duration,
    label: Option<String>,
    region: Option<String>,
}

impl Metric {
    /// A metric with the `Average` statistic over 5 minutes.
    pub fn new(namespace: &str, name: &str) -> Self {
        Metric {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: Vec::new(),
            statistic: Statistic::Average,
            period: Duration::minutes(5),
            label: None,
            region: None,
        }
    }

    /// Adds a dimension.
    pub fn dimension(mut self, name: &str, value: impl Into<Token>) -> Self {
        self.dimensions.push((name.to_string(), value.into()));
        self
    }

    /// Sets the statistic.
    pub fn statistic(mut self, s: Statistic) -> Self {
        self.statistic = s;
        self
    }

    /// Sets the period (a multiple of 60 s, or 10/20/30 s for high resolution).
    pub fn with_period(mut self, p: Duration) -> Self {
        self.period = p;
        self
    }

    /// Sets a label for graphs.
    pub fn label(mut self, l: &str) -> Self {
        self.label = Some(l.to_string());
        self
    }

    /// Pins the region the metric is published in, for services that publish
    /// in one region only (Route 53 health checks: `us-east-1`). Dashboards
    /// read it from there; an alarm on it must live in that region.
    pub fn region(mut self, r: &str) -> Self {
        self.region = Some(r.to_string());
        self
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }
    /// The metric name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The statistic.
    pub fn stat(&self) -> &Statistic {
        &self.statistic
    }
    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }
    /// The dimensions.
    pub fn dimensions(&self) -> &[(String, Token)] {
        &self.dimensions
    }
    /// The label, if any.
    pub fn get_label(&self) -> Option<&str> {
        self.label.as_deref()
    }
    /// The region the metric is pinned to, if any (else the stack's own).
    pub fn get_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// `{"Namespace", "MetricName", "Dimensions"}` as in `MetricStat.Metric`.
    pub fn metric_token(&self) -> Token {
        let mut m = IndexMap::new();
        m.insert("Namespace".to_string(), Token::Str(self.namespace.clone()));
        m.insert("MetricName".to_string(), Token::Str(self.name.clone()));
        if !self.dimensions.is_empty() {
            m.insert(
                "Dimensions".into(),
                Token::List(
                    self.dimensions
                        .iter()
                        .map(|(k, v)| Token::object([("Name", Token::Str(k.clone())), ("Value", v.clone())]))
                        .collect(),
                ),
            );
        }
        Token::Map(m)
    }
}

/// Metric math over named metrics: `(errors / invocations) * 100`.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{MathExpression, Metric};
/// let rate = MathExpression::new("(errors / invocations) * 100")
///     .using("errors", Metric::new("AWS/Lambda", "Errors"))
///     .using("invocations", Metric::new("AWS/Lambda", "Invocations"));
/// assert_eq!(rate.metrics().len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MathExpression {
    expression: String,
    using: Vec<(String, Metric)>,
    period: Duration,
    label: Option<String>,
}

impl MathExpression {
    /// An expression over metrics bound with [`MathExpression::using`]; period 5 minutes.
    pub fn new(expression: &str) -> Self {
        MathExpression {
            expression: expression.to_string(),
            using: Vec::new(),
            period: Duration::minutes(5),
            label: None,
        }
    }

    /// Binds a variable of the expression to a metric.
    pub fn using(mut self, id: &str, metric: Metric) -> Self {
        self.using.push((id.to_string(), metric));
        self
    }

    /// Sets the period; it overrides every bound metric's period.
    pub fn period(mut self, p: Duration) -> Self {
        self.period = p;
        self
    }

    /// Sets a label.
    pub fn label(mut self, l: &str) -> Self {
        self.label = Some(l.to_string());
        self
    }

    /// The expression text.
    pub fn expression(&self) -> &str {
        &self.expression
    }
    /// The bound metrics.
    pub fn metrics(&self) -> &[(String, Metric)] {
        &self.using
    }
    /// The period.
    pub fn get_period(&self) -> Duration {
        self.period
    }
    /// The label, if any.
    pub fn get_label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// Checks variable names (a lowercase letter, then letters, digits and
    /// underscores; unique) and that each is used by the expression.
    pub fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for (id, _) in &self.using {
            let ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid metric math variable name")
                        .property("Metrics")
                        .value(format!("{id:?}"))
                        .allowed("a lowercase letter, then letters, digits and underscores"),
                );
            }
            if seen.contains(id) {
                out.push(
                    Diagnostic::error_of(DiagKind::DuplicateId, path, "metric math variable bound twice")
                        .property("Metrics")
                        .value(format!("{id:?}"))
                        .allowed("unique variable names"),
                );
            }
            seen.push(id.clone());
            if !self.expression.contains(id.as_str()) {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::NoEffect,
                        path,
                        "metric bound to a variable the expression never uses",
                    )
                    .property("Metrics")
                    .value(format!("{id:?}"))
                    .allowed(format!("variables of {:?}", self.expression)),
                );
            }
        }
        if self.using.is_empty() {
            out.push(
                Diagnostic::error_of(DiagKind::NoEffect, path, "metric math expression binds no metric")
                    .property("Metrics")
                    .allowed("at least one .using(id, metric)"),
            );
        }
    }
}

/// What an alarm watches: one metric, or metric math.
#[derive(Clone, Debug, PartialEq)]
pub enum AlarmSource {
    /// A single metric.
    Metric(Metric),
    /// A math expression over metrics.
    Math(MathExpression),
}

impl From<Metric> for AlarmSource {
    fn from(m: Metric) -> Self {
        AlarmSource::Metric(m)
    }
}

impl From<MathExpression> for AlarmSource {
    fn from(m: MathExpression) -> Self {
        AlarmSource::Math(m)
    }
}
