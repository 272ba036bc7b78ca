//! KMS: customer managed [`Key`]s with a key policy built from named
//! statements, never a `"*"` principal, and grants that write the exact key
//! actions to a role.
//!
//! Defaults: a symmetric encryption key (`SYMMETRIC_DEFAULT`), automatic
//! rotation on (yearly, checkov CKV_AWS_7 and cdk-nag KMS5), a 7-day
//! deletion window, and a key policy whose first statement lets the
//! account root administer the key and delegates its use to IAM; service
//! principals are added one by one ([`Key::allow_service`],
//! [`Key::allow_cloudwatch_logs`], [`Key::allow_cloudtrail`]), each scoped
//! to this account.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::kms as l1;
use cfnkit_l1::prelude::*;

use crate::iam::{grant, Grantable, PolicyDocument, PolicyStatement, Principal};

/// The key material: symmetric, RSA, elliptic curve, HMAC...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum KeySpec {
    /// `SYMMETRIC_DEFAULT`: AES-256-GCM (the default).
    #[default]
    SymmetricDefault,
    /// `RSA_2048`
    Rsa2048,
    /// `RSA_3072`
    Rsa3072,
    /// `RSA_4096`
    Rsa4096,
    /// `ECC_NIST_P256`
    EccNistP256,
    /// `ECC_NIST_P384`
    EccNistP384,
    /// `ECC_NIST_P521`
    EccNistP521,
    /// `ECC_SECG_P256K1`
    EccSecgP256k1,
    /// `ECC_NIST_EDWARDS25519`
    EccNistEdwards25519,
    /// `HMAC_224`
    Hmac224,
    /// `HMAC_256`
    Hmac256,
    /// `HMAC_384`
    Hmac384,
    /// `HMAC_512`
    Hmac512,
    /// `SM2` (China Regions only)
    Sm2,
    /// `ML_DSA_44`
    MlDsa44,
    /// `ML_DSA_65`
    MlDsa65,
    /// `ML_DSA_87`
    MlDsa87,
}

impl KeySpec {
    /// The `KeySpec` value.
    pub fn name(self) -> &'static str {
        match self {
            KeySpec::SymmetricDefault => "SYMMETRIC_DEFAULT",
            KeySpec::Rsa2048 => "RSA_2048",
            KeySpec::Rsa3072 => "RSA_3072",
            KeySpec::Rsa4096 => "RSA_4096",
            KeySpec::EccNistP256 => "ECC_NIST_P256",
            KeySpec::EccNistP384 => "ECC_NIST_P384",
            KeySpec::EccNistP521 => "ECC_NIST_P521",
            KeySpec::EccSecgP256k1 => "ECC_SECG_P256K1",
            KeySpec::EccNistEdwards25519 => "ECC_NIST_EDWARDS25519",
            KeySpec::Hmac224 => "HMAC_224",
            KeySpec::Hmac256 => "HMAC_256",
            KeySpec::Hmac384 => "HMAC_384",
            KeySpec::Hmac512 => "HMAC_512",
            KeySpec::Sm2 => "SM2",
            KeySpec::MlDsa44 => "ML_DSA_44",
            KeySpec::MlDsa65 => "ML_DSA_65",
            KeySpec::MlDsa87 => "ML_DSA_87",
        }
    }

    /// The usages AWS accepts for this spec; the first is the default.
    pub fn usages(self) -> &'static [KeyUsage] {
        match self {
            KeySpec::SymmetricDefault => &[KeyUsage::EncryptDecrypt],
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify],
            KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521 => {
                &[KeyUsage::SignVerify, KeyUsage::KeyAgreement]
            }
            KeySpec::EccSecgP256k1
            | KeySpec::EccNistEdwards25519
            | KeySpec::MlDsa44
            | KeySpec::MlDsa65
            | KeySpec::MlDsa87 => &[KeyUsage::SignVerify],
            KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => &[KeyUsage::GenerateVerifyMac],
            KeySpec::Sm2 => &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify, KeyUsage::KeyAgreement],
        }
    }

    fn is_hmac(self) -> bool {
        matches!(self, KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512)
    }
}

