//! Dashboard widgets: [`GraphWidget`], [`SingleValueWidget`], [`TextWidget`]
//! and [`AlarmStatusWidget`], each rendered into the `DashboardBody` JSON
//! (as a token tree; the dashboard turns it into one `Fn::Sub`).
//!
//! Default sizes on the 24-column grid: graphs 12 x 6 (two to a row),
//! single values 6 x 3, text 24 x 2 (a header across the dashboard), alarm
//! status 24 x 3. Widths must be 1 to 24 and heights 1 to 1,000.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::token::Token;
use cfnkit_core::units::Duration;
use indexmap::IndexMap;

use super::{AnyAlarm, MathExpression, Metric};

/// The dashboard grid's width in columns.
pub const GRID_WIDTH: u32 = 24;

/// The most metrics (plain, and hidden ones bound by metric math) one widget may show.
pub const METRICS_PER_WIDGET: usize = 500;

/// One line of a graph: a metric, or metric math over metrics.
#[derive(Clone, Debug, PartialEq)]
pub enum Series {
    /// A single metric.
    Metric(Metric),
    /// Metric math; its bound metrics are drawn hidden (`"visible": false`).
    Math(MathExpression),
}

impl From<Metric> for Series {
    fn from(m: Metric) -> Self {
        Series::Metric(m)
    }
}

impl From<MathExpression> for Series {
    fn from(m: MathExpression) -> Self {
        Series::Math(m)
    }
}

/// Which vertical axis a series is drawn against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Axis {
    Left,
    Right,
}

/// A time-series graph of metrics and metric math, on a left and a right axis.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Dashboard, GraphWidget, Metric};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let graph = GraphWidget::new("Requests and errors")
///     .left(Metric::new("AWS/ApiGateway", "Count"))
///     .right(Metric::new("AWS/ApiGateway", "5XXError"))
///     .width(24);
/// Dashboard::new("Ops").widget(graph).add_to(stack);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GraphWidget {
    title: String,
    series: Vec<(Axis, Series)>,
    width: u32,
    height: u32,
    stacked: bool,
    period: Option<Duration>,
}

impl GraphWidget {
    /// An empty 12 x 6 graph titled `title`.
    pub fn new(title: &str) -> Self {
        GraphWidget { title: title.to_string(), series: Vec::new(), width: 12, height: 6, stacked: false, period: None }
    }
    /// Draws a metric or metric math against the left axis.
    pub fn left(mut self, s: impl Into<Series>) -> Self {
        self.series.push((Axis::Left, s.into()));
        self
    }
    /// Draws a metric or metric math against the right axis.
    pub fn right(mut self, s: impl Into<Series>) -> Self {
        self.series.push((Axis::Right, s.into()));
        self
    }
    /// Sets the width in grid columns (1 to 24).
    pub fn width(mut self, w: u32) -> Self {
        self.width = w;
        self
    }
    /// Sets the height in grid rows (1 to 1,000).
    pub fn height(mut self, h: u32) -> Self {
        self.height = h;
        self
    }
    /// Stacks the series (an area chart).
    pub fn stacked(mut self) -> Self {
        self.stacked = true;
        self
    }
    /// Sets one period for every series of the graph, overriding their own.
    pub fn period(mut self, p: Duration) -> Self {
        self.period = Some(p);
        self
    }
}

/// The latest value of one or more metrics, as numbers.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Dashboard, Metric, SingleValueWidget};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let depth = SingleValueWidget::new("Queue depth")
///     .metric(Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible"))
///     .sparkline();
/// Dashboard::new("Ops").widget(depth).add_to(stack);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SingleValueWidget {
    title: String,
    series: Vec<Series>,
    width: u32,
    height: u32,
    sparkline: bool,
}

impl SingleValueWidget {
    /// An empty 6 x 3 single-value widget titled `title`.
    pub fn new(title: &str) -> Self {
        SingleValueWidget { title: title.to_string(), series: Vec::new(), width: 6, height: 3, sparkline: false }
    }
    /// Shows a metric or metric math.
    pub fn metric(mut self, s: impl Into<Series>) -> Self {
        self.series.push(s.into());
        self
    }
    /// Sets the width in grid columns (1 to 24).
    pub fn width(mut self, w: u32) -> Self {
        self.width = w;
        self
    }
    /// Sets the height in grid rows (1 to 1,000).
    pub fn height(mut self, h: u32) -> Self {
        self.height = h;
        self
    }
    /// Draws a small trend line under each value.
    pub fn sparkline(mut self) -> Self {
        self.sparkline = true;
        self
    }
}

