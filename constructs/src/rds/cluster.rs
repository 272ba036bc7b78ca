//! [`DatabaseCluster`]: an Aurora cluster (PostgreSQL or MySQL) and its
//! instances in the VPC's private subnets.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
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
use cfnkit_l1::rds::DBClusterAttrs;

/// The most instances one cluster holds (a writer and 15 readers).
const MAX_INSTANCES: u32 = 16;

/// An Aurora database cluster.
///
/// Defaults: two instances (`Writer`, then `Reader1`…; one writer and one
/// reader, which Aurora places in different availability zones) of class
/// `db.r6g.large`, in the VPC's private subnets through a subnet group and
/// never publicly accessible; storage encrypted with a dedicated customer
/// managed key, or the key given with
/// [`encryption_key`](Self::encryption_key); the master password generated
/// and kept in Secrets Manager by RDS (`ManageMasterUserPassword`, encrypted
/// with the same key); a cluster parameter group that refuses connections
/// without TLS (and makes Aurora MySQL write the logs it exports);
/// backups kept 7 days; IAM database authentication; the engine's logs
/// exported to CloudWatch Logs; enhanced monitoring every 60 seconds and
/// Performance Insights (7 days, the database's key) on every instance. The
/// removal policy follows the stack's conventions, else Retain; anything but
/// Destroy keeps a final cluster snapshot and turns deletion protection on,
/// and the instances go with the cluster (the snapshot holds their data).
///
/// ```
/// use cfnkit::constructs::ec2::{Connectable, SecurityGroup, Vpc};
/// use cfnkit::constructs::rds::{DatabaseCluster, Engine};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let db = DatabaseCluster::new("Orders", Engine::aurora_postgresql("16.9"), vpc)
///     .instances(3)
///     .database_name("orders")
///     .add_to(stack);
/// let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier").add_to(stack);
/// db.connections().allow_default_port_from(stack, &app_sg, "PostgreSQL from the application tier");
/// let _writer = db.endpoint_address();
/// let _readers = db.reader_endpoint_address();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct DatabaseCluster {
    id: String,
    settings: Settings,
    class: String,
    instances: u32,
}

impl DatabaseCluster {
    /// An Aurora cluster of `engine` in `vpc`'s private subnets, with the secure defaults.
    pub fn new(id: &str, engine: Engine, vpc: VpcRef) -> Self {
        DatabaseCluster {
            id: id.to_string(),
            settings: Settings::new(engine, &vpc),
            class: "db.r6g.large".into(),
            instances: 2,
        }
    }
    /// Sets the instance class of every instance (`db.r6g.large` by default).
    pub fn instance_class(mut self, class: &str) -> Self {
        self.class = class.to_string();
        self
    }
    /// Sets how many instances the cluster runs (1 to 16; 2 by default).
    /// One instance means no failover target: the stack gets a warning.
    pub fn instances(mut self, n: u32) -> Self {
        self.instances = n;
        self
    }

    settings_builder!();

