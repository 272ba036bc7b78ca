//! The TAP conventions as one call on a stack: an `EnvironmentSuffix`
//! parameter, `{name}-${EnvironmentSuffix}` physical names, the
//! `Environment` and `Purpose` tags, a default removal policy, and the
//! stack's [`SecurityProfile`].
//!
//! # Security profiles, for construct authors
//!
//! Every construct is secure in its *properties* under both profiles
//! (encryption, public-access blocks, TLS-only policies, point-in-time
//! recovery, least-privilege grants, log retention, IMDSv2, no public
//! databases) and adds the extra resources a wiring needs to work (a key
//! policy statement, a failure queue, a log group with retention). What
//! differs is the resources that only security scanners ask for:
//!
//! - Read the profile with [`Stack::security_profile`] **when the construct
//!   is added** (in `add_to`), never earlier: the builder does not know its
//!   stack yet.
//! - Under [`SecurityProfile::Hardened`], add the scanner-requested resource
//!   (an access-log bucket, the stack's customer managed key for logs, VPC
//!   flow logs, a request validator...). Share one per stack where one is
//!   enough, kept as a typed stack fact ([`Stack::fact`] /
//!   [`Stack::set_stack_fact`]), never found again by construct id.
//! - Under [`SecurityProfile::Default`], leave it out and call
//!   [`Stack::defer_to_hardened`] with the check it would satisfy: the
//!   acknowledgement lands in the resource's `Metadata` with a reason that
//!   names the profile and the call that enables it. Under the hardened
//!   profile the same call writes nothing, so a check never switches itself
//!   off where the resource is there to satisfy it.
//! - An explicit builder choice (`.access_logs_to(bucket, prefix)`,
//!   `.encryption_key(key)`, `.without_access_logs(reason)`) wins over the
//!   profile under both.
//!
//! ```
//! use cfnkit_core::conventions::{Conventions, Hardening, SecurityProfile};
//! use cfnkit_core::resource::CfnResource;
//! use cfnkit_core::tree::App;
//! let mut app = App::new();
//! let stack = app.stack("demo").conventions(Conventions::tap("demo"));
//! let logs = stack.add("Logs", CfnResource::new("AWS::Logs::LogGroup").property("RetentionInDays", 30));
//! if stack.security_profile() == SecurityProfile::Hardened {
//!     // add the customer managed key and point KmsKeyId at it
//! } else {
//!     stack.defer_to_hardened(logs.id(), Hardening::checkov("CKV_AWS_158", "a customer managed key for log groups"));
//! }
//! let t = app.synth().unwrap().stacks[0].json.clone();
//! assert!(t.contains("CKV_AWS_158") && t.contains("hardened"));
//! ```

use crate::diag::Diagnostic;
use crate::resource::RemovalPolicy;
use crate::template::Parameter;
use crate::token::{Expr, Intrinsic};
use crate::tree::{Ack, ParamRef, ResourceId, Stack};

/// How far a stack's constructs go beyond secure properties.
///
/// Chosen on the conventions ([`Conventions::hardened`]) or with
/// [`Stack::set_security_profile`], before any construct is added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityProfile {
    /// Secure properties, plus only the extra resources a wiring needs to
    /// work. Each scanner check that only the hardened resources would
    /// satisfy is acknowledged in the resource's `Metadata`, with a reason
    /// naming this profile and the call that enables hardening.
    #[default]
    Default,
    /// The default, plus the resources security scanners ask for:
    /// server access-log buckets, one customer managed key a stack for
    /// CloudWatch Logs log groups, VPC flow logs, API request validators.
    Hardened,
}

impl SecurityProfile {
    /// The profile's name as written in acknowledgements (`default`, `hardened`).
    pub fn name(self) -> &'static str {
        match self {
            SecurityProfile::Default => "default",
            SecurityProfile::Hardened => "hardened",
        }
    }
}

/// The call that turns the hardened profile on, as acknowledgements name it.
pub const HARDENED_CALL: &str = "Conventions::hardened() or Stack::set_security_profile(SecurityProfile::Hardened)";

/// A validator check that only a hardened-profile resource satisfies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hardening {
    checkov: bool,
    id: String,
    what: String,
}

impl Hardening {
    /// A checkov check (`CKV_AWS_18`), satisfied by `what` (a noun phrase:
    /// "server access logging to a dedicated log bucket").
    pub fn checkov(id: &str, what: &str) -> Self {
        Hardening { checkov: true, id: id.to_string(), what: what.to_string() }
    }
    /// A cfn-lint rule, satisfied by `what`.
    pub fn cfn_lint(id: &str, what: &str) -> Self {
        Hardening { checkov: false, id: id.to_string(), what: what.to_string() }
    }
    /// The reason written beside the acknowledgement.
    pub fn reason(&self) -> String {
        format!(
            "default security profile: {} comes with the hardened profile ({HARDENED_CALL}); \
             the default profile keeps secure properties and adds only the resources a wiring needs",
            self.what
        )
    }
    fn to_ack(&self) -> Ack {
        let (id, reason) = (self.id.clone(), self.reason());
        if self.checkov {
            Ack::Checkov { id, reason }
        } else {
            Ack::CfnLint { id, reason }
        }
    }
}

impl Stack {
    /// The stack's security profile ([`SecurityProfile::Default`] unless
    /// chosen otherwise).
    pub fn security_profile(&self) -> SecurityProfile {
        self.profile
    }

