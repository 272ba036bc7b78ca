//! [`BucketRef`]: a bucket added to a stack, with its references, resource
//! policy and grants.

use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::prelude::*;
use cfnkit_l1::s3 as l1;

use crate::arn;
use crate::iam::{grant, Grantable, PolicyStatement};

/// The key actions an uploader needs with a customer managed key.
const PUT_KEY_ACTIONS: [&str; 6] = [
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:Decrypt",
];
/// The key actions a reader needs with a customer managed key.
const READ_KEY_ACTIONS: [&str; 2] = ["kms:Decrypt", "kms:DescribeKey"];

/// A bucket added to a stack: its references and grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketRef {
    handle: Handle<l1::Bucket>,
    policy: Option<Handle<l1::BucketPolicy>>,
    kms: bool,
    notifies: bool,
}

impl BucketRef {
    pub(super) fn new(handle: Handle<l1::Bucket>, kms: bool, notifies: bool) -> Self {
        BucketRef { handle, policy: None, kms, notifies }
    }
    pub(super) fn with_policy(self, policy: Handle<l1::BucketPolicy>) -> Self {
        BucketRef { policy: Some(policy), ..self }
    }
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Bucket> {
        self.handle
    }
    /// The bucket policy's handle.
    pub fn policy(self) -> Option<Handle<l1::BucketPolicy>> {
        self.policy
    }
    /// The bucket name (`Ref`).
    pub fn name(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The bucket ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// `<arn>/<pattern>`: objects matching a key pattern (`*`, `orders/*`).
    pub fn arn_for_objects(self, pattern: &str) -> Expr<String> {
        arn::child_of(self.arn(), &format!("/{pattern}"))
    }
    /// True when the bucket is encrypted with a customer managed key.
    pub fn has_customer_managed_key(self) -> bool {
        self.kms
    }
    /// The name given with [`Bucket::name`](super::Bucket::name), as given:
    /// no reference to the bucket resource, so a resource the bucket waits
    /// for (a function it notifies) can use it without a dependency cycle.
    /// `None` when the bucket has no name.
    pub fn physical_name(self, stack: &Stack) -> Option<Expr<String>> {
        match stack.get(self.handle)?.bucket_name.as_ref()? {
            Value::Lit(s) => Some(Expr::from_token(Token::Str(s.clone()))),
            Value::Expr(t) => Some(Expr::from_token(t.clone())),
        }
    }
    /// The ARN built from the bucket's name,
    /// `arn:${AWS::Partition}:s3:::<name>`, with no reference to the bucket
    /// resource (see [`BucketRef::physical_name`]). `None` when the bucket has no name.
    pub fn arn_from_name(self, stack: &Stack) -> Option<Expr<String>> {
        self.physical_name(stack).map(arn_of_name)
    }

    /// The ARN grants name: built from the name for a bucket with
    /// notifications (so the notified function's policy does not reference
    /// the bucket the function must exist before), else the `Fn::GetAtt`.
    fn grant_arn(self, stack: &Stack) -> Expr<String> {
        if self.notifies {
            if let Some(a) = self.arn_from_name(stack) {
                return a;
            }
        }
        self.arn()
    }

    /// Adds a statement to the bucket policy, in whichever stack of the app
    /// holds the bucket. Identical statements are written once.
    pub fn add_to_resource_policy(self, stack: &mut Stack, s: PolicyStatement) {
        if let Some(p) = self.policy {
            stack.append_to_property(p.id(), "PolicyDocument.Statement", s.to_token());
        }
    }

    fn key_statement(self, stack: &mut Stack, grantee: &impl Grantable, actions: &[&str]) {
        crate::customer_key::grant_key(stack, grantee, self.handle.id(), actions);
    }

    /// Lets `grantee` put objects: `s3:PutObject` on the bucket's objects only
    /// (plus, on a customer managed key, `kms:Encrypt`, `ReEncryptFrom`,
    /// `ReEncryptTo`, `GenerateDataKey`, `GenerateDataKeyWithoutPlaintext`
    /// and `Decrypt`).
    pub fn grant_put(self, stack: &mut Stack, grantee: &impl Grantable) {
        let objects = arn::child_of(self.grant_arn(stack), "/*");
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:PutObject"]).resource(objects));
        self.key_statement(stack, grantee, &PUT_KEY_ACTIONS);
    }
    /// Lets `grantee` read objects: `s3:GetObject` on the objects and
    /// `s3:ListBucket` on the bucket (plus `kms:Decrypt` and
    /// `kms:DescribeKey` on a customer managed key).
    pub fn grant_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        let bucket = self.grant_arn(stack);
        let objects = arn::child_of(bucket.clone(), "/*");
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:GetObject"]).resource(objects));
        grant(stack, grantee, PolicyStatement::allow().actions(["s3:ListBucket"]).resource(bucket));
        self.key_statement(stack, grantee, &READ_KEY_ACTIONS);
    }
}

/// `arn:${AWS::Partition}:s3:::<name>`.
pub(super) fn arn_of_name(name: Expr<String>) -> Expr<String> {
    fns::sub("arn:${AWS::Partition}:s3:::${Name}").var("Name", name).expr()
}
