//! How programs reach a database: its security groups and port, IAM
//! database authentication (`rds-db:connect`) and the master secret.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::Expr;
use cfnkit_core::tree::Stack;

use crate::arn;
use crate::ec2::SecurityGroupRef;
use crate::iam::{grant, Grantable, PolicyStatement};
use crate::kms::KeyRef;

/// The most security groups a database takes (AWS's limit per network interface).
pub(super) const MAX_GROUPS: usize = 5;

/// What a database handle knows about reaching it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct DatabaseAccess {
    pub(super) key: KeyRef,
    pub(super) port: u16,
    pub(super) groups: [Option<SecurityGroupRef>; MAX_GROUPS],
}

impl DatabaseAccess {
    pub(super) fn groups(&self) -> Vec<SecurityGroupRef> {
        self.groups.iter().flatten().copied().collect()
    }
}

/// The first [`MAX_GROUPS`] groups (the settings check reports more).
pub(super) fn group_array(groups: &[SecurityGroupRef]) -> [Option<SecurityGroupRef>; MAX_GROUPS] {
    let mut out = [None; MAX_GROUPS];
    for (slot, g) in out.iter_mut().zip(groups) {
        *slot = Some(*g);
    }
    out
}

/// True for a database user name IAM authentication can name: letters,
/// digits and `_`, starting with a letter, at most 63 characters.
fn valid_db_user(u: &str) -> bool {
    (1..=63).contains(&u.len())
        && u.starts_with(|c: char| c.is_ascii_alphabetic())
        && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `rds-db:connect` as `db_user` on the database whose resource id is `resource_id`.
pub(super) fn grant_connect(stack: &mut Stack, grantee: &impl Grantable, resource_id: Expr<String>, db_user: &str) {
    if !valid_db_user(db_user) {
        stack.report(
            Diagnostic::error_of(DiagKind::Pattern, stack.name().to_string(), "invalid database user in grant_connect")
                .property("db_user")
                .value(format!("{db_user:?}"))
                .allowed("1 to 63 letters, digits and _, starting with a letter"),
        );
        return;
    }
    let resource = arn::regional("rds-db", &format!("dbuser:${{ResourceId}}/{db_user}"), [("ResourceId", resource_id)]);
    grant(stack, grantee, PolicyStatement::allow().actions(["rds-db:connect"]).resource(resource));
}

/// `GetSecretValue` and `DescribeSecret` on the master secret, and
/// `kms:Decrypt` on its key through Secrets Manager only.
pub(super) fn grant_secret_read(stack: &mut Stack, grantee: &impl Grantable, secret: Expr<String>, key: KeyRef) {
    grant(
        stack,
        grantee,
        PolicyStatement::allow()
            .actions(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
            .resource(secret),
    );
    grant(
        stack,
        grantee,
        PolicyStatement::allow().actions(["kms:Decrypt"]).resource(key.arn()).condition(
            "StringEquals",
            "kms:ViaService",
            fns::sub("secretsmanager.${AWS::Region}.amazonaws.com").expr(),
        ),
    );
}
