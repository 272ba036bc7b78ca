//! The replicas of a [`GlobalTable`](super::GlobalTable): regions, their
//! own settings, and how the table is billed across them.

use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::ParamRef;

/// Billing of a [`GlobalTable`](super::GlobalTable). Provisioned global tables must scale their
/// write capacity automatically (AWS requires it, so replicas stay in step);
/// read capacity is fixed per replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GlobalBilling {
    /// `PAY_PER_REQUEST` (the default).
    #[default]
    OnDemand,
    /// `PROVISIONED`: `read` units on every replica and index, write units
    /// scaled between `write_min` and `write_max` to hold
    /// `target_utilization` percent.
    Provisioned {
        /// Read capacity units of every replica and index (at least 1).
        read: u32,
        /// Minimum write capacity units (at least 1).
        write_min: u32,
        /// Maximum write capacity units (at least `write_min`).
        write_max: u32,
        /// Target utilization of the write capacity, 20 to 90 percent.
        target_utilization: u32,
    },
}

impl GlobalBilling {
    /// Provisioned capacity with write auto scaling targeting 70 % utilization.
    pub fn provisioned(read: u32, write_min: u32, write_max: u32) -> Self {
        GlobalBilling::Provisioned { read, write_min, write_max, target_utilization: 70 }
    }
}

/// The storage class of a replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableClass {
    /// `STANDARD`
    Standard,
    /// `STANDARD_INFREQUENT_ACCESS`
    StandardInfrequentAccess,
}

impl TableClass {
    pub(super) fn name(self) -> &'static str {
        match self {
            TableClass::Standard => "STANDARD",
            TableClass::StandardInfrequentAccess => "STANDARD_INFREQUENT_ACCESS",
        }
    }
}

/// One replica of a [`GlobalTable`](super::GlobalTable): a region and its own settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica {
    pub(super) region: String,
    /// The stack parameter naming the region, written instead of the literal.
    pub(super) region_parameter: Option<ParamRef>,
    pub(super) kms_key: Option<Token>,
    pub(super) deletion_protection: Option<bool>,
    pub(super) table_class: Option<TableClass>,
    pub(super) contributor_insights: bool,
    pub(super) tags: Vec<(String, Token)>,
}

impl Replica {
    /// A replica in `region` (`us-east-2`).
    pub fn new(region: &str) -> Self {
        Replica {
            region: region.to_string(),
            region_parameter: None,
            kms_key: None,
            deletion_protection: None,
            table_class: None,
            contributor_insights: false,
            tags: Vec::new(),
        }
    }
    /// A replica in the region a stack parameter names: the template says
    /// `{"Ref": "<parameter>"}`, no literal region. `default` must be the
    /// parameter's default (synthesis checks it): the construct's checks
    /// (valid region, not listed twice, not the stack's region) run on it.
    ///
    /// ```
    /// use cfnkit::prelude::*;
    /// use cfnkit::constructs::dynamodb::{GlobalTable, Replica, StreamView};
    ///
    /// let mut app = App::new();
    /// let stack = app.stack("payments").region("us-east-1");
    /// let secondary = stack.parameter(Parameter::string("SecondaryRegion").default("us-east-2"));
    /// GlobalTable::new("Payments", Key::string("id"))
    ///     .stream(StreamView::NewAndOldImages)
    ///     .replica(Replica::from_parameter(secondary, "us-east-2"))
    ///     .add_to(stack);
    /// let t = &app.synth().unwrap().stacks[0].template;
    /// let replicas = &t["Resources"]["Payments"]["Properties"]["Replicas"];
    /// assert_eq!(replicas[1]["Region"], serde_json::json!({"Ref": "SecondaryRegion"}));
    /// ```
    pub fn from_parameter(parameter: ParamRef, default: &str) -> Self {
        Replica { region_parameter: Some(parameter), ..Replica::new(default) }
    }
    /// The region as the template writes it: the parameter's `Ref`, or the literal.
    pub(super) fn region_value(&self) -> Value<String> {
        match self.region_parameter {
            Some(p) => Value::Expr(p.value().into_token()),
            None => Value::Lit(self.region.clone()),
        }
    }
    /// The customer managed key of this replica (a key ARN in its region),
    /// required on every replica outside the stack's region when the table
    /// uses [`TableEncryption::CustomerManaged`](super::TableEncryption::CustomerManaged).
    pub fn kms_key(mut self, arn: impl Into<Token>) -> Self {
        self.kms_key = Some(arn.into());
        self
    }
    /// Sets deletion protection of this replica (default: the table's).
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.deletion_protection = Some(on);
        self
    }
    /// Sets the storage class of this replica.
    pub fn table_class(mut self, c: TableClass) -> Self {
        self.table_class = Some(c);
        self
    }
    /// Turns CloudWatch Contributor Insights on for this replica.
    pub fn contributor_insights(mut self) -> Self {
        self.contributor_insights = true;
        self
    }
    /// Adds a tag to this replica only (the stack's tags reach every replica).
    pub fn tag(mut self, key: &str, value: impl Into<Token>) -> Self {
        self.tags.push((key.to_string(), value.into()));
        self
    }
    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }
}

/// True for region names such as `us-east-1`, `ap-southeast-2`, `us-gov-west-1`.
pub(super) fn valid_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
}