/// Markdown text: headings, notes, runbook links.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Dashboard, TextWidget};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// Dashboard::new("Ops").widget(TextWidget::new("# Payments\nRunbook: see the wiki.")).add_to(stack);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TextWidget {
    markdown: String,
    width: u32,
    height: u32,
}

impl TextWidget {
    /// A 24 x 2 text widget.
    pub fn new(markdown: &str) -> Self {
        TextWidget { markdown: markdown.to_string(), width: GRID_WIDTH, height: 2 }
    }
    /// Sets the width in grid columns (1 to 24).
    pub fn width(mut self, w: u32) -> Self {
        self.width = w;
        self
    }
    /// Sets the height in grid rows (1 to 1,000).
    pub fn height(mut self, h: u32) -> Self {
        self.height = h;
        self
    }
}

/// The current state of a set of alarms, by ARN.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Alarm, AlarmStatusWidget, Dashboard, Metric};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let errors = Alarm::new("Errors", Metric::new("AWS/Lambda", "Errors")).greater_or_equal(5.0).add_to(stack);
/// Dashboard::new("Ops").widget(AlarmStatusWidget::new("Alarms").alarm(errors)).add_to(stack);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmStatusWidget {
    title: String,
    alarms: Vec<Token>,
    width: u32,
    height: u32,
}

impl AlarmStatusWidget {
    /// An empty 24 x 3 alarm status widget titled `title`.
    pub fn new(title: &str) -> Self {
        AlarmStatusWidget { title: title.to_string(), alarms: Vec::new(), width: GRID_WIDTH, height: 3 }
    }
    /// Shows an alarm (metric or composite).
    pub fn alarm(mut self, a: impl AnyAlarm) -> Self {
        self.alarms.push(a.alarm_arn().into());
        self
    }
    /// Sets the width in grid columns (1 to 24).
    pub fn width(mut self, w: u32) -> Self {
        self.width = w;
        self
    }
    /// Sets the height in grid rows (1 to 1,000).
    pub fn height(mut self, h: u32) -> Self {
        self.height = h;
        self
    }
}

/// Any widget a dashboard can hold.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Widget {
    /// A graph.
    Graph(GraphWidget),
    /// Latest values.
    SingleValue(SingleValueWidget),
    /// Markdown text.
    Text(TextWidget),
    /// Alarm states.
    AlarmStatus(AlarmStatusWidget),
}

macro_rules! widget_from {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Widget {
            fn from(w: $t) -> Self {
                Widget::$v(w)
            }
        }
    )*};
}
widget_from!(GraphWidget => Graph, SingleValueWidget => SingleValue, TextWidget => Text, AlarmStatusWidget => AlarmStatus);

impl Widget {
    /// The width in grid columns, as set.
    pub fn get_width(&self) -> u32 {
        match self {
            Widget::Graph(w) => w.width,
            Widget::SingleValue(w) => w.width,
            Widget::Text(w) => w.width,
            Widget::AlarmStatus(w) => w.width,
        }
    }

    /// The height in grid rows, as set.
    pub fn get_height(&self) -> u32 {
        match self {
            Widget::Graph(w) => w.height,
            Widget::SingleValue(w) => w.height,
            Widget::Text(w) => w.height,
            Widget::AlarmStatus(w) => w.height,
        }
    }

    /// The regions its metrics are pinned to (`Metric::region`), in order,
    /// each once.
    pub(crate) fn pinned_regions(&self) -> Vec<String> {
        let series: Vec<&Series> = match self {
            Widget::Graph(w) => w.series.iter().map(|(_, s)| s).collect(),
            Widget::SingleValue(w) => w.series.iter().collect(),
            Widget::Text(_) | Widget::AlarmStatus(_) => Vec::new(),
        };
        let mut out: Vec<String> = Vec::new();
        for s in series {
            let metrics: Vec<&Metric> = match s {
                Series::Metric(m) => vec![m],
                Series::Math(e) => e.metrics().iter().map(|(_, m)| m).collect(),
            };
            for r in metrics.into_iter().filter_map(Metric::get_region) {
                if !out.iter().any(|o| o == r) {
                    out.push(r.to_string());
                }
            }
        }
        out
    }

