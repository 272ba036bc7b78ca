//! [`GlobalTable`]: a multi-region table (`AWS::DynamoDB::GlobalTable`),
//! one replica per region, managed by CloudFormation in the stack's region.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::dynamodb as l1;
use cfnkit_l1::prelude::*;
use indexmap::IndexMap;

use super::replica::{valid_region, GlobalBilling, Replica};
use super::{
    attribute_definitions, check_table_name, grant_actions, grant_stream, key_schema, table_metric, user_errors_metric,
    Gsi, Key, StreamView, TableAction, TableEncryption, READ_ACTIONS, READ_WRITE_ACTIONS, WRITE_ACTIONS,
};
use crate::cloudwatch::{Metric, Statistic};
use crate::iam::Grantable;

/// Where the write auto scaling target sits in the template.
const TARGET_VALUE: &str = concat!(
    "WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings.",
    "TargetTrackingScalingPolicyConfiguration.TargetValue"
);

/// A DynamoDB global table: one table replicated across regions.
///
/// Defaults: on-demand billing, point-in-time recovery on every replica,
/// SSE with the AWS managed key, deletion protection on every replica
/// following the removal policy, the stack's tags (`Environment`,
/// `Purpose`...) written into every replica (a global table has no
/// top-level `Tags`, so they are copied when the table is added: add stack
/// tags before the table).
///
/// The stack's own region is always the first replica, written as
/// `Ref AWS::Region` (no hard-coded region): the region set with
/// `Stack::region` is added if missing; for a stack without a region, list only the *other* regions as replicas: a
/// replica naming the deployment region twice fails to deploy, and
/// synthesis warns). More than one replica needs the stream
/// `NEW_AND_OLD_IMAGES`: synthesis reports an error without it.
///
/// ```
/// use cfnkit_constructs::dynamodb::{GlobalTable, Gsi, Key, Replica, StreamView};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo").region("us-east-1");
/// let payments = GlobalTable::new("PaymentsTable", Key::string("transaction_id"))
///     .sort_key(Key::number("timestamp"))
///     .index(Gsi::new("customer-index", Key::string("customer_id")).sort_key(Key::number("timestamp")))
///     .stream(StreamView::NewAndOldImages)
///     .replica(Replica::new("us-east-2"))
///     .add_to(stack);
/// let _arn = payments.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct GlobalTable {
    id: String,
    partition: Key,
    sort: Option<Key>,
    name: Option<Value<String>>,
    indexes: Vec<Gsi>,
    billing: GlobalBilling,
    pitr: bool,
    stream: Option<StreamView>,
    encryption: TableEncryption,
    deletion_protection: Option<bool>,
    removal: Option<RemovalPolicy>,
    ttl_attribute: Option<String>,
    replicas: Vec<Replica>,
}

