//! CloudWatch Logs Insights query definitions and metric filters.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::logs as l1;
use cfnkit_l1::prelude::*;

use super::{log_group_name_char, LogGroupRef};
use crate::cloudwatch::{Metric, Statistic};

/// The language of a Logs Insights query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum QueryLanguage {
    /// `CWLI`: the Logs Insights query language (the default).
    #[default]
    Cwli,
    /// `SQL`
    Sql,
    /// `PPL`
    Ppl,
}

impl QueryLanguage {
    fn name(self) -> &'static str {
        match self {
            QueryLanguage::Cwli => "CWLI",
            QueryLanguage::Sql => "SQL",
            QueryLanguage::Ppl => "PPL",
        }
    }
}

/// A saved CloudWatch Logs Insights query.
///
/// ```
/// use cfnkit_constructs::logs::{LogGroup, QueryDefinition, Retention};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let lg = LogGroup::new("AppLogs", Retention::OneMonth).add_to(stack);
/// QueryDefinition::new("Errors", "order-queue/errors", "fields @timestamp, @message | filter level = 'ERROR'")
///     .log_group(lg)
///     .add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct QueryDefinition {
    id: String,
    name: Value<String>,
    query: String,
    log_groups: Vec<Value<String>>,
    language: QueryLanguage,
}

impl QueryDefinition {
    /// A query named `name` (1 to 255 characters; `/` files it in a folder).
    pub fn new(id: &str, name: impl Into<Value<String>>, query: &str) -> Self {
        QueryDefinition {
            id: id.to_string(),
            name: name.into(),
            query: query.to_string(),
            log_groups: Vec::new(),
            language: QueryLanguage::Cwli,
        }
    }
    /// Runs the query on this log group by default.
    pub fn log_group(mut self, lg: LogGroupRef) -> Self {
        self.log_groups.push(lg.name().into());
        self
    }
    /// Runs the query on a log group of another stack or app, by name.
    pub fn log_group_name(mut self, name: impl Into<Value<String>>) -> Self {
        self.log_groups.push(name.into());
        self
    }
    /// Sets the query language (Logs Insights by default).
    pub fn language(mut self, l: QueryLanguage) -> Self {
        self.language = l;
        self
    }

    /// Adds the query definition to the stack.
    pub fn add_to(self, stack: &mut Stack) -> QueryDefinitionRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        if let Value::Lit(n) = &self.name {
            let len = n.chars().count();
            if !(1..=255).contains(&len) {
                stack.report(
                    Diagnostic::error(&path, "query name length out of range")
                        .property("Name")
                        .value(format!("{len} characters"))
                        .allowed("1 to 255 characters"),
                );
            }
        }
        let len = self.query.chars().count();
        if !(1..=10_000).contains(&len) || self.query.trim().is_empty() {
            stack.report(
                Diagnostic::error(&path, "query string empty or too long")
                    .property("QueryString")
                    .value(format!("{len} characters"))
                    .allowed("1 to 10000 characters"),
            );
        }
        for n in &self.log_groups {
            if let Value::Lit(n) = n {
                if n.is_empty() || n.len() > 512 || !n.chars().all(log_group_name_char) {
                    stack.report(
                        Diagnostic::error(&path, "invalid log group name")
                            .property("LogGroupNames")
                            .value(format!("{n:?}"))
                            .allowed("1 to 512 letters, digits, '.', '-', '_', '/' and '#'"),
                    );
                }
            }
        }
        let mut q = l1::QueryDefinition::new(self.name, self.query);
        if !self.log_groups.is_empty() {
            q = q.log_group_names(self.log_groups);
        }
        if self.language != QueryLanguage::Cwli {
            q = q.query_language(self.language.name().to_string());
        }
        let handle = stack.within(scope, |s| s.add("Resource", q));
        QueryDefinitionRef { handle }
    }
}

/// A query definition added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryDefinitionRef {
    handle: Handle<l1::QueryDefinition>,
}

impl QueryDefinitionRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::QueryDefinition> {
        self.handle
    }
    /// The query definition id.
    pub fn id(self) -> Expr<String> {
        self.handle.attr_query_definition_id()
    }
}

/// The unit of a metric a filter publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs)] // each variant is the CloudWatch unit of the same name
pub enum Unit {
    Seconds,
    Microseconds,
    Milliseconds,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Bits,
    Percent,
    Count,
    BytesPerSecond,
    CountPerSecond,
}

impl Unit {
    /// The CloudWatch unit name (`Count/Second`).
    pub fn name(self) -> &'static str {
        match self {
            Unit::Seconds => "Seconds",
            Unit::Microseconds => "Microseconds",
            Unit::Milliseconds => "Milliseconds",
            Unit::Bytes => "Bytes",
            Unit::Kilobytes => "Kilobytes",
            Unit::Megabytes => "Megabytes",
            Unit::Gigabytes => "Gigabytes",
            Unit::Bits => "Bits",
            Unit::Percent => "Percent",
            Unit::Count => "Count",
            Unit::BytesPerSecond => "Bytes/Second",
            Unit::CountPerSecond => "Count/Second",
        }
    }
}

/// The namespace of a metric filter's metric, as a property path.
const MT_NAMESPACE: &str = "MetricTransformations.MetricNamespace";

/// A metric filter: log events matching a pattern become a custom metric.
///
/// ```
/// use cfnkit_constructs::cloudwatch::Alarm;
/// use cfnkit_constructs::logs::{LogGroup, MetricFilter, Retention};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let lg = LogGroup::new("AppLogs", Retention::OneMonth).add_to(stack);
/// let errors = MetricFilter::new("ErrorCount", lg, "{ $.level = \"ERROR\" }", "OrderProcessing", "Errors")
///     .default_value(0.0)
///     .add_to(stack);
/// Alarm::new("ErrorAlarm", errors.metric()).greater_or_equal(1.0).add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct MetricFilter {
    id: String,
    log_group: LogGroupRef,
    pattern: String,
    namespace: String,
    metric_name: String,
    value: String,
    default_value: Option<f64>,
    unit: Option<Unit>,
    dimensions: Vec<(String, String)>,
    filter_name: Option<Value<String>>,
}

