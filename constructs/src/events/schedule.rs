//! [`Schedule`]: when a scheduled rule fires, and [`EventPattern`]: which
//! events a pattern rule matches.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::units::Duration;
use serde_json::{Map, Value as Json};

/// When a scheduled rule fires (UTC).
///
/// ```
/// use cfnkit::constructs::events::Schedule;
/// use cfnkit::core::units::Duration;
/// assert_eq!(Schedule::rate(Duration::hours(1)).expression(), "rate(1 hour)");
/// assert_eq!(Schedule::rate(Duration::minutes(90)).expression(), "rate(90 minutes)");
/// assert_eq!(Schedule::cron("0 12 ? * MON-FRI *").expression(), "cron(0 12 ? * MON-FRI *)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every so often: whole minutes, at least one.
    Rate(Duration),
    /// A six-field EventBridge cron expression: minutes, hours, day of
    /// month, month, day of week, year; one of the two day fields is `?`.
    Cron(String),
}

impl Schedule {
    /// Every `every` (whole minutes, one minute or more).
    pub fn rate(every: Duration) -> Self {
        Schedule::Rate(every)
    }
    /// A cron expression, the six fields without `cron(...)`.
    pub fn cron(fields: &str) -> Self {
        Schedule::Cron(fields.trim().to_string())
    }

    /// The `ScheduleExpression`: `rate(...)` in the largest whole unit, or `cron(...)`.
    pub fn expression(&self) -> String {
        match self {
            Schedule::Rate(d) => {
                let s = d.to_seconds();
                let (n, unit) = if s % 86_400 == 0 {
                    (s / 86_400, "day")
                } else if s % 3_600 == 0 {
                    (s / 3_600, "hour")
                } else {
                    (s / 60, "minute")
                };
                format!("rate({n} {unit}{})", if n == 1 { "" } else { "s" })
            }
            Schedule::Cron(c) => format!("cron({c})"),
        }
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        match self {
            Schedule::Rate(d) => {
                let s = d.to_seconds();
                if s < 60 || s % 60 != 0 {
                    out.push(
                        Diagnostic::error_of(
                            DiagKind::Invalid,
                            path,
                            "a schedule rate must be whole minutes, one minute or more",
                        )
                        .property("ScheduleExpression")
                        .value(format!("{s} seconds"))
                        .allowed("Duration::minutes(n), hours(n) or days(n) with n >= 1"),
                    );
                }
            }
            Schedule::Cron(c) => {
                let fields: Vec<&str> = c.split_whitespace().collect();
                let bad = if fields.len() != 6 {
                    Some(format!("{} fields", fields.len()))
                } else if fields[2] != "?" && fields[4] != "?" {
                    Some("neither day of month nor day of week is ?".to_string())
                } else {
                    None
                };
                if let Some(why) = bad {
                    out.push(
                        Diagnostic::error_of(DiagKind::Invalid, path, format!("invalid cron expression ({why})"))
                            .property("ScheduleExpression")
                            .value(format!("{c:?}"))
                            .allowed(
                                "six fields: minutes hours day-of-month month day-of-week year, with ? in one of the \
                                 day fields (\"0 12 ? * MON-FRI *\")",
                            ),
                    );
                }
            }
        }
    }
}

/// The events a rule matches: fields of the event and the values they may
/// take (EventBridge content filtering in `detail`).
///
/// ```
/// use cfnkit::constructs::events::EventPattern;
/// use serde_json::json;
/// let p = EventPattern::new()
///     .source(["aws.ec2"])
///     .detail_type(["EC2 Instance State-change Notification"])
///     .detail(json!({"state": ["stopped", "terminated"]}));
/// assert_eq!(p.to_json()["source"], json!(["aws.ec2"]));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventPattern {
    fields: Map<String, Json>,
}

impl EventPattern {
    /// A pattern matching nothing yet (a rule refuses an empty pattern).
    pub fn new() -> Self {
        EventPattern::default()
    }
    /// Events from these sources (`aws.ec2`, `com.example.orders`).
    pub fn source<S: Into<String>>(self, sources: impl IntoIterator<Item = S>) -> Self {
        self.strings("source", sources)
    }
    /// Events of these detail types.
    pub fn detail_type<S: Into<String>>(self, types: impl IntoIterator<Item = S>) -> Self {
        self.strings("detail-type", types)
    }
    /// Events from these accounts.
    pub fn account<S: Into<String>>(self, accounts: impl IntoIterator<Item = S>) -> Self {
        self.strings("account", accounts)
    }
    /// Events whose `detail` matches this (an object of field patterns).
    pub fn detail(mut self, detail: Json) -> Self {
        self.fields.insert("detail".into(), detail);
        self
    }
    /// Any other top-level field (`resources`, `region`...) and its pattern.
    pub fn field(mut self, name: &str, pattern: Json) -> Self {
        self.fields.insert(name.to_string(), pattern);
        self
    }
    fn strings<S: Into<String>>(mut self, key: &str, values: impl IntoIterator<Item = S>) -> Self {
        let v: Vec<Json> = values.into_iter().map(|s| Json::String(s.into())).collect();
        self.fields.insert(key.into(), Json::Array(v));
        self
    }
    /// The pattern as JSON.
    pub fn to_json(&self) -> Json {
        Json::Object(self.fields.clone())
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if self.fields.is_empty() {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "an empty event pattern")
                    .property("EventPattern")
                    .allowed("at least one field, such as .source([\"aws.ec2\"])"),
            );
        }
        for (k, v) in &self.fields {
            let ok = match v {
                Json::Array(items) => !items.is_empty(),
                Json::Object(m) => !m.is_empty(),
                _ => false,
            };
            if !ok {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::Invalid,
                        path,
                        "an event pattern field must be a non-empty array of values or an object",
                    )
                    .property(format!("EventPattern.{k}"))
                    .value(v.to_string())
                    .allowed("[\"value\", ...] or {\"field\": [...]}"),
                );
            }
        }
    }
}
