//! [`DatabaseInstance`]: one RDS database server (PostgreSQL, MySQL,
//! MariaDB) in the VPC's private subnets.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::rds as l1;

use super::access::{self, DatabaseAccess};
use super::engine::Engine;
use super::settings::{settings_builder, Settings};
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{Connectable, Connections, Port, VpcRef};
use crate::iam::Grantable;
use crate::kms::KeyRef;
use cfnkit_l1::rds::DBInstanceAttrs;

/// An RDS database instance.
///
/// Defaults: in the VPC's private subnets through a subnet group, never
/// publicly accessible; Multi-AZ; storage (20 GiB of gp3, growing to
/// 100 GiB) encrypted with a dedicated customer managed key, or the key
/// given with [`encryption_key`](Self::encryption_key); the master password
/// generated and kept in Secrets Manager by RDS (`ManageMasterUserPassword`,
/// encrypted with the same key); a parameter group that refuses connections
/// without TLS; backups kept 7 days; IAM database authentication; every log
/// type of the engine exported to CloudWatch Logs; enhanced monitoring every
/// 60 seconds through a role of its own; Performance Insights (7 days,
/// encrypted with the database's key); minor version upgrades; tags copied
/// to snapshots. The removal policy follows the stack's conventions, else
/// Retain; anything but Destroy keeps a final snapshot and turns deletion
/// protection on. A security group of its own admits nobody until
/// [`connections`](DatabaseInstanceRef::connections) says who may connect.
///
/// ```
/// use cfnkit::constructs::ec2::{Connectable, SecurityGroup, Vpc};
/// use cfnkit::constructs::iam::{Principal, Role};
/// use cfnkit::constructs::rds::{DatabaseInstance, Engine};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let db = DatabaseInstance::new("Orders", Engine::postgres("17.6"), vpc)
///     .instance_class("db.t3.medium")
///     .database_name("orders")
///     .add_to(stack);
/// let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier").add_to(stack);
/// db.connections().allow_default_port_from(stack, &app_sg, "PostgreSQL from the application tier");
/// let role = Role::new("AppRole", Principal::service("ecs-tasks.amazonaws.com")).add_to(stack);
/// db.grant_connect(stack, &role, "app_user");
/// db.grant_secret_read(stack, &role);
/// let _host = db.endpoint_address();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct DatabaseInstance {
    id: String,
    settings: Settings,
    class: String,
    storage_gib: u32,
    max_storage_gib: Option<u32>,
    multi_az: bool,
    single_az_reason: Option<String>,
}

impl DatabaseInstance {
    /// An instance of `engine` in `vpc`'s private subnets, with the secure defaults.
    pub fn new(id: &str, engine: Engine, vpc: VpcRef) -> Self {
        DatabaseInstance {
            id: id.to_string(),
            settings: Settings::new(engine, &vpc),
            class: "db.t3.medium".into(),
            storage_gib: 20,
            max_storage_gib: Some(100),
            multi_az: true,
            single_az_reason: None,
        }
    }
    /// Sets the instance class (`db.t3.medium` by default).
    pub fn instance_class(mut self, class: &str) -> Self {
        self.class = class.to_string();
        self
    }
    /// Sets the allocated gp3 storage (20 to 65,536 GiB; 20 by default).
    pub fn allocated_storage(mut self, gib: u32) -> Self {
        self.storage_gib = gib;
        self
    }
    /// Lets storage grow up to `gib` (100 by default; at least the allocated storage).
    pub fn max_allocated_storage(mut self, gib: u32) -> Self {
        self.max_storage_gib = Some(gib);
        self
    }
    /// Runs in one availability zone, saying why (recorded as a checkov
    /// skip of CKV_AWS_157). Multi-AZ is the default.
    pub fn single_az(mut self, reason: &str) -> Self {
        self.multi_az = false;
        self.single_az_reason = Some(reason.to_string());
        self
    }

    settings_builder!();

