//! CloudTrail: [`Trail`], encrypted, validated and tamper-evident by default.
//!
//! Defaults: management events (read and write) from every region,
//! global service events included, log file validation on, logging on, log
//! files encrypted with a KMS key created for the trail (rotation on; its
//! policy lets CloudTrail generate data keys for this trail only) and
//! written to a dedicated bucket (`<Id>LogsBucket`, with the secure bucket
//! defaults and its own access-log bucket) whose policy admits CloudTrail
//! for this trail only. The trail waits for that bucket policy
//! (`DependsOn`), since CloudTrail checks it on creation.
//!
//! CloudWatch Logs delivery is off by default: the validated log files are
//! the durable record, and streaming every management event of every
//! region into CloudWatch Logs costs ingestion for each one. Turn it on
//! with [`Trail::send_to_cloudwatch_logs`] to alarm on API activity (no
//! checkov check for CloudFormation asks for it; AWS's NIST and PCI
//! conformance packs do).

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::cloudtrail as l1;
use cfnkit_l1::prelude::*;

use crate::arn;
use crate::iam::{grant, Grantable, PolicyStatement, Principal, Role, RoleRef};
use crate::kms::{self, Key, KeyRef};
use crate::logs::{LogGroup, LogGroupRef, Retention};
use crate::s3::{Bucket, BucketRef};

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
/// Event selectors a trail may have.
const MAX_SELECTORS: usize = 5;
/// Data resources a trail's event selectors may name in all.
const MAX_DATA_RESOURCES: usize = 250;

/// Which events of a kind the trail records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReadWrite {
    /// Reads and writes (`All`, the default).
    #[default]
    All,
    /// Reads only (`ReadOnly`).
    ReadOnly,
    /// Writes only (`WriteOnly`).
    WriteOnly,
}

impl ReadWrite {
    /// The `ReadWriteType` value.
    pub fn name(self) -> &'static str {
        match self {
            ReadWrite::All => "All",
            ReadWrite::ReadOnly => "ReadOnly",
            ReadWrite::WriteOnly => "WriteOnly",
        }
    }
}

/// A CloudTrail trail.
///
/// ```
/// use cfnkit_constructs::cloudtrail::{ReadWrite, Trail};
/// use cfnkit_constructs::s3::Bucket;
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let data = Bucket::new("TransactionBucket").add_to(stack);
/// let trail = Trail::new("AuditTrail", "audit-trail-dev")
///     .s3_data_events(data, ReadWrite::All)
///     .add_to(stack);
/// let _arn = trail.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Trail {
    id: String,
    name: Value<String>,
    key: Option<KeyRef>,
    bucket: Option<BucketRef>,
    key_prefix: Option<String>,
    management: Option<ReadWrite>,
    data: Vec<(BucketRef, ReadWrite)>,
    multi_region: bool,
    global_events: bool,
    cloudwatch: Option<Retention>,
    removal: Option<RemovalPolicy>,
}

