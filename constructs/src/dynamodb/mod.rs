//! DynamoDB: [`Table`] (`AWS::DynamoDB::Table`) and [`GlobalTable`]
//! (`AWS::DynamoDB::GlobalTable`), secure by default, with the key, index,
//! grant and metric vocabulary they share.
//!
//! Defaults of both: on-demand billing, point-in-time recovery on,
//! server-side encryption with the AWS managed KMS key
//! (`alias/aws/dynamodb`), deletion protection following the removal policy
//! (on when retained), attribute definitions derived exactly once each from
//! the keys of the table and its indexes. A global table also puts the
//! stack's own region first among its replicas and writes the stack's tags
//! into every replica (see [`GlobalTable`]).
//!
//! Grants write the exact item actions on the table ARN and
//! `<table-arn>/index/*`; [`TableAction`] names them one by one for the
//! least-privilege [`TableRef::grant`] and [`GlobalTableRef::grant`].

mod global_table;
mod replica;
mod table;

pub use global_table::{GlobalTable, GlobalTableRef};
pub use replica::{GlobalBilling, Replica, TableClass};
pub use table::{Billing, Table, TableRef};

use cfnkit_core::diag::{DiagKind, Diagnostic};
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
    /// The attribute type.
    pub fn attribute_type(&self) -> AttributeType {
        self.kind
    }
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

/// Server-side encryption of a table (or of every replica of a global table).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum TableEncryption {
    /// The AWS managed KMS key `alias/aws/dynamodb` (the default).
    #[default]
    AwsManaged,
    /// A customer managed KMS key, by ARN. For a global table this is the key
    /// of the replica in the stack's own region; give every other replica its
    /// regional key with [`Replica::kms_key`].
    CustomerManaged(Token),
}

impl From<crate::kms::KeyRef> for TableEncryption {
    fn from(key: crate::kms::KeyRef) -> Self {
        TableEncryption::CustomerManaged(key.arn().into())
    }
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

impl Projection {
    fn to_l1(&self) -> l1::Projection {
        let p = l1::Projection::default().projection_type(
            match self {
                Projection::All => "ALL",
                Projection::KeysOnly => "KEYS_ONLY",
                Projection::Include(_) => "INCLUDE",
            }
            .to_string(),
        );
        match self {
            Projection::Include(a) => p.non_key_attributes(a.iter().map(|x| Value::Lit(x.clone())).collect::<Vec<_>>()),
            _ => p,
        }
    }
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
    /// An index named `name` (3 to 255 letters, digits, `_`, `-` and `.`)
    /// partitioned on `partition`, projecting all attributes.
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
    /// The index name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// One DynamoDB item or table action, for least-privilege grants
/// (`table.grant(stack, &function, &[TableAction::GetItem, TableAction::PutItem])`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TableAction {
    /// `dynamodb:GetItem`
    GetItem,
    /// `dynamodb:BatchGetItem`
    BatchGetItem,
    /// `dynamodb:Query` (also on the indexes)
    Query,
    /// `dynamodb:Scan` (also on the indexes)
    Scan,
    /// `dynamodb:ConditionCheckItem`
    ConditionCheckItem,
    /// `dynamodb:DescribeTable`
    DescribeTable,
    /// `dynamodb:PutItem`
    PutItem,
    /// `dynamodb:UpdateItem`
    UpdateItem,
    /// `dynamodb:DeleteItem`
    DeleteItem,
    /// `dynamodb:BatchWriteItem`
    BatchWriteItem,
    /// `dynamodb:PartiQLSelect`
    PartiQlSelect,
    /// `dynamodb:PartiQLInsert`
    PartiQlInsert,
    /// `dynamodb:PartiQLUpdate`
    PartiQlUpdate,
    /// `dynamodb:PartiQLDelete`
    PartiQlDelete,
}

impl TableAction {
    /// The IAM action, `dynamodb:GetItem`.
    pub fn name(self) -> &'static str {
        match self {
            TableAction::GetItem => "dynamodb:GetItem",
            TableAction::BatchGetItem => "dynamodb:BatchGetItem",
            TableAction::Query => "dynamodb:Query",
            TableAction::Scan => "dynamodb:Scan",
            TableAction::ConditionCheckItem => "dynamodb:ConditionCheckItem",
            TableAction::DescribeTable => "dynamodb:DescribeTable",
            TableAction::PutItem => "dynamodb:PutItem",
            TableAction::UpdateItem => "dynamodb:UpdateItem",
            TableAction::DeleteItem => "dynamodb:DeleteItem",
            TableAction::BatchWriteItem => "dynamodb:BatchWriteItem",
            TableAction::PartiQlSelect => "dynamodb:PartiQLSelect",
            TableAction::PartiQlInsert => "dynamodb:PartiQLInsert",
            TableAction::PartiQlUpdate => "dynamodb:PartiQLUpdate",
            TableAction::PartiQlDelete => "dynamodb:PartiQLDelete",
        }
    }

