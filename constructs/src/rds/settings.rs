//! What a database instance and a cluster share: placement, encryption,
//! credentials, backups, monitoring, parameters; their checks and the
//! resources they add beside the database.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::RemovalPolicy;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_l1::rds as l1;
use indexmap::IndexMap;

use super::engine::Engine;
use crate::ec2::{SecurityGroup, SecurityGroupRef, VpcRef};
use crate::iam::{Principal, Role, RoleRef};
use crate::kms::{self, KeyRef};

/// The intervals (seconds) enhanced monitoring accepts.
const MONITORING_INTERVALS: [u32; 6] = [1, 5, 10, 15, 30, 60];

/// The settings a database instance and a cluster share, with their secure defaults.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    pub(super) engine: Engine,
    pub(super) vpc: VpcRef,
    pub(super) key: Option<KeyRef>,
    pub(super) removal: Option<RemovalPolicy>,
    pub(super) deletion_protection: Option<bool>,
    pub(super) backup_days: u32,
    pub(super) monitoring_interval: Option<u32>,
    pub(super) no_monitoring: Option<String>,
    pub(super) insights_days: u32,
    pub(super) log_exports: Option<Vec<String>>,
    pub(super) iam_auth: bool,
    pub(super) port: Option<u16>,
    pub(super) username: String,
    pub(super) database_name: Option<String>,
    pub(super) parameters: IndexMap<String, String>,
    pub(super) security_groups: Vec<SecurityGroupRef>,
}

impl Settings {
    pub(super) fn new(engine: Engine, vpc: &VpcRef) -> Self {
        Settings {
            engine,
            vpc: *vpc,
            key: None,
            removal: None,
            deletion_protection: None,
            backup_days: 7,
            monitoring_interval: Some(60),
            no_monitoring: None,
            insights_days: 7,
            log_exports: None,
            iam_auth: true,
            port: None,
            username: "dbadmin".into(),
            database_name: None,
            parameters: IndexMap::new(),
            security_groups: Vec::new(),
        }
    }

