//! IAM: roles, policy statements and the grant machinery.
//!
//! Grants (`table.grant_stream_read(stack, &function)`) add one statement
//! with the exact actions on the exact ARNs to the grantee role's
//! `DefaultPolicy`, created on first use under the role
//! (`<Role>DefaultPolicy`). Identical statements are written once.

mod policy;

pub use policy::{deny_insecure_transport, Effect, PolicyDocument, PolicyStatement, Principal};

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{ResourceId, Stack};
use cfnkit_l1::iam as l1;

/// A role a grant can write to, plus the resource that must wait for the
/// role's policy (a function waits so its first invocation has its permissions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleRef {
    role: Handle<l1::Role>,
    dependent: Option<ResourceId>,
}

impl RoleRef {
    /// A role handle; `dependent`, if any, gets `DependsOn` the role's policy.
    pub fn new(role: Handle<l1::Role>, dependent: Option<ResourceId>) -> Self {
        RoleRef { role, dependent }
    }

    /// The role's handle.
    pub fn handle(self) -> Handle<l1::Role> {
        self.role
    }

    /// The role's ARN.
    pub fn arn(self) -> Expr<String> {
        self.role.get_att("Arn")
    }

    /// The role's name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.role.reference()
    }

    /// Adds a statement to the role's `DefaultPolicy`, creating the policy on
    /// first use. Identical statements are written once.
    pub fn add_to_policy(self, stack: &mut Stack, statement: PolicyStatement) {
        let Some(role_node) = stack.node_of(self.role.id()) else {
            stack.report(
                Diagnostic::error(stack.name().to_string(), "grant to a role of another stack")
                    .allowed("grantees in the same stack as the grant call"),
            );
            return;
        };
        let Some(scope) = stack.parent_of(role_node) else { return };
        let existing = stack.child(scope, "DefaultPolicy").and_then(|n| stack.handle_at::<l1::Policy>(n));
        let policy = if let Some(p) = existing {
            p
        } else {
            let path = stack.path_of_node(scope).unwrap_or_default();
            let name = logical_id::from_path(path.split('/').skip(1).chain(["DefaultPolicy"]));
            let doc = PolicyDocument::new().to_token();
            let role = self.role;
            let p = stack.within(scope, |s| {
                s.add(
                    "DefaultPolicy",
                    l1::Policy::new(Value::Lit(doc), Value::Lit(name)).roles(vec![Value::from(role.reference())]),
                )
            });
            if let Some(d) = self.dependent {
                stack.add_dependency(d, p.id());
            }
            p
        };
        if let Some(p) = stack.get_mut(policy) {
            if let Value::Lit(Token::Map(doc)) = &mut p.policy_document {
                if let Some(Token::List(statements)) = doc.get_mut("Statement") {
                    let t = statement.to_token();
                    if !statements.contains(&t) {
                        statements.push(t);
                    }
                }
            }
        }
    }
}

/// Anything with an execution role that grants can write to (a function, a
/// role, a state machine...).
pub trait Grantable {
    /// The role grants write to.
    fn grant_role(&self) -> RoleRef;
}

impl Grantable for RoleRef {
    fn grant_role(&self) -> RoleRef {
        *self
    }
}

/// Adds `statement` to `grantee`'s role policy.
pub fn grant(stack: &mut Stack, grantee: &impl Grantable, statement: PolicyStatement) {
    grantee.grant_role().add_to_policy(stack, statement);
}

/// A role assumed by a service principal, with no permissions until grants add them.
///
/// ```
/// use cfnkit_constructs::iam::{Principal, Role};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let role = Role::new("Worker", Principal::service("lambda.amazonaws.com")).add_to(stack);
/// # let _ = role;
/// ```
#[derive(Clone, Debug)]
pub struct Role {
    id: String,
    assumed_by: Principal,
    description: Option<String>,
    name: Option<Value<String>>,
    managed_policies: Vec<Token>,
}

impl Role {
    /// A role `principal` may assume.
    pub fn new(id: &str, assumed_by: Principal) -> Self {
        Role { id: id.to_string(), assumed_by, description: None, name: None, managed_policies: Vec::new() }
    }

    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }

    /// Sets `RoleName` (suffix it with the environment: role names are global to the account).
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

    /// Adds the role under a new construct of its id; returns the grant target.
    pub fn add_to(self, stack: &mut Stack) -> RoleRef {
        let scope = stack.construct(&self.id);
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
        r
    }
}