impl GlobalTable {
    /// A global table with a partition key and the secure defaults.
    pub fn new(id: &str, partition: Key) -> Self {
        GlobalTable {
            id: id.to_string(),
            partition,
            sort: None,
            name: None,
            indexes: Vec::new(),
            billing: GlobalBilling::OnDemand,
            pitr: true,
            stream: None,
            encryption: TableEncryption::AwsManaged,
            deletion_protection: None,
            removal: None,
            ttl_attribute: None,
            replicas: Vec::new(),
        }
    }
    /// Sets the sort (range) key.
    pub fn sort_key(mut self, k: Key) -> Self {
        self.sort = Some(k);
        self
    }
    /// Sets `TableName` (3 to 255 letters, digits, `_`, `-` and `.`; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Adds a global secondary index (at most 20).
    pub fn index(mut self, g: Gsi) -> Self {
        self.indexes.push(g);
        self
    }
    /// Adds a replica (each region once).
    pub fn replica(mut self, r: Replica) -> Self {
        self.replicas.push(r);
        self
    }
    /// Sets the billing.
    pub fn billing(mut self, b: GlobalBilling) -> Self {
        self.billing = b;
        self
    }
    /// Turns point-in-time recovery off on every replica (it is on by default).
    pub fn without_point_in_time_recovery(mut self) -> Self {
        self.pitr = false;
        self
    }
    /// Turns the stream on (`NewAndOldImages` is required with several replicas).
    pub fn stream(mut self, v: StreamView) -> Self {
        self.stream = Some(v);
        self
    }
    /// Sets the encryption of every replica.
    pub fn encryption(mut self, e: impl Into<TableEncryption>) -> Self {
        self.encryption = e.into();
        self
    }
    /// Sets deletion protection of every replica (default: on when the table is retained).
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.deletion_protection = Some(on);
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }
    /// Expires items by the epoch-seconds attribute `attr`.
    pub fn time_to_live(mut self, attr: &str) -> Self {
        self.ttl_attribute = Some(attr.to_string());
        self
    }

    fn check_billing(&self, stack: &mut Stack, path: &str) {
        if let GlobalBilling::Provisioned { read, write_min, write_max, target_utilization } = self.billing {
            if read == 0 {
                stack.report(
                    Diagnostic::error(path, "provisioned read capacity must be at least 1")
                        .property("Replicas.ReadProvisionedThroughputSettings.ReadCapacityUnits")
                        .value(read.to_string())
                        .allowed("1 or more read capacity units"),
                );
            }
            if write_min == 0 || write_max < write_min {
                stack.report(
                    Diagnostic::error(path, "write capacity auto scaling bounds out of range")
                        .property("WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings")
                        .value(format!("min {write_min}, max {write_max}"))
                        .allowed("1 <= min <= max"),
                );
            }
            if !(20..=90).contains(&target_utilization) {
                stack.report(
                    Diagnostic::error(path, "write capacity target utilization out of range")
                        .property(TARGET_VALUE)
                        .value(target_utilization.to_string())
                        .allowed("20 to 90 percent"),
                );
            }
        }
    }

    /// The replicas in template order: the stack's region first, then the
    /// others as given. Reports bad and repeated regions.
    fn ordered_replicas(&self, stack: &mut Stack, path: &str) -> Vec<(Value<String>, Replica)> {
        let mut seen: Vec<&str> = Vec::new();
        for r in &self.replicas {
            if !valid_region(&r.region) {
                stack.report(
                    Diagnostic::error(path, "invalid replica region")
                        .property("Replicas.Region")
                        .value(format!("{:?}", r.region))
                        .allowed("a region name such as us-east-2"),
                );
            }
            if seen.contains(&r.region.as_str()) {
                stack.report(
                    Diagnostic::error(path, "replica region listed twice")
                        .property("Replicas.Region")
                        .value(format!("{:?}", r.region))
                        .allowed("each region once"),
                );
            }
            seen.push(&r.region);
        }
        let mut out = Vec::new();
        if let Some(home) = stack.get_region().map(str::to_string) {
            let local = self.replicas.iter().find(|r| r.region == home).cloned();
            // The stack deploys in its own region: name it by `AWS::Region`, never by a literal.
            out.push((Value::Expr(Pseudo::Region.expr().into_token()), local.unwrap_or_else(|| Replica::new(&home))));
            for r in self.replicas.iter().filter(|r| r.region != home) {
                out.push((Value::Lit(r.region.clone()), r.clone()));
            }
        } else {
            if !self.replicas.is_empty() {
                stack.report(
                    Diagnostic::warning(
                        path,
                        "the stack has no region: the first replica is the deployment region (Ref AWS::Region), \
                         and deploying to a region also listed as a replica fails",
                    )
                    .property("Replicas"),
                );
            }
            out.push((Value::Expr(Pseudo::Region.expr().into_token()), Replica::new("")));
            for r in &self.replicas {
                out.push((Value::Lit(r.region.clone()), r.clone()));
            }
        }
        out
    }

    fn replica_spec(
        &self,
        region: Value<String>,
        r: &Replica,
        key: Option<Token>,
        protect: bool,
    ) -> l1::ReplicaSpecification {
        let mut spec = l1::ReplicaSpecification::new(region)
            .point_in_time_recovery_specification(
                l1::PointInTimeRecoverySpecification::default().point_in_time_recovery_enabled(self.pitr),
            )
            .deletion_protection_enabled(r.deletion_protection.unwrap_or(protect));
        if let Some(k) = key {
            spec = spec.sse_specification(l1::ReplicaSSESpecification::new(Value::Expr(k)));
        }
        if let Some(c) = r.table_class {
            spec = spec.table_class(c.name().to_string());
        }
        if r.contributor_insights {
            spec = spec.contributor_insights_specification(l1::ContributorInsightsSpecification::new(true));
        }
        if let GlobalBilling::Provisioned { read, .. } = self.billing {
            let units = || l1::ReadProvisionedThroughputSettings::new().read_capacity_units(i64::from(read));
            spec = spec.read_provisioned_throughput_settings(units());
            if !self.indexes.is_empty() {
                spec = spec.global_secondary_indexes(
                    self.indexes
                        .iter()
                        .map(|g| {
                            l1::ReplicaGlobalSecondaryIndexSpecification::new(g.name.clone())
                                .read_provisioned_throughput_settings(units())
                        })
                        .collect::<Vec<_>>(),
                );
            }
        }
        spec
    }

    fn write_settings(&self) -> Option<l1::WriteProvisionedThroughputSettings> {
        match self.billing {
            GlobalBilling::OnDemand => None,
            GlobalBilling::Provisioned { write_min, write_max, target_utilization, .. } => {
                Some(l1::WriteProvisionedThroughputSettings::new().write_capacity_auto_scaling_settings(
                    l1::CapacityAutoScalingSettings::new(
                        i64::from(write_max),
                        i64::from(write_min),
                        l1::TargetTrackingScalingPolicyConfiguration::new(f64::from(target_utilization)),
                    ),
                ))
            }
        }
    }

    /// Adds the global table to the stack.
    pub fn add_to(self, stack: &mut Stack) -> GlobalTableRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let protect = self.deletion_protection.unwrap_or(removal == RemovalPolicy::Retain);
        let attrs = attribute_definitions(stack, &path, &self.partition, self.sort.as_ref(), &self.indexes);
        check_table_name(stack, &path, self.name.as_ref());
        self.check_billing(stack, &path);
        let replicas = self.ordered_replicas(stack, &path);

        if replicas.len() > 1 && self.stream != Some(StreamView::NewAndOldImages) {
            stack.report(
                Diagnostic::error(&path, "a global table with more than one replica needs a NEW_AND_OLD_IMAGES stream")
                    .property("StreamSpecification")
                    .value(self.stream.map_or_else(|| "none".to_string(), |v| v.name().to_string()))
                    .allowed(".stream(StreamView::NewAndOldImages)"),
            );
        }

        let mut specs = Vec::new();
        let mut extra_tags = Vec::new();
        for (i, (region, r)) in replicas.iter().enumerate() {
            let key = match &self.encryption {
                TableEncryption::AwsManaged => {
                    if r.kms_key.is_some() {
                        stack.report(
                            Diagnostic::error(&path, "replica key given but the table uses the AWS managed key")
                                .property("Replicas.SSESpecification.KMSMasterKeyId")
                                .value(r.region.clone())
                                .allowed(".encryption(TableEncryption::CustomerManaged(..)) on the table"),
                        );
                    }
                    None
                }
                TableEncryption::CustomerManaged(home_key) => match (&r.kms_key, i) {
                    (Some(k), _) => Some(k.clone()),
                    (None, 0) => Some(home_key.clone()),
                    (None, _) => {
                        stack.report(
                            Diagnostic::error(&path, "replica without a key in a table under a customer managed key")
                                .property("Replicas.SSESpecification.KMSMasterKeyId")
                                .value(r.region.clone())
                                .allowed("Replica::kms_key(<ARN of a key in that region>)"),
                        );
                        None
                    }
                },
            };
            specs.push(self.replica_spec(region.clone(), r, key, protect));
            extra_tags.push(r.tags.clone());
        }

        let mut t = l1::GlobalTable::new(specs)
            .attribute_definitions(attrs)
            .key_schema(key_schema(&self.partition, self.sort.as_ref()))
            .sse_specification(l1::GlobalTableSSESpecification::new(true).sse_type("KMS".to_string()));
        let write = self.write_settings();
        t = match &write {
            None => t.billing_mode("PAY_PER_REQUEST".to_string()),
            Some(w) => t.billing_mode("PROVISIONED".to_string()).write_provisioned_throughput_settings(w.clone()),
        };
        if !self.indexes.is_empty() {
            t = t.global_secondary_indexes(
                self.indexes
                    .iter()
                    .map(|g| {
                        let gsi = l1::GlobalTableGlobalSecondaryIndex::new(
                            g.name.clone(),
                            key_schema(&g.partition, g.sort.as_ref()),
                            g.projection.to_l1(),
                        );
                        match &write {
                            Some(w) => gsi.write_provisioned_throughput_settings(w.clone()),
                            None => gsi,
                        }
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(v) = self.stream {
            t = t.stream_specification(l1::GlobalTableStreamSpecification::new(v.name().to_string()));
        }
        if let Some(n) = self.name {
            t = t.table_name(n);
        }
        if let Some(a) = &self.ttl_attribute {
            t = t.time_to_live_specification(l1::TimeToLiveSpecification::new(true).attribute_name(a.clone()));
        }
        let handle = stack.within(scope, |s| s.add("Resource", t));
        stack.set_removal_policy(handle.id(), removal);

        // A global table has no top-level Tags: the stack's reach each replica here.
        let inherited = stack.inherited_tags(handle.id());
        if let Some(Value::Lit(list)) = stack.get_mut(handle).map(|g| &mut g.replicas) {
            for (spec, own) in list.iter_mut().zip(extra_tags) {
                let mut tags: IndexMap<String, Token> = inherited.clone();
                tags.extend(own);
                if !tags.is_empty() {
                    spec.tags = Some(Value::Lit(
                        tags.into_iter()
                            .map(|(k, v)| {
                                let value = match v {
                                    Token::Str(s) => Value::Lit(s),
                                    other => Value::Expr(other),
                                };
                                l1::Tag::new(k, value)
                            })
                            .collect(),
                    ));
                }
            }
        }
        if let TableEncryption::CustomerManaged(k) = &self.encryption {
            crate::customer_key::record(stack, handle.id(), k);
        }
        GlobalTableRef { handle, has_stream: self.stream.is_some(), has_indexes: !self.indexes.is_empty() }
    }
}

/// A global table added to a stack: its references, grants and metrics.
/// References and grants name the replica in the stack's region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalTableRef {
    handle: Handle<l1::GlobalTable>,
    has_stream: bool,
    has_indexes: bool,
}

impl GlobalTableRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::GlobalTable> {
        self.handle
    }
    /// The table name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The ARN of the replica in the stack's region.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The stream ARN of the replica in the stack's region.
    pub fn stream_arn(self) -> Expr<String> {
        self.handle.attr_stream_arn()
    }
    /// The table id (the same in every replica).
    pub fn table_id(self) -> Expr<String> {
        self.handle.attr_table_id()
    }
    /// True when the table has a stream.
    pub fn has_stream(self) -> bool {
        self.has_stream
    }

    /// Lets `grantee` perform exactly `actions` on the table and its indexes
    /// (plus the key actions they need under a customer managed key).
    pub fn grant(self, stack: &mut Stack, grantee: &impl Grantable, actions: &[TableAction]) {
        // The handle knows the table's key and indexes, wherever the table lives.
        let key = crate::customer_key::of(stack, self.handle.id());
        grant_actions(stack, grantee, self.arn(), actions, key, self.has_indexes);
    }
    /// Lets `grantee` read items: `BatchGetItem`, `GetItem`, `Query`, `Scan`,
    /// `ConditionCheckItem` and `DescribeTable` on the table and its indexes.
    pub fn grant_read_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.grant(stack, grantee, &READ_ACTIONS);
    }
    /// Lets `grantee` write items: `BatchWriteItem`, `PutItem`, `UpdateItem`,
    /// `DeleteItem` and `DescribeTable`.
    pub fn grant_write_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.grant(stack, grantee, &WRITE_ACTIONS);
    }
    /// Lets `grantee` read and write items (both lists, each action once).
    pub fn grant_read_write_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.grant(stack, grantee, &READ_WRITE_ACTIONS);
    }
    /// Lets `grantee` read the stream: `DescribeStream`, `GetRecords`,
    /// `GetShardIterator` and `ListStreams` on the stream ARN only.
    pub fn grant_stream_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant_stream(stack, grantee, self.handle.id(), self.has_stream, self.stream_arn());
    }

    /// `ConsumedReadCapacityUnits` (Sum) of the replica in the metric's region.
    pub fn metric_consumed_read_capacity_units(self) -> Metric {
        table_metric(self.name(), "ConsumedReadCapacityUnits")
    }
    /// `ConsumedWriteCapacityUnits` (Sum), replicated writes included.
    pub fn metric_consumed_write_capacity_units(self) -> Metric {
        table_metric(self.name(), "ConsumedWriteCapacityUnits")
    }
    /// `UserErrors` (Sum): HTTP 400s of every table and stream of the
    /// account in the region (DynamoDB publishes it without a dimension).
    pub fn metric_user_errors(self) -> Metric {
        user_errors_metric()
    }
    /// `ThrottledRequests` (Sum) for one operation (`PutItem`, `Query`...).
    pub fn metric_throttled_requests(self, operation: &str) -> Metric {
        table_metric(self.name(), "ThrottledRequests").dimension("Operation", operation)
    }
    /// `SystemErrors` (Sum) for one operation (`PutItem`, `Query`...).
    pub fn metric_system_errors(self, operation: &str) -> Metric {
        table_metric(self.name(), "SystemErrors").dimension("Operation", operation)
    }
    /// `ConditionalCheckFailedRequests` (Sum).
    pub fn metric_conditional_check_failed_requests(self) -> Metric {
        table_metric(self.name(), "ConditionalCheckFailedRequests")
    }
    /// `ReplicationLatency` (Average, milliseconds) from the stack's region
    /// to the replica in `receiving_region`.
    pub fn metric_replication_latency(self, receiving_region: &str) -> Metric {
        table_metric(self.name(), "ReplicationLatency")
            .dimension("ReceivingRegion", receiving_region)
            .statistic(Statistic::Average)
    }
}
