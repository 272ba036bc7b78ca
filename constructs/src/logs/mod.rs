//! CloudWatch Logs: [`LogGroup`] with a retention always chosen and a
//! customer managed key by default, [`Retention`] (the closed set of periods
//! CloudWatch Logs accepts), Logs Insights [`QueryDefinition`]s and
//! [`MetricFilter`]s that turn log events into metrics for alarms.
//!
//! Defaults: a retention is always chosen; encryption follows the stack's
//! security profile. Under the hardened profile a log group is encrypted
//! with the stack's one customer managed key for logs ([`stack_logs_key`]:
//! rotation on, a key policy naming the CloudWatch Logs service of the
//! region); under the default profile CloudWatch Logs encrypts it with its
//! own keys and checkov's CKV_AWS_158 is acknowledged with the reason.
//! [`LogGroup::encryption_key`], [`LogGroup::dedicated_encryption_key`] and
//! [`LogGroup::service_managed_encryption`] decide explicitly under both.
//! The removal policy follows the stack's conventions, else Retain.

use cfnkit_core::conventions::{Hardening, SecurityProfile};
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::logs as l1;
use cfnkit_l1::prelude::*;

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{grant, Grantable, PolicyStatement};
use crate::kms;

mod insights;

pub use insights::{MetricFilter, MetricFilterRef, QueryDefinition, QueryDefinitionRef, QueryLanguage, Unit};

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

/// True for the characters CloudWatch Logs accepts in log group names.
fn log_group_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
}

/// How a log group is encrypted.
#[derive(Clone, Debug, PartialEq)]
enum Encryption {
    /// As the stack's security profile says (the default): the stack's
    /// shared log key ([`stack_logs_key`]) under the hardened profile,
    /// CloudWatch Logs' own encryption under the default one.
    Profile,
    /// A dedicated key created beside the log group.
    Dedicated,
    /// A given key (its ARN).
    Key(Token),
    /// CloudWatch Logs' own encryption, with the reason checkov is told.
    ServiceManaged(String),
}

/// A log group.
///
/// ```
/// use cfnkit::constructs::logs::{LogGroup, Retention};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let lg = LogGroup::new("ApiLogs", Retention::OneWeek).name("/aws/apigateway/demo").add_to(stack);
/// let _arn = lg.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct LogGroup {
    id: String,
    retention: Retention,
    name: Option<Value<String>>,
    encryption: Encryption,
    removal: Option<RemovalPolicy>,
}

impl LogGroup {
    /// A log group; the retention is required.
    pub fn new(id: &str, retention: Retention) -> Self {
        LogGroup { id: id.to_string(), retention, name: None, encryption: Encryption::Profile, removal: None }
    }
    /// Sets `LogGroupName` (1 to 512 letters, digits, `.`, `-`, `_`, `/` and `#`).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Encrypts with a customer managed KMS key (its ARN), under every
    /// security profile; the key policy must allow `logs.<region>.amazonaws.com`
    /// (`kms::Key::allow_cloudwatch_logs` does).
    pub fn encryption_key(mut self, arn: impl Into<Token>) -> Self {
        self.encryption = Encryption::Key(arn.into());
        self
    }
    /// Encrypts with a key of its own, created beside the log group
    /// (`<Id>Key`), under every security profile.
    pub fn dedicated_encryption_key(mut self) -> Self {
        self.encryption = Encryption::Dedicated;
        self
    }
    /// Keeps CloudWatch Logs' own encryption (no customer managed key); the
    /// reason is written beside checkov's CKV_AWS_158 skip.
    pub fn service_managed_encryption(mut self, reason: &str) -> Self {
        self.encryption = Encryption::ServiceManaged(reason.to_string());
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
        if let Encryption::Key(k) = &self.encryption {
            g = g.kms_key_id(Value::Expr(k.clone()));
        }
        g
    }

