//! [`CompositeAlarm`]: an alarm over the states of other alarms, with its
//! [`AlarmRule`] built from alarm handles, never from hand-written strings.
//!
//! The rule references each alarm by ARN and is written as one `Fn::Sub`:
//! `ALARM("${ApiErrors.Arn}") OR ALARM("${FunctionErrors.Arn}")`.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::cloudwatch as l1;
use cfnkit_l1::prelude::*;

use super::sub::SubText;
use super::{Actions, AlarmAction, AlarmRef, AnyAlarm};

/// The most alarms one rule may reference.
pub const ALARMS_PER_RULE: usize = 100;

/// An alarm state a rule can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Alarm,
    Ok,
    InsufficientData,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Alarm => "ALARM",
            State::Ok => "OK",
            State::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Rule {
    State(State, Token),
    AnyOf(Vec<Rule>),
    AllOf(Vec<Rule>),
    Not(Box<Rule>),
}

/// A composite alarm's rule: alarm states combined with `OR`, `AND` and `NOT`.
///
/// An alarm handle converts into "that alarm is in ALARM", so
/// `AlarmRule::any_of([errors, latency])` reads as it fires.
///
/// ```
/// use cfnkit_constructs::cloudwatch::{Alarm, AlarmRule, Metric};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let errors = Alarm::new("Errors", Metric::new("AWS/Lambda", "Errors")).greater_or_equal(5.0).add_to(stack);
/// let throttles = Alarm::new("Throttles", Metric::new("AWS/Lambda", "Throttles")).greater_or_equal(1.0).add_to(stack);
/// let rule = AlarmRule::all_of([AlarmRule::alarm(errors), AlarmRule::not(AlarmRule::alarm(throttles))]);
/// # let _ = rule;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmRule(Rule);

impl AlarmRule {
    /// `ALARM("<arn>")`: the alarm is firing.
    pub fn alarm(a: impl AnyAlarm) -> Self {
        AlarmRule(Rule::State(State::Alarm, a.alarm_arn().into()))
    }
    /// `OK("<arn>")`: the alarm is not firing.
    pub fn ok(a: impl AnyAlarm) -> Self {
        AlarmRule(Rule::State(State::Ok, a.alarm_arn().into()))
    }
    /// `INSUFFICIENT_DATA("<arn>")`: the alarm lacks data.
    pub fn insufficient_data(a: impl AnyAlarm) -> Self {
        AlarmRule(Rule::State(State::InsufficientData, a.alarm_arn().into()))
    }
    /// `a OR b OR ...` (at least one rule).
    pub fn any_of<R: Into<AlarmRule>>(rules: impl IntoIterator<Item = R>) -> Self {
        AlarmRule(Rule::AnyOf(rules.into_iter().map(|r| r.into().0).collect()))
    }
    /// `a AND b AND ...` (at least one rule).
    pub fn all_of<R: Into<AlarmRule>>(rules: impl IntoIterator<Item = R>) -> Self {
        AlarmRule(Rule::AllOf(rules.into_iter().map(|r| r.into().0).collect()))
    }
    /// `NOT rule`.
    pub fn not(rule: impl Into<AlarmRule>) -> Self {
        AlarmRule(Rule::Not(Box::new(rule.into().0)))
    }

    fn check(rule: &Rule, path: &str, alarms: &mut Vec<Token>, out: &mut Vec<Diagnostic>) {
        match rule {
            Rule::State(_, arn) => {
                if !alarms.contains(arn) {
                    alarms.push(arn.clone());
                }
            }
            Rule::AnyOf(rs) | Rule::AllOf(rs) => {
                if rs.is_empty() {
                    out.push(
                        Diagnostic::error(path, "alarm rule combines no rule")
                            .property("AlarmRule")
                            .allowed("any_of / all_of of at least one rule"),
                    );
                }
                for r in rs {
                    Self::check(r, path, alarms, out);
                }
            }
            Rule::Not(r) => Self::check(r, path, alarms, out),
        }
    }

    fn write(rule: &Rule, out: &mut SubText) {
        let nested = |r: &Rule, out: &mut SubText| match r {
            Rule::AnyOf(rs) | Rule::AllOf(rs) if rs.len() > 1 => {
                out.text("(");
                Self::write(r, out);
                out.text(")");
            }
            _ => Self::write(r, out),
        };
        match rule {
            Rule::State(s, arn) => {
                out.text(s.name());
                out.text("(\"");
                out.token(arn);
                out.text("\")");
            }
            Rule::AnyOf(rs) | Rule::AllOf(rs) => {
                let op = if matches!(rule, Rule::AnyOf(_)) { " OR " } else { " AND " };
                for (i, r) in rs.iter().enumerate() {
                    if i > 0 {
                        out.text(op);
                    }
                    nested(r, out);
                }
            }
            Rule::Not(r) => {
                out.text("NOT ");
                nested(r, out);
            }
        }
    }