/// What the key is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyUsage {
    /// `ENCRYPT_DECRYPT`
    EncryptDecrypt,
    /// `SIGN_VERIFY`
    SignVerify,
    /// `GENERATE_VERIFY_MAC`
    GenerateVerifyMac,
    /// `KEY_AGREEMENT`
    KeyAgreement,
}

impl KeyUsage {
    /// The `KeyUsage` value.
    pub fn name(self) -> &'static str {
        match self {
            KeyUsage::EncryptDecrypt => "ENCRYPT_DECRYPT",
            KeyUsage::SignVerify => "SIGN_VERIFY",
            KeyUsage::GenerateVerifyMac => "GENERATE_VERIFY_MAC",
            KeyUsage::KeyAgreement => "KEY_AGREEMENT",
        }
    }
}

/// Encrypting: `kms:Encrypt`, `kms:ReEncryptFrom`, `kms:ReEncryptTo`,
/// `kms:GenerateDataKey`, `kms:GenerateDataKeyWithoutPlaintext` (CDK's
/// `Encrypt, ReEncrypt*, GenerateDataKey*` without the data key pair actions,
/// which only asymmetric data keys use).
const ENCRYPT_ACTIONS: [&str; 5] = [
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
];
/// Encrypting and decrypting.
const ENCRYPT_DECRYPT_ACTIONS: [&str; 6] = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
];

/// A customer managed key.
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
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Key {
    id: String,
    description: Option<String>,
    alias: Option<Value<String>>,
    rotation: bool,
    rotation_days: Option<u32>,
    spec: KeySpec,
    usage: Option<KeyUsage>,
    statements: Vec<PolicyStatement>,
    removal: Option<RemovalPolicy>,
    pending_days: u32,
}