    pub(crate) fn removal(&self, stack: &Stack) -> RemovalPolicy {
        self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain)
    }

    /// Adds the log group (and its key, unless given one) to the stack.
    pub fn add_to(mut self, stack: &mut Stack) -> LogGroupRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        if let Some(Value::Lit(n)) = &self.name {
            if n.is_empty() || n.len() > 512 || !n.chars().all(log_group_name_char) {
                stack.report(
                    Diagnostic::error_of(DiagKind::Pattern, &path, "invalid log group name")
                        .property("LogGroupName")
                        .value(format!("{n:?}"))
                        .allowed("1 to 512 letters, digits, '.', '-', '_', '/' and '#'"),
                );
            }
        }
        let removal = self.removal(stack);
        let hardened = stack.security_profile() == SecurityProfile::Hardened;
        if self.encryption == Encryption::Profile && hardened {
            self.encryption = Encryption::Key(stack_logs_key(stack).arn().into());
        }
        if self.encryption == Encryption::Dedicated {
            let key = stack.within(scope, |s| {
                kms::Key::new("Key")
                    .description("Encrypts the events of one log group")
                    .allow_cloudwatch_logs()
                    .removal_policy(removal)
                    .add_to(s)
            });
            self.encryption = Encryption::Key(key.arn().into());
        }
        let handle = stack.within(scope, |s| s.add("Resource", self.to_l1()));
        stack.set_removal_policy(handle.id(), removal);
        if let Some(n) = &self.name {
            stack.record_fact(handle.id(), LogGroupName(n.clone()));
        }
        match self.encryption {
            Encryption::ServiceManaged(reason) => {
                stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_158".into(), reason });
            }
            Encryption::Profile => {
                stack.defer_to_hardened(handle.id(), Hardening::checkov("CKV_AWS_158", LOGS_KEY_HARDENING));
            }
            _ => {}
        }
        LogGroupRef { handle }
    }
}

/// The name a log group was given, as given (a handle fact, readable from
/// any stack of the app).
#[derive(Clone, Debug, PartialEq)]
struct LogGroupName(Value<String>);

/// What the hardened profile adds for log groups, as acknowledgements say.
const LOGS_KEY_HARDENING: &str = "a customer managed key for the stack's log groups";

/// The stack fact holding its shared log key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackLogsKey(kms::KeyRef);

/// The stack's shared log key (hardened profile): a customer managed KMS
/// key (rotation on, a key policy that lets CloudWatch Logs in the stack's
/// region use it for this account's log groups) at the stack root as
/// `LogsKey`, created the first time a log group needs it and reused by
/// every later one: one key a stack, not one a log group. Kept as a typed
/// stack fact, never looked up by construct id; [`use_stack_logs_key`]
/// makes a key of the program's own the shared one.
pub fn stack_logs_key(stack: &mut Stack) -> kms::KeyRef {
    if let Some(StackLogsKey(k)) = stack.stack_fact() {
        return k;
    }
    let removal = stack.default_removal_policy().unwrap_or(RemovalPolicy::Retain);
    let alias = stack
        .environment_suffix()
        .map(|sfx| fns::sub("alias/${AWS::StackName}-logs-${Suffix}").var("Suffix", sfx.value()).expr());
    let root = stack.root();
    let key = stack.within(root, |s| {
        let mut k = kms::Key::new("LogsKey")
            .description("Encrypts the stack's CloudWatch Logs log groups")
            .allow_cloudwatch_logs()
            .removal_policy(removal);
        if let Some(a) = alias {
            k = k.alias(a);
        }
        k.add_to(s)
    });
    stack.set_stack_fact(StackLogsKey(key));
    key
}

/// Makes `key` the stack's shared log key: log groups that follow the
/// hardened profile are encrypted with it instead of a new `LogsKey`. Its
/// policy must let CloudWatch Logs use it ([`kms::Key::allow_cloudwatch_logs`]).
pub fn use_stack_logs_key(stack: &mut Stack, key: kms::KeyRef) {
    stack.set_stack_fact(StackLogsKey(key));
}

/// A log group added to a stack: its references, grants and metrics.
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
    /// The name given with [`LogGroup::name`], as given (from the handle's
    /// facts, in any stack of the app); `None` when CloudFormation names it.
    pub(crate) fn given_name(self, stack: &Stack) -> Option<Value<String>> {
        stack.fact::<LogGroupName>(self.handle.id()).map(|n| n.0)
    }
    /// The log group ARN (ends in `:*`, covering its streams).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// Lets `grantee` write events: `logs:CreateLogStream` and
    /// `logs:PutLogEvents` on this log group and its streams only.
    pub fn grant_write(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow().actions(["logs:CreateLogStream", "logs:PutLogEvents"]).resource(self.arn()),
        );
    }
    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/Logs", name).dimension("LogGroupName", self.name()).statistic(Statistic::Sum)
    }
    /// `IncomingLogEvents` (Sum): the events received (the real metric name;
    /// CDK's `metricIncomingLogEvents` emits `IncomingLogs`, which has no data).
    pub fn metric_incoming_log_events(self) -> Metric {
        self.metric("IncomingLogEvents")
    }
    /// `IncomingBytes` (Sum): the uncompressed bytes received.
    pub fn metric_incoming_bytes(self) -> Metric {
        self.metric("IncomingBytes")
    }
}
