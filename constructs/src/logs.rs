//! CloudWatch Logs: [`LogGroup`] with a retention always chosen, and
//! [`Retention`], the closed set of periods CloudWatch Logs accepts.

use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::logs as l1;

/// How long a log group keeps events: the values CloudWatch Logs accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Retention {
    OneDay,
    ThreeDays,
    FiveDays,
    OneWeek,
    TwoWeeks,
    OneMonth,
    TwoMonths,
    ThreeMonths,
    FourMonths,
    FiveMonths,
    SixMonths,
    OneYear,
    ThirteenMonths,
    EighteenMonths,
    TwoYears,
    ThreeYears,
    FiveYears,
    SixYears,
    SevenYears,
    EightYears,
    NineYears,
    TenYears,
    /// Never expire (an explicit decision: logs cost money forever).
    Infinite,
}

impl Retention {
    /// `RetentionInDays`, or `None` for [`Retention::Infinite`].
    pub fn days(self) -> Option<i64> {
        #[allow(clippy::enum_glob_use)] // the table below reads best with bare variant names
        use Retention::*;
        Some(match self {
            OneDay => 1,
            ThreeDays => 3,
            FiveDays => 5,
            OneWeek => 7,
            TwoWeeks => 14,
            OneMonth => 30,
            TwoMonths => 60,
            ThreeMonths => 90,
            FourMonths => 120,
            FiveMonths => 150,
            SixMonths => 180,
            OneYear => 365,
            ThirteenMonths => 400,
            EighteenMonths => 545,
            TwoYears => 731,
            ThreeYears => 1096,
            FiveYears => 1827,
            SixYears => 2192,
            SevenYears => 2557,
            EightYears => 2922,
            NineYears => 3288,
            TenYears => 3653,
            Infinite => return None,
        })
    }
}

/// A log group.
///
/// ```
/// use cfnkit_constructs::logs::{LogGroup, Retention};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let lg = LogGroup::new("ApiLogs", Retention::OneWeek).name("/aws/apigateway/demo").add_to(stack);
/// let _arn = lg.arn();
/// ```
#[derive(Clone, Debug)]
pub struct LogGroup {
    id: String,
    retention: Retention,
    name: Option<Value<String>>,
    key: Option<Token>,
    removal: Option<RemovalPolicy>,
}

impl LogGroup {
    /// A log group; the retention is required.
    pub fn new(id: &str, retention: Retention) -> Self {
        LogGroup { id: id.to_string(), retention, name: None, key: None, removal: None }
    }
    /// Sets `LogGroupName`.
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Encrypts with a customer managed KMS key (its ARN); the key policy must
    /// allow `logs.<region>.amazonaws.com` (`kms::Key::allow_cloudwatch_logs` does).
    pub fn encryption_key(mut self, arn: impl Into<Token>) -> Self {
        self.key = Some(arn.into());
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    pub(crate) fn to_l1(&self) -> l1::LogGroup {
        let mut g = l1::LogGroup::default();
        if let Some(d) = self.retention.days() {
            g = g.retention_in_days(d);
        }
        if let Some(n) = &self.name {
            g = g.log_group_name(n.clone());
        }
        if let Some(k) = &self.key {
            g = g.kms_key_id(Value::Expr(k.clone()));
        }
        g
    }

    pub(crate) fn removal(&self, stack: &Stack) -> RemovalPolicy {
        self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain)
    }

    /// Adds the log group to the stack.
    pub fn add_to(self, stack: &mut Stack) -> LogGroupRef {
        let scope = stack.construct(&self.id);
        let removal = self.removal(stack);
        let handle = stack.within(scope, |s| s.add("Resource", self.to_l1()));
        stack.set_removal_policy(handle.id(), removal);
        LogGroupRef { handle }
    }
}

/// A log group added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogGroupRef {
    handle: Handle<l1::LogGroup>,
}

impl LogGroupRef {
    pub(crate) fn from_handle(handle: Handle<l1::LogGroup>) -> Self {
        LogGroupRef { handle }
    }
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::LogGroup> {
        self.handle
    }
    /// The log group name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The log group ARN (ends in `:*`, covering its streams).
    pub fn arn(self) -> Expr<String> {
        self.handle.get_att("Arn")
    }
}
