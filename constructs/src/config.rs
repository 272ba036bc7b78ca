//! AWS Config: [`ConfigurationRecorder`] (the recorder with its delivery
//! channel, bucket, bucket policy and role) and [`ManagedRule`]s that wait
//! for it.
//!
//! Defaults: every supported resource type is recorded, global ones (IAM)
//! included, continuously; configuration snapshots are delivered daily to
//! a bucket created for the recorder (the secure bucket defaults, Retain
//! unless the stack says otherwise) whose policy admits Config for this
//! account only (`AWSLogs/<account>/Config/` and the bucket checks it makes
//! first). The recorder uses a role of its own with AWS's
//! `service-role/AWS_ConfigRole` policy plus the writes to that bucket
//! (and its customer managed key, when it has one). The delivery channel
//! waits for the bucket policy and the role's policy (Config checks it
//! can write when the channel is created).
//!
//! Creation order: Config evaluates rules only once a recorder exists,
//! and CloudFormation fails a rule created before it. A [`ManagedRule`]
//! takes the [`RecorderRef`] and `DependsOn` the recorder and its delivery
//! channel (in another stack of the app, its stack deploys after).
//!
//! An account has one recorder and one delivery channel a region: a
//! second recorder in a stack is reported.
//!
//! Compared with AWS CDK: aws-cdk-lib has L2 rules (`ManagedRule`) but no
//! recorder or delivery channel construct, and its rules do not wait for a
//! recorder.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::config as l1;

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{PolicyStatement, Principal, Role, RoleRef};
use crate::s3::{Bucket, BucketRef};
use cfnkit_l1::config::ConfigRuleAttrs;

const CONFIG: &str = "config.amazonaws.com";

/// How often Config delivers configuration snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Frequency {
    /// Every hour.
    OneHour,
    /// Every three hours.
    ThreeHours,
    /// Every six hours.
    SixHours,
    /// Every twelve hours.
    TwelveHours,
    /// Every day (the default).
    #[default]
    TwentyFourHours,
}

impl Frequency {
    /// The `MaximumExecutionFrequency` / `DeliveryFrequency` value.
    pub fn name(self) -> &'static str {
        match self {
            Frequency::OneHour => "One_Hour",
            Frequency::ThreeHours => "Three_Hours",
            Frequency::SixHours => "Six_Hours",
            Frequency::TwelveHours => "Twelve_Hours",
            Frequency::TwentyFourHours => "TwentyFour_Hours",
        }
    }
}

/// The stack fact marking that it holds a recorder already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackRecorder(Handle<l1::ConfigurationRecorder>);

/// An AWS Config configuration recorder with its delivery channel.
///
/// ```
/// use cfnkit::constructs::config::{ConfigurationRecorder, ManagedRule};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("compliance");
/// let recorder = ConfigurationRecorder::new("Config").add_to(stack);
/// ManagedRule::new("BucketVersioning", recorder, "S3_BUCKET_VERSIONING_ENABLED")
///     .resource_types(["AWS::S3::Bucket"])
///     .add_to(stack);
/// let _bucket = recorder.bucket();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct ConfigurationRecorder {
    id: String,
    global: bool,
    bucket: Option<BucketRef>,
    frequency: Frequency,
    removal: Option<RemovalPolicy>,
}

impl ConfigurationRecorder {
    /// A recorder of every resource type, delivering to a bucket of its own.
    pub fn new(id: &str) -> Self {
        ConfigurationRecorder {
            id: id.to_string(),
            global: true,
            bucket: None,
            frequency: Frequency::TwentyFourHours,
            removal: None,
        }
    }
    /// Leaves global resource types (IAM) out: record them in one region only.
    pub fn without_global_resources(mut self) -> Self {
        self.global = false;
        self
    }
    /// Delivers to an existing bucket instead of one of its own; the
    /// statements Config needs are added to its policy.
    pub fn bucket(mut self, bucket: BucketRef) -> Self {
        self.bucket = Some(bucket);
        self
    }
    /// Sets how often snapshots are delivered (daily by default).
    pub fn snapshot_frequency(mut self, f: Frequency) -> Self {
        self.frequency = f;
        self
    }
    /// Sets the removal policy of the bucket it creates (default: the
    /// stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    /// Adds the recorder, its role, its bucket and bucket-policy
    /// statements, and the delivery channel.
    pub fn add_to(self, stack: &mut Stack) -> RecorderRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        if let Some(StackRecorder(other)) = stack.stack_fact() {
            let other = stack.path_of(other.id()).unwrap_or_default();
            stack.report(
                Diagnostic::error_of(DiagKind::Quota, &path, "an account has one Config recorder a region")
                    .value(format!("a second recorder beside {other}"))
                    .allowed("one ConfigurationRecorder a stack (and a region of the account)"),
            );
        }
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let bucket = self
            .bucket
            .unwrap_or_else(|| stack.within(scope, |s| Bucket::new("Bucket").removal_policy(removal).add_to(s)));
        let objects = bucket.arn_for_objects("AWSLogs/${AWS::AccountId}/Config/*");
        let account = || Pseudo::AccountId.expr();
        bucket.add_to_resource_policy(
            stack,
            PolicyStatement::allow()
                .sid("AWSConfigBucketPermissionsCheck")
                .principal(Principal::service(CONFIG))
                .actions(["s3:GetBucketAcl", "s3:ListBucket"])
                .resource(bucket.arn())
                .condition("StringEquals", "aws:SourceAccount", account()),
        );
        bucket.add_to_resource_policy(
            stack,
            PolicyStatement::allow()
                .sid("AWSConfigBucketDelivery")
                .principal(Principal::service(CONFIG))
                .actions(["s3:PutObject"])
                .resource(objects.clone())
                .condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control")
                .condition("StringEquals", "aws:SourceAccount", account()),
        );

