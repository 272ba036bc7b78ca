//! Tokens: template fragments that may hold intrinsic functions.
//!
//! A [`Token`] is a JSON-like tree whose leaves may be [`Intrinsic`]s
//! (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...). Intrinsics point at resources,
//! parameters, conditions and mappings through typed handles, never through
//! logical-id strings: ids are assigned once, at synthesis.
//!
//! [`Value<T>`] is what every L1 property holds: a literal `T` or a typed
//! expression [`Expr<T>`] that CloudFormation evaluates at deploy time.

use std::marker::PhantomData;

use indexmap::IndexMap;

use crate::tree::{ConditionRef, MappingRef, ParamRef, ResourceId};

/// A template fragment: JSON plus intrinsic functions.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Token>),
    /// An object whose keys keep insertion order.
    Map(IndexMap<String, Token>),
    /// An intrinsic function, resolved at synthesis.
    Fn(Box<Intrinsic>),
}

impl Token {
    /// An empty object.
    pub fn map() -> Self {
        Token::Map(IndexMap::new())
    }

    /// Builds an object from `(key, value)` pairs, keeping their order.
    pub fn object<K: Into<String>, V: Into<Token>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Token::Map(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// Builds a list.
    pub fn list<V: Into<Token>>(items: impl IntoIterator<Item = V>) -> Self {
        Token::List(items.into_iter().map(Into::into).collect())
    }

    /// The string, when this is a literal string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Token::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The map, when this is an object.
    pub fn as_map(&self) -> Option<&IndexMap<String, Token>> {
        match self {
            Token::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The mutable map, when this is an object.
    pub fn as_map_mut(&mut self) -> Option<&mut IndexMap<String, Token>> {
        match self {
            Token::Map(m) => Some(m),
            _ => None,
        }
    }

    /// True when the token holds no intrinsic function anywhere.
    pub fn is_literal(&self) -> bool {
        match self {
            Token::Fn(_) => false,
            Token::List(items) => items.iter().all(Token::is_literal),
            Token::Map(m) => m.values().all(Token::is_literal),
            _ => true,
        }
    }

    /// Converts a literal JSON value into a token.
    pub fn from_json(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Token::Null,
            serde_json::Value::Bool(b) => Token::Bool(*b),
            serde_json::Value::Number(n) => {
                n.as_i64().map_or_else(|| Token::Float(n.as_f64().unwrap_or(0.0)), Token::Int)
            }
            serde_json::Value::String(s) => Token::Str(s.clone()),
            serde_json::Value::Array(a) => Token::List(a.iter().map(Token::from_json).collect()),
            serde_json::Value::Object(o) => {
                Token::Map(o.iter().map(|(k, v)| (k.clone(), Token::from_json(v))).collect())
            }
        }
    }

    /// A short human rendering for error messages (intrinsics shown by name).
    pub fn describe(&self) -> String {
        match self {
            Token::Null => "null".into(),
            Token::Bool(b) => b.to_string(),
            Token::Int(i) => i.to_string(),
            Token::Float(f) => f.to_string(),
            Token::Str(s) => format!("{s:?}"),
            Token::List(l) => format!("a list of {}", l.len()),
            Token::Map(_) => "an object".into(),
            Token::Fn(f) => f.name().to_string(),
        }
    }
}

macro_rules! token_from {
    ($($t:ty => $v:ident as $c:ty),* $(,)?) => {$(
        impl From<$t> for Token {
            fn from(x: $t) -> Self { Token::$v(<$c>::from(x)) }
        }
    )*};
}
token_from!(bool => Bool as bool, i64 => Int as i64, i32 => Int as i64, u32 => Int as i64,
    u16 => Int as i64, u8 => Int as i64, f64 => Float as f64, String => Str as String, &str => Str as String);

impl From<Intrinsic> for Token {
    fn from(f: Intrinsic) -> Self {
        Token::Fn(Box::new(f))
    }
}

impl<T> From<Expr<T>> for Token {
    fn from(e: Expr<T>) -> Self {
        e.token
    }
}

impl<T: ToToken> From<Value<T>> for Token {
    fn from(v: Value<T>) -> Self {
        v.to_token()
    }
}

impl From<serde_json::Value> for Token {
    fn from(v: serde_json::Value) -> Self {
        Token::from_json(&v)
    }
}

impl<T: Into<Token>> From<Vec<T>> for Token {
    fn from(v: Vec<T>) -> Self {
        Token::List(v.into_iter().map(Into::into).collect())
    }
}

/// The pseudo parameters CloudFormation defines in every stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::Region`
    Region,
    /// `AWS::Partition`
    Partition,
    /// `AWS::StackName`
    StackName,
    /// `AWS::StackId`
    StackId,
    /// `AWS::URLSuffix`
    UrlSuffix,
    /// `AWS::NoValue`: removes the property where it is used.
    NoValue,
    /// `AWS::NotificationARNs`
    NotificationArns,
}

impl Pseudo {
    /// The name CloudFormation knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
        }
    }

    /// Every pseudo parameter.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::Region,
        Pseudo::Partition,
        Pseudo::StackName,
        Pseudo::StackId,
        Pseudo::UrlSuffix,
        Pseudo::NoValue,
        Pseudo::NotificationArns,
    ];

    /// `{"Ref": "AWS::..."}` as a string expression.
    pub fn expr(self) -> Expr<String> {
        Expr::from_intrinsic(Intrinsic::Ref(RefTarget::Pseudo(self)))
    }
}

