//! DynamoDB: [`Table`], secure by default.
//!
//! Defaults: on-demand billing, point-in-time recovery on, server-side
//! encryption with the AWS managed KMS key (`alias/aws/dynamodb`), deletion
//! protection following the removal policy (on when retained), attribute
//! definitions derived from the keys of the table and its indexes.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::dynamodb as l1;

use crate::arn;
use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{grant, Grantable, PolicyStatement};

/// The type of a key attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttributeType {
    /// `S`
    String,
    /// `N`
    Number,
    /// `B`
    Binary,
}

impl AttributeType {
    fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
        }
    }
}

/// A key attribute: a name and a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    name: String,
    kind: AttributeType,
}

impl Key {
    /// A string key.
    pub fn string(name: &str) -> Self {
        Key { name: name.to_string(), kind: AttributeType::String }
    }
    /// A number key.
    pub fn number(name: &str) -> Self {
        Key { name: name.to_string(), kind: AttributeType::Number }
    }
    /// A binary key.
    pub fn binary(name: &str) -> Self {
        Key { name: name.to_string(), kind: AttributeType::Binary }
    }
    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Billing mode.
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

/// What a stream record carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamView {
    /// `KEYS_ONLY`
    KeysOnly,
    /// `NEW_IMAGE`
    NewImage,
    /// `OLD_IMAGE`
    OldImage,
    /// `NEW_AND_OLD_IMAGES`
    NewAndOldImages,
}

impl StreamView {
    fn name(self) -> &'static str {
        match self {
            StreamView::KeysOnly => "KEYS_ONLY",
            StreamView::NewImage => "NEW_IMAGE",
            StreamView::OldImage => "OLD_IMAGE",
            StreamView::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }
}

/// Server-side encryption of the table.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum TableEncryption {
    /// The AWS managed KMS key `alias/aws/dynamodb` (the default).
    #[default]
    AwsManaged,
    /// A customer managed KMS key, by ARN.
    CustomerManaged(Token),
}

/// What a global secondary index projects.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Projection {
    /// `ALL` (the default).
    #[default]
    All,
    /// `KEYS_ONLY`.
    KeysOnly,
    /// `INCLUDE` these non-key attributes.
    Include(Vec<String>),
}

/// A global secondary index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gsi {
    name: String,
    partition: Key,
    sort: Option<Key>,
    projection: Projection,
}

impl Gsi {
    /// An index named `name` partitioned on `partition`, projecting all attributes.
    pub fn new(name: &str, partition: Key) -> Self {
        Gsi { name: name.to_string(), partition, sort: None, projection: Projection::All }
    }
    /// Sets the sort key.
    pub fn sort_key(mut self, k: Key) -> Self {
        self.sort = Some(k);
        self
    }
    /// Sets the projection.
    pub fn projection(mut self, p: Projection) -> Self {
        self.projection = p;
        self
    }
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
    /// Sets `TableName`.
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
    pub fn encryption(mut self, e: TableEncryption) -> Self {
        self.encryption = e;
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

    fn key_schema(partition: &Key, sort: Option<&Key>) -> Vec<l1::KeySchema> {
        let mut v = vec![l1::KeySchema::new(partition.name.clone(), "HASH".to_string())];
        if let Some(s) = sort {
            v.push(l1::KeySchema::new(s.name.clone(), "RANGE".to_string()));
        }
        v
    }

    /// Adds the table to the stack.
    pub fn add_to(self, stack: &mut Stack) -> TableRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);

        // Attribute definitions: every key attribute once, types agreeing.
        let mut attrs: Vec<&Key> = Vec::new();
        let mut keys: Vec<&Key> = vec![&self.partition];
        keys.extend(self.sort.iter());
        for g in &self.indexes {
            keys.push(&g.partition);
            keys.extend(g.sort.iter());
        }
        for k in keys {
            match attrs.iter().find(|a| a.name == k.name) {
                Some(a) if a.kind != k.kind => stack.report(
                    Diagnostic::error(path.clone(), "key attribute declared with two types")
                        .property("AttributeDefinitions")
                        .value(format!("{} as {} and {}", k.name, a.kind.code(), k.kind.code()))
                        .allowed("one type per attribute name"),
                ),
                Some(_) => {}
                None => attrs.push(k),
            }
        }
        if self.indexes.len() > 20 {
            stack.report(
                Diagnostic::error(path.clone(), "too many global secondary indexes")
                    .property("GlobalSecondaryIndexes")
                    .value(self.indexes.len().to_string())
                    .allowed("at most 20"),
            );
        }
        let mut seen = Vec::new();
        for g in &self.indexes {
            if seen.contains(&&g.name) {
                stack.report(
                    Diagnostic::error(path.clone(), "index name used twice")
                        .property("GlobalSecondaryIndexes")
                        .value(format!("{:?}", g.name))
                        .allowed("unique index names"),
                );
            }
            seen.push(&g.name);
        }

