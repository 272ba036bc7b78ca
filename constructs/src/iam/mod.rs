//! IAM: roles ([`Role`]), customer managed policies ([`ManagedPolicy`]),
//! policy statements and the grant machinery.
//!
//! Grants (`table.grant_stream_read(stack, &function)`) add one statement
//! with the exact actions on the exact ARNs to the grantee role's
//! `DefaultPolicy`, created on first use under the role
//! (`<Role>DefaultPolicy`). Identical statements are written once.
//!
//! Defaults: a role trusts only the principal it is built for and holds no
//! permission until grants, inline policies or managed policies add them;
//! path `/` and a one-hour maximum session are CloudFormation's defaults and
//! are not written. Names, paths, session durations and policy documents are
//! checked when added.

mod managed_policy;
mod policy;
mod role;

pub use managed_policy::{ManagedPolicy, ManagedPolicyRef};
pub use policy::{deny_insecure_transport, Effect, PolicyDocument, PolicyStatement, Principal};
pub use role::Role;

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{ResourceId, Stack};
use cfnkit_l1::iam as l1;
use cfnkit_l1::prelude::*;

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
        self.role.attr_arn()
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
                    merge_statement(statements, statement.to_token());
                }
            }
        }
    }
}

/// Adds a statement to a list, merging its actions into an existing statement
/// with the same effect, resources and conditions (one statement a scope, as
/// a reviewer reads it), and skipping it when nothing is new.
fn merge_statement(statements: &mut Vec<Token>, new: Token) {
    let key = |t: &Token| -> Option<Vec<Option<Token>>> {
        let m = t.as_map()?;
        if m.contains_key("Principal") || m.contains_key("Sid") {
            return None;
        }
        Some(["Effect", "Resource", "Condition"].iter().map(|k| m.get(*k).cloned()).collect())
    };
    let actions = |t: &Token| -> Vec<Token> {
        match t.as_map().and_then(|m| m.get("Action")) {
            Some(Token::List(l)) => l.clone(),
            Some(a) => vec![a.clone()],
            None => Vec::new(),
        }
    };
    if let Some(k) = key(&new) {
        if let Some(existing) = statements.iter_mut().find(|s| key(s).as_ref() == Some(&k)) {
            let mut merged = actions(existing);
            for a in actions(&new) {
                if !merged.contains(&a) {
                    merged.push(a);
                }
            }
            if let Some(m) = existing.as_map_mut() {
                let value = if merged.len() == 1 { merged.remove(0) } else { Token::List(merged) };
                m.insert("Action".into(), value);
            }
            return;
        }
    }
    if !statements.contains(&new) {
        statements.push(new);
    }
}

impl RoleRef {
    /// Lets `grantee` pass this role to a service: `iam:PassRole` on this role only.
    pub fn grant_pass_role(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["iam:PassRole"]).resource(self.arn()));
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