/// What a `Ref` points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefTarget {
    /// A resource in some stack of the app.
    Resource(ResourceId),
    /// A parameter of a stack.
    Parameter(ParamRef),
    /// A pseudo parameter.
    Pseudo(Pseudo),
}

/// A CloudFormation intrinsic function or condition function.
#[derive(Clone, Debug, PartialEq)]
pub enum Intrinsic {
    /// `Ref`.
    Ref(RefTarget),
    /// `Fn::GetAtt` on a resource's attribute.
    GetAtt(ResourceId, String),
    /// `Fn::Sub` with a template string and a variable map.
    Sub(String, IndexMap<String, Token>),
    /// `Fn::Join` with a delimiter.
    Join(String, Vec<Token>),
    /// `Fn::Select`: the index and the list.
    Select(Token, Token),
    /// `Fn::Split`: the delimiter and the string.
    Split(String, Token),
    /// `Fn::If`: a condition and the two branches.
    If(ConditionRef, Token, Token),
    /// `Fn::ImportValue` of an export name.
    ImportValue(Token),
    /// `Fn::FindInMap`: mapping, top-level key, second-level key.
    FindInMap(MappingRef, Token, Token),
    /// `Fn::Base64`.
    Base64(Token),
    /// `Fn::GetAZs` of a region (empty string: the stack's region).
    GetAzs(Token),
    /// `Fn::Cidr`: ip block, count, cidr bits.
    Cidr(Token, Token, Token),
    /// `Fn::Equals`.
    Equals(Token, Token),
    /// `Fn::And` (2 to 10 conditions).
    And(Vec<Token>),
    /// `Fn::Or` (2 to 10 conditions).
    Or(Vec<Token>),
    /// `Fn::Not`.
    Not(Token),
    /// `{"Condition": name}` inside a condition function.
    Condition(ConditionRef),
}

impl Intrinsic {
    /// The function's CloudFormation name.
    pub fn name(&self) -> &'static str {
        match self {
            Intrinsic::Ref(_) => "Ref",
            Intrinsic::GetAtt(..) => "Fn::GetAtt",
            Intrinsic::Sub(..) => "Fn::Sub",
            Intrinsic::Join(..) => "Fn::Join",
            Intrinsic::Select(..) => "Fn::Select",
            Intrinsic::Split(..) => "Fn::Split",
            Intrinsic::If(..) => "Fn::If",
            Intrinsic::ImportValue(_) => "Fn::ImportValue",
            Intrinsic::FindInMap(..) => "Fn::FindInMap",
            Intrinsic::Base64(_) => "Fn::Base64",
            Intrinsic::GetAzs(_) => "Fn::GetAZs",
            Intrinsic::Cidr(..) => "Fn::Cidr",
            Intrinsic::Equals(..) => "Fn::Equals",
            Intrinsic::And(_) => "Fn::And",
            Intrinsic::Or(_) => "Fn::Or",
            Intrinsic::Not(_) => "Fn::Not",
            Intrinsic::Condition(_) => "Condition",
        }
    }
}

