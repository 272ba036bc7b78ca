//! ARNs built from pseudo parameters: never a hard-coded partition, region
//! or account.

use cfnkit_core::fns;
use cfnkit_core::token::{Expr, Token};

/// `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`.
pub fn account_root() -> Expr<String> {
    fns::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root").expr()
}

/// `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<resource>`,
/// where `resource` may hold `${Var}` placeholders bound in `vars`.
pub fn regional<V: Into<Token>>(
    service: &str,
    resource: &str,
    vars: impl IntoIterator<Item = (&'static str, V)>,
) -> Expr<String> {
    let mut s = fns::sub(format!("arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"));
    for (k, v) in vars {
        s = s.var(k, v);
    }
    s.expr()
}

/// `<arn>/*`: every object of a bucket, every index of a table.
pub fn child_of(arn: impl Into<Token>, suffix: &str) -> Expr<String> {
    fns::sub(format!("${{Arn}}{suffix}")).var("Arn", arn).expr()
}
