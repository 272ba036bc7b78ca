//! AWS Backup: [`BackupVault`] (encrypted with a customer managed key,
//! recovery points protected from deletion) and [`BackupPlan`] with
//! [`BackupRule`]s and a selection of resources by tag or by ARN.
//!
//! Vault defaults: encrypted with a KMS key created for it (rotation on;
//! checkov CKV_AWS_166), an access policy that denies everyone
//! `backup:DeleteRecoveryPoint` and `backup:UpdateRecoveryPointLifecycle`
//! (recovery points leave only through the plan's lifecycle; AWS CDK's
//! `blockRecoveryPointDeletion`), Retain unless the stack says otherwise.
//!
//! Plan defaults: one rule, a daily backup at 05:00 UTC kept 35 days
//! (AWS CDK's `daily35DayRetention`), unless rules are given. The selection
//! uses a role of its own with AWS's backup and restore service policies.
//!
//! Checked when added: vault and plan names (2 to 50 letters, digits, `-`
//! and `_`), schedules (`cron(...)` expressions), lifecycles (deletion at
//! least 90 days after the move to cold storage, as AWS requires), windows
//! (start at least 60 minutes, completion after the start), and a plan
//! that selects nothing.
//!
//! Compared with AWS CDK (`aws-backup`): CDK's vault is encrypted with the
//! AWS managed key `aws/backup` unless given one, and leaves deletion open
//! unless asked; cfnkit creates a key and blocks deletion.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::backup as l1;
use cfnkit_l1::prelude::*;

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{PolicyDocument, PolicyStatement, Principal, Role};
use crate::kms::{Key, KeyRef};
use crate::name::KnownName;

/// Checks a vault or plan name as far as it is known.
fn check_name(path: &str, prop: &str, n: &Value<String>, out: &mut Vec<Diagnostic>) {
    let Some(known) = KnownName::of(n) else { return };
    let text = known.text();
    let bad_char = text.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')));
    let len = text.chars().count();
    if bad_char.is_some() || len > 50 || (known.fully_known() && len < 2) {
        out.push(
            Diagnostic::error_of(DiagKind::Pattern, path, "invalid name")
                .property(prop)
                .value(format!("{text:?}"))
                .allowed("2 to 50 letters, digits, '-' and '_'"),
        );
    }
}

/// A backup vault.
///
/// ```
/// use cfnkit::constructs::backup::{BackupPlan, BackupRule, BackupVault};
/// use cfnkit::core::tree::App;
/// use cfnkit::core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("backup");
/// let vault = BackupVault::new("Vault", "app-backups").add_to(stack);
/// BackupPlan::new("Plan", "app-daily", vault)
///     .rule(BackupRule::daily("Daily").delete_after(Duration::days(35)))
///     .rule(BackupRule::monthly("Monthly").move_to_cold_storage_after(Duration::days(30)).delete_after(Duration::days(365)))
///     .select_tag("backup", "true")
///     .add_to(stack);
/// let _failed = vault.metric_backup_jobs_failed();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct BackupVault {
    id: String,
    name: Value<String>,
    key: Option<KeyRef>,
    block_deletion: bool,
    lock: Option<(Duration, Option<Duration>)>,
    removal: Option<RemovalPolicy>,
}

