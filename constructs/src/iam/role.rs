//! [`Role`]: a role a principal assumes, with no permissions until grants,
//! inline policies or managed policies give it some.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::token::{Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::iam as l1;

use super::{PolicyDocument, PolicyStatement, Principal, RoleRef};

/// True for IAM names (roles, policies): letters, digits and `+=,.@_-`.
pub(super) fn iam_name(n: &str, max: usize) -> bool {
    (1..=max).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// True for IAM paths: `/` or `/a/b/`, at most 512 printable ASCII characters.
pub(super) fn iam_path(p: &str) -> bool {
    (1..=512).contains(&p.len())
        && p.starts_with('/')
        && p.ends_with('/')
        && !p.contains("//")
        && p.chars().all(|c| ('!'..='~').contains(&c))
}

/// A role assumed by a principal, with no permissions until grants add them.
///
/// ```
/// use cfnkit_constructs::iam::{PolicyDocument, PolicyStatement, Principal, Role};
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let role = Role::new("Worker", Principal::service("lambda.amazonaws.com"))
///     .path("/workers/")
///     .max_session_duration(Duration::hours(2))
///     .inline_policy(
///         "PutMetrics",
///         PolicyDocument::new().with(
///             PolicyStatement::allow()
///                 .actions(["cloudwatch:PutMetricData"])
///                 .resource("*")
///                 .condition("StringEquals", "cloudwatch:namespace", "Payments"),
///         ),
///     )
///     .add_to(stack);
/// # let _ = role;
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Role {
    id: String,
    assumed_by: Principal,
    description: Option<String>,
    name: Option<Value<String>>,
    managed_policies: Vec<Token>,
    inline: Vec<(String, PolicyDocument)>,
    max_session: Option<Duration>,
    path: Option<String>,
    boundary: Option<Token>,
}

impl Role {
    /// A role `principal` may assume.
    pub fn new(id: &str, assumed_by: Principal) -> Self {
        Role {
            id: id.to_string(),
            assumed_by,
            description: None,
            name: None,
            managed_policies: Vec::new(),
            inline: Vec::new(),
            max_session: None,
            path: None,
            boundary: None,
        }
    }

    /// Sets `Description` (at most 1,000 characters).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }

    /// Sets `RoleName` (1 to 64 letters, digits and `+=,.@_-`; suffix it with
    /// the environment: role names are global to the account).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }

    /// Attaches an AWS managed policy by name (`service-role/AWSLambdaBasicExecutionRole`).
    pub fn managed_policy(mut self, name: &str) -> Self {
        self.managed_policies
            .push(cfnkit_core::fns::sub(format!("arn:${{AWS::Partition}}:iam::aws:policy/{name}")).into());
        self
    }

    /// Adds an inline policy named `name` (1 to 128 letters, digits and `+=,.@_-`).
    pub fn inline_policy(mut self, name: &str, document: PolicyDocument) -> Self {
        self.inline.push((name.to_string(), document));
        self
    }

    /// Sets how long an assumed session lasts (1 to 12 hours, in whole seconds; 1 hour by default).
    pub fn max_session_duration(mut self, d: Duration) -> Self {
        self.max_session = Some(d);
        self
    }

    /// Sets the role's path (`/service/`; `/` by default).
    pub fn path(mut self, p: &str) -> Self {
        self.path = Some(p.to_string());
        self
    }

    /// Bounds the role's permissions with a managed policy (its ARN).
    pub fn permissions_boundary(mut self, arn: impl Into<Token>) -> Self {
        self.boundary = Some(arn.into());
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut err = |prop: &str, problem: &str, value: String, allowed: &str| {
            stack.report(Diagnostic::error(path, problem).property(prop).value(value).allowed(allowed));
        };
        if let Some(Value::Lit(n)) = &self.name {
            if !iam_name(n, 64) {
                err("RoleName", "invalid role name", format!("{n:?}"), "1 to 64 letters, digits and +=,.@_-");
            }
        }
        if let Some(d) = &self.description {
            if d.chars().count() > 1000 {
                err(
                    "Description",
                    "description too long",
                    format!("{} characters", d.chars().count()),
                    "at most 1000 characters",
                );
            }
        }
        if let Some(d) = self.max_session {
            if !(3600..=43_200).contains(&d.to_seconds()) {
                err(
                    "MaxSessionDuration",
                    "maximum session duration out of range",
                    d.to_string(),
                    "1 to 12 hours (3600 to 43200 seconds)",
                );
            }
        }
        if let Some(p) = &self.path {
            if !iam_path(p) {
                err(
                    "Path",
                    "invalid path",
                    format!("{p:?}"),
                    "/ or /segments/ ending in /, at most 512 printable characters",
                );
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (name, doc) in &self.inline {
            if !iam_name(name, 128) {
                err(
                    "Policies.PolicyName",
                    "invalid inline policy name",
                    format!("{name:?}"),
                    "1 to 128 letters, digits and +=,.@_-",
                );
            }
            if seen.contains(&name.as_str()) {
                err("Policies.PolicyName", "inline policy name used twice", format!("{name:?}"), "unique policy names");
            }
            seen.push(name);
            if doc.statements().is_empty() {
                err(
                    "Policies.PolicyDocument",
                    "inline policy without statements",
                    format!("{name:?}"),
                    "at least one statement",
                );
            }
            if doc.statements().iter().any(PolicyStatement::has_principal) {
                err(
                    "Policies.PolicyDocument",
                    "identity policy statement with a principal",
                    format!("{name:?}"),
                    "statements without .principal(..)",
                );
            }
        }
    }

    /// Adds the role under a new construct of its id; returns the grant target.
    pub fn add_to(self, stack: &mut Stack) -> RoleRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let role = stack.within(scope, |s| s.add("Resource", self.into_l1()));
        RoleRef::new(role, None)
    }

    fn into_l1(self) -> l1::Role {
        let trust = PolicyDocument::new()
            .with(PolicyStatement::allow().principal(self.assumed_by).actions(["sts:AssumeRole"]))
            .to_token();
        let mut r = l1::Role::new(Value::Lit(trust));
        if let Some(d) = self.description {
            r = r.description(d);
        }
        if let Some(n) = self.name {
            r = r.role_name(n);
        }
        if !self.managed_policies.is_empty() {
            r = r.managed_policy_arns(self.managed_policies.into_iter().map(Value::Expr).collect::<Vec<_>>());
        }
        if let Some(d) = self.max_session {
            r = r.max_session_duration(d.to_seconds() as i64);
        }
        if let Some(p) = self.path {
            r = r.path(p);
        }
        if let Some(b) = self.boundary {
            r = r.permissions_boundary(Value::Expr(b));
        }
        if !self.inline.is_empty() {
            r = r.policies(
                self.inline
                    .into_iter()
                    .map(|(name, doc)| l1::RolePolicyProperty::new(doc.to_token(), name))
                    .collect::<Vec<_>>(),
            );
        }
        r
    }
}