    /// The rule as `AlarmRule` text (an `Fn::Sub` over the alarms' ARNs).
    pub fn render(&self) -> Value<String> {
        let mut t = SubText::new();
        Self::write(&self.0, &mut t);
        t.finish()
    }
}

impl From<AlarmRef> for AlarmRule {
    fn from(a: AlarmRef) -> Self {
        AlarmRule::alarm(a)
    }
}

impl From<CompositeAlarmRef> for AlarmRule {
    fn from(a: CompositeAlarmRef) -> Self {
        AlarmRule::alarm(a)
    }
}

/// An alarm that fires on a rule over other alarms, to cut noise: page once
/// when the API and its function both fail, not twice.
///
/// ```
/// use cfnkit_constructs::cloudwatch::{Alarm, AlarmRule, CompositeAlarm, Metric};
/// use cfnkit_constructs::sns::Topic;
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let ops = Topic::new("Ops").add_to(stack);
/// let errors = Alarm::new("Errors", Metric::new("AWS/Lambda", "Errors")).greater_or_equal(5.0).add_to(stack);
/// let server = Alarm::new("Server", Metric::new("AWS/ApiGateway", "5XXError")).greater_or_equal(10.0).add_to(stack);
/// CompositeAlarm::new("ServiceDown", AlarmRule::any_of([errors, server]))
///     .description("The API or its function is failing")
///     .action(ops)
///     .add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct CompositeAlarm {
    id: String,
    rule: AlarmRule,
    name: Option<Value<String>>,
    description: Option<String>,
    actions: Actions,
    ok_actions: bool,
    suppressor: Option<(Token, Duration, Duration)>,
}

impl CompositeAlarm {
    /// A composite alarm on `rule`.
    pub fn new(id: &str, rule: AlarmRule) -> Self {
        CompositeAlarm {
            id: id.to_string(),
            rule,
            name: None,
            description: None,
            actions: Actions::default(),
            ok_actions: false,
            suppressor: None,
        }
    }
    /// Sets `AlarmName` (suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `AlarmDescription` (at most 1,024 characters).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Notifies `target` when the alarm fires (at most 5 actions).
    pub fn action(mut self, target: impl AlarmAction) -> Self {
        self.actions.push(&target);
        self
    }
    /// Also notifies the actions when the alarm returns to OK.
    pub fn notify_on_ok(mut self) -> Self {
        self.ok_actions = true;
        self
    }
    /// Holds the actions back while `suppressor` is in ALARM (a maintenance
    /// or upstream-outage alarm): for up to `wait` for it to fire, and
    /// `extension` after it recovers.
    pub fn suppressed_by(mut self, suppressor: impl AnyAlarm, wait: Duration, extension: Duration) -> Self {
        self.suppressor = Some((suppressor.alarm_arn().into(), wait, extension));
        self
    }

    /// Adds the composite alarm to the stack.
    pub fn add_to(self, stack: &mut Stack) -> CompositeAlarmRef {
        let scope = stack.construct(&self.id);
        self.actions.apply(stack, scope);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        let mut alarms = Vec::new();
        AlarmRule::check(&self.rule.0, &path, &mut alarms, &mut diags);
        if alarms.len() > ALARMS_PER_RULE {
            diags.push(
                Diagnostic::error(&path, "alarm rule references too many alarms")
                    .property("AlarmRule")
                    .value(alarms.len().to_string())
                    .allowed(format!("at most {ALARMS_PER_RULE} alarms")),
            );
        }
        if self.actions.arns.len() > 5 {
            diags.push(
                Diagnostic::error(&path, "too many alarm actions")
                    .property("AlarmActions")
                    .value(self.actions.arns.len().to_string())
                    .allowed("at most 5"),
            );
        }
        if let Some((arn, _, _)) = &self.suppressor {
            if alarms.contains(arn) {
                diags.push(
                    Diagnostic::error(&path, "an alarm of the rule cannot also suppress it")
                        .property("ActionsSuppressor")
                        .allowed("a suppressor outside the rule"),
                );
            }
        }
        for d in diags {
            stack.report(d);
        }
        let mut a = l1::CompositeAlarm::new(self.rule.render());
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
        if let Some((arn, wait, extension)) = self.suppressor {
            a = a
                .actions_suppressor(Value::Expr(arn))
                .actions_suppressor_wait_period(wait.to_seconds() as i64)
                .actions_suppressor_extension_period(extension.to_seconds() as i64);
        }
        let handle = stack.within(scope, |s| s.add("Resource", a));
        CompositeAlarmRef { handle }
    }
}

/// A composite alarm added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompositeAlarmRef {
    handle: Handle<l1::CompositeAlarm>,
}

impl CompositeAlarmRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::CompositeAlarm> {
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

impl AnyAlarm for CompositeAlarmRef {
    fn alarm_arn(&self) -> Expr<String> {
        self.arn()
    }
}