impl BackupVault {
    /// A vault named `name` (2 to 50 letters, digits, `-` and `_`; suffix
    /// it with the environment).
    pub fn new(id: &str, name: impl Into<Value<String>>) -> Self {
        BackupVault {
            id: id.to_string(),
            name: name.into(),
            key: None,
            block_deletion: true,
            lock: None,
            removal: None,
        }
    }
    /// Encrypts recovery points with an existing key instead of one of its own.
    pub fn encryption_key(mut self, key: KeyRef) -> Self {
        self.key = Some(key);
        self
    }
    /// Lets principals with IAM permission delete recovery points (denied
    /// to everyone by default).
    pub fn allow_recovery_point_deletion(mut self) -> Self {
        self.block_deletion = false;
        self
    }
    /// Locks the vault (AWS Backup Vault Lock, governance mode): recovery
    /// points are kept at least `min` and at most `max`.
    pub fn lock(mut self, min: Duration, max: Option<Duration>) -> Self {
        self.lock = Some((min, max));
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    /// Adds the vault (and its key, unless given one).
    pub fn add_to(self, stack: &mut Stack) -> BackupVaultRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        check_name(&path, "BackupVaultName", &self.name, &mut diags);
        if let Some((min, max)) = self.lock {
            let (min_d, max_d) = (min.to_seconds() / 86_400, max.map(|m| m.to_seconds() / 86_400));
            if !(1..=36_500).contains(&min_d) || max_d.is_some_and(|m| m < min_d || m > 36_500) {
                diags.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, &path, "vault lock retention out of range")
                        .property("LockConfiguration")
                        .value(format!("min {min}, max {}", max.map_or("none".to_string(), |m| m.to_string())))
                        .allowed("at least 1 day, at most 36500 days, max not below min"),
                );
            }
        }
        for d in diags {
            stack.report(d);
        }
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let key = self.key.unwrap_or_else(|| {
            stack.within(scope, |s| {
                Key::new("Key")
                    .description("Encrypts the recovery points of a backup vault")
                    .removal_policy(removal)
                    .add_to(s)
            })
        });
        let mut v = l1::BackupVault::new(self.name.clone()).encryption_key_arn(Value::from(key.arn()));
        if self.block_deletion {
            let doc = PolicyDocument::new().with(
                PolicyStatement::deny()
                    .sid("DenyRecoveryPointDeletion")
                    .principal(Principal::Any)
                    .actions(["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"])
                    .resource("*"),
            );
            v = v.access_policy(doc.to_token());
        }
        if let Some((min, max)) = self.lock {
            let mut l = l1::LockConfigurationType::new((min.to_seconds() / 86_400) as i64);
            if let Some(m) = max {
                l = l.max_retention_days((m.to_seconds() / 86_400) as i64);
            }
            v = v.lock_configuration(l);
        }
        let handle = stack.within(scope, |s| s.add("Resource", v));
        stack.set_removal_policy(handle.id(), removal);
        BackupVaultRef { handle, key }
    }
}

/// A vault added to a stack: its references, key and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupVaultRef {
    handle: Handle<l1::BackupVault>,
    key: KeyRef,
}

impl BackupVaultRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::BackupVault> {
        self.handle
    }
    /// The vault's name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The vault's ARN (`Fn::GetAtt BackupVaultArn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_backup_vault_arn()
    }
    /// The key recovery points are encrypted with.
    pub fn key(self) -> KeyRef {
        self.key
    }
    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/Backup", name).dimension("BackupVaultName", self.name()).statistic(Statistic::Sum)
    }
    /// `NumberOfBackupJobsFailed` (Sum): backup jobs into this vault that failed.
    pub fn metric_backup_jobs_failed(self) -> Metric {
        self.metric("NumberOfBackupJobsFailed")
    }
    /// `NumberOfBackupJobsCompleted` (Sum): backup jobs into this vault that completed.
    pub fn metric_backup_jobs_completed(self) -> Metric {
        self.metric("NumberOfBackupJobsCompleted")
    }
}

/// A rule of a backup plan: when to back up and how long to keep it.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupRule {
    name: String,
    schedule: String,
    delete_after: Option<Duration>,
    cold_after: Option<Duration>,
    start_window: Option<Duration>,
    completion_window: Option<Duration>,
    continuous: bool,
}