impl Key {
    /// A symmetric key with rotation on and the default key policy.
    pub fn new(id: &str) -> Self {
        Key {
            id: id.to_string(),
            description: None,
            alias: None,
            rotation: true,
            rotation_days: None,
            spec: KeySpec::SymmetricDefault,
            usage: None,
            statements: Vec::new(),
            removal: None,
            pending_days: 7,
        }
    }
    /// Sets `Description` (at most 8,192 characters).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Adds an alias (`alias/...`, not under the reserved `alias/aws/`).
    pub fn alias(mut self, a: impl Into<Value<String>>) -> Self {
        self.alias = Some(a.into());
        self
    }
    /// Turns automatic rotation off (it is on by default).
    pub fn without_rotation(mut self) -> Self {
        self.rotation = false;
        self
    }
    /// Rotates every `days` days (90 to 2,560) instead of yearly.
    pub fn rotation_period(mut self, days: u32) -> Self {
        self.rotation_days = Some(days);
        self
    }
    /// Sets the key spec. Keys other than `SYMMETRIC_DEFAULT` do not rotate
    /// automatically (AWS offers no automatic rotation for them).
    pub fn key_spec(mut self, s: KeySpec) -> Self {
        self.spec = s;
        self
    }
    /// Sets the key usage (default: the first of [`KeySpec::usages`]).
    pub fn key_usage(mut self, u: KeyUsage) -> Self {
        self.usage = Some(u);
        self
    }
    /// Sets the waiting period before a deleted key is destroyed (7 to 30 days; 7 by default).
    pub fn pending_window(mut self, days: u32) -> Self {
        self.pending_days = days;
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
    /// Lets a service principal (`lambda.amazonaws.com`) use the key to
    /// encrypt and decrypt on this account's behalf (`aws:SourceAccount`).
    pub fn allow_service(self, service: &str) -> Self {
        let short = service.split('.').next().unwrap_or(service).replace('-', "");
        let mut chars = short.chars();
        let sid =
            format!("Allow{}{}", chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default(), chars.as_str());
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
                .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr()),
        )
    }
    /// Lets this account's CloudWatch alarms publish to topics the key
    /// encrypts: `kms:GenerateDataKey` and `kms:Decrypt` for
    /// `cloudwatch.amazonaws.com` (alarms cannot use the AWS managed SNS key).
    pub fn allow_alarm_notifications(self) -> Self {
        self.policy_statement(alarm_notifications_statement())
    }
    /// Lets CloudWatch Logs in this region use the key for this account's log groups.
    pub fn allow_cloudwatch_logs(self) -> Self {
        self.policy_statement(cloudwatch_logs_statement("AllowCloudWatchLogs"))
    }
    /// Lets CloudTrail encrypt this account's trail logs: `kms:GenerateDataKey`
    /// (the only data-key action CloudTrail calls) when the encryption
    /// context names a trail of this account, and `kms:DescribeKey`; both
    /// only on behalf of this account. Reading the logs is an IAM grant
    /// ([`KeyRef::grant_decrypt`]), not a `"*"` principal in the key policy.
    pub fn allow_cloudtrail(self) -> Self {
        let account = || Pseudo::AccountId.expr();
        self.policy_statement(
            PolicyStatement::allow()
                .sid("AllowCloudTrailToEncryptLogs")
                .principal(Principal::service("cloudtrail.amazonaws.com"))
                .actions(["kms:GenerateDataKey"])
                .resource("*")
                .condition("StringEquals", "aws:SourceAccount", account())
                .condition(
                    "StringLike",
                    "kms:EncryptionContext:aws:cloudtrail:arn",
                    fns::sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*").expr(),
                ),
        )
        .policy_statement(
            PolicyStatement::allow()
                .sid("AllowCloudTrailToDescribeKey")
                .principal(Principal::service("cloudtrail.amazonaws.com"))
                .actions(["kms:DescribeKey"])
                .resource("*")
                .condition("StringEquals", "aws:SourceAccount", account()),
        )
    }

    /// The usage set, else the spec's default.
    fn usage(&self) -> KeyUsage {
        self.usage.or_else(|| self.spec.usages().first().copied()).unwrap_or(KeyUsage::EncryptDecrypt)
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let usage = self.usage();
        if !self.spec.usages().contains(&usage) {
            stack.report(
                Diagnostic::error(path, "key usage not supported by the key spec")
                    .property("KeyUsage")
                    .value(format!("{} with {}", usage.name(), self.spec.name()))
                    .allowed(self.spec.usages().iter().map(|u| u.name()).collect::<Vec<_>>().join(", ")),
            );
        }
        if let Some(d) = self.rotation_days {
            if !(90..=2560).contains(&d) {
                stack.report(
                    Diagnostic::error(path, "rotation period out of range")
                        .property("RotationPeriodInDays")
                        .value(d.to_string())
                        .allowed("90 to 2560 days"),
                );
            }
            if !self.rotation || self.spec != KeySpec::SymmetricDefault {
                stack.report(
                    Diagnostic::error(path, "rotation period on a key that does not rotate")
                        .property("RotationPeriodInDays")
                        .value(d.to_string())
                        .allowed("a SYMMETRIC_DEFAULT key with rotation on"),
                );
            }
        }
        if !(7..=30).contains(&self.pending_days) {
            stack.report(
                Diagnostic::error(path, "pending window out of range")
                    .property("PendingWindowInDays")
                    .value(self.pending_days.to_string())
                    .allowed("7 to 30 days"),
            );
        }
        if let Some(d) = &self.description {
            if d.chars().count() > 8192 {
                stack.report(
                    Diagnostic::error(path, "description too long")
                        .property("Description")
                        .value(format!("{} characters", d.chars().count()))
                        .allowed("at most 8192 characters"),
                );
            }
        }
        if let Some(Value::Lit(a)) = &self.alias {
            let name = a.strip_prefix("alias/").unwrap_or("");
            let ok = !name.is_empty()
                && a.len() <= 256
                && !a.starts_with("alias/aws/")
                && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'));
            if !ok {
                stack.report(
                    Diagnostic::error(format!("{path}/Alias"), "invalid alias name")
                        .property("AliasName")
                        .value(format!("{a:?}"))
                        .allowed(
                            "alias/ then letters, digits, '/', '_' and '-' (at most 256 characters, not alias/aws/)",
                        ),
                );
            }
        }
    }

    /// Adds the key (and its alias) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> KeyRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let usage = self.usage();
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
        let symmetric = self.spec == KeySpec::SymmetricDefault;
        let mut k = l1::Key::default();
        if symmetric {
            k = k.enable_key_rotation(self.rotation);
            if let Some(d) = self.rotation_days {
                k = k.rotation_period_in_days(i64::from(d));
            }
        } else {
            k = k.key_spec(self.spec.name().to_string()).key_usage(usage.name().to_string());
        }
        k = k.key_policy(Value::Lit(doc.to_token())).pending_window_in_days(i64::from(self.pending_days));
        if let Some(d) = self.description {
            k = k.description(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", k));
        stack.set_removal_policy(handle.id(), removal);
        if self.spec.is_hmac() {
            stack.acknowledge(
                handle.id(),
                Ack::Checkov {
                    id: "CKV_AWS_7".into(),
                    reason: "HMAC keys do not support automatic rotation in AWS KMS".into(),
                },
            );
        }
        let alias = self
            .alias
            .map(|a| stack.within(scope, |s| s.add("Alias", l1::Alias::new(a, Value::from(handle.reference())))));
        let key = KeyRef { handle, alias };
        // Wirings in any stack of the app find the key (to add key-policy statements) by this fact.
        stack.record_fact(handle.id(), key);
        key
    }
}