    fn check(&self, path: &str, stack: &mut Stack) {
        self.settings.check(path, stack);
        if !self.settings.engine.is_aurora() {
            stack.report(
                Diagnostic::error_of(DiagKind::NotAllowedValue, path, "a cluster runs an Aurora engine")
                    .property("Engine")
                    .value(self.settings.engine.name())
                    .allowed("aurora-postgresql or aurora-mysql; DatabaseInstance for the others"),
            );
        }
        if !(1..=MAX_INSTANCES).contains(&self.instances) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "instance count out of range")
                    .property("instances")
                    .value(self.instances.to_string())
                    .allowed(format!("1 to {MAX_INSTANCES}")),
            );
        } else if self.instances == 1 {
            stack.report(
                Diagnostic::warning_of(DiagKind::ItemCount, path, "one instance: no reader to fail over to")
                    .property("instances")
                    .value("1"),
            );
        }
        if !self.class.starts_with("db.") || self.class.len() < 5 {
            stack.report(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid instance class")
                    .property("DBInstanceClass")
                    .value(format!("{:?}", self.class))
                    .allowed("a class such as db.r6g.large or db.t4g.medium"),
            );
        }
    }

    /// Adds the cluster, its instances, key (unless given one), subnet
    /// group, cluster parameter group, security group and monitoring role.
    pub fn add_to(self, stack: &mut Stack) -> DatabaseClusterRef {
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
                l1::DBClusterParameterGroup::new(
                    "Engine parameters of the cluster: TLS required",
                    family,
                    s.parameter_map(),
                ),
            )
        });
        let monitoring = s.add_monitoring_role(stack, scope);

        let mut cluster = l1::DBCluster::new()
            .engine(s.engine.name())
            .engine_version(s.engine.version().to_string())
            .storage_encrypted(true)
            .kms_key_id(Value::from(key.arn()))
            .db_subnet_group_name(Value::from(subnets.reference()))
            .vpc_security_group_ids(groups.iter().map(|g| Value::from(g.id())).collect::<Vec<_>>())
            .db_cluster_parameter_group_name(Value::from(params.reference()))
            .port(i64::from(s.port()))
            .master_username(s.username.clone())
            .manage_master_user_password(true)
            .master_user_secret(l1::MasterUserSecret::new().kms_key_id(Value::from(key.arn())))
            .backup_retention_period(i64::from(s.backup_days))
            .enable_iam_database_authentication(s.iam_auth)
            .enable_cloudwatch_logs_exports(s.log_exports().into_iter().map(Value::Lit).collect::<Vec<_>>())
            .deletion_protection(s.deletion_protection(stack))
            .copy_tags_to_snapshot(true);
        if let Some(n) = &s.database_name {
            cluster = cluster.database_name(n.clone());
        }
        let removal = s.database_removal(stack);
        let handle = stack.within(scope, |st| st.add("Resource", cluster));
        stack.set_removal_policy(handle.id(), removal);
        if !s.iam_auth {
            stack.acknowledge(
                handle.id(),
                Ack::Checkov {
                    id: "CKV_AWS_162".into(),
                    reason: "IAM authentication turned off by the program".into(),
                },
            );
        }

        for i in 0..self.instances.clamp(1, MAX_INSTANCES) {
            let id = if i == 0 { "Writer".to_string() } else { format!("Reader{i}") };
            let mut inst = l1::DBInstance::new()
                .engine(s.engine.name())
                .db_cluster_identifier(Value::from(handle.reference()))
                .db_instance_class(self.class.clone())
                .db_subnet_group_name(Value::from(subnets.reference()))
                .promotion_tier(i64::from(i.min(15)));
            inst = s.instance_common(inst, key, monitoring);
            let h = stack.within(scope, |st| st.add(&id, inst));
            // The cluster's final snapshot keeps the data; instances cannot snapshot on their own.
            stack.set_removal_policy(h.id(), RemovalPolicy::Destroy);
            if let Some(reason) = &s.no_monitoring {
                stack.acknowledge(h.id(), Ack::Checkov { id: "CKV_AWS_118".into(), reason: reason.clone() });
            }
        }
        DatabaseClusterRef {
            handle,
            access: DatabaseAccess { key, port: s.port(), groups: access::group_array(&groups) },
        }
    }
}

/// An Aurora cluster added to a stack: its endpoints, connections, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatabaseClusterRef {
    handle: Handle<l1::DBCluster>,
    access: DatabaseAccess,
}

impl DatabaseClusterRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::DBCluster> {
        self.handle
    }
    /// The cluster identifier (`Ref`).
    pub fn identifier(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The cluster ARN (`Fn::GetAtt DBClusterArn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_db_cluster_arn()
    }
    /// The writer endpoint's host name (`Fn::GetAtt Endpoint.Address`).
    pub fn endpoint_address(self) -> Expr<String> {
        self.handle.attr_endpoint_address()
    }
    /// The reader endpoint's host name (`Fn::GetAtt ReadEndpoint.Address`).
    pub fn reader_endpoint_address(self) -> Expr<String> {
        self.handle.attr_read_endpoint_address()
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
    /// `arn:…:rds-db:<region>:<account>:dbuser:<DBClusterResourceId>/<db_user>`.
    pub fn grant_connect(self, stack: &mut Stack, grantee: &impl Grantable, db_user: &str) {
        access::grant_connect(stack, grantee, self.handle.attr_db_cluster_resource_id(), db_user);
    }
    /// Lets `grantee` read the master user's secret: `GetSecretValue` and
    /// `DescribeSecret` on it, and `kms:Decrypt` on its key through Secrets
    /// Manager only.
    pub fn grant_secret_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        access::grant_secret_read(stack, grantee, self.secret_arn(), self.access.key);
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/RDS", name).dimension("DBClusterIdentifier", self.identifier()).statistic(stat)
    }
    /// `CPUUtilization` (Average, percent).
    pub fn metric_cpu_utilization(self) -> Metric {
        self.metric("CPUUtilization", Statistic::Average)
    }
    /// `DatabaseConnections` (Average).
    pub fn metric_database_connections(self) -> Metric {
        self.metric("DatabaseConnections", Statistic::Average)
    }
    /// `FreeableMemory` (Average, bytes).
    pub fn metric_freeable_memory(self) -> Metric {
        self.metric("FreeableMemory", Statistic::Average)
    }
    /// `Deadlocks` (Average, per second).
    pub fn metric_deadlocks(self) -> Metric {
        self.metric("Deadlocks", Statistic::Average)
    }
    /// `VolumeBytesUsed` (Average, bytes).
    pub fn metric_volume_bytes_used(self) -> Metric {
        self.metric("VolumeBytesUsed", Statistic::Average)
    }
    /// `AuroraReplicaLagMaximum` (Maximum, milliseconds).
    pub fn metric_replica_lag_maximum(self) -> Metric {
        self.metric("AuroraReplicaLagMaximum", Statistic::Maximum)
    }
}

impl Connectable for DatabaseClusterRef {
    /// The cluster's security groups, listening on its port.
    fn connections(&self) -> Connections {
        Connections::new(self.access.groups(), Some(Port::tcp(self.access.port)))
    }
}
