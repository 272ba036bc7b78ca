//! Letting a service use a customer managed KMS key that encrypts a
//! destination: SNS delivering to an encrypted queue, S3 notifying an
//! encrypted queue or topic.
//!
//! A key defined in the same stack (its ARN or id is a `Fn::GetAtt`/`Ref`
//! of an `AWS::KMS::Key`) gets the statement in its key policy; any other
//! key (imported, literal) cannot be edited from here, and the caller warns.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Intrinsic, RefTarget, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::kms as kms_l1;

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

/// The key resource behind a key ARN or id token, when it is in this stack.
fn key_of(stack: &Stack, key: &Token) -> Option<Handle<kms_l1::Key>> {
    let Token::Fn(f) = key else { return None };
    let r = match f.as_ref() {
        Intrinsic::GetAtt(r, _) | Intrinsic::Ref(RefTarget::Resource(r)) => *r,
        _ => return None,
    };
    stack.handle_at(stack.node_of(r)?)
}

/// Adds `grant`'s statement to the policy of the key behind `key`; when the
/// key is not in this stack, reports a warning at `path` naming what its
/// policy must allow (`what` names the destination).
pub(crate) fn allow_on_key(stack: &mut Stack, key: &Token, grant: &KeyGrant, path: &str, what: &str) {
    let statement = grant.statement();
    if let Some(h) = key_of(stack, key) {
        if crate::kms::KeyRef::from_handle(h).add_to_resource_policy(stack, statement) {
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

impl DestinationKey {
    /// Classifies a `KmsMasterKeyId` against the service's AWS managed alias.
    pub(crate) fn of(key: Option<&Value<String>>, aws_managed: &str) -> Self {
        match key {
            None => DestinationKey::None,
            Some(Value::Lit(s)) if s == aws_managed => DestinationKey::AwsManaged,
            Some(Value::Expr(t)) if t.as_str() == Some(aws_managed) => DestinationKey::AwsManaged,
            Some(Value::Lit(s)) => DestinationKey::Customer(Token::Str(s.clone())),
            Some(Value::Expr(t)) => DestinationKey::Customer(t.clone()),
        }
    }
}