    /// True when the action writes items (and so needs the key's encrypt actions).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            TableAction::PutItem
                | TableAction::UpdateItem
                | TableAction::DeleteItem
                | TableAction::BatchWriteItem
                | TableAction::PartiQlInsert
                | TableAction::PartiQlUpdate
                | TableAction::PartiQlDelete
        )
    }
}

/// The item-read actions of CDK's `grantReadData`. CDK also adds the stream
/// actions `GetRecords` and `GetShardIterator` on the table ARN, where they
/// grant nothing; stream reading is `grant_stream_read`, on the stream ARN.
const READ_ACTIONS: [TableAction; 6] = [
    TableAction::BatchGetItem,
    TableAction::GetItem,
    TableAction::Query,
    TableAction::Scan,
    TableAction::ConditionCheckItem,
    TableAction::DescribeTable,
];
/// The item-write actions of CDK's `grantWriteData`.
const WRITE_ACTIONS: [TableAction; 5] = [
    TableAction::BatchWriteItem,
    TableAction::PutItem,
    TableAction::UpdateItem,
    TableAction::DeleteItem,
    TableAction::DescribeTable,
];
/// Read and write together, each action once.
const READ_WRITE_ACTIONS: [TableAction; 10] = [
    TableAction::BatchGetItem,
    TableAction::GetItem,
    TableAction::Query,
    TableAction::Scan,
    TableAction::ConditionCheckItem,
    TableAction::DescribeTable,
    TableAction::BatchWriteItem,
    TableAction::PutItem,
    TableAction::UpdateItem,
    TableAction::DeleteItem,
];
/// Reading a stream, on the stream ARN only.
const STREAM_ACTIONS: [&str; 4] =
    ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];

/// The key actions a reader of a table under a customer managed key needs.
const KEY_READ_ACTIONS: [&str; 2] = ["kms:Decrypt", "kms:DescribeKey"];
/// The key actions a writer needs.
const KEY_WRITE_ACTIONS: [&str; 7] = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
];

/// Writes `actions` on `table_arn` and `<table_arn>/index/*` to the grantee's
/// role, plus the key actions on `key` (a customer managed key's ARN).
fn grant_actions(
    stack: &mut Stack,
    grantee: &impl Grantable,
    table_arn: Expr<String>,
    actions: &[TableAction],
    key: Option<Token>,
    has_indexes: bool,
) {
    if actions.is_empty() {
        let path = stack.path_of(grantee.grant_role().handle().id()).unwrap_or_default();
        stack.report(
            Diagnostic::error_of(DiagKind::Wiring, path, "table grant with no action")
                .property("Policies")
                .allowed("at least one TableAction"),
        );
        return;
    }
    let mut s = PolicyStatement::allow().actions(actions.iter().map(|a| a.name())).resource(table_arn.clone());
    // Only reads (Query, Scan...) reach an index, and only when there is one.
    if has_indexes && actions.iter().any(|a| !a.is_write()) {
        s = s.resource(arn::child_of(table_arn, "/index/*"));
    }
    grant(stack, grantee, s);
    if let Some(k) = key {
        // The key policy delegates to IAM; the role needs the key actions too.
        let key_actions: &[&str] =
            if actions.iter().any(|a| a.is_write()) { &KEY_WRITE_ACTIONS } else { &KEY_READ_ACTIONS };
        grant(stack, grantee, PolicyStatement::allow().actions(key_actions.iter().copied()).resource(k));
    }
}

/// Reports a stream grant on a table without a stream, then grants the
/// stream actions on `stream_arn` and the key's read actions under a
/// customer managed key.
fn grant_stream(
    stack: &mut Stack,
    grantee: &impl Grantable,
    table: cfnkit_core::tree::ResourceId,
    has_stream: bool,
    stream_arn: Expr<String>,
) {
    if !has_stream {
        let path = stack.path_in_app(table).unwrap_or_default();
        stack.report(
            Diagnostic::error_of(DiagKind::Wiring, path, "stream read granted on a table without a stream")
                .property("StreamSpecification")
                .allowed("call .stream(StreamView::..) on the table"),
        );
    }
    grant(stack, grantee, PolicyStatement::allow().actions(STREAM_ACTIONS).resource(stream_arn));
    // Stream records are encrypted with the table's key (CDK's grantStreamRead grants the key read actions too).
    crate::customer_key::grant_key(stack, grantee, table, &KEY_READ_ACTIONS);
}