impl BackupRule {
    /// A rule on a `cron(...)` schedule (UTC), kept until its lifecycle says.
    pub fn cron(name: &str, expression: &str) -> Self {
        BackupRule {
            name: name.to_string(),
            schedule: expression.to_string(),
            delete_after: None,
            cold_after: None,
            start_window: None,
            completion_window: None,
            continuous: false,
        }
    }
    /// Every day at 05:00 UTC, kept 35 days unless told otherwise.
    pub fn daily(name: &str) -> Self {
        BackupRule::cron(name, "cron(0 5 * * ? *)").delete_after(Duration::days(35))
    }
    /// Every Saturday at 05:00 UTC, kept 90 days unless told otherwise.
    pub fn weekly(name: &str) -> Self {
        BackupRule::cron(name, "cron(0 5 ? * SAT *)").delete_after(Duration::days(90))
    }
    /// The first of each month at 05:00 UTC, kept a year unless told otherwise.
    pub fn monthly(name: &str) -> Self {
        BackupRule::cron(name, "cron(0 5 1 * ? *)").delete_after(Duration::days(365))
    }
    /// Deletes recovery points this long after they are made.
    pub fn delete_after(mut self, d: Duration) -> Self {
        self.delete_after = Some(d);
        self
    }
    /// Moves recovery points to cold storage this long after they are made
    /// (deletion must then be at least 90 days later).
    pub fn move_to_cold_storage_after(mut self, d: Duration) -> Self {
        self.cold_after = Some(d);
        self
    }
    /// Sets how long after the scheduled time a job may start (at least 60 minutes).
    pub fn start_window(mut self, d: Duration) -> Self {
        self.start_window = Some(d);
        self
    }
    /// Sets how long a job may run before it is cancelled.
    pub fn completion_window(mut self, d: Duration) -> Self {
        self.completion_window = Some(d);
        self
    }
    /// Turns on continuous backup (point-in-time restore, for the resource
    /// types that support it; kept at most 35 days).
    pub fn continuous(mut self) -> Self {
        self.continuous = true;
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let prop = |p: &str| format!("BackupPlan.BackupPlanRule[{}].{p}", self.name);
        let ok_name = !self.name.is_empty()
            && self.name.len() <= 50
            && self.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok_name {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid rule name")
                    .property(prop("RuleName"))
                    .value(format!("{:?}", self.name))
                    .allowed("1 to 50 letters, digits, '-', '_' and '.'"),
            );
        }
        if !(self.schedule.starts_with("cron(") && self.schedule.ends_with(')')) {
            out.push(
                Diagnostic::error_of(DiagKind::Invalid, path, "a backup schedule is a cron expression")
                    .property(prop("ScheduleExpression"))
                    .value(format!("{:?}", self.schedule))
                    .allowed("cron(minutes hours day-of-month month day-of-week year), in UTC"),
            );
        }
        let days = |d: Duration| d.to_seconds() / 86_400;
        if let (Some(cold), Some(del)) = (self.cold_after, self.delete_after) {
            if days(del) < days(cold) + 90 {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::OutOfRange,
                        path,
                        "recovery points in cold storage must be kept at least 90 days there",
                    )
                    .property(prop("Lifecycle.DeleteAfterDays"))
                    .value(format!("{} days, {} days after the move", days(del), days(del).saturating_sub(days(cold))))
                    .allowed(format!("at least {} days", days(cold) + 90)),
                );
            }
        }
        if self.continuous && self.delete_after.is_some_and(|d| days(d) > 35) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "continuous backups are kept at most 35 days")
                    .property(prop("Lifecycle.DeleteAfterDays"))
                    .value(format!("{} days", self.delete_after.map_or(0, days)))
                    .allowed("1 to 35 days"),
            );
        }
        if let Some(cold) = self.cold_after.filter(|_| self.continuous) {
            out.push(
                Diagnostic::error_of(DiagKind::Conflict, path, "continuous backups cannot move to cold storage")
                    .property(prop("Lifecycle.MoveToColdStorageAfterDays"))
                    .value(format!("{} days", days(cold)))
                    .allowed("no cold storage on a continuous rule"),
            );
        }
        if let Some(s) = self.start_window {
            if s.to_seconds() < 3_600 {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "start window too short")
                        .property(prop("StartWindowMinutes"))
                        .value(s.to_string())
                        .allowed("at least 60 minutes"),
                );
            }
            if let Some(c) = self.completion_window.filter(|c| c.to_seconds() <= s.to_seconds()) {
                out.push(
                    Diagnostic::error_of(
                        DiagKind::Conflict,
                        path,
                        "the completion window must be longer than the start window",
                    )
                    .property(prop("CompletionWindowMinutes"))
                    .value(format!("{c} after a start window of {s}"))
                    .allowed("a completion window after the start window"),
                );
            }
        }
    }

    fn to_l1(&self, vault: &Expr<String>) -> l1::BackupRuleResourceType {
        let mut r = l1::BackupRuleResourceType::new(self.name.clone(), Value::from(vault.clone()))
            .schedule_expression(self.schedule.clone());
        if self.delete_after.is_some() || self.cold_after.is_some() {
            let mut l = l1::LifecycleResourceType::new();
            if let Some(d) = self.delete_after {
                l = l.delete_after_days((d.to_seconds() / 86_400) as f64);
            }
            if let Some(c) = self.cold_after {
                l = l.move_to_cold_storage_after_days((c.to_seconds() / 86_400) as f64);
            }
            r = r.lifecycle(l);
        }
        if let Some(s) = self.start_window {
            r = r.start_window_minutes((s.to_seconds() / 60) as f64);
        }
        if let Some(c) = self.completion_window {
            r = r.completion_window_minutes((c.to_seconds() / 60) as f64);
        }
        if self.continuous {
            r = r.enable_continuous_backup(true);
        }
        r
    }
}