impl Trail {
    /// A trail named `name` (3 to 128 letters, digits, `.`, `_` and `-`;
    /// suffix it with the environment). The name is needed up front: the
    /// key and bucket policies name the trail's ARN, which CloudFormation
    /// only knows after the trail exists.
    pub fn new(id: &str, name: impl Into<Value<String>>) -> Self {
        Trail {
            id: id.to_string(),
            name: name.into(),
            key: None,
            bucket: None,
            key_prefix: None,
            management: Some(ReadWrite::All),
            data: Vec::new(),
            multi_region: true,
            global_events: true,
            cloudwatch: None,
            removal: None,
        }
    }
    /// Encrypts the log files with an existing key instead of one of its
    /// own; the statements CloudTrail needs are added to its policy when the
    /// key is in the same stack.
    pub fn encryption_key(mut self, key: KeyRef) -> Self {
        self.key = Some(key);
        self
    }
    /// Writes to an existing bucket instead of a dedicated one; the
    /// statements CloudTrail needs are added to its policy.
    pub fn bucket(mut self, bucket: BucketRef) -> Self {
        self.bucket = Some(bucket);
        self
    }
    /// Writes under `prefix/` in the bucket (at most 200 characters).
    pub fn key_prefix(mut self, prefix: &str) -> Self {
        self.key_prefix = Some(prefix.trim_end_matches('/').to_string());
        self
    }
    /// Sets which management events are recorded (all by default).
    pub fn management_events(mut self, rw: ReadWrite) -> Self {
        self.management = Some(rw);
        self
    }
    /// Records no management events (data events only).
    pub fn without_management_events(mut self) -> Self {
        self.management = None;
        self
    }
    /// Records S3 object-level (data) events on every object of `bucket`.
    pub fn s3_data_events(mut self, bucket: BucketRef, rw: ReadWrite) -> Self {
        self.data.push((bucket, rw));
        self
    }
    /// Records events of the stack's region only (every region by default).
    pub fn single_region(mut self) -> Self {
        self.multi_region = false;
        self
    }
    /// Leaves out global services' events (IAM, STS, CloudFront); only a
    /// single-region trail may.
    pub fn without_global_service_events(mut self) -> Self {
        self.global_events = false;
        self
    }
    /// Also delivers events to a CloudWatch Logs group kept for `retention`,
    /// encrypted with the trail's key, through a role that may write to
    /// that group only.
    pub fn send_to_cloudwatch_logs(mut self, retention: Retention) -> Self {
        self.cloudwatch = Some(retention);
        self
    }
    /// Sets the removal policy of the trail and of what it creates (default:
    /// the stack's conventions, else Retain: an audit trail outlives its stack).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if let Value::Lit(n) = &self.name {
            if let Err(allowed) = check_trail_name(n) {
                out.push(
                    Diagnostic::error(path, "invalid trail name")
                        .property("TrailName")
                        .value(format!("{n:?}"))
                        .allowed(allowed),
                );
            }
        }
        if let Some(p) = &self.key_prefix {
            if p.chars().count() > 200 {
                out.push(
                    Diagnostic::error(path, "S3 key prefix too long")
                        .property("S3KeyPrefix")
                        .value(format!("{} characters", p.chars().count()))
                        .allowed("at most 200 characters"),
                );
            }
        }
        if self.multi_region && !self.global_events {
            out.push(
                Diagnostic::error(path, "a multi-region trail must include global service events")
                    .property("IncludeGlobalServiceEvents")
                    .value("false")
                    .allowed("true, or .single_region() as well"),
            );
        }
        if self.management.is_none() && self.data.is_empty() {
            out.push(
                Diagnostic::error(path, "the trail records no event")
                    .property("EventSelectors")
                    .allowed("management events, or data events on at least one bucket"),
            );
        }
        if self.data.len() > MAX_DATA_RESOURCES {
            out.push(
                Diagnostic::error(path, "too many data resources")
                    .property("EventSelectors")
                    .value(self.data.len().to_string())
                    .allowed(format!("at most {MAX_DATA_RESOURCES}")),
            );
        }
        let selectors = self.event_selectors();
        if selectors.len() > MAX_SELECTORS {
            out.push(
                Diagnostic::error(path, "too many event selectors")
                    .property("EventSelectors")
                    .value(selectors.len().to_string())
                    .allowed(format!("at most {MAX_SELECTORS}")),
            );
        }
    }

    /// One selector per `ReadWriteType`: management events share the
    /// selector of their type with the data events of the same type.
    fn event_selectors(&self) -> Vec<l1::EventSelector> {
        let mut kinds: Vec<ReadWrite> = self.management.into_iter().collect();
        for (_, rw) in &self.data {
            if !kinds.contains(rw) {
                kinds.push(*rw);
            }
        }
        kinds
            .into_iter()
            .map(|rw| {
                let mut s = l1::EventSelector::new()
                    .read_write_type(rw.name())
                    .include_management_events(self.management == Some(rw));
                let values: Vec<Expr<String>> =
                    self.data.iter().filter(|(_, r)| *r == rw).map(|(b, _)| arn::child_of(b.arn(), "/")).collect();
                if !values.is_empty() {
                    s = s.data_resources(vec![l1::DataResource::new("AWS::S3::Object").values(values)]);
                }
                s
            })
            .collect()
    }

    /// Adds the trail, its key, bucket, bucket-policy statements and (when
    /// asked for) its log group and role.
    pub fn add_to(self, stack: &mut Stack) -> TrailRef {
        let scope = stack.construct(&self.id);
        let scope_path = stack.path_of_node(scope).unwrap_or_default();
        let path = format!("{scope_path}/Resource");
        let mut diags = Vec::new();
        self.check(&path, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let trail_id = logical_id::from_path(scope_path.split('/').skip(1));
        let trail_arn: Token =
            fns::sub("arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${Name}")
                .var("Name", self.name.clone())
                .into();

        // The key: CloudTrail may generate data keys for this trail only.
        let key_statements = |sid: &str| {
            [
                PolicyStatement::allow()
                    .sid(&format!("AllowCloudTrailToEncryptLogs{sid}"))
                    .principal(Principal::service(CLOUDTRAIL))
                    .actions(["kms:GenerateDataKey"])
                    .resource("*")
                    .condition("StringEquals", "aws:SourceArn", trail_arn.clone())
                    .condition(
                        "StringLike",
                        "kms:EncryptionContext:aws:cloudtrail:arn",
                        fns::sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*").expr(),
                    ),
                PolicyStatement::allow()
                    .sid(&format!("AllowCloudTrailToDescribeKey{sid}"))
                    .principal(Principal::service(CLOUDTRAIL))
                    .actions(["kms:DescribeKey"])
                    .resource("*")
                    .condition("StringEquals", "aws:SourceArn", trail_arn.clone()),
            ]
        };
        let key = if let Some(k) = self.key {
            // A shared key may serve several trails: the Sids name this one.
            let mut ok = true;
            for s in key_statements(&trail_id) {
                ok &= k.add_to_resource_policy(stack, s);
            }
            if self.cloudwatch.is_some() {
                ok &= k.add_to_resource_policy(stack, kms::cloudwatch_logs_statement("AllowCloudWatchLogsForTrail"));
            }
            if !ok {
                stack.report(Diagnostic::warning(
                    &path,
                    "the trail's key belongs to another stack: its policy must let cloudtrail.amazonaws.com \
                     generate data keys for this trail (and logs.<region>.amazonaws.com use it, with CloudWatch Logs)",
                ));
            }
            k
        } else {
            let [encrypt, describe] = key_statements("");
            let mut key = Key::new("Key")
                .description("Encrypts the log files of a CloudTrail trail")
                .policy_statement(encrypt)
                .policy_statement(describe)
                .removal_policy(removal);
            if self.cloudwatch.is_some() {
                key = key.policy_statement(kms::cloudwatch_logs_statement("AllowCloudWatchLogsForTrail"));
            }
            stack.within(scope, |s| key.add_to(s))
        };

        // The bucket: CloudTrail may check its ACL and write this trail's
        // files under AWSLogs/<account>/, handing the objects to the owner.
        let (bucket, sid) = if let Some(b) = self.bucket {
            (b, trail_id.clone())
        } else {
            let b = stack.within(scope, |s| Bucket::new("LogsBucket").removal_policy(removal).add_to(s));
            (b, String::new())
        };
        let logs_path = match &self.key_prefix {
            Some(p) if !p.is_empty() => format!("/{p}/AWSLogs/${{AWS::AccountId}}/*"),
            _ => "/AWSLogs/${AWS::AccountId}/*".to_string(),
        };
        bucket.add_to_resource_policy(
            stack,
            PolicyStatement::allow()
                .sid(&format!("AWSCloudTrailAclCheck{sid}"))
                .principal(Principal::service(CLOUDTRAIL))
                .actions(["s3:GetBucketAcl"])
                .resource(bucket.arn())
                .condition("StringEquals", "aws:SourceArn", trail_arn.clone()),
        );
        bucket.add_to_resource_policy(
            stack,
            PolicyStatement::allow()
                .sid(&format!("AWSCloudTrailWrite{sid}"))
                .principal(Principal::service(CLOUDTRAIL))
                .actions(["s3:PutObject"])
                .resource(arn::child_of(bucket.arn(), &logs_path))
                .condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control")
                .condition("StringEquals", "aws:SourceArn", trail_arn.clone()),
        );

        // CloudWatch Logs, when asked for.
        let cloudwatch = self.cloudwatch.map(|retention| {
            let group = stack.within(scope, |s| {
                LogGroup::new("LogGroup", retention).encryption_key(key.arn()).removal_policy(removal).add_to(s)
            });
            let role = stack.within(scope, |s| {
                Role::new("LogsRole", Principal::service(CLOUDTRAIL))
                    .description("Lets CloudTrail deliver the trail's events to its log group, and nothing else")
                    .add_to(s)
            });
            (group, role)
        });

        let mut t = l1::Trail::new(true, Value::from(bucket.name()))
            .trail_name(self.name.clone())
            .enable_log_file_validation(true)
            .include_global_service_events(self.global_events)
            .is_multi_region_trail(self.multi_region)
            .kms_key_id(Value::from(key.arn()))
            .event_selectors(self.event_selectors());
        if let Some(p) = self.key_prefix.as_ref().filter(|p| !p.is_empty()) {
            t = t.s3_key_prefix(p.clone());
        }
        if let Some((group, role)) = &cloudwatch {
            t = t
                .cloud_watch_logs_log_group_arn(Value::from(group.arn()))
                .cloud_watch_logs_role_arn(Value::from(role.arn()));
        }
        let handle = stack.within(scope, |s| s.add("Resource", t));
        stack.set_removal_policy(handle.id(), removal);
        if let Some(p) = bucket.policy() {
            // CloudTrail checks the bucket policy when the trail is created.
            stack.add_dependency(handle.id(), p.id());
        }
        if let Some((group, role)) = &cloudwatch {
            // CloudTrail checks the role can write when the trail is created,
            // so the trail waits for the role's policy.
            RoleRef::new(role.handle(), Some(handle.id())).add_to_policy(
                stack,
                PolicyStatement::allow().actions(["logs:CreateLogStream", "logs:PutLogEvents"]).resource(group.arn()),
            );
        }
        TrailRef { handle, bucket, key, log_group: cloudwatch.map(|(g, _)| g) }
    }
}

