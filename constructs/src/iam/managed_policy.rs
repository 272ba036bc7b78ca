//! [`ManagedPolicy`]: a customer managed policy (`AWS::IAM::ManagedPolicy`)
//! attached to roles.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::iam as l1;

use super::role::{iam_name, iam_path};
use super::{PolicyDocument, PolicyStatement, RoleRef};

/// A customer managed policy: identity-policy statements, attached to roles.
///
/// ```
/// use cfnkit::constructs::iam::{ManagedPolicy, PolicyStatement, Principal, Role};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let role = Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack);
/// ManagedPolicy::new("PublishMetrics")
///     .description("Publishes the payment metrics")
///     .statement(
///         PolicyStatement::allow()
///             .actions(["cloudwatch:PutMetricData"])
///             .resource("*")
///             .condition("StringEquals", "cloudwatch:namespace", "Payments"),
///     )
///     .attach_to(role)
///     .add_to(stack);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct ManagedPolicy {
    id: String,
    name: Option<Value<String>>,
    description: Option<String>,
    path: Option<String>,
    document: PolicyDocument,
    roles: Vec<RoleRef>,
}

impl ManagedPolicy {
    /// A policy with no statement yet.
    pub fn new(id: &str) -> Self {
        ManagedPolicy {
            id: id.to_string(),
            name: None,
            description: None,
            path: None,
            document: PolicyDocument::new(),
            roles: Vec::new(),
        }
    }
    /// Sets `ManagedPolicyName` (1 to 128 letters, digits and `+=,.@_-`;
    /// suffix it with the environment: policy names are global to the account).
    /// Without it CloudFormation generates a unique name.
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `Description` (at most 1,000 characters; it cannot change after creation).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets the policy's path (`/service/`; `/` by default).
    pub fn path(mut self, p: &str) -> Self {
        self.path = Some(p.to_string());
        self
    }
    /// Adds a statement (actions and resources, no principal).
    pub fn statement(mut self, s: PolicyStatement) -> Self {
        self.document.add(s);
        self
    }
    /// Attaches the policy to a role.
    pub fn attach_to(mut self, role: RoleRef) -> Self {
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let mut err = |prop: &str, problem: &str, value: String, allowed: &str| {
            stack.report(
                Diagnostic::error_of(DiagKind::Pattern, path, problem).property(prop).value(value).allowed(allowed),
            );
        };
        if let Some(Value::Lit(n)) = &self.name {
            if !iam_name(n, 128) {
                err(
                    "ManagedPolicyName",
                    "invalid policy name",
                    format!("{n:?}"),
                    "1 to 128 letters, digits and +=,.@_-",
                );
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
        let statements = self.document.statements();
        if statements.is_empty() {
            err("PolicyDocument", "managed policy without statements", "none".into(), "at least one .statement(..)");
        }
        for (i, s) in statements.iter().enumerate() {
            if s.has_principal() {
                err(
                    "PolicyDocument.Statement",
                    "identity policy statement with a principal",
                    format!("statement {i}"),
                    "statements without .principal(..)",
                );
            }
            if s.action_list().is_empty() || s.resource_list().is_empty() {
                err(
                    "PolicyDocument.Statement",
                    "statement without actions or resources",
                    format!("statement {i}"),
                    "at least one action and one resource",
                );
            }
        }
        // IAM counts the document without whitespace; literal parts are measured.
        let size = serde_json::to_string(&token_json(&self.document.to_token())).map_or(0, |s| s.len());
        if size > 6144 {
            err(
                "PolicyDocument",
                "policy document too large",
                format!("about {size} characters"),
                "at most 6144 characters, whitespace excluded",
            );
        }
    }

    /// Adds the policy to the stack.
    pub fn add_to(self, stack: &mut Stack) -> ManagedPolicyRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let mut p = l1::ManagedPolicy::new(self.document.to_token());
        if let Some(n) = self.name {
            p = p.managed_policy_name(n);
        }
        if let Some(d) = self.description {
            p = p.description(d);
        }
        if let Some(x) = self.path {
            p = p.path(x);
        }
        if !self.roles.is_empty() {
            p = p.roles(self.roles.iter().map(|r| Value::from(r.name())).collect::<Vec<_>>());
        }
        let handle = stack.within(scope, |s| s.add("Resource", p));
        ManagedPolicyRef { handle }
    }
}

/// A rough JSON rendering of a token, intrinsics as their names, for sizing.
fn token_json(t: &cfnkit_core::token::Token) -> serde_json::Value {
    use cfnkit_core::token::Token;
    match t {
        Token::Null => serde_json::Value::Null,
        Token::Bool(b) => (*b).into(),
        Token::Int(i) => (*i).into(),
        Token::Float(f) => (*f).into(),
        Token::Str(s) => s.as_str().into(),
        Token::List(l) => l.iter().map(token_json).collect(),
        Token::Map(m) => m.iter().map(|(k, v)| (k.clone(), token_json(v))).collect::<serde_json::Map<_, _>>().into(),
        Token::Fn(f) => f.name().into(),
    }
}

/// A managed policy added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagedPolicyRef {
    handle: Handle<l1::ManagedPolicy>,
}

impl ManagedPolicyRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::ManagedPolicy> {
        self.handle
    }
    /// The policy ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// Attaches the policy to one more role. The policy may live in another
    /// stack of the app than `stack`: the role is added to its `Roles` there
    /// (the role's name imported when the role is of another stack).
    pub fn attach_to(self, stack: &mut Stack, role: RoleRef) {
        let name = Value::from(role.name());
        if self.handle.id().stack() != stack.id() {
            stack.append_to_property(self.handle.id(), "Roles", role.name().into_token());
            return;
        }
        if let Some(p) = stack.get_mut(self.handle) {
            match &mut p.roles {
                Some(Value::Lit(list)) => {
                    if !list.contains(&name) {
                        list.push(name);
                    }
                }
                None => p.roles = Some(Value::Lit(vec![name])),
                Some(Value::Expr(_)) => {
                    let path = stack.path_of(self.handle.id()).unwrap_or_default();
                    stack.report(
                        Diagnostic::error_of(
                            DiagKind::Wiring,
                            path,
                            "cannot attach to a role list given as an expression",
                        )
                        .property("Roles")
                        .allowed("a literal list of roles"),
                    );
                }
            }
        }
    }
}