/// A key added to a stack: its references and grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRef {
    handle: Handle<l1::Key>,
    alias: Option<Handle<l1::Alias>>,
}

impl KeyRef {
    /// Adds a statement to the key policy (once), in whichever stack of the
    /// app holds the key; false when the key belongs to another app (which
    /// is reported).
    pub fn add_to_resource_policy(self, stack: &mut Stack, s: PolicyStatement) -> bool {
        stack.append_to_property(self.handle.id(), "KeyPolicy.Statement", s.to_token());
        stack.is_of_app(self.handle.id())
    }

    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Key> {
        self.handle
    }
    /// The key ARN.
    pub fn arn(self) -> Expr<String> {
        self.handle.attr_arn()
    }
    /// The key id (`Ref`).
    pub fn key_id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The alias name (`alias/...`), when the key has one.
    pub fn alias_name(self) -> Option<Expr<String>> {
        self.alias.map(Handle::reference)
    }
    /// Lets `grantee` encrypt: `kms:Encrypt`, `kms:ReEncryptFrom`,
    /// `kms:ReEncryptTo`, `kms:GenerateDataKey` and
    /// `kms:GenerateDataKeyWithoutPlaintext` on this key.
    pub fn grant_encrypt(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(ENCRYPT_ACTIONS).resource(Token::from(self.arn())));
    }
    /// Lets `grantee` decrypt: `kms:Decrypt` on this key.
    pub fn grant_decrypt(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(stack, grantee, PolicyStatement::allow().actions(["kms:Decrypt"]).resource(Token::from(self.arn())));
    }
    /// Lets `grantee` encrypt and decrypt: `kms:Decrypt` plus the
    /// [`grant_encrypt`](Self::grant_encrypt) actions, on this key.
    pub fn grant_encrypt_decrypt(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow().actions(ENCRYPT_DECRYPT_ACTIONS).resource(Token::from(self.arn())),
        );
    }
}

/// The key-policy statement that lets this account's CloudWatch alarms
/// publish to topics the key encrypts (what alarm actions on such a topic
/// write into the key's policy, in whichever stack the key lives).
pub(crate) fn alarm_notifications_statement() -> PolicyStatement {
    PolicyStatement::allow()
        .sid("AllowCloudWatchAlarmNotifications")
        .principal(Principal::service("cloudwatch.amazonaws.com"))
        .actions(["kms:GenerateDataKey", "kms:Decrypt"])
        .resource("*")
        .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId.expr())
}

/// The key-policy statement that lets CloudWatch Logs in the stack's region
/// use a key for this account's log groups (the encryption context names a
/// log group of this account), with the actions listed one by one.
pub fn cloudwatch_logs_statement(sid: &str) -> PolicyStatement {
    PolicyStatement::allow()
        .sid(sid)
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
        )
}