    /// Checks the widget's own settings (size, contents) and renders it at
    /// `(x, y)`; returns the widget JSON and how many metrics it shows.
    pub(crate) fn render(&self, x: u32, y: u32, path: &str, index: usize, out: &mut Vec<Diagnostic>) -> (Token, usize) {
        let prop = format!("DashboardBody.widgets.{index}");
        check_size(self.get_width(), self.get_height(), path, &prop, out);
        let (kind, properties, count) = match self {
            Widget::Graph(g) => {
                let mut lines = Lines::new(path, &prop, g.period);
                lines.reserve(g.series.iter().map(|(_, s)| s));
                for (axis, s) in &g.series {
                    lines.add(s, *axis);
                }
                if g.series.is_empty() {
                    out.push(
                        Diagnostic::error_of(DiagKind::NoEffect, path, "graph widget shows nothing")
                            .property(prop.clone())
                            .value(format!("{:?}", g.title))
                            .allowed("at least one .left(..) or .right(..) series"),
                    );
                }
                let (metrics, count) = lines.finish(out);
                let mut p = IndexMap::new();
                p.insert("title".to_string(), Token::Str(g.title.clone()));
                p.insert("view".into(), "timeSeries".into());
                p.insert("stacked".into(), Token::Bool(g.stacked));
                p.insert("region".into(), cfnkit_core::token::Pseudo::Region.expr().into());
                if let Some(period) = g.period {
                    p.insert("period".into(), Token::Int(period.to_seconds() as i64));
                }
                p.insert("metrics".into(), Token::List(metrics));
                ("metric", Token::Map(p), count)
            }
            Widget::SingleValue(v) => {
                let mut lines = Lines::new(path, &prop, None);
                lines.reserve(v.series.iter());
                for s in &v.series {
                    lines.add(s, Axis::Left);
                }
                if v.series.is_empty() {
                    out.push(
                        Diagnostic::error_of(DiagKind::NoEffect, path, "single value widget shows nothing")
                            .property(prop.clone())
                            .value(format!("{:?}", v.title))
                            .allowed("at least one .metric(..)"),
                    );
                }
                let (metrics, count) = lines.finish(out);
                let mut p = IndexMap::new();
                p.insert("title".to_string(), Token::Str(v.title.clone()));
                p.insert("view".into(), "singleValue".into());
                p.insert("sparkline".into(), Token::Bool(v.sparkline));
                p.insert("region".into(), cfnkit_core::token::Pseudo::Region.expr().into());
                p.insert("metrics".into(), Token::List(metrics));
                ("metric", Token::Map(p), count)
            }
            Widget::Text(t) => ("text", Token::object([("markdown", Token::Str(t.markdown.clone()))]), 0),
            Widget::AlarmStatus(a) => {
                if a.alarms.is_empty() {
                    out.push(
                        Diagnostic::error_of(DiagKind::NoEffect, path, "alarm status widget shows no alarm")
                            .property(prop.clone())
                            .value(format!("{:?}", a.title))
                            .allowed("at least one .alarm(..)"),
                    );
                }
                let p =
                    Token::object([("title", Token::Str(a.title.clone())), ("alarms", Token::List(a.alarms.clone()))]);
                ("alarm", p, 0)
            }
        };
        if count > METRICS_PER_WIDGET {
            out.push(
                Diagnostic::error_of(DiagKind::Quota, path, "too many metrics in one widget")
                    .property(prop)
                    .value(count.to_string())
                    .allowed(format!("at most {METRICS_PER_WIDGET} (including metrics bound by metric math)")),
            );
        }
        let w = Token::object([
            ("type", Token::Str(kind.into())),
            ("x", Token::Int(i64::from(x))),
            ("y", Token::Int(i64::from(y))),
            ("width", Token::Int(i64::from(self.get_width()))),
            ("height", Token::Int(i64::from(self.get_height()))),
            ("properties", properties),
        ]);
        (w, count)
    }
}

fn check_size(width: u32, height: u32, path: &str, prop: &str, out: &mut Vec<Diagnostic>) {
    if !(1..=GRID_WIDTH).contains(&width) {
        out.push(
            Diagnostic::error_of(DiagKind::OutOfRange, path, "widget width out of range")
                .property(format!("{prop}.width"))
                .value(width.to_string())
                .allowed(format!("1 to {GRID_WIDTH} grid columns")),
        );
    }
    if !(1..=1000).contains(&height) {
        out.push(
            Diagnostic::error_of(DiagKind::OutOfRange, path, "widget height out of range")
                .property(format!("{prop}.height"))
                .value(height.to_string())
                .allowed("1 to 1000 grid rows"),
        );
    }
}