impl MetricFilter {
    /// Publishes `1` to `namespace`/`metric_name` for every event of
    /// `log_group` that matches `pattern` (at most 1,024 characters; `""`
    /// matches every event).
    pub fn new(id: &str, log_group: LogGroupRef, pattern: &str, namespace: &str, metric_name: &str) -> Self {
        MetricFilter {
            id: id.to_string(),
            log_group,
            pattern: pattern.to_string(),
            namespace: namespace.to_string(),
            metric_name: metric_name.to_string(),
            value: "1".into(),
            default_value: None,
            unit: None,
            dimensions: Vec::new(),
            filter_name: None,
        }
    }
    /// Publishes `value` instead of `1`: a number, or a field (`$.latency`).
    pub fn value(mut self, v: &str) -> Self {
        self.value = v.to_string();
        self
    }
    /// Publishes `v` when an event does not match (not with dimensions).
    pub fn default_value(mut self, v: f64) -> Self {
        self.default_value = Some(v);
        self
    }
    /// Sets the metric's unit.
    pub fn unit(mut self, u: Unit) -> Self {
        self.unit = Some(u);
        self
    }
    /// Adds a dimension taken from a field of the event (`$.operation`; at most 3).
    pub fn dimension(mut self, key: &str, field: &str) -> Self {
        self.dimensions.push((key.to_string(), field.to_string()));
        self
    }
    /// Sets `FilterName`.
    pub fn filter_name(mut self, n: impl Into<Value<String>>) -> Self {
        self.filter_name = Some(n.into());
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut err = |prop: &str, problem: &str, value: String, allowed: &str| {
            stack.report(Diagnostic::error(path, problem).property(prop).value(value).allowed(allowed));
        };
        let (ns, name, v) = (&self.namespace, &self.metric_name, &self.value);
        if self.pattern.chars().count() > 1024 {
            let n = self.pattern.chars().count();
            err("FilterPattern", "filter pattern too long", format!("{n} characters"), "at most 1024 characters");
        }
        let ns_chars = ns.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#'));
        if !(1..=256).contains(&ns.len()) || !ns_chars {
            err(MT_NAMESPACE, "invalid metric namespace", format!("{ns:?}"), "1 to 256 of A-Z a-z 0-9 . - _ / #");
        }
        if ns.starts_with("AWS/") {
            err(MT_NAMESPACE, "metric namespace reserved by AWS", format!("{ns:?}"), "a namespace not under AWS/");
        }
        if name.is_empty() || name.len() > 255 || name.contains([':', '*', '$']) {
            let allowed = "1 to 255 characters without ':', '*' or '$'";
            err("MetricTransformations.MetricName", "invalid metric name", format!("{name:?}"), allowed);
        }
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        let numeric = !digits.is_empty()
            && digits.matches('.').count() <= 1
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
        if v.is_empty() || v.len() > 100 || !(numeric || v.starts_with('$')) {
            let allowed = "a number or a field selector such as $.latency, at most 100 characters";
            err("MetricTransformations.MetricValue", "invalid metric value", format!("{v:?}"), allowed);
        }
        if self.dimensions.len() > 3 {
            let n = self.dimensions.len().to_string();
            err("MetricTransformations.Dimensions", "too many dimensions", n, "at most 3");
        }
        if !self.dimensions.is_empty() && self.default_value.is_some() {
            err(
                "MetricTransformations.DefaultValue",
                "a default value cannot be set on a metric with dimensions",
                "DefaultValue with Dimensions".into(),
                "dimensions or a default value, not both",
            );
        }
        if let Some(Value::Lit(n)) = &self.filter_name {
            if n.is_empty() || n.len() > 512 || n.contains([':', '*']) {
                err("FilterName", "invalid filter name", format!("{n:?}"), "1 to 512 characters without ':' or '*'");
            }
        }
    }

    /// Adds the metric filter to the stack.
    pub fn add_to(self, stack: &mut Stack) -> MetricFilterRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let mut t = l1::MetricTransformation::new(self.metric_name.clone(), self.namespace.clone(), self.value.clone());
        if let Some(d) = self.default_value {
            t = t.default_value(d);
        }
        if let Some(u) = self.unit {
            t = t.unit(u.name().to_string());
        }
        if !self.dimensions.is_empty() {
            t = t.dimensions(
                self.dimensions.iter().map(|(k, v)| l1::Dimension::new(k.clone(), v.clone())).collect::<Vec<_>>(),
            );
        }
        let mut f = l1::MetricFilter::new(self.pattern, Value::from(self.log_group.name()), vec![t]);
        if let Some(n) = self.filter_name {
            f = f.filter_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", f));
        MetricFilterRef { handle, metric: Metric::new(&self.namespace, &self.metric_name).statistic(Statistic::Sum) }
    }
}

/// A metric filter added to a stack, with the metric it publishes. It
/// carries the metric's namespace and name, so it is `Clone`, not `Copy`.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricFilterRef {
    handle: Handle<l1::MetricFilter>,
    metric: Metric,
}

impl MetricFilterRef {
    /// The L1 handle.
    pub fn handle(&self) -> Handle<l1::MetricFilter> {
        self.handle
    }
    /// The published metric (Sum over 5 minutes, no dimension: with
    /// dimensions, add the `.dimension(..)` to watch).
    pub fn metric(&self) -> Metric {
        self.metric.clone()
    }
}
