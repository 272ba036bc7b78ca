//! IAM policy documents: statements with actions, resources, principals and
//! conditions, written in a fixed key order.

use cfnkit_core::token::Token;
use indexmap::IndexMap;

use crate::arn;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

/// Who a resource policy or trust policy applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// `{"Service": "lambda.amazonaws.com"}` (an expression for regional
    /// principals such as `logs.${AWS::Region}.amazonaws.com`).
    Service(Token),
    /// `{"AWS": <arn>}`: a role, user or account root.
    Aws(Token),
    /// `"*"` (anyone; only with a condition, such as the TLS-only denies).
    Any,
}

impl Principal {
    /// A service principal (`lambda.amazonaws.com`).
    pub fn service(name: impl Into<Token>) -> Self {
        Principal::Service(name.into())
    }

    /// The account's root: `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`.
    pub fn account_root() -> Self {
        Principal::Aws(arn::account_root().into())
    }

    fn to_token(&self) -> Token {
        match self {
            Principal::Service(s) => Token::object([("Service", s.clone())]),
            Principal::Aws(t) => Token::object([("AWS", t.clone())]),
            Principal::Any => Token::Str("*".into()),
        }
    }
}

/// One statement of a policy document.
///
/// ```
/// use cfnkit::constructs::iam::PolicyStatement;
/// let s = PolicyStatement::allow()
///     .actions(["s3:PutObject"])
///     .resource("arn:aws:s3:::my-bucket/*");
/// assert_eq!(s.action_list(), ["s3:PutObject"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyStatement {
    sid: Option<String>,
    effect: Effect,
    principal: Option<Principal>,
    actions: Vec<String>,
    resources: Vec<Token>,
    conditions: IndexMap<String, IndexMap<String, Token>>,
}

impl PolicyStatement {
    /// An `Allow` statement with nothing in it yet.
    pub fn allow() -> Self {
        PolicyStatement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: Vec::new(),
            resources: Vec::new(),
            conditions: IndexMap::new(),
        }
    }

    /// A `Deny` statement with nothing in it yet.
    pub fn deny() -> Self {
        PolicyStatement { effect: Effect::Deny, ..PolicyStatement::allow() }
    }

    /// Sets `Sid`.
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_string());
        self
    }

    /// Adds actions, one by one (`service:Action`).
    pub fn actions<S: Into<String>>(mut self, actions: impl IntoIterator<Item = S>) -> Self {
        for a in actions {
            let a = a.into();
            if !self.actions.contains(&a) {
                self.actions.push(a);
            }
        }
        self
    }

    /// Adds a resource ARN (a literal or an expression).
    pub fn resource(mut self, arn: impl Into<Token>) -> Self {
        let t = arn.into();
        if !self.resources.contains(&t) {
            self.resources.push(t);
        }
        self
    }

    /// Sets the principal (resource and trust policies only).
    pub fn principal(mut self, p: Principal) -> Self {
        self.principal = Some(p);
        self
    }

    /// Adds a condition: `{"<operator>": {"<key>": value}}`.
    pub fn condition(mut self, operator: &str, key: &str, value: impl Into<Token>) -> Self {
        self.conditions.entry(operator.to_string()).or_default().insert(key.to_string(), value.into());
        self
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The actions, in order.
    pub fn action_list(&self) -> &[String] {
        &self.actions
    }

    /// The resources, in order.
    pub fn resource_list(&self) -> &[Token] {
        &self.resources
    }

    /// True when the statement names a principal (resource and trust policies only).
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }

    /// True when any action or resource is a wildcard `*`.
    pub fn has_wildcard(&self) -> bool {
        self.actions.iter().any(|a| a == "*" || a.ends_with(":*"))
            || self.resources.iter().any(|r| r.as_str() == Some("*"))
    }

    /// The statement as a template token.
    pub fn to_token(&self) -> Token {
        let mut m = IndexMap::new();
        if let Some(s) = &self.sid {
            m.insert("Sid".to_string(), Token::Str(s.clone()));
        }
        m.insert(
            "Effect".into(),
            Token::Str(match self.effect {
                Effect::Allow => "Allow".into(),
                Effect::Deny => "Deny".into(),
            }),
        );
        if let Some(p) = &self.principal {
            m.insert("Principal".into(), p.to_token());
        }
        m.insert("Action".into(), one_or_list(self.actions.iter().map(|a| Token::Str(a.clone())).collect()));
        if !self.resources.is_empty() {
            m.insert("Resource".into(), one_or_list(self.resources.clone()));
        }
        if !self.conditions.is_empty() {
            m.insert(
                "Condition".into(),
                Token::Map(self.conditions.iter().map(|(k, v)| (k.clone(), Token::Map(v.clone()))).collect()),
            );
        }
        Token::Map(m)
    }
}

fn one_or_list(mut items: Vec<Token>) -> Token {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Token::List(items)
    }
}

/// A policy document: `{"Version": "2012-10-17", "Statement": [...]}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// An empty document.
    pub fn new() -> Self {
        PolicyDocument::default()
    }

    /// Adds a statement unless an identical one is present.
    pub fn add(&mut self, s: PolicyStatement) -> &mut Self {
        if !self.statements.contains(&s) {
            self.statements.push(s);
        }
        self
    }

    /// Adds a statement (builder form).
    pub fn with(mut self, s: PolicyStatement) -> Self {
        self.add(s);
        self
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }

    /// The document as a template token.
    pub fn to_token(&self) -> Token {
        Token::object([
            ("Version", Token::Str("2012-10-17".into())),
            ("Statement", Token::List(self.statements.iter().map(PolicyStatement::to_token).collect())),
        ])
    }
}

/// A statement denying every action on `resources` to anyone over plain
/// HTTP (`aws:SecureTransport` false): the TLS-only resource policy.
pub fn deny_insecure_transport(action: &str, resources: impl IntoIterator<Item = Token>) -> PolicyStatement {
    let mut s = PolicyStatement::deny().sid("DenyInsecureTransport").principal(Principal::Any).actions([action]);
    for r in resources {
        s = s.resource(r);
    }
    s.condition("Bool", "aws:SecureTransport", "false")
}
