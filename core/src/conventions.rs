//! The TAP conventions as one call on a stack: an `EnvironmentSuffix`
//! parameter, `{name}-${EnvironmentSuffix}` physical names, the
//! `Environment` and `Purpose` tags, and a default removal policy.

use crate::resource::RemovalPolicy;
use crate::template::Parameter;
use crate::token::{Expr, Intrinsic};
use crate::tree::{ParamRef, Stack};

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
        }
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
