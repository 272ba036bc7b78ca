//! Letting a service use a customer managed KMS key that encrypts a
//! destination: SNS delivering to an encrypted queue, S3 notifying an
//! encrypted queue or topic.
//!
//! A key of this app (its ARN or id is a `Fn::GetAtt`/`Ref` of a
//! [`Key`](crate::kms::Key), in any stack) gets the statement in its key
//! policy; any other key (imported, literal) cannot be edited from here,
//! and the caller warns.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::token::Token;
use cfnkit_core::tree::Stack;

use crate::iam::{PolicyStatement, Principal};

/// What a service needs of a key to put messages on a resource it encrypts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyGrant {
    /// The service principal (`sns.amazonaws.com`).
    pub(crate) service: &'static str,
    /// A condition scoping the statement to one source, when the service
    /// passes it to KMS: `(operator, key, value)`.
    pub(crate) condition: Option<(&'static str, &'static str, Token)>,
}

impl KeyGrant {
    /// The key-policy statement: `kms:GenerateDataKey` and `kms:Decrypt`
    /// (what SNS and S3 call to write an encrypted message) on this key.
    fn statement(&self) -> PolicyStatement {
        // In a key policy, "Resource": "*" means this key.
        let mut s = PolicyStatement::allow()
            .principal(Principal::service(self.service))
            .actions(["kms:GenerateDataKey", "kms:Decrypt"])
            .resource("*");
        if let Some((op, key, value)) = &self.condition {
            s = s.condition(op, key, value.clone());
        }
        s
    }
}

/// Adds `grant`'s statement to the policy of the key behind `key`; when the
/// key is not in this stack, reports a warning at `path` naming what its
/// policy must allow (`what` names the destination).
pub(crate) fn allow_on_key(stack: &mut Stack, key: &Token, grant: &KeyGrant, path: &str, what: &str) {
    let statement = grant.statement();
    // A key of this app gets the statement in its policy, in whichever stack it lives.
    if let Some(k) = crate::customer_key::key_ref(stack, key) {
        if k.add_to_resource_policy(stack, statement) {
            return;
        }
    }
    stack.report(
        Diagnostic::warning(
            path,
            format!(
                "{what} is encrypted with a customer managed key this stack cannot edit: unless its key policy lets \
                 {} use it, deliveries fail with KMS.AccessDeniedException",
                grant.service
            ),
        )
        .property("KmsMasterKeyId")
        .value(key.describe())
        .allowed(format!("a key policy allowing {} kms:GenerateDataKey and kms:Decrypt", grant.service)),
    );
}

/// How a destination (a queue, a topic) is encrypted, as far as a service
/// delivering to it is concerned.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DestinationKey {
    /// No KMS key (SSE-SQS, or none): nothing to allow.
    None,
    /// The service's AWS managed key (`alias/aws/sqs`, `alias/aws/sns`),
    /// whose policy no other service can be added to.
    AwsManaged,
    /// A customer managed key (its ARN, id or alias).
    Customer(Token),
}
