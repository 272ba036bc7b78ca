//! [`Dashboard`]: widgets laid out in rows on CloudWatch's 24-column grid,
//! with a `DashboardBody` built at synthesis.
//!
//! The body is one `Fn::Sub` whose text is the dashboard JSON, one widget a
//! line, with deploy-time values written as placeholders: every metric
//! widget reads its metrics in `${AWS::Region}` (or the region a metric is
//! pinned to), a Lambda dimension reads `${AuditFunction}`, an alarm
//! `${ErrorRateAlarm.Arn}`. The same program always gives the same bytes.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_core::units::Duration;
use cfnkit_l1::cloudwatch as l1;

use super::sub::SubText;
use super::widgets::{Widget, GRID_WIDTH};

/// The most widgets one dashboard may hold.
pub const WIDGETS_PER_DASHBOARD: usize = 500;

/// The most metrics one dashboard may show, over all its widgets.
pub const METRICS_PER_DASHBOARD: usize = 2500;

/// A position in the layout: a widget, or the start of a new row.
#[derive(Clone, Debug, PartialEq)]
enum Slot {
    Widget(Widget),
    NewRow,
}

/// A CloudWatch dashboard.
///
/// Widgets flow left to right and wrap when the next one would pass column
/// 24; [`Dashboard::row`] starts a new row. A row is as tall as its tallest
/// widget.
///
/// ```
/// use cfnkit::constructs::cloudwatch::{Dashboard, GraphWidget, Metric, TextWidget};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let name = stack.suffix().name("orders");
/// let invocations = Metric::new("AWS/Lambda", "Invocations").dimension("FunctionName", "audit");
/// let errors = Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", "audit");
/// Dashboard::new("Ops")
///     .name(name)
///     .widget(TextWidget::new("# Orders"))
///     .row([GraphWidget::new("Invocations").left(invocations), GraphWidget::new("Errors").left(errors)])
///     .add_to(stack);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Dashboard {
    id: String,
    name: Option<Value<String>>,
    slots: Vec<Slot>,
    range: Option<Duration>,
}

impl Dashboard {
    /// An empty dashboard.
    pub fn new(id: &str) -> Self {
        Dashboard { id: id.to_string(), name: None, slots: Vec::new(), range: None }
    }
    /// Sets `DashboardName` (letters, digits, `-` and `_`; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Adds a widget after the previous one (wrapping at column 24).
    pub fn widget(mut self, w: impl Into<Widget>) -> Self {
        self.slots.push(Slot::Widget(w.into()));
        self
    }
    /// Starts a new row with these widgets.
    pub fn row<W: Into<Widget>>(mut self, widgets: impl IntoIterator<Item = W>) -> Self {
        self.slots.push(Slot::NewRow);
        self.slots.extend(widgets.into_iter().map(|w| Slot::Widget(w.into())));
        self
    }
    /// Sets the time range the dashboard opens on (the last `d`; CloudWatch's default is 3 hours).
    pub fn time_range(mut self, d: Duration) -> Self {
        self.range = Some(d);
        self
    }

    fn check_name(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let Some(Value::Lit(n)) = &self.name else { return };
        let ok = (1..=255).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid dashboard name")
                    .property("DashboardName")
                    .value(format!("{n:?}"))
                    .allowed("1 to 255 letters, digits, '-' and '_'"),
            );
        }
    }

    /// Places the widgets: `(widget, x, y)` in order.
    fn layout(&self) -> Vec<(&Widget, u32, u32)> {
        let (mut x, mut y, mut row_height) = (0u32, 0u32, 0u32);
        let mut placed = Vec::new();
        for slot in &self.slots {
            match slot {
                Slot::NewRow => {
                    if x > 0 {
                        (x, y, row_height) = (0, y.saturating_add(row_height), 0);
                    }
                }
                Slot::Widget(w) => {
                    // Out-of-range sizes are reported; lay them out as the nearest valid size.
                    let width = w.get_width().clamp(1, GRID_WIDTH);
                    let height = w.get_height().clamp(1, 1000);
                    if x + width > GRID_WIDTH {
                        (x, y, row_height) = (0, y.saturating_add(row_height), 0);
                    }
                    placed.push((w, x, y));
                    x += width;
                    row_height = row_height.max(height);
                }
            }
        }
        placed
    }

    /// `-PT3H`, `-P7D`, `-PT15M`: an ISO 8601 duration back from now.
    fn start(d: Duration) -> String {
        let s = d.to_seconds();
        if s % 86_400 == 0 {
            format!("-P{}D", s / 86_400)
        } else if s % 3600 == 0 {
            format!("-PT{}H", s / 3600)
        } else if s % 60 == 0 {
            format!("-PT{}M", s / 60)
        } else {
            format!("-PT{s}S")
        }
    }

    /// Adds the dashboard to the stack.
    pub fn add_to(self, stack: &mut Stack) -> DashboardRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        self.check_name(&path, &mut diags);
        let placed = self.layout();
        if placed.len() > WIDGETS_PER_DASHBOARD {
            diags.push(
                Diagnostic::error_of(DiagKind::Quota, &path, "too many widgets")
                    .property("DashboardBody.widgets")
                    .value(placed.len().to_string())
                    .allowed(format!("at most {WIDGETS_PER_DASHBOARD} per dashboard")),
            );
        }
        let mut body = SubText::new();
        body.text("{");
        if let Some(d) = self.range {
            if d.to_seconds() < 60 {
                diags.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, &path, "dashboard time range too short")
                        .property("DashboardBody.start")
                        .value(d.to_string())
                        .allowed("at least 1 minute"),
                );
            }
            body.text(&format!("\"start\":\"{}\",", Self::start(d)));
        }
        body.text("\"widgets\":[");
        let mut metrics = 0;
        for (i, (w, x, y)) in placed.iter().enumerate() {
            let (json, count) = w.render(*x, *y, &path, i, &mut diags);
            metrics += count;
            body.text(if i == 0 { "\n" } else { ",\n" });
            body.json(&json);
        }
        body.text(if placed.is_empty() { "]}" } else { "\n]}" });
        if metrics > METRICS_PER_DASHBOARD {
            diags.push(
                Diagnostic::error_of(DiagKind::Quota, &path, "too many metrics on one dashboard")
                    .property("DashboardBody.widgets")
                    .value(metrics.to_string())
                    .allowed(format!("at most {METRICS_PER_DASHBOARD} over all widgets")),
            );
        }
        for d in diags {
            stack.report(d);
        }
        let mut pinned: Vec<String> = Vec::new();
        for r in placed.iter().flat_map(|(w, _, _)| w.pinned_regions()) {
            if !pinned.contains(&r) {
                pinned.push(r);
            }
        }
        let mut d = l1::Dashboard::new(body.finish());
        if let Some(n) = self.name {
            d = d.dashboard_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", d));
        if !pinned.is_empty() {
            // A metric published in one region only (CloudFront's, in us-east-1) names it.
            stack.acknowledge(
                handle.id(),
                Ack::Cfnkit {
                    id: "conv-hardcoded-region".into(),
                    reason: format!(
                        "metrics published in one region only are read there: {}; every other metric is read in \
                         the stack's own region",
                        pinned.join(", ")
                    ),
                },
            );
        }
        DashboardRef { handle }
    }
}

/// A dashboard added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DashboardRef {
    handle: Handle<l1::Dashboard>,
}

impl DashboardRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Dashboard> {
        self.handle
    }
    /// The dashboard name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
}
