//! GuardDuty: [`Detector`], threat detection for the account in the
//! stack's region.
//!
//! Defaults: the detector is enabled and publishes findings every 15
//! minutes (GuardDuty's default is six hours: a finding about a live
//! attack should not wait that long), with the protection plans that need
//! no agent on: S3 data events, EKS audit logs, EBS malware protection, RDS
//! login events and Lambda network logs. Runtime monitoring (an agent on
//! EC2, ECS or EKS) is off unless [`Detector::feature`] asks for it.
//!
//! An account has one detector a region: a second one in a stack is
//! reported (CloudFormation would fail to create it). GuardDuty publishes
//! no CloudWatch metrics; its findings reach EventBridge (source
//! `aws.guardduty`), where a rule can route them.
//!
//! Compared with AWS CDK: aws-cdk-lib has only the L1 `CfnDetector`; every
//! default above is cfnkit's.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;
use cfnkit_l1::guardduty as l1;

/// A GuardDuty protection plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// `S3_DATA_EVENTS`: object-level API activity on S3 buckets (on by default).
    S3DataEvents,
    /// `EKS_AUDIT_LOGS`: Kubernetes audit logs of EKS clusters (on by default).
    EksAuditLogs,
    /// `EBS_MALWARE_PROTECTION`: scans the volumes of flagged instances (on by default).
    EbsMalwareProtection,
    /// `RDS_LOGIN_EVENTS`: Aurora login activity (on by default).
    RdsLoginEvents,
    /// `LAMBDA_NETWORK_LOGS`: network activity of Lambda functions (on by default).
    LambdaNetworkLogs,
    /// `RUNTIME_MONITORING`: an agent on EC2, ECS and EKS (off by default).
    RuntimeMonitoring,
}

impl Feature {
    /// The feature's `Name`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::S3DataEvents => "S3_DATA_EVENTS",
            Feature::EksAuditLogs => "EKS_AUDIT_LOGS",
            Feature::EbsMalwareProtection => "EBS_MALWARE_PROTECTION",
            Feature::RdsLoginEvents => "RDS_LOGIN_EVENTS",
            Feature::LambdaNetworkLogs => "LAMBDA_NETWORK_LOGS",
            Feature::RuntimeMonitoring => "RUNTIME_MONITORING",
        }
    }
    /// The plans on by default.
    pub const DEFAULTS: [Feature; 5] = [
        Feature::S3DataEvents,
        Feature::EksAuditLogs,
        Feature::EbsMalwareProtection,
        Feature::RdsLoginEvents,
        Feature::LambdaNetworkLogs,
    ];
}

/// How often GuardDuty publishes updates to findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PublishingFrequency {
    /// Every 15 minutes (the default here).
    #[default]
    FifteenMinutes,
    /// Every hour.
    OneHour,
    /// Every six hours (GuardDuty's own default).
    SixHours,
}

impl PublishingFrequency {
    fn name(self) -> &'static str {
        match self {
            PublishingFrequency::FifteenMinutes => "FIFTEEN_MINUTES",
            PublishingFrequency::OneHour => "ONE_HOUR",
            PublishingFrequency::SixHours => "SIX_HOURS",
        }
    }
}

/// The stack fact marking that it holds a detector already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackDetector(Handle<l1::Detector>);

/// A GuardDuty detector.
///
/// ```
/// use cfnkit::constructs::guardduty::{Detector, Feature};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("security");
/// let detector = Detector::new("ThreatDetection").feature(Feature::RuntimeMonitoring).add_to(stack);
/// let _id = detector.id();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Detector {
    id: String,
    features: Vec<Feature>,
    frequency: PublishingFrequency,
    removal: Option<RemovalPolicy>,
}

impl Detector {
    /// An enabled detector with the default protection plans.
    pub fn new(id: &str) -> Self {
        Detector {
            id: id.to_string(),
            features: Feature::DEFAULTS.to_vec(),
            frequency: PublishingFrequency::FifteenMinutes,
            removal: None,
        }
    }
    /// Turns a protection plan on.
    pub fn feature(mut self, f: Feature) -> Self {
        if !self.features.contains(&f) {
            self.features.push(f);
        }
        self
    }
    /// Turns a protection plan off (it is written `DISABLED`).
    pub fn without_feature(mut self, f: Feature) -> Self {
        self.features.retain(|x| *x != f);
        self
    }
    /// Sets how often findings are published (every 15 minutes by default).
    pub fn publishing_frequency(mut self, f: PublishingFrequency) -> Self {
        self.frequency = f;
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else
    /// Retain; deleting a detector deletes its findings).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }

    /// Adds the detector.
    pub fn add_to(self, stack: &mut Stack) -> DetectorRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        if let Some(StackDetector(other)) = stack.stack_fact() {
            let other = stack.path_of(other.id()).unwrap_or_default();
            stack.report(
                Diagnostic::error_of(DiagKind::Quota, &path, "an account has one GuardDuty detector a region")
                    .value(format!("a second detector beside {other}"))
                    .allowed("one Detector a stack (and a region of the account)"),
            );
        }
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let all = Feature::DEFAULTS.iter().copied().chain([Feature::RuntimeMonitoring]);
        let features: Vec<l1::CFNFeatureConfiguration> = all
            .map(|f| {
                let status = if self.features.contains(&f) { "ENABLED" } else { "DISABLED" };
                l1::CFNFeatureConfiguration::new(f.name().to_string(), status.to_string())
            })
            .collect();
        let d =
            l1::Detector::new(true).finding_publishing_frequency(self.frequency.name().to_string()).features(features);
        let handle = stack.within(scope, |s| s.add("Resource", d));
        stack.set_removal_policy(handle.id(), removal);
        if stack.stack_fact::<StackDetector>().is_none() {
            stack.set_stack_fact(StackDetector(handle));
        }
        DetectorRef { handle }
    }
}

/// A detector added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetectorRef {
    handle: Handle<l1::Detector>,
}

impl DetectorRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Detector> {
        self.handle
    }
    /// The detector id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
}