/// A backup plan with its selection of resources.
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct BackupPlan {
    id: String,
    name: Value<String>,
    vault: BackupVaultRef,
    rules: Vec<BackupRule>,
    tags: Vec<(String, String)>,
    resources: Vec<Token>,
}

impl BackupPlan {
    /// A plan named `name` backing up into `vault`.
    pub fn new(id: &str, name: impl Into<Value<String>>, vault: BackupVaultRef) -> Self {
        BackupPlan {
            id: id.to_string(),
            name: name.into(),
            vault,
            rules: Vec::new(),
            tags: Vec::new(),
            resources: Vec::new(),
        }
    }
    /// Adds a rule (without one, the plan backs up daily and keeps 35 days).
    pub fn rule(mut self, r: BackupRule) -> Self {
        self.rules.push(r);
        self
    }
    /// Backs up every resource tagged `key` = `value`.
    pub fn select_tag(mut self, key: &str, value: &str) -> Self {
        self.tags.push((key.to_string(), value.to_string()));
        self
    }
    /// Backs up the resource with this ARN (`table.arn()`, ...).
    pub fn select_resource(mut self, arn: impl Into<Token>) -> Self {
        self.resources.push(arn.into());
        self
    }

    /// Adds the plan, its selection and the selection's role.
    pub fn add_to(self, stack: &mut Stack) -> BackupPlanRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let rules = if self.rules.is_empty() { vec![BackupRule::daily("Daily")] } else { self.rules };
        let mut diags = Vec::new();
        check_name(&path, "BackupPlan.BackupPlanName", &self.name, &mut diags);
        for r in &rules {
            r.check(&path, &mut diags);
        }
        for (i, r) in rules.iter().enumerate() {
            if rules[..i].iter().any(|o| o.name == r.name) {
                diags.push(
                    Diagnostic::error_of(DiagKind::DuplicateId, &path, "rule name used twice")
                        .property("BackupPlan.BackupPlanRule")
                        .value(format!("{:?}", r.name))
                        .allowed("each rule name once"),
                );
            }
        }
        if self.tags.is_empty() && self.resources.is_empty() {
            diags.push(
                Diagnostic::error_of(DiagKind::NoEffect, &path, "the plan selects no resource")
                    .property("BackupSelection")
                    .allowed(".select_tag(key, value) or .select_resource(arn)"),
            );
        }
        for d in diags {
            stack.report(d);
        }
        let vault = self.vault.name();
        let plan = l1::BackupPlanResourceType::new(
            self.name.clone(),
            rules.iter().map(|r| r.to_l1(&vault)).collect::<Vec<_>>(),
        );
        let handle = stack.within(scope, |s| s.add("Resource", l1::BackupPlan::new(plan)));
        let role = stack.within(scope, |s| {
            Role::new("Role", Principal::service("backup.amazonaws.com"))
                .description("Lets AWS Backup back up and restore the plan's resources")
                .managed_policy("service-role/AWSBackupServiceRolePolicyForBackup")
                .managed_policy("service-role/AWSBackupServiceRolePolicyForRestores")
                .add_to(s)
        });
        let selection_name = format!("{}-selection", self.id);
        let mut sel = l1::BackupSelectionResourceType::new(Value::from(role.arn()), selection_name);
        if !self.tags.is_empty() {
            sel = sel.list_of_tags(
                self.tags
                    .iter()
                    .map(|(k, v)| l1::ConditionResourceType::new(k.clone(), "STRINGEQUALS".to_string(), v.clone()))
                    .collect::<Vec<_>>(),
            );
        }
        if !self.resources.is_empty() {
            sel = sel.resources(self.resources.iter().cloned().map(Value::Expr).collect::<Vec<_>>());
        }
        let selection =
            stack.within(scope, |s| s.add("Selection", l1::BackupSelection::new(Value::from(handle.reference()), sel)));
        BackupPlanRef { handle, selection }
    }
}

/// A plan added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupPlanRef {
    handle: Handle<l1::BackupPlan>,
    selection: Handle<l1::BackupSelection>,
}

impl BackupPlanRef {
    /// The L1 handle of the plan.
    pub fn handle(self) -> Handle<l1::BackupPlan> {
        self.handle
    }
    /// The L1 handle of the selection.
    pub fn selection(self) -> Handle<l1::BackupSelection> {
        self.selection
    }
    /// The plan id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The plan ARN (`Fn::GetAtt BackupPlanArn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_backup_plan_arn()
    }
}
