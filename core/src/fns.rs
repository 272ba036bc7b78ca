//! Builders for CloudFormation's intrinsic functions.
//!
//! Each returns a typed [`Expr`], so `fns::join(..)` can go wherever a
//! string property is expected and `fns::get_azs(..)` wherever a list is.
//!
//! ```
//! use cfnkit::core::fns;
//! use cfnkit::core::token::Pseudo;
//! let arn = fns::sub("arn:${AWS::Partition}:s3:::${Name}/*").var("Name", "my-bucket").expr();
//! let azs = fns::get_azs(Pseudo::Region.expr());
//! let first = fns::select(0, azs);
//! # let _ = (arn, first);
//! ```

use indexmap::IndexMap;

use crate::token::{Expr, Intrinsic, Token};
use crate::tree::{ConditionRef, MappingRef};

/// `Fn::Sub`: a template string with `${Var}` placeholders and a variable map.
///
/// Placeholders may name a variable of the map, a pseudo parameter
/// (`${AWS::Region}`) or a parameter of the stack (`${EnvironmentSuffix}`);
/// synthesis reports any other name as a dangling reference.
#[derive(Clone, Debug)]
pub struct Sub {
    template: String,
    vars: IndexMap<String, Token>,
}

/// Starts an `Fn::Sub` expression.
pub fn sub(template: impl Into<String>) -> Sub {
    Sub { template: template.into(), vars: IndexMap::new() }
}

impl Sub {
    /// Binds `${name}` to a value (a literal or an expression).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<Token>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// The finished string expression.
    pub fn expr(self) -> Expr<String> {
        Expr::from_intrinsic(Intrinsic::Sub(self.template, self.vars))
    }
}

impl From<Sub> for Expr<String> {
    fn from(s: Sub) -> Self {
        s.expr()
    }
}

impl From<Sub> for Token {
    fn from(s: Sub) -> Self {
        s.expr().into_token()
    }
}

impl From<Sub> for crate::token::Value<String> {
    fn from(s: Sub) -> Self {
        s.expr().into()
    }
}

/// `Fn::Join`: concatenates the parts with a delimiter.
pub fn join<P: Into<Token>>(delimiter: impl Into<String>, parts: impl IntoIterator<Item = P>) -> Expr<String> {
    Expr::from_intrinsic(Intrinsic::Join(delimiter.into(), parts.into_iter().map(Into::into).collect()))
}

/// `Fn::Select`: the item at `index` of a list expression.
pub fn select<T>(index: u32, list: impl Into<Expr<Vec<T>>>) -> Expr<T> {
    Expr::from_intrinsic(Intrinsic::Select(Token::Int(i64::from(index)), list.into().into_token()))
}

/// `Fn::Split`: splits a string expression on a delimiter.
pub fn split(delimiter: impl Into<String>, source: impl Into<Token>) -> Expr<Vec<String>> {
    Expr::from_intrinsic(Intrinsic::Split(delimiter.into(), source.into()))
}

/// `Fn::If`: `then` when the condition holds, else `otherwise`.
pub fn if_<T>(condition: ConditionRef, then: impl Into<Token>, otherwise: impl Into<Token>) -> Expr<T> {
    Expr::from_intrinsic(Intrinsic::If(condition, then.into(), otherwise.into()))
}

/// `Fn::ImportValue` of an export name.
pub fn import_value(export_name: impl Into<Token>) -> Expr<String> {
    Expr::from_intrinsic(Intrinsic::ImportValue(export_name.into()))
}

/// `Fn::FindInMap`.
pub fn find_in_map(mapping: MappingRef, top_key: impl Into<Token>, second_key: impl Into<Token>) -> Expr<String> {
    Expr::from_intrinsic(Intrinsic::FindInMap(mapping, top_key.into(), second_key.into()))
}

/// `Fn::Base64`.
pub fn base64(value: impl Into<Token>) -> Expr<String> {
    Expr::from_intrinsic(Intrinsic::Base64(value.into()))
}

/// `Fn::GetAZs` of a region (pass `""` for the stack's own region).
pub fn get_azs(region: impl Into<Token>) -> Expr<Vec<String>> {
    Expr::from_intrinsic(Intrinsic::GetAzs(region.into()))
}

/// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits carved from `ip_block`.
pub fn cidr(ip_block: impl Into<Token>, count: u32, cidr_bits: u32) -> Expr<Vec<String>> {
    Expr::from_intrinsic(Intrinsic::Cidr(
        ip_block.into(),
        Token::Int(i64::from(count)),
        Token::Int(i64::from(cidr_bits)),
    ))
}

/// A condition expression, registered on a stack with `Stack::condition`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cond(pub(crate) Token);

impl Cond {
    /// The condition's token.
    pub fn token(&self) -> &Token {
        &self.0
    }
}

/// `Fn::Equals`.
pub fn equals(a: impl Into<Token>, b: impl Into<Token>) -> Cond {
    Cond(Intrinsic::Equals(a.into(), b.into()).into())
}

/// `Fn::And` of 2 to 10 conditions (synthesis checks the count).
pub fn and(conditions: impl IntoIterator<Item = Cond>) -> Cond {
    Cond(Intrinsic::And(conditions.into_iter().map(|c| c.0).collect()).into())
}

/// `Fn::Or` of 2 to 10 conditions (synthesis checks the count).
pub fn or(conditions: impl IntoIterator<Item = Cond>) -> Cond {
    Cond(Intrinsic::Or(conditions.into_iter().map(|c| c.0).collect()).into())
}

/// `Fn::Not`.
pub fn not(condition: Cond) -> Cond {
    Cond(Intrinsic::Not(condition.0).into())
}

/// Uses an already registered condition inside another condition.
pub fn condition(c: ConditionRef) -> Cond {
    Cond(Intrinsic::Condition(c).into())
}
