//! The customer managed KMS key that encrypts a resource, as a fact the
//! resource's construct records and every wiring reads, in any stack of the
//! app.
//!
//! Why a fact: a grant on a queue, bucket, table or topic of another stack
//! cannot read the key back out of that stack's generated struct, and used
//! to drop the KMS statement silently. Here the key travels with the
//! resource: [`record`] when the construct adds it, [`grant_key`] in every
//! grant. The key's ARN is a reference like any other, so in another stack
//! synthesis imports it from the key's stack.

use cfnkit_core::token::{Intrinsic, RefTarget, Token};
use cfnkit_core::tree::{ResourceId, Stack};

use crate::iam::{grant, Grantable, PolicyStatement};
use crate::kms::KeyRef;

/// The customer managed key encrypting a resource: its ARN (or id) as given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CustomerKey(pub(crate) Token);

/// Records that `resource` (of this stack) is encrypted with the key `arn`.
pub(crate) fn record(stack: &mut Stack, resource: ResourceId, arn: &Token) {
    stack.record_fact(resource, CustomerKey(arn.clone()));
}

/// The ARN of the customer managed key encrypting `resource`, in any stack
/// of the app; `None` when it has none.
pub(crate) fn of(stack: &Stack, resource: ResourceId) -> Option<Token> {
    stack.fact::<CustomerKey>(resource).map(|k| k.0)
}

/// Grants `actions` on the key encrypting `resource` (nothing when it has no
/// customer managed key). Every grant on an encrypted resource calls this,
/// so the key statement is written in one stack or across stacks alike.
pub(crate) fn grant_key(stack: &mut Stack, grantee: &impl Grantable, resource: ResourceId, actions: &[&str]) {
    if let Some(k) = of(stack, resource) {
        grant(stack, grantee, PolicyStatement::allow().actions(actions.iter().copied()).resource(k));
    }
}

/// The cfnkit [`Key`](crate::kms::Key) behind a key ARN or id token, in any
/// stack of the app (its policy can be added to); `None` for an imported or
/// literal key.
pub(crate) fn key_ref(stack: &Stack, key: &Token) -> Option<KeyRef> {
    let Token::Fn(f) = key else { return None };
    let r = match f.as_ref() {
        Intrinsic::GetAtt(r, _) | Intrinsic::Ref(RefTarget::Resource(r)) => *r,
        _ => return None,
    };
    stack.fact::<KeyRef>(r)
}
