//! Secrets Manager: [`Secret`], generated and encrypted with a customer
//! managed key by default, with read and write grants scoped to the secret
//! and, through `kms:ViaService`, to its key.
//!
//! Defaults: a generated 32-character password; encryption with a dedicated
//! customer managed key created beside the secret (`<Id>Key`, rotation on;
//! checkov CKV_AWS_149), or the key given with [`Secret::encryption_key`];
//! removal following the stack's conventions, else Retain. Rotation is
//! [`Secret::rotation`] with a rotation function
//! (`AWS::SecretsManager::RotationSchedule`, the invoke permission scoped to
//! the secret, and the function's grants); a secret that cannot rotate says
//! why with [`Secret::without_rotation`].

mod value;

pub use value::{Password, SecretTemplate};

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::secretsmanager as l1;

use crate::iam::{grant, Grantable, PolicyStatement};
use crate::kms::{self, KeyRef};
use crate::lambda::FunctionRef;

/// What the secret holds.
#[derive(Clone, Debug, PartialEq)]
enum Content {
    Password(Password),
    JsonWithPassword(SecretTemplate, String, Password),
    Json(SecretTemplate),
}

/// How the secret is encrypted.
#[derive(Clone, Debug, PartialEq)]
enum Encryption {
    Dedicated,
    Key(KeyRef),
    AwsManaged(String),
}

/// How often a secret rotates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationSchedule {
    /// `rate(N days)`, 1 to 1,000 days.
    Days(u32),
    /// `rate(N hours)`, 4 to 24 hours.
    Hours(u32),
    /// A `cron(...)` expression, in UTC.
    Cron(String),
}

impl RotationSchedule {
    fn expression(&self) -> String {
        match self {
            RotationSchedule::Days(1) => "rate(1 day)".into(),
            RotationSchedule::Days(n) => format!("rate({n} days)"),
            RotationSchedule::Hours(n) => format!("rate({n} hours)"),
            RotationSchedule::Cron(c) => c.clone(),
        }
    }
    fn problem(&self) -> Option<&'static str> {
        match self {
            RotationSchedule::Days(n) if !(1..=1000).contains(n) => Some("1 to 1000 days"),
            RotationSchedule::Hours(n) if !(4..=24).contains(n) => Some("4 to 24 hours"),
            RotationSchedule::Cron(c) if !(c.starts_with("cron(") && c.ends_with(')')) => Some("cron(...)"),
            _ => None,
        }
    }
}

/// A Secrets Manager secret.
///
/// ```
/// use cfnkit_constructs::secretsmanager::{Password, Secret, SecretTemplate};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let config = Secret::new("ProcessorConfig")
///     .description("Configuration of the transaction processor")
///     .json_with_password(
///         SecretTemplate::new().field("username", "processor").field("port", 5432),
///         "password",
///         Password::new().exclude_characters("\"@/\\"),
///     )
///     .without_rotation("the password is rotated with the database it belongs to")
///     .add_to(stack);
/// let _arn = config.arn();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Secret {
    id: String,
    name: Option<Value<String>>,
    description: Option<String>,
    content: Content,
    encryption: Encryption,
    removal: Option<RemovalPolicy>,
    rotation: Option<(FunctionRef, RotationSchedule)>,
    no_rotation: Option<String>,
}

