//! [`Table`]: a single-region table (`AWS::DynamoDB::Table`).

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::dynamodb as l1;
use cfnkit_l1::prelude::*;

use super::{
    attribute_definitions, check_table_name, grant_actions, grant_stream, key_schema, table_metric, user_errors_metric,
    Gsi, Key, StreamView, TableAction, TableEncryption, READ_ACTIONS, READ_WRITE_ACTIONS, WRITE_ACTIONS,
};
use crate::cloudwatch::Metric;
use crate::iam::Grantable;

/// Billing mode of a [`Table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Billing {
    /// `PAY_PER_REQUEST` (the default).
    #[default]
    OnDemand,
    /// `PROVISIONED` with read and write capacity units (each at least 1).
    Provisioned {
        /// Read capacity units.
        read: u32,
        /// Write capacity units.
        write: u32,
    },
}

/// A DynamoDB table.
///
/// ```
/// use cfnkit_constructs::dynamodb::{Gsi, Key, StreamView, Table};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let orders = Table::new("OrdersTable", Key::string("orderId"))
///     .sort_key(Key::number("timestamp"))
///     .index(Gsi::new("status-timestamp-index", Key::string("status")).sort_key(Key::number("timestamp")))
///     .stream(StreamView::NewAndOldImages)
///     .add_to(stack);
/// let _arn = orders.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Table {
    id: String,
    partition: Key,
    sort: Option<Key>,
    name: Option<Value<String>>,
    indexes: Vec<Gsi>,
    billing: Billing,
    pitr: bool,
    stream: Option<StreamView>,
    encryption: TableEncryption,
    deletion_protection: Option<bool>,
    removal: Option<RemovalPolicy>,
    ttl_attribute: Option<String>,
}

impl Table {
    /// A table with a partition key and the secure defaults.
    pub fn new(id: &str, partition: Key) -> Self {
        Table {
            id: id.to_string(),
            partition,
            sort: None,
            name: None,
            indexes: Vec::new(),
            billing: Billing::OnDemand,
            pitr: true,
            stream: None,
            encryption: TableEncryption::AwsManaged,
            deletion_protection: None,
            removal: None,
            ttl_attribute: None,
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
    /// Sets the billing mode.
    pub fn billing(mut self, b: Billing) -> Self {
        self.billing = b;
        self
    }
    /// Turns point-in-time recovery off (it is on by default).
    pub fn without_point_in_time_recovery(mut self) -> Self {
        self.pitr = false;
        self
    }
    /// Turns the stream on.
    pub fn stream(mut self, v: StreamView) -> Self {
        self.stream = Some(v);
        self
    }
    /// Sets the encryption.
    pub fn encryption(mut self, e: impl Into<TableEncryption>) -> Self {
        self.encryption = e.into();
        self
    }
    /// Sets deletion protection (default: on when the table is retained).
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

    /// Adds the table to the stack.
    pub fn add_to(self, stack: &mut Stack) -> TableRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let attrs = attribute_definitions(stack, &path, &self.partition, self.sort.as_ref(), &self.indexes);
        check_table_name(stack, &path, self.name.as_ref());

        let mut t = l1::Table::new(key_schema(&self.partition, self.sort.as_ref())).attribute_definitions(attrs);
        match self.billing {
            Billing::OnDemand => t = t.billing_mode("PAY_PER_REQUEST".to_string()),
            Billing::Provisioned { read, write } => {
                if read == 0 || write == 0 {
                    stack.report(
                        Diagnostic::error(path.clone(), "provisioned capacity must be at least 1")
                            .property("ProvisionedThroughput")
                            .value(format!("read {read}, write {write}"))
                            .allowed("1 or more read and write capacity units"),
                    );
                }
                t = t
                    .billing_mode("PROVISIONED".to_string())
                    .provisioned_throughput(l1::ProvisionedThroughput::new(i64::from(read), i64::from(write)));
            }
        }
        if !self.indexes.is_empty() {
            let gsis: Vec<l1::GlobalSecondaryIndex> = self
                .indexes
                .iter()
                .map(|g| {
                    let mut gsi = l1::GlobalSecondaryIndex::new(
                        g.name.clone(),
                        key_schema(&g.partition, g.sort.as_ref()),
                        g.projection.to_l1(),
                    );
                    if let Billing::Provisioned { read, write } = self.billing {
                        gsi = gsi
                            .provisioned_throughput(l1::ProvisionedThroughput::new(i64::from(read), i64::from(write)));
                    }
                    gsi
                })
                .collect();
            t = t.global_secondary_indexes(gsis);
        }
        t = t.point_in_time_recovery_specification(
            l1::PointInTimeRecoverySpecification::default().point_in_time_recovery_enabled(self.pitr),
        );
        t = t.sse_specification(match &self.encryption {
            TableEncryption::AwsManaged => l1::SSESpecification::new(true)
                .sse_type("KMS".to_string())
                .kms_master_key_id("alias/aws/dynamodb".to_string()),
            TableEncryption::CustomerManaged(k) => {
                l1::SSESpecification::new(true).sse_type("KMS".to_string()).kms_master_key_id(Value::Expr(k.clone()))
            }
        });
        if let Some(v) = self.stream {
            t = t.stream_specification(l1::StreamSpecification::new(v.name().to_string()));
        }
        if let Some(n) = self.name {
            t = t.table_name(n);
        }
        if let Some(a) = &self.ttl_attribute {
            t = t.time_to_live_specification(l1::TimeToLiveSpecification::new(true).attribute_name(a.clone()));
        }
        let protect = self.deletion_protection.unwrap_or(removal == RemovalPolicy::Retain);
        t = t.deletion_protection_enabled(protect);
        let handle = stack.within(scope, |s| s.add("Resource", t));
        stack.set_removal_policy(handle.id(), removal);
        if let TableEncryption::CustomerManaged(k) = &self.encryption {
            crate::customer_key::record(stack, handle.id(), k);
        }
        TableRef { handle, has_stream: self.stream.is_some(), has_indexes: !self.indexes.is_empty() }
    }
}

/// A table added to a stack: its references, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableRef {
    handle: Handle<l1::Table>,
    has_stream: bool,
    has_indexes: bool,
}

impl TableRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Table> {
        self.handle
    }
    /// The table name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The table ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The stream ARN (synthesis fails if the table has no stream and this is used by an event source).
    pub fn stream_arn(self) -> Expr<String> {
        self.handle.attr_stream_arn()
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

    /// `ConsumedReadCapacityUnits` (Sum).
    pub fn metric_consumed_read_capacity_units(self) -> Metric {
        table_metric(self.name(), "ConsumedReadCapacityUnits")
    }
    /// `ConsumedWriteCapacityUnits` (Sum).
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
}