/// A per-table metric of `AWS/DynamoDB` (Sum, 5 minutes).
fn table_metric(table_name: Expr<String>, metric: &str) -> Metric {
    Metric::new("AWS/DynamoDB", metric).dimension("TableName", table_name).statistic(Statistic::Sum)
}

/// `UserErrors`: DynamoDB publishes it per account and region, with no
/// dimension (CDK adds `TableName`, which matches no data).
fn user_errors_metric() -> Metric {
    Metric::new("AWS/DynamoDB", "UserErrors").statistic(Statistic::Sum)
}

fn key_schema(partition: &Key, sort: Option<&Key>) -> Vec<l1::KeySchema> {
    let mut v = vec![l1::KeySchema::new(partition.name.clone(), "HASH".to_string())];
    if let Some(s) = sort {
        v.push(l1::KeySchema::new(s.name.clone(), "RANGE".to_string()));
    }
    v
}

/// Checks the keys and indexes of a table and derives its attribute
/// definitions: every key attribute once, in first-use order, types agreeing.
fn attribute_definitions(
    stack: &mut Stack,
    path: &str,
    partition: &Key,
    sort: Option<&Key>,
    indexes: &[Gsi],
) -> Vec<l1::AttributeDefinition> {
    let mut keys: Vec<&Key> = vec![partition];
    keys.extend(sort);
    for g in indexes {
        keys.push(&g.partition);
        keys.extend(g.sort.iter());
    }
    let mut attrs: Vec<&Key> = Vec::new();
    for k in keys {
        if k.name.is_empty() || k.name.len() > 255 {
            stack.report(
                Diagnostic::error(path, "key attribute name length out of range")
                    .property("AttributeDefinitions")
                    .value(format!("{:?}", k.name))
                    .allowed("1 to 255 bytes"),
            );
        }
        match attrs.iter().find(|a| a.name == k.name) {
            Some(a) if a.kind != k.kind => stack.report(
                Diagnostic::error(path, "key attribute declared with two types")
                    .property("AttributeDefinitions")
                    .value(format!("{} as {} and {}", k.name, a.kind.code(), k.kind.code()))
                    .allowed("one type per attribute name"),
            ),
            Some(_) => {}
            None => attrs.push(k),
        }
    }
    if indexes.len() > 20 {
        stack.report(
            Diagnostic::error(path, "too many global secondary indexes")
                .property("GlobalSecondaryIndexes")
                .value(indexes.len().to_string())
                .allowed("at most 20"),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for g in indexes {
        let ok = (3..=255).contains(&g.name.len())
            && g.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            stack.report(
                Diagnostic::error(path, "invalid index name")
                    .property("GlobalSecondaryIndexes")
                    .value(format!("{:?}", g.name))
                    .allowed("3 to 255 letters, digits, '_', '-' and '.'"),
            );
        }
        if seen.contains(&g.name.as_str()) {
            stack.report(
                Diagnostic::error(path, "index name used twice")
                    .property("GlobalSecondaryIndexes")
                    .value(format!("{:?}", g.name))
                    .allowed("unique index names"),
            );
        }
        seen.push(&g.name);
        if let Projection::Include(a) = &g.projection {
            if a.is_empty() || a.len() > 20 {
                stack.report(
                    Diagnostic::error(path, "INCLUDE projection attribute count out of range")
                        .property("GlobalSecondaryIndexes.Projection.NonKeyAttributes")
                        .value(format!("{} attributes in {:?}", a.len(), g.name))
                        .allowed("1 to 20 non-key attributes (use Projection::All for more)"),
                );
            }
        }
    }
    attrs.iter().map(|k| l1::AttributeDefinition::new(k.name.clone(), k.kind.code().to_string())).collect()
}

/// Checks a literal table name: 3 to 255 letters, digits, `_`, `-` and `.`.
fn check_table_name(stack: &mut Stack, path: &str, name: Option<&Value<String>>) {
    // A literal is known whole; an Fn::Sub or Fn::Join in its literal parts
    // (the suffix parameter's own pattern keeps the rest to letters, digits and '-').
    let Some(known) = name.and_then(crate::name::KnownName::of) else { return };
    let text = known.text();
    let chars_ok = text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let len_ok = text.len() <= 255 && (!known.fully_known() || text.len() >= 3);
    if !(chars_ok && len_ok) {
        stack.report(
            Diagnostic::error(path, "invalid table name")
                .property("TableName")
                .value(format!("{text:?}"))
                .allowed("3 to 255 letters, digits, '_', '-' and '.'"),
        );
    }
}