impl Secret {
    /// A secret holding a generated 32-character password, encrypted with a
    /// dedicated customer managed key.
    pub fn new(id: &str) -> Self {
        Secret {
            id: id.to_string(),
            name: None,
            description: None,
            content: Content::Password(Password::new()),
            encryption: Encryption::Dedicated,
            removal: None,
            rotation: None,
            no_rotation: None,
        }
    }
    /// Sets `Name` (1 to 512 letters, digits and `/_+=.@-`, not ending in a
    /// hyphen and six characters; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `Description` (at most 2,048 characters).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Holds a generated password made as `p` says.
    pub fn password(mut self, p: Password) -> Self {
        self.content = Content::Password(p);
        self
    }
    /// Holds the JSON object `template` plus a generated password under `key`.
    pub fn json_with_password(mut self, template: SecretTemplate, key: &str, p: Password) -> Self {
        self.content = Content::JsonWithPassword(template, key.to_string(), p);
        self
    }
    /// Holds the JSON object `template` as is. It is written into the
    /// template in clear: non-secret configuration only.
    pub fn json(mut self, template: SecretTemplate) -> Self {
        self.content = Content::Json(template);
        self
    }
    /// Encrypts with `key` instead of a dedicated key.
    pub fn encryption_key(mut self, key: KeyRef) -> Self {
        self.encryption = Encryption::Key(key);
        self
    }
    /// Encrypts with the AWS managed key `aws/secretsmanager`; the reason is
    /// written beside checkov's CKV_AWS_149 skip.
    pub fn aws_managed_key(mut self, reason: &str) -> Self {
        self.encryption = Encryption::AwsManaged(reason.to_string());
        self
    }
    /// Sets the removal policy (default: the stack's conventions, else Retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal = Some(p);
        self
    }
    /// Rotates the secret with `function` on `schedule`. The function gets
    /// `DescribeSecret`, `GetSecretValue`, `PutSecretValue` and
    /// `UpdateSecretVersionStage` on this secret, `GetRandomPassword`, and
    /// the key actions through Secrets Manager; Secrets Manager may invoke
    /// it for this secret only.
    pub fn rotation(mut self, function: FunctionRef, schedule: RotationSchedule) -> Self {
        self.rotation = Some((function, schedule));
        self
    }
    /// Records why the secret does not rotate (cdk-nag's AwsSolutions-SMG4
    /// acknowledgement, written into the secret's `Metadata`).
    pub fn without_rotation(mut self, reason: &str) -> Self {
        self.no_rotation = Some(reason.to_string());
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        if let Some(Value::Lit(n)) = &self.name {
            if !(1..=512).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)) {
                stack.report(
                    Diagnostic::error(path, "invalid secret name")
                        .property("Name")
                        .value(format!("{n:?}"))
                        .allowed("1 to 512 letters, digits and /_+=.@-"),
                );
            }
            if n.rsplit_once('-').is_some_and(|(_, t)| t.len() == 6) {
                stack.report(
                    Diagnostic::warning(path, "a name ending in a hyphen and six characters reads like an ARN suffix")
                        .property("Name")
                        .value(format!("{n:?}")),
                );
            }
        }
        if let Some(d) = &self.description {
            if d.chars().count() > 2048 {
                stack.report(
                    Diagnostic::error(path, "description too long")
                        .property("Description")
                        .value(format!("{} characters", d.chars().count()))
                        .allowed("at most 2048 characters"),
                );
            }
        }
        match &self.content {
            Content::Password(p) => p.check(path, stack),
            Content::JsonWithPassword(t, key, p) => {
                p.check(path, stack);
                if key.is_empty() || t.has(key) {
                    stack.report(
                        Diagnostic::error(path, "the generated field's key is empty or also a template field")
                            .property("GenerateSecretString.GenerateStringKey")
                            .value(format!("{key:?}"))
                            .allowed("a key the template does not hold"),
                    );
                }
            }
            Content::Json(t) => {
                if let Value::Lit(s) = t.render() {
                    if s.len() > 65_536 {
                        stack.report(
                            Diagnostic::error(path, "secret value too large")
                                .property("SecretString")
                                .value(format!("{} bytes", s.len()))
                                .allowed("at most 65536 bytes"),
                        );
                    }
                }
            }
        }
        if let Some((_, s)) = &self.rotation {
            if let Some(allowed) = s.problem() {
                stack.report(
                    Diagnostic::error(path.replace("/Resource", "/RotationSchedule"), "rotation schedule out of range")
                        .property("RotationRules.ScheduleExpression")
                        .value(s.expression())
                        .allowed(allowed),
                );
            }
            if self.no_rotation.is_some() {
                stack.report(
                    Diagnostic::error(path, "secret both rotated and declared without rotation")
                        .property("RotationSchedule")
                        .allowed(".rotation(..) or .without_rotation(..), not both"),
                );
            }
        }
    }

    /// Adds the secret (its key unless given one, and its rotation) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> SecretRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let removal = self.removal.or(stack.default_removal_policy()).unwrap_or(RemovalPolicy::Retain);
        let key = match &self.encryption {
            Encryption::Dedicated => Some(stack.within(scope, |s| {
                kms::Key::new("Key")
                    .description("Encrypts one Secrets Manager secret")
                    .removal_policy(removal)
                    .add_to(s)
            })),
            Encryption::Key(k) => Some(*k),
            Encryption::AwsManaged(_) => None,
        };
        let mut secret = l1::Secret::new();
        secret = match &self.content {
            Content::Password(p) => secret.generate_secret_string(p.to_l1()),
            Content::JsonWithPassword(t, k, p) => secret
                .generate_secret_string(p.to_l1().secret_string_template(t.render()).generate_string_key(k.clone())),
            Content::Json(t) => secret.secret_string(t.render()),
        };
        if let Some(k) = key {
            secret = secret.kms_key_id(Value::from(k.arn()));
        }
        if let Some(n) = self.name {
            secret = secret.name(n);
        }
        if let Some(d) = self.description {
            secret = secret.description(d);
        }
        let handle = stack.within(scope, |s| s.add("Resource", secret));
        stack.set_removal_policy(handle.id(), removal);
        if let Encryption::AwsManaged(reason) = self.encryption {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_149".into(), reason });
        }
        if let Some(reason) = self.no_rotation {
            stack.add_metadata(
                handle.id(),
                "cdk_nag",
                serde_json::json!({"rules_to_suppress": [{"id": "AwsSolutions-SMG4", "reason": reason}]}),
            );
        }
        let me = SecretRef { handle, key };
        if let Some((function, schedule)) = self.rotation {
            me.add_rotation(stack, scope, function, &schedule);
        }
        me
    }
}