        let role = stack.within(scope, |s| {
            Role::new("Role", Principal::service(CONFIG))
                .description("Lets AWS Config read resource configurations and deliver them to its bucket")
                .managed_policy("service-role/AWS_ConfigRole")
                .add_to(s)
        });
        let group = l1::RecordingGroup::new().all_supported(true).include_global_resource_types(self.global);
        let recorder = l1::ConfigurationRecorder::new(Value::from(role.arn()))
            .recording_group(group)
            .recording_mode(l1::RecordingMode::new("CONTINUOUS".to_string()));
        let handle = stack.within(scope, |s| s.add("Resource", recorder));

        let key = crate::customer_key::of(stack, bucket.handle().id());
        let mut channel = l1::DeliveryChannel::new(Value::from(bucket.name())).config_snapshot_delivery_properties(
            l1::ConfigSnapshotDeliveryProperties::new().delivery_frequency(self.frequency.name().to_string()),
        );
        if let Some(k) = &key {
            channel = channel.s3_kms_key_arn(Value::Expr(k.clone()));
        }
        let channel = stack.within(scope, |s| s.add("DeliveryChannel", channel));
        // Config checks it can write when the channel is created: the channel
        // waits for the bucket policy and for the role's policy.
        if let Some(p) = bucket.policy() {
            stack.add_dependency(channel.id(), p.id());
        }
        let writer = RoleRef::new(role.handle(), Some(channel.id()));
        writer.add_to_policy(stack, PolicyStatement::allow().actions(["s3:PutObject"]).resource(objects));
        writer.add_to_policy(stack, PolicyStatement::allow().actions(["s3:GetBucketAcl"]).resource(bucket.arn()));
        if let Some(k) = key {
            writer.add_to_policy(
                stack,
                PolicyStatement::allow().actions(["kms:GenerateDataKey", "kms:Decrypt"]).resource(k),
            );
        }
        if stack.stack_fact::<StackRecorder>().is_none() {
            stack.set_stack_fact(StackRecorder(handle));
        }
        RecorderRef { handle, channel, bucket, role }
    }
}

/// A recorder added to a stack: its delivery channel, bucket, role and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecorderRef {
    handle: Handle<l1::ConfigurationRecorder>,
    channel: Handle<l1::DeliveryChannel>,
    bucket: BucketRef,
    role: RoleRef,
}

impl RecorderRef {
    /// The L1 handle of the recorder.
    pub fn handle(self) -> Handle<l1::ConfigurationRecorder> {
        self.handle
    }
    /// The L1 handle of the delivery channel.
    pub fn delivery_channel(self) -> Handle<l1::DeliveryChannel> {
        self.channel
    }
    /// The recorder's name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The bucket snapshots and history go to.
    pub fn bucket(self) -> BucketRef {
        self.bucket
    }
    /// The recorder's role.
    pub fn role(self) -> RoleRef {
        self.role
    }
    /// `ConfigSnapshotExportFailed` (Sum): snapshot deliveries that failed.
    pub fn metric_snapshot_export_failed(self) -> Metric {
        Metric::new("AWS/Config", "ConfigSnapshotExportFailed").statistic(Statistic::Sum)
    }
    /// `ConfigHistoryExportFailed` (Sum): history deliveries that failed.
    pub fn metric_history_export_failed(self) -> Metric {
        Metric::new("AWS/Config", "ConfigHistoryExportFailed").statistic(Statistic::Sum)
    }
    /// `ConfigurationRecorderInsufficientPermissionsFailure` (Sum):
    /// resources the recorder's role could not read.
    pub fn metric_insufficient_permissions_failure(self) -> Metric {
        Metric::new("AWS/Config", "ConfigurationRecorderInsufficientPermissionsFailure").statistic(Statistic::Sum)
    }
}