/// A typed expression: an intrinsic that evaluates to a `T` at deploy time.
///
/// `Expr<String>` is a string-valued token (a name, an ARN, a URL);
/// `Expr<Vec<String>>` a list-valued one (`Fn::GetAZs`, `Fn::Split`).
#[derive(Debug, PartialEq)]
pub struct Expr<T> {
    token: Token,
    _kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Expr<T> {
    fn clone(&self) -> Self {
        Expr { token: self.token.clone(), _kind: PhantomData }
    }
}

impl<T> Expr<T> {
    /// Wraps an intrinsic as a typed expression. The caller vouches for the type.
    pub fn from_intrinsic(f: Intrinsic) -> Self {
        Expr { token: Token::Fn(Box::new(f)), _kind: PhantomData }
    }

    /// Wraps any token as a typed expression. The caller vouches for the type.
    pub fn from_token(token: Token) -> Self {
        Expr { token, _kind: PhantomData }
    }

    /// The underlying token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Consumes the expression, giving its token.
    pub fn into_token(self) -> Token {
        self.token
    }
}

/// A property value: a literal, or an expression evaluated at deploy time.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<T> {
    /// A literal value known at synthesis.
    Lit(T),
    /// An intrinsic function (or any token) evaluated by CloudFormation.
    Expr(Token),
}

impl<T> Value<T> {
    /// The literal, when the value is known at synthesis.
    pub fn literal(&self) -> Option<&T> {
        match self {
            Value::Lit(v) => Some(v),
            Value::Expr(_) => None,
        }
    }
}

impl<T> From<T> for Value<T> {
    fn from(v: T) -> Self {
        Value::Lit(v)
    }
}

impl From<&str> for Value<String> {
    fn from(v: &str) -> Self {
        Value::Lit(v.to_string())
    }
}

impl From<&String> for Value<String> {
    fn from(v: &String) -> Self {
        Value::Lit(v.clone())
    }
}

impl<T> From<Expr<T>> for Value<T> {
    fn from(e: Expr<T>) -> Self {
        Value::Expr(e.token)
    }
}

impl<T> From<&Expr<T>> for Value<T> {
    fn from(e: &Expr<T>) -> Self {
        Value::Expr(e.token.clone())
    }
}

impl From<i32> for Value<i64> {
    fn from(v: i32) -> Self {
        Value::Lit(i64::from(v))
    }
}

impl From<u32> for Value<i64> {
    fn from(v: u32) -> Self {
        Value::Lit(i64::from(v))
    }
}

impl From<i32> for Value<f64> {
    fn from(v: i32) -> Self {
        Value::Lit(f64::from(v))
    }
}

impl<T: ToToken> ToToken for Value<T> {
    fn to_token(&self) -> Token {
        match self {
            Value::Lit(v) => v.to_token(),
            Value::Expr(t) => t.clone(),
        }
    }
}

/// Conversion of typed property values into template tokens.
pub trait ToToken {
    /// The token written into the template.
    fn to_token(&self) -> Token;
}

impl ToToken for Token {
    fn to_token(&self) -> Token {
        self.clone()
    }
}
impl ToToken for String {
    fn to_token(&self) -> Token {
        Token::Str(self.clone())
    }
}
impl ToToken for bool {
    fn to_token(&self) -> Token {
        Token::Bool(*self)
    }
}
impl ToToken for i64 {
    fn to_token(&self) -> Token {
        Token::Int(*self)
    }
}
impl ToToken for f64 {
    fn to_token(&self) -> Token {
        // Whole numbers are written without a fraction: `5`, not `5.0`.
        if self.fract() == 0.0 && self.abs() < 9.0e15 {
            Token::Int(*self as i64)
        } else {
            Token::Float(*self)
        }
    }
}
impl ToToken for serde_json::Value {
    fn to_token(&self) -> Token {
        Token::from_json(self)
    }
}
impl<T: ToToken> ToToken for Vec<T> {
    fn to_token(&self) -> Token {
        Token::List(self.iter().map(ToToken::to_token).collect())
    }
}
impl<T: ToToken> ToToken for IndexMap<String, T> {
    fn to_token(&self) -> Token {
        Token::Map(self.iter().map(|(k, v)| (k.clone(), v.to_token())).collect())
    }
}
impl<T> ToToken for Expr<T> {
    fn to_token(&self) -> Token {
        self.token.clone()
    }
}