/// `kms:ViaService = secretsmanager.<region>.amazonaws.com`: the key serves
/// the grantee only through Secrets Manager.
fn via_secrets_manager(s: PolicyStatement) -> PolicyStatement {
    s.condition("StringEquals", "kms:ViaService", fns::sub("secretsmanager.${AWS::Region}.amazonaws.com").expr())
}

/// A secret added to a stack: its references and grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecretRef {
    handle: Handle<l1::Secret>,
    key: Option<KeyRef>,
}

impl SecretRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Secret> {
        self.handle
    }
    /// The secret ARN (`Ref`): what `GetSecretValue` takes as `SecretId`.
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The name given with [`Secret::name`]. CloudFormation offers no name
    /// attribute, so it is read from the stack; `None` when CloudFormation
    /// generates the name (use [`arn`](Self::arn)).
    pub fn name(self, stack: &Stack) -> Option<Expr<String>> {
        stack.get(self.handle)?.name.as_ref().map(|n| Expr::from_token(Token::from(n.clone())))
    }
    /// The key encrypting the secret (`None` with the AWS managed key).
    pub fn key(self) -> Option<KeyRef> {
        self.key
    }

    /// Lets `grantee` read the secret: `secretsmanager:GetSecretValue` and
    /// `secretsmanager:DescribeSecret` on this secret, and `kms:Decrypt` on
    /// its key through Secrets Manager only.
    pub fn grant_read(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow()
                .actions(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
                .resource(self.arn()),
        );
        if let Some(k) = self.key {
            grant(
                stack,
                grantee,
                via_secrets_manager(PolicyStatement::allow().actions(["kms:Decrypt"]).resource(k.arn())),
            );
        }
    }
    /// Lets `grantee` change the secret: `secretsmanager:PutSecretValue`,
    /// `secretsmanager:UpdateSecret` and `secretsmanager:UpdateSecretVersionStage`
    /// on this secret, and `kms:GenerateDataKey` on its key through Secrets Manager only.
    pub fn grant_write(self, stack: &mut Stack, grantee: &impl Grantable) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow()
                .actions([
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecret",
                    "secretsmanager:UpdateSecretVersionStage",
                ])
                .resource(self.arn()),
        );
        if let Some(k) = self.key {
            grant(
                stack,
                grantee,
                via_secrets_manager(PolicyStatement::allow().actions(["kms:GenerateDataKey"]).resource(k.arn())),
            );
        }
    }

    fn add_rotation(self, stack: &mut Stack, scope: cfnkit_core::tree::NodeId, f: FunctionRef, s: &RotationSchedule) {
        let permission = cfnkit_l1::lambda::Permission::new(
            "lambda:InvokeFunction".to_string(),
            Value::from(f.arn()),
            "secretsmanager.amazonaws.com".to_string(),
        )
        .source_arn(Value::from(self.arn()))
        .source_account(Value::from(Pseudo::AccountId.expr()));
        let permission = stack.within(scope, |st| st.add("RotationPermission", permission));
        let rs = l1::RotationSchedule::new(Value::from(self.arn()))
            .rotation_lambda_arn(Value::from(f.arn()))
            .rotation_rules(l1::RotationRules::new().schedule_expression(s.expression()));
        let rs = stack.within(scope, |st| st.add("RotationSchedule", rs));
        stack.add_dependency(rs.id(), permission.id());
        grant(
            stack,
            &f,
            PolicyStatement::allow()
                .actions([
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                ])
                .resource(self.arn()),
        );
        // GetRandomPassword acts on no resource: IAM offers only "*" for it.
        grant(stack, &f, PolicyStatement::allow().actions(["secretsmanager:GetRandomPassword"]).resource("*"));
        if let Some(k) = self.key {
            grant(
                stack,
                &f,
                via_secrets_manager(
                    PolicyStatement::allow().actions(["kms:Decrypt", "kms:GenerateDataKey"]).resource(k.arn()),
                ),
            );
        }
        // The rotation schedule waits for the function's permissions too.
        if let Some(policy) = stack
            .node_of(f.role().handle().id())
            .and_then(|n| stack.parent_of(n))
            .and_then(|n| stack.child(n, "DefaultPolicy"))
            .and_then(|n| stack.resource_at(n))
        {
            stack.add_dependency(rs.id(), policy);
        }
    }
}