    /// Chooses the security profile. It must be chosen before the first
    /// resource is added (constructs read it when added); a later change is
    /// reported at synthesis and ignored.
    pub fn set_security_profile(&mut self, p: SecurityProfile) -> &mut Self {
        if p != self.profile && self.resource_count() > 0 {
            let d = Diagnostic::error(self.name().to_string(), "the security profile changed after resources were added")
                .value(p.name())
                .allowed(format!(
                    "choose the profile before adding constructs (they read it when added); this stack keeps the {} profile",
                    self.profile.name()
                ));
            self.report(d);
            return self;
        }
        self.profile = p;
        self
    }

    /// The environment suffix the conventions declared, without declaring
    /// one (unlike [`Stack::suffix`]).
    pub fn environment_suffix(&self) -> Option<Suffix> {
        self.suffix
    }

    /// Under the default profile, acknowledges `check` on resource `r` with
    /// a reason naming the profile and the call that enables hardening;
    /// under the hardened profile, writes nothing (the construct adds the
    /// resource that satisfies the check instead). Returns whether it
    /// acknowledged.
    pub fn defer_to_hardened(&mut self, r: ResourceId, check: Hardening) -> bool {
        if self.profile == SecurityProfile::Hardened {
            return false;
        }
        self.acknowledge(r, check.to_ack());
        true
    }
}

/// Naming, tagging and removal conventions for a stack.
///
/// ```
/// use cfnkit_core::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("demo").conventions(Conventions::tap("teaching example"));
/// let name = stack.suffix().name("orders"); // Fn::Sub "orders-${EnvironmentSuffix}"
/// # let _ = name;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Conventions {
    purpose: String,
    parameter: String,
    default_suffix: String,
    removal: RemovalPolicy,
    profile: SecurityProfile,
}

impl Conventions {
    /// The TAP conventions: parameter `EnvironmentSuffix` (default `dev`,
    /// lowercase letters, digits and hyphens), tags `Environment` = the
    /// suffix and `Purpose` = `purpose`, and `Delete` removal for stateful
    /// resources.
    pub fn tap(purpose: &str) -> Self {
        Conventions {
            purpose: purpose.to_string(),
            parameter: "EnvironmentSuffix".into(),
            default_suffix: "dev".into(),
            removal: RemovalPolicy::Destroy,
            profile: SecurityProfile::Default,
        }
    }

    /// The hardened security profile: constructs also add the resources
    /// security scanners ask for (see [`SecurityProfile::Hardened`]).
    pub fn hardened(mut self) -> Self {
        self.profile = SecurityProfile::Hardened;
        self
    }

    /// The security profile these conventions choose.
    pub fn security_profile(&self) -> SecurityProfile {
        self.profile
    }

    /// The compliance variant: stateful resources are retained.
    pub fn retain(mut self) -> Self {
        self.removal = RemovalPolicy::Retain;
        self
    }

    /// Sets the suffix parameter's default.
    pub fn default_suffix(mut self, s: &str) -> Self {
        self.default_suffix = s.to_string();
        self
    }

    /// The suffix parameter the conventions declare.
    pub fn suffix_parameter(name: &str, default: &str) -> Parameter {
        Parameter::string(name)
            .description(
                "Environment suffix appended to every physical resource name (lowercase letters, digits and hyphens)",
            )
            .default(default)
            .allowed_pattern("^[a-z0-9-]+$")
            .constraint_description("lowercase letters, digits and hyphens only")
            .length(1, 20)
    }

    pub(crate) fn apply(self, stack: &mut Stack) {
        let p = match stack.find_parameter(&self.parameter) {
            Some(p) => p,
            None => stack.parameter(Self::suffix_parameter(&self.parameter, &self.default_suffix)),
        };
        let suffix = Suffix::new(p);
        stack.suffix = Some(suffix);
        stack.tag("Environment", suffix.value());
        stack.tag("Purpose", self.purpose.as_str());
        stack.set_default_removal_policy(self.removal);
        stack.set_security_profile(self.profile);
    }
}

/// Builds suffixed physical names from the stack's suffix parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suffix {
    param: ParamRef,
}

impl Suffix {
    pub(crate) fn new(param: ParamRef) -> Self {
        Suffix { param }
    }

    /// `{"Fn::Sub": "<base>-${EnvironmentSuffix}"}`.
    pub fn name(self, base: &str) -> Expr<String> {
        self.format(&format!("{base}-{{}}"))
    }

    /// `Fn::Sub` of a template where `{}` stands for the suffix
    /// (`/aws/apigateway/payment-api-{}`). Pseudo parameters
    /// (`${AWS::Region}`, `${AWS::AccountId}`...) are substituted; any other
    /// `${` is written literally. A template without exactly one `{}` is
    /// reported at synthesis.
    pub fn format(self, template: &str) -> Expr<String> {
        let mut escaped = template.replace("${", "${!");
        for p in crate::token::Pseudo::ALL {
            escaped = escaped.replace(&format!("${{!{}}}", p.name()), &format!("${{{}}}", p.name()));
        }
        let t = escaped.replacen("{}", "${Suffix}", 1);
        Expr::from_intrinsic(Intrinsic::Sub(t, [("Suffix".to_string(), self.value().into())].into_iter().collect()))
    }

    /// `{"Ref": "EnvironmentSuffix"}`.
    pub fn value(self) -> Expr<String> {
        self.param.value()
    }

    /// The parameter's handle.
    pub fn parameter(self) -> ParamRef {
        self.param
    }
}