/// Checks a literal trail name against the CloudTrail rules the schema does
/// not carry (its length and pattern are checked by the L1 validation).
fn check_trail_name(n: &str) -> Result<(), &'static str> {
    let special = |c: u8| matches!(c, b'.' | b'_' | b'-');
    if n.as_bytes().windows(2).any(|w| special(w[0]) && special(w[1])) {
        return Err("no two of '.', '_' and '-' in a row");
    }
    if n.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err("a name that is not formatted as an IP address");
    }
    Ok(())
}

/// A trail added to a stack: its references, bucket, key and grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrailRef {
    handle: Handle<l1::Trail>,
    bucket: BucketRef,
    key: KeyRef,
    log_group: Option<LogGroupRef>,
}

impl TrailRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Trail> {
        self.handle
    }
    /// The trail ARN (`Fn::GetAtt Arn`).
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The trail name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The bucket the log files go to.
    pub fn logs_bucket(self) -> BucketRef {
        self.bucket
    }
    /// The key the log files are encrypted with.
    pub fn key(self) -> KeyRef {
        self.key
    }
    /// The CloudWatch Logs group, when events are delivered there.
    pub fn log_group(self) -> Option<LogGroupRef> {
        self.log_group
    }
    /// Lets `grantee` read the log files: `s3:GetObject` on the bucket's
    /// objects, `s3:ListBucket` on the bucket, and `kms:Decrypt` on the
    /// trail's key (CloudTrail encrypts each file with it).
    pub fn grant_read_logs(self, stack: &mut Stack, grantee: &impl Grantable) {
        self.bucket.grant_read(stack, grantee);
        grant(stack, grantee, PolicyStatement::allow().actions(["kms:Decrypt"]).resource(self.key.arn()));
    }
}
