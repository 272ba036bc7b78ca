//! KMS: customer managed [`Key`]s with rotation on and a key policy built
//! from named grants, never a `"*"` principal.

use cfnkit_core::fns;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::kms as l1;

use crate::iam::{grant, Grantable, PolicyDocument, PolicyStatement, Principal};

/// A symmetric customer managed key.
///
/// The key policy always starts with AWS's default statement, which lets the
/// account root administer the key and delegates use to IAM (without it the
/// key could become unmanageable); service principals are added one by one.
///
/// ```
/// use cfnkit_constructs::kms::Key;
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let key = Key::new("LogsKey").description("Encrypts the function's logs").allow_cloudwatch_logs().add_to(stack);
/// let _arn = key.arn();
/// ```
#[derive(Clone, Debug)]
pub struct Key {
    id: String,
    description: Option<String>,
    alias: Option<Value<String>>,
    rotation: bool,
    statements: Vec<PolicyStatement>,
    removal: Option<RemovalPolicy>,
    pending_days: i64,
}

impl Key {
    /// A key with rotation on and the default key policy.
    pub fn new(id: &str) -> Self {
        Key {
            id: id.to_string(),
            description: None,
            alias: None,
            rotation: true,
            statements: Vec::new(),
            removal: None,
            pending_days: 7,
        }
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Adds an alias (`alias/...`).
    pub fn alias(mut self, a: impl Into<Value<String>>) -> Self {
        self.alias = Some(a.into());
        self
    }
    /// Turns automatic rotation off (it is on by default).
    pub fn without_rotation(mut self) -> Self {
        self.rotation = false;
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }
    /// Adds a key-policy statement.
    pub fn policy_statement(mut self, s: PolicyStatement) -> Self {
        self.statements.push(s);
        self
    }
    /// Lets a service principal (`cloudtrail.amazonaws.com`) use the key to
    /// encrypt and decrypt on the account's behalf.
    pub fn allow_service(self, service: &str) -> Self {
        let sid = format!("Allow{}", service.split('.').next().unwrap_or(service).replace('-', ""));
        self.policy_statement(
            PolicyStatement::allow()
                .sid(&sid)
                .principal(Principal::service(service))
                .actions([
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:GenerateDataKey",
                    "kms:DescribeKey",
                ])
                .resource("*")
                .condition("StringEquals", "aws:SourceAccount", cfnkit_core::token::Pseudo::AccountId.expr()),
        )
    }
    /// Lets CloudWatch Logs in this region use the key for this account's log groups.
    pub fn allow_cloudwatch_logs(self) -> Self {
        self.policy_statement(
            PolicyStatement::allow()
                .sid("AllowCloudWatchLogs")
                .principal(Principal::service(fns::sub("logs.${AWS::Region}.amazonaws.com").expr()))
                .actions([
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:GenerateDataKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                    "kms:DescribeKey",
                ])
                .resource("*")
                .condition(
                    "ArnLike",
                    "kms:EncryptionContext:aws:logs:arn",
                    fns::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*").expr(),
                ),
        )
    }

    /// Adds the key (and its alias) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> KeyRef {
        let scope = stack.construct(&self.id);
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let mut doc = PolicyDocument::new().with(
            PolicyStatement::allow()
                .sid("AllowAccountRootToAdministerKey")
                .principal(Principal::account_root())
                .actions(["kms:*"])
                .resource("*"),
        );
        for s in self.statements {
            doc.add(s);
        }
        let mut k = l1::Key::default()
            .enable_key_rotation(self.rotation)
            .key_policy(Value::Lit(doc.to_token()))
            .pending_window_in_days(self.pending_days);
        if let Some(d) = self.description {
            k = k.description(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", k));
        stack.set_removal_policy(handle.id(), removal);
        if let Some(a) = self.alias {
            stack.within(scope, |s| s.add("Alias", l1::Alias::new(a, Value::from(handle.reference()))));
        }
        KeyRef { handle }
    }
}

/// A key added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRef {
    handle: Handle<l1::Key>,
}

impl KeyRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Key> {
        self.handle
    }
    /// The key ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.get_att("Arn")
    }
    /// The key id (`Ref`).
    pub fn key_id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// Lets `grantee` encrypt and decrypt with the key.
    pub fn grant_encrypt_decrypt(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow()
                .actions([
                    "kms:Decrypt",
                    "kms:Encrypt",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:GenerateDataKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                ])
                .resource(Token::from(self.arn())),
        );
    }
}