    pub(super) fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.engine.default_port())
    }

    pub(super) fn log_exports(&self) -> Vec<String> {
        self.log_exports.clone().unwrap_or_else(|| self.engine.log_types().iter().map(|s| (*s).to_string()).collect())
    }

    /// Every problem with the shared settings, reported on `stack`.
    pub(super) fn check(&self, path: &str, stack: &mut Stack) {
        let mut out = Vec::new();
        if self.engine.family().is_none() {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "engine version without a major and minor version")
                    .property("EngineVersion")
                    .value(format!("{:?}", self.engine.version()))
                    .allowed("a version such as 16.4 or 8.0.39"),
            );
        }
        if !(1..=35).contains(&self.backup_days) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "backup retention out of range")
                    .property("BackupRetentionPeriod")
                    .value(self.backup_days.to_string())
                    .allowed("1 to 35 days (backups cannot be turned off)"),
            );
        }
        if let Some(i) = self.monitoring_interval {
            if !MONITORING_INTERVALS.contains(&i) {
                out.push(
                    Diagnostic::error_of(DiagKind::NotAllowedValue, path, "enhanced monitoring interval")
                        .property("MonitoringInterval")
                        .value(i.to_string())
                        .allowed("1, 5, 10, 15, 30 or 60 seconds"),
                );
            }
        }
        if self.insights_days != 7 && !(self.insights_days % 31 == 0 && (1..=23).contains(&(self.insights_days / 31))) {
            out.push(
                Diagnostic::error_of(DiagKind::NotAllowedValue, path, "Performance Insights retention")
                    .property("PerformanceInsightsRetentionPeriod")
                    .value(self.insights_days.to_string())
                    .allowed("7 days, or a multiple of 31 up to 713 (23 months)"),
            );
        }
        let allowed = self.engine.exportable_log_types();
        for log in self.log_exports.iter().flatten() {
            if !allowed.contains(&log.as_str()) {
                out.push(
                    Diagnostic::error_of(DiagKind::NotAllowedValue, path, "log type the engine cannot export")
                        .property("EnableCloudwatchLogsExports")
                        .value(log.clone())
                        .allowed(allowed.join(", ")),
                );
            }
        }
        if let Some(p) = self.port {
            if p < 1150 {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "database port out of range")
                        .property("Port")
                        .value(p.to_string())
                        .allowed("1150 to 65535"),
                );
            }
        }
        let u = &self.username;
        let reserved = ["admin", "rdsadmin", "root", "postgres", "mysql", "rdsrepladmin"];
        if u.is_empty()
            || u.len() > 16
            || !u.starts_with(|c: char| c.is_ascii_alphabetic())
            || !u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || reserved.contains(&u.to_ascii_lowercase().as_str())
        {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid master user name")
                    .property("MasterUsername")
                    .value(format!("{u:?}"))
                    .allowed("1 to 16 letters, digits and _, starting with a letter, not a reserved name (admin, root, postgres, rdsadmin...)"),
            );
        }
        if let Some(n) = &self.database_name {
            if n.is_empty()
                || n.len() > 63
                || !n.starts_with(|c: char| c.is_ascii_alphabetic())
                || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid database name")
                        .property("DBName")
                        .value(format!("{n:?}"))
                        .allowed("1 to 63 letters, digits and _, starting with a letter"),
                );
            }
        }
        if self.security_groups.len() >= super::access::MAX_GROUPS {
            out.push(
                Diagnostic::error_of(DiagKind::ItemCount, path, "too many security groups")
                    .property("VPCSecurityGroups")
                    .value(format!("{} given plus the database's own", self.security_groups.len()))
                    .allowed(format!("at most {} given groups", super::access::MAX_GROUPS - 1)),
            );
        }
        let (tls, _) = self.engine.tls_parameter();
        if let Some(v) = self.parameters.get(tls) {
            if v != "1" {
                out.push(
                    Diagnostic::error_of(DiagKind::NotAllowedValue, path, "parameter turns TLS enforcement off")
                        .property(format!("Parameters.{tls}"))
                        .value(v.clone())
                        .allowed("1 (connections without TLS are refused)"),
                );
            }
        }
        for d in out {
            stack.report(d);
        }
    }

    /// The removal policy: the one given, else the stack's, else Retain.
    pub(super) fn removal(&self, stack: &Stack) -> RemovalPolicy {
        self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain)
    }

    /// The `DeletionPolicy` of the database: `Snapshot` where the removal
    /// policy keeps data (a final snapshot, then the database goes), `Delete`
    /// where it does not.
    pub(super) fn database_removal(&self, stack: &Stack) -> RemovalPolicy {
        match self.removal(stack) {
            RemovalPolicy::Destroy => RemovalPolicy::Destroy,
            _ => RemovalPolicy::Snapshot,
        }
    }

    /// Deletion protection: as given, else on unless the removal policy deletes.
    pub(super) fn deletion_protection(&self, stack: &Stack) -> bool {
        self.deletion_protection.unwrap_or(self.removal(stack) != RemovalPolicy::Destroy)
    }

    /// The storage key: the given one, else a dedicated key `<Id>Key`.
    pub(super) fn add_key(&self, stack: &mut Stack, scope: NodeId) -> KeyRef {
        if let Some(k) = self.key {
            return k;
        }
        let removal = self.removal(stack);
        stack.within(scope, |s| {
            kms::Key::new("Key")
                .description("Encrypts one database: storage, snapshots, Performance Insights and its master secret")
                .removal_policy(removal)
                .add_to(s)
        })
    }

    /// The subnet group over the VPC's isolated subnets when it has them,
    /// else its private subnets.
    pub(super) fn add_subnet_group(
        &self,
        stack: &mut Stack,
        scope: NodeId,
    ) -> cfnkit_core::resource::Handle<l1::DBSubnetGroup> {
        let isolated = self.vpc.isolated_subnet_ids();
        let group = if isolated.is_empty() {
            l1::DBSubnetGroup::new("Private subnets of the database", self.vpc.private_subnet_ids())
        } else {
            l1::DBSubnetGroup::new("Isolated subnets of the database", isolated)
        };
        stack.within(scope, |s| s.add("SubnetGroup", group))
    }

    /// The database's own security group (no ingress until connections add
    /// it, no egress: a database starts no connections), plus the given ones.
    pub(super) fn add_security_groups(&self, stack: &mut Stack, scope: NodeId) -> Vec<SecurityGroupRef> {
        let vpc = self.vpc;
        let own = stack.within(scope, |s| {
            SecurityGroup::new("SecurityGroup", vpc, "Database: reachable only from the groups allowed to connect")
                .add_to(s)
        });
        let mut groups = vec![own];
        groups.extend(self.security_groups.iter().copied());
        groups
    }

    /// The parameters: the TLS-enforcing one first, then those that make
    /// the server write the exported logs, then the given ones.
    pub(super) fn parameter_map(&self) -> Token {
        let mut m: IndexMap<String, Token> = IndexMap::new();
        let (tls, on) = self.engine.tls_parameter();
        m.insert(tls.to_string(), on.into());
        for (name, value) in self.engine.log_parameters(&self.log_exports()) {
            m.insert(name.to_string(), value.into());
        }
        for (k, v) in &self.parameters {
            m.insert(k.clone(), v.as_str().into());
        }
        Token::Map(m)
    }

    /// The role enhanced monitoring assumes, when monitoring is on.
    pub(super) fn add_monitoring_role(&self, stack: &mut Stack, scope: NodeId) -> Option<RoleRef> {
        self.monitoring_interval?;
        Some(stack.within(scope, |s| {
            Role::new("MonitoringRole", Principal::service("monitoring.rds.amazonaws.com"))
                .description("Lets RDS enhanced monitoring publish OS metrics to CloudWatch Logs")
                .managed_policy("service-role/AmazonRDSEnhancedMonitoringRole")
                .add_to(s)
        }))
    }

    /// Writes monitoring, Performance Insights and placement settings onto an instance.
    pub(super) fn instance_common(
        &self,
        mut i: l1::DBInstance,
        key: KeyRef,
        monitoring: Option<RoleRef>,
    ) -> l1::DBInstance {
        i = i.publicly_accessible(false).auto_minor_version_upgrade(true);
        if let (Some(interval), Some(role)) = (self.monitoring_interval, monitoring) {
            i = i.monitoring_interval(i64::from(interval)).monitoring_role_arn(Value::from(role.arn()));
        }
        i.enable_performance_insights(true)
            .performance_insights_kms_key_id(Value::from(key.arn()))
            .performance_insights_retention_period(i64::from(self.insights_days))
    }
}