/// The `metrics` array of one widget: plain metrics, metric math entries and
/// the hidden metrics they bind, with ids unique within the widget.
struct Lines<'a> {
    path: &'a str,
    prop: &'a str,
    period: Option<Duration>,
    entries: Vec<Token>,
    bound: Vec<(String, Metric)>,
    reserved: Vec<String>,
    expressions: usize,
    count: usize,
    diags: Vec<Diagnostic>,
}

impl<'a> Lines<'a> {
    fn new(path: &'a str, prop: &'a str, period: Option<Duration>) -> Self {
        Lines {
            path,
            prop,
            period,
            entries: Vec::new(),
            bound: Vec::new(),
            reserved: Vec::new(),
            expressions: 0,
            count: 0,
            diags: Vec::new(),
        }
    }

    /// Reserves every variable name of the widget's metric math, so no
    /// expression id takes one.
    fn reserve<'s>(&mut self, series: impl Iterator<Item = &'s Series>) {
        for s in series {
            if let Series::Math(e) = s {
                self.reserved.extend(e.metrics().iter().map(|(id, _)| id.clone()));
            }
        }
    }

    fn add(&mut self, s: &Series, axis: Axis) {
        match s {
            Series::Metric(m) => {
                let period = self.period.unwrap_or(m.period());
                let mut opts = options(m, period);
                if let Some(l) = m.get_label() {
                    opts.insert("label".into(), Token::Str(l.to_string()));
                }
                if axis == Axis::Right {
                    opts.insert("yAxis".into(), "right".into());
                }
                self.entries.push(metric_entry(m, opts));
                self.count += 1;
            }
            Series::Math(e) => {
                let mut diags = Vec::new();
                e.check(self.path, &mut diags);
                for mut d in diags {
                    d.property = Some(format!("{}.metrics", self.prop));
                    self.diags.push(d);
                }
                let id = self.expression_id();
                let mut expr = IndexMap::new();
                expr.insert("expression".to_string(), Token::Str(e.expression().to_string()));
                if let Some(l) = e.get_label() {
                    expr.insert("label".into(), Token::Str(l.to_string()));
                }
                expr.insert("id".into(), Token::Str(id));
                if axis == Axis::Right {
                    expr.insert("yAxis".into(), "right".into());
                }
                self.entries.push(Token::List(vec![Token::Map(expr)]));
                let period = self.period.unwrap_or(e.get_period());
                for (var, m) in e.metrics() {
                    match self.bound.iter().find(|(v, _)| v == var) {
                        Some((_, same)) if same == m => {}
                        Some(_) => self.diags.push(
                            Diagnostic::error_of(
                                DiagKind::Conflict,
                                self.path,
                                "metric math variable bound to two different metrics in one widget",
                            )
                            .property(format!("{}.metrics", self.prop))
                            .value(format!("{var:?}"))
                            .allowed(
                                "one metric per variable name within a widget; rename the variable in one expression",
                            ),
                        ),
                        None => {
                            let mut opts = options(m, period);
                            opts.insert("id".into(), Token::Str(var.clone()));
                            opts.insert("visible".into(), Token::Bool(false));
                            self.entries.push(metric_entry(m, opts));
                            self.bound.push((var.clone(), m.clone()));
                            self.count += 1;
                        }
                    }
                }
            }
        }
    }

    /// `expr1`, `expr2`...: the first not used as a variable of the widget.
    fn expression_id(&mut self) -> String {
        loop {
            self.expressions += 1;
            let id = format!("expr{}", self.expressions);
            if !self.reserved.contains(&id) {
                self.reserved.push(id.clone());
                return id;
            }
        }
    }

    fn finish(self, out: &mut Vec<Diagnostic>) -> (Vec<Token>, usize) {
        out.extend(self.diags);
        (self.entries, self.count)
    }
}

/// `{"stat", "period"}` plus the metric's own region, if pinned.
fn options(m: &Metric, period: Duration) -> IndexMap<String, Token> {
    let mut o = IndexMap::new();
    o.insert("stat".to_string(), Token::Str(m.stat().name().to_string()));
    o.insert("period".into(), Token::Int(period.to_seconds() as i64));
    if let Some(r) = m.get_region() {
        o.insert("region".into(), Token::Str(r.to_string()));
    }
    o
}

/// `[namespace, name, dim, value, ..., {options}]`.
fn metric_entry(m: &Metric, opts: IndexMap<String, Token>) -> Token {
    let mut e = vec![Token::Str(m.namespace().to_string()), Token::Str(m.name().to_string())];
    for (k, v) in m.dimensions() {
        e.push(Token::Str(k.clone()));
        e.push(v.clone());
    }
    e.push(Token::Map(opts));
    Token::List(e)
}