    fn check(&self, path: &str, stack: &mut Stack) {
        self.settings.check(path, stack);
        let mut out = Vec::new();
        if self.settings.engine.is_aurora() {
            out.push(
                Diagnostic::error_of(DiagKind::NotAllowedValue, path, "Aurora runs as a cluster")
                    .property("Engine")
                    .value(self.settings.engine.name())
                    .allowed("postgres, mysql or mariadb here; DatabaseCluster for Aurora"),
            );
        }
        if !self.class.starts_with("db.") || self.class.len() < 5 {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid instance class")
                    .property("DBInstanceClass")
                    .value(format!("{:?}", self.class))
                    .allowed("a class such as db.t3.medium or db.r6g.large"),
            );
        }
        if !(20..=65_536).contains(&self.storage_gib) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "allocated storage out of range")
                    .property("AllocatedStorage")
                    .value(self.storage_gib.to_string())
                    .allowed("20 to 65536 GiB"),
            );
        }
        if let Some(max) = self.max_storage_gib {
            if max < self.storage_gib || max > 65_536 {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "storage limit below the allocated storage")
                        .property("MaxAllocatedStorage")
                        .value(max.to_string())
                        .allowed(format!("{} to 65536 GiB", self.storage_gib)),
                );
            }
        }
        for d in out {
            stack.report(d);
        }
    }

    /// Adds the instance, its key (unless given one), subnet group,
    /// parameter group, security group and monitoring role.
    pub fn add_to(self, stack: &mut Stack) -> DatabaseInstanceRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let s = &self.settings;
        let key = s.add_key(stack, scope);
        let subnets = s.add_subnet_group(stack, scope);
        let groups = s.add_security_groups(stack, scope);
        let family = s.engine.family().unwrap_or_default();
        let params = stack.within(scope, |st| {
            st.add(
                "ParameterGroup",
                l1::DBParameterGroup::new("Engine parameters of the database: TLS required", family)
                    .parameters(s.parameter_map()),
            )
        });
        let monitoring = s.add_monitoring_role(stack, scope);

        let mut db = l1::DBInstance::new()
            .engine(s.engine.name())
            .engine_version(s.engine.version().to_string())
            .db_instance_class(self.class.clone())
            .allocated_storage(self.storage_gib.to_string())
            .storage_type("gp3")
            .storage_encrypted(true)
            .kms_key_id(Value::from(key.arn()))
            .multi_az(self.multi_az)
            .db_subnet_group_name(Value::from(subnets.reference()))
            .vpc_security_groups(groups.iter().map(|g| Value::from(g.id())).collect::<Vec<_>>())
            .db_parameter_group_name(Value::from(params.reference()))
            .port(s.port().to_string())
            .master_username(s.username.clone())
            .manage_master_user_password(true)
            .master_user_secret(l1::MasterUserSecret::new().kms_key_id(Value::from(key.arn())))
            .backup_retention_period(i64::from(s.backup_days))
            .enable_iam_database_authentication(s.iam_auth)
            .enable_cloudwatch_logs_exports(s.log_exports().into_iter().map(Value::Lit).collect::<Vec<_>>())
            .deletion_protection(s.deletion_protection(stack))
            .copy_tags_to_snapshot(true);
        if let Some(max) = self.max_storage_gib {
            db = db.max_allocated_storage(i64::from(max));
        }
        if let Some(n) = &s.database_name {
            db = db.db_name(n.clone());
        }
        db = s.instance_common(db, key, monitoring);
        let removal = s.database_removal(stack);
        let handle = stack.within(scope, |st| st.add("Resource", db));
        stack.set_removal_policy(handle.id(), removal);
        if let Some(reason) = &self.single_az_reason {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_157".into(), reason: reason.clone() });
        }
        if let Some(reason) = &s.no_monitoring {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_118".into(), reason: reason.clone() });
        }
        if !s.iam_auth {
            stack.acknowledge(
                handle.id(),
                Ack::Checkov {
                    id: "CKV_AWS_161".into(),
                    reason: "IAM authentication turned off by the program".into(),
                },
            );
        }
        DatabaseInstanceRef {
            handle,
            access: DatabaseAccess { key, port: s.port(), groups: access::group_array(&groups) },
        }
    }
}