/// An AWS managed Config rule (`Owner: AWS`), created after its recorder.
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct ManagedRule {
    id: String,
    recorder: RecorderRef,
    identifier: String,
    name: Option<Value<String>>,
    description: Option<String>,
    parameters: Vec<(String, Token)>,
    types: Vec<String>,
    tag: Option<(String, Option<String>)>,
    periodic: Option<Frequency>,
}

impl ManagedRule {
    /// The managed rule `identifier` (`S3_BUCKET_VERSIONING_ENABLED`,
    /// `CLOUD_TRAIL_ENABLED`...), evaluated once `recorder` records.
    pub fn new(id: &str, recorder: RecorderRef, identifier: &str) -> Self {
        ManagedRule {
            id: id.to_string(),
            recorder,
            identifier: identifier.to_string(),
            name: None,
            description: None,
            parameters: Vec::new(),
            types: Vec::new(),
            tag: None,
            periodic: None,
        }
    }
    /// Sets `ConfigRuleName` (1 to 128 characters).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the description.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets an input parameter of the rule (`maxAccessKeyAge`, ...).
    pub fn parameter(mut self, key: &str, value: impl Into<Token>) -> Self {
        self.parameters.push((key.to_string(), value.into()));
        self
    }
    /// Evaluates only resources of these types (`AWS::S3::Bucket`).
    pub fn resource_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.types.extend(types.into_iter().map(Into::into));
        self
    }
    /// Evaluates only resources with this tag (and value, when given).
    pub fn tagged(mut self, key: &str, value: Option<&str>) -> Self {
        self.tag = Some((key.to_string(), value.map(str::to_string)));
        self
    }
    /// Evaluates periodically at `f` (for rules AWS defines as periodic).
    pub fn periodic(mut self, f: Frequency) -> Self {
        self.periodic = Some(f);
        self
    }

    /// Adds the rule, after the recorder and its delivery channel.
    pub fn add_to(self, stack: &mut Stack) -> ManagedRuleRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let ok = !self.identifier.is_empty()
            && self.identifier.len() <= 256
            && self.identifier.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            stack.report(
                Diagnostic::error_of(DiagKind::Pattern, &path, "invalid managed rule identifier")
                    .property("Source.SourceIdentifier")
                    .value(format!("{:?}", self.identifier))
                    .allowed("an AWS managed rule identifier: uppercase letters, digits and '_' (S3_BUCKET_VERSIONING_ENABLED)"),
            );
        }
        if let Some((k, _)) = &self.tag {
            if !self.types.is_empty() || k.is_empty() {
                stack.report(
                    Diagnostic::error_of(
                        if self.types.is_empty() { DiagKind::Missing } else { DiagKind::Excluded },
                        &path,
                        "a rule is scoped by resource types or by one tag, not both",
                    )
                    .property("Scope")
                    .value(format!("{} resource types and the tag key {k:?}", self.types.len()))
                    .allowed(".resource_types(..) or .tagged(key, value)"),
                );
            }
        }
        let source = l1::Source::new("AWS".to_string()).source_identifier(self.identifier.clone());
        let mut rule = l1::ConfigRule::new(source);
        if let Some(n) = self.name.clone() {
            rule = rule.config_rule_name(n);
        }
        if let Some(d) = &self.description {
            rule = rule.description(d.clone());
        }
        if !self.parameters.is_empty() {
            rule = rule.input_parameters(Token::object(self.parameters.clone()));
        }
        if !self.types.is_empty() {
            rule = rule.scope(
                l1::Scope::new()
                    .compliance_resource_types(self.types.iter().cloned().map(Value::Lit).collect::<Vec<_>>()),
            );
        } else if let Some((k, v)) = &self.tag {
            let mut s = l1::Scope::new().tag_key(k.clone());
            if let Some(v) = v {
                s = s.tag_value(v.clone());
            }
            rule = rule.scope(s);
        }
        if let Some(f) = self.periodic {
            rule = rule.maximum_execution_frequency(f.name().to_string());
        }
        let handle = stack.within(scope, |s| s.add("Resource", rule));
        stack.add_dependency(handle.id(), self.recorder.handle.id());
        stack.add_dependency(handle.id(), self.recorder.channel.id());
        ManagedRuleRef { handle }
    }
}

/// A managed rule added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagedRuleRef {
    handle: Handle<l1::ConfigRule>,
}

impl ManagedRuleRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::ConfigRule> {
        self.handle
    }
    /// The rule's name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The rule's ARN (`Fn::GetAtt Arn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
}