/// The builder methods for [`Settings`], shared by the instance and the
/// cluster builders (each holds its settings in a `settings` field).
macro_rules! settings_builder {
    () => {
        /// Encrypts storage, snapshots, Performance Insights and the master
        /// secret with `key` instead of a dedicated key.
        pub fn encryption_key(mut self, key: $crate::kms::KeyRef) -> Self {
            self.settings.key = Some(key);
            self
        }
        /// Sets the removal policy (default: the stack's conventions, else
        /// Retain). Anything but Destroy keeps a final snapshot
        /// (`DeletionPolicy: Snapshot`) and turns deletion protection on.
        pub fn removal_policy(mut self, p: cfnkit_core::resource::RemovalPolicy) -> Self {
            self.settings.removal = Some(p);
            self
        }
        /// Turns deletion protection on or off, whatever the removal policy says.
        pub fn deletion_protection(mut self, on: bool) -> Self {
            self.settings.deletion_protection = Some(on);
            self
        }
        /// Keeps automated backups `days` days (1 to 35; 7 by default).
        pub fn backup_retention(mut self, days: u32) -> Self {
            self.settings.backup_days = days;
            self
        }
        /// Sets the enhanced-monitoring interval in seconds (1, 5, 10, 15, 30
        /// or 60; 60 by default).
        pub fn monitoring_interval(mut self, seconds: u32) -> Self {
            self.settings.monitoring_interval = Some(seconds);
            self
        }
        /// Turns enhanced monitoring off, saying why (recorded as a checkov
        /// skip of CKV_AWS_118).
        pub fn without_enhanced_monitoring(mut self, reason: &str) -> Self {
            self.settings.monitoring_interval = None;
            self.settings.no_monitoring = Some(reason.to_string());
            self
        }
        /// Keeps Performance Insights data `days` days (7, or a multiple of
        /// 31 up to 713; 7 by default, the free tier).
        pub fn performance_insights_retention(mut self, days: u32) -> Self {
            self.settings.insights_days = days;
            self
        }
        /// Exports these logs to CloudWatch Logs instead of every log type
        /// of the engine.
        pub fn log_exports<S: Into<String>>(mut self, logs: impl IntoIterator<Item = S>) -> Self {
            self.settings.log_exports = Some(logs.into_iter().map(Into::into).collect());
            self
        }
        /// Turns IAM database authentication off (on by default).
        pub fn without_iam_authentication(mut self) -> Self {
            self.settings.iam_auth = false;
            self
        }
        /// Listens on `port` instead of the engine's default (1150 to 65535).
        pub fn port(mut self, port: u16) -> Self {
            self.settings.port = Some(port);
            self
        }
        /// Sets the master user name (`dbadmin` by default). Its password is
        /// generated and kept in Secrets Manager by RDS
        /// (`ManageMasterUserPassword`), encrypted with the database's key
        /// and rotated by RDS every 7 days.
        pub fn master_username(mut self, name: &str) -> Self {
            self.settings.username = name.to_string();
            self
        }
        /// Creates a database named `name` (letters, digits and `_`).
        pub fn database_name(mut self, name: &str) -> Self {
            self.settings.database_name = Some(name.to_string());
            self
        }
        /// Sets an engine parameter in the database's parameter group (which
        /// always enforces TLS: the TLS parameter cannot be turned off).
        pub fn parameter(mut self, name: &str, value: &str) -> Self {
            self.settings.parameters.insert(name.to_string(), value.to_string());
            self
        }
        /// Adds an existing security group besides the database's own.
        pub fn security_group(mut self, group: $crate::ec2::SecurityGroupRef) -> Self {
            self.settings.security_groups.push(group);
            self
        }
    };
}
pub(super) use settings_builder;