/// A database instance added to a stack: its endpoint, connections, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatabaseInstanceRef {
    handle: Handle<l1::DBInstance>,
    access: DatabaseAccess,
}

impl DatabaseInstanceRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::DBInstance> {
        self.handle
    }
    /// The instance identifier (`Ref`).
    pub fn identifier(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The instance ARN (`Fn::GetAtt DBInstanceArn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_db_instance_arn()
    }
    /// The host name clients connect to (`Fn::GetAtt Endpoint.Address`).
    pub fn endpoint_address(self) -> Expr<String> {
        self.handle.attr_endpoint_address()
    }
    /// The port, as a string (`Fn::GetAtt Endpoint.Port`).
    pub fn endpoint_port(self) -> Expr<String> {
        self.handle.attr_endpoint_port()
    }
    /// The ARN of the master user's secret, created and rotated by RDS
    /// (`Fn::GetAtt MasterUserSecret.SecretArn`).
    pub fn secret_arn(self) -> Expr<String> {
        self.handle.attr_master_user_secret_secret_arn()
    }
    /// The key encrypting storage, snapshots and the master secret.
    pub fn key(self) -> KeyRef {
        self.access.key
    }
    /// Lets `grantee` connect as database user `db_user` with IAM
    /// authentication: `rds-db:connect` on
    /// `arn:…:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<db_user>`.
    pub fn grant_connect(self, stack: &mut Stack, grantee: &impl Grantable, db_user: &str) {
        access::grant_connect(stack, grantee, self.handle.attr_dbi_resource_id(), db_user);
    }
    /// Lets `grantee` read the master user's secret: `GetSecretValue` and
    /// `DescribeSecret` on it, and `kms:Decrypt` on its key through Secrets
    /// Manager only.
    pub fn grant_secret_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        access::grant_secret_read(stack, grantee, self.secret_arn(), self.access.key);
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/RDS", name).dimension("DBInstanceIdentifier", self.identifier()).statistic(stat)
    }
    /// `CPUUtilization` (Average, percent).
    pub fn metric_cpu_utilization(self) -> Metric {
        self.metric("CPUUtilization", Statistic::Average)
    }
    /// `DatabaseConnections` (Average).
    pub fn metric_database_connections(self) -> Metric {
        self.metric("DatabaseConnections", Statistic::Average)
    }
    /// `FreeStorageSpace` (Average, bytes).
    pub fn metric_free_storage_space(self) -> Metric {
        self.metric("FreeStorageSpace", Statistic::Average)
    }
    /// `FreeableMemory` (Average, bytes).
    pub fn metric_freeable_memory(self) -> Metric {
        self.metric("FreeableMemory", Statistic::Average)
    }
    /// `ReadIOPS` (Average).
    pub fn metric_read_iops(self) -> Metric {
        self.metric("ReadIOPS", Statistic::Average)
    }
    /// `WriteIOPS` (Average).
    pub fn metric_write_iops(self) -> Metric {
        self.metric("WriteIOPS", Statistic::Average)
    }
    /// `ReadLatency` (Average, seconds).
    pub fn metric_read_latency(self) -> Metric {
        self.metric("ReadLatency", Statistic::Average)
    }
    /// `WriteLatency` (Average, seconds).
    pub fn metric_write_latency(self) -> Metric {
        self.metric("WriteLatency", Statistic::Average)
    }
}

impl Connectable for DatabaseInstanceRef {
    /// The database's security groups, listening on its port.
    fn connections(&self) -> Connections {
        Connections::new(self.access.groups(), Some(Port::tcp(self.access.port)))
    }
}