        let mut t = l1::Table::new(Self::key_schema(&self.partition, self.sort.as_ref())).attribute_definitions(
            attrs
                .iter()
                .map(|k| l1::AttributeDefinition::new(k.name.clone(), k.kind.code().to_string()))
                .collect::<Vec<_>>(),
        );
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
                    let mut p = l1::Projection::default().projection_type(
                        match &g.projection {
                            Projection::All => "ALL",
                            Projection::KeysOnly => "KEYS_ONLY",
                            Projection::Include(_) => "INCLUDE",
                        }
                        .to_string(),
                    );
                    if let Projection::Include(a) = &g.projection {
                        p = p.non_key_attributes(a.iter().map(|x| Value::Lit(x.clone())).collect::<Vec<_>>());
                    }
                    let mut gsi = l1::GlobalSecondaryIndex::new(
                        g.name.clone(),
                        Self::key_schema(&g.partition, g.sort.as_ref()),
                        p,
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
        TableRef {
            handle,
            has_stream: self.stream.is_some(),
            key: match self.encryption {
                TableEncryption::CustomerManaged(_) => KeyKind::Customer,
                TableEncryption::AwsManaged => KeyKind::AwsManaged,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    AwsManaged,
    Customer,
}

/// A table added to a stack: its references, grants and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableRef {
    handle: Handle<l1::Table>,
    has_stream: bool,
    key: KeyKind,
}

/// The item-read actions of CDK's `grantReadData`.
const READ_ACTIONS: [&str; 6] = [
    "dynamodb:BatchGetItem",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
];
const WRITE_ACTIONS: [&str; 5] = [
    "dynamodb:BatchWriteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
];
const STREAM_ACTIONS: [&str; 4] =
    ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];

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
        self.handle.get_att("Arn")
    }
    /// The stream ARN (synthesis fails if the table has no stream and this is used by an event source).
    pub fn stream_arn(self) -> Expr<String> {
        self.handle.get_att("StreamArn")
    }
    /// True when the table has a stream.
    pub fn has_stream(self) -> bool {
        self.has_stream
    }

    fn grant_on(self, stack: &mut Stack, grantee: &impl Grantable, actions: &[&str]) {
        let s = PolicyStatement::allow()
            .actions(actions.iter().copied())
            .resource(self.arn())
            .resource(arn::child_of(self.arn(), "/index/*"));
        grant(stack, grantee, s);
        if self.key == KeyKind::Customer {
            // The key policy is the customer's; the role needs the key actions too.
            let write = actions.iter().any(|a| a.contains("Put") || a.contains("Write"));
            let key_actions: &[&str] = if write {
                &[
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:Encrypt",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:GenerateDataKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                ]
            } else {
                &["kms:Decrypt", "kms:DescribeKey"]
            };
            if let Some(Value::Lit(k)) = stack.get(self.handle).and_then(|t| t.sse_specification.clone()) {
                if let Some(Value::Expr(arn)) = k.kms_master_key_id {
                    grant(stack, grantee, PolicyStatement::allow().actions(key_actions.iter().copied()).resource(arn));
                }
            }
        }
    }

    /// Lets `grantee` read items: the read actions on the table and its indexes.
    pub fn grant_read_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.grant_on(stack, grantee, &READ_ACTIONS);
    }
    /// Lets `grantee` write items.
    pub fn grant_write_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.grant_on(stack, grantee, &WRITE_ACTIONS);
    }
    /// Lets `grantee` read and write items.
    pub fn grant_read_write_data(self, stack: &mut Stack, grantee: &impl Grantable) {
        let mut all: Vec<&str> = READ_ACTIONS.to_vec();
        all.extend(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)));
        self.grant_on(stack, grantee, &all);
    }
    /// Lets `grantee` read the stream: `DescribeStream`, `GetRecords`,
    /// `GetShardIterator` and `ListStreams` on the stream ARN only.
    pub fn grant_stream_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        if !self.has_stream {
            let path = stack.path_of(self.handle.id()).unwrap_or_default();
            stack.report(
                Diagnostic::error(path, "stream read granted on a table without a stream")
                    .property("StreamSpecification")
                    .allowed("call .stream(StreamView::..) on the table"),
            );
        }
        grant(stack, grantee, PolicyStatement::allow().actions(STREAM_ACTIONS).resource(self.stream_arn()));
    }

    fn metric(self, name: &str) -> Metric {
        Metric::new("AWS/DynamoDB", name).dimension("TableName", self.name()).statistic(Statistic::Sum)
    }
    /// `ConsumedReadCapacityUnits` (Sum).
    pub fn metric_consumed_read_capacity_units(self) -> Metric {
        self.metric("ConsumedReadCapacityUnits")
    }
    /// `ConsumedWriteCapacityUnits` (Sum).
    pub fn metric_consumed_write_capacity_units(self) -> Metric {
        self.metric("ConsumedWriteCapacityUnits")
    }
    /// `UserErrors` (Sum).
    pub fn metric_user_errors(self) -> Metric {
        self.metric("UserErrors")
    }
    /// `ThrottledRequests` (Sum) for one operation (`PutItem`, `Query`...).
    pub fn metric_throttled_requests(self, operation: &str) -> Metric {
        self.metric("ThrottledRequests").dimension("Operation", operation)
    }
}
