//! Checks on tokens before they are resolved: nesting depth (so deep
//! values never overflow the stack or take seconds), non-finite numbers
//! (JSON has no NaN or infinity; they would be written as `null`), and the
//! mistakes `Suffix::format` cannot report itself.

use crate::diag::Diagnostic;
use crate::token::{Intrinsic, RefTarget, Token};
use crate::tree::ParamRef;

/// The deepest nesting of lists, objects and intrinsic functions accepted
/// in one value. CloudFormation documents no limit, but real templates
/// stay far below it (policy documents and state machines nest about ten
/// deep), and every synthesis step walks values recursively.
pub const MAX_DEPTH: usize = 100;

/// The name of the `Fn::Sub` variable `Suffix::format` binds to the suffix.
pub(crate) const SUFFIX_VAR: &str = "Suffix";

/// What was found in one value.
pub(crate) struct Findings {
    /// The value nests deeper than [`MAX_DEPTH`]: it must not be resolved.
    pub(crate) too_deep: bool,
}

/// The child tokens of an intrinsic.
fn children(f: &Intrinsic) -> Vec<(&'static str, &Token)> {
    match f {
        Intrinsic::Ref(_) | Intrinsic::GetAtt(..) | Intrinsic::Condition(_) => Vec::new(),
        Intrinsic::Sub(_, vars) => vars.values().map(|v| ("Fn::Sub", v)).collect(),
        Intrinsic::Join(_, v) | Intrinsic::And(v) | Intrinsic::Or(v) => v.iter().map(|t| (f.name(), t)).collect(),
        Intrinsic::Select(a, b) | Intrinsic::FindInMap(_, a, b) | Intrinsic::Equals(a, b) => {
            vec![(f.name(), a), (f.name(), b)]
        }
        Intrinsic::If(_, a, b) => vec![("Fn::If", a), ("Fn::If", b)],
        Intrinsic::Split(_, a)
        | Intrinsic::ImportValue(a)
        | Intrinsic::Base64(a)
        | Intrinsic::GetAzs(a)
        | Intrinsic::Not(a) => vec![(f.name(), a)],
        Intrinsic::Cidr(a, b, c) => vec![("Fn::Cidr", a), ("Fn::Cidr", b), ("Fn::Cidr", c)],
    }
}

/// Walks `t` (without recursion) and reports, at construct `path` and
/// property `property`: nesting deeper than [`MAX_DEPTH`], non-finite
/// numbers, and `Suffix::format` templates that drop the suffix or keep a
/// literal `{}`. `suffix` is the stack's suffix parameter, if any.
pub(crate) fn check(
    t: &Token,
    path: &str,
    property: &str,
    suffix: Option<ParamRef>,
    out: &mut Vec<Diagnostic>,
) -> Findings {
    let mut too_deep = false;
    let mut stack: Vec<(&Token, usize, String)> = vec![(t, 1, property.to_string())];
    while let Some((t, depth, prop)) = stack.pop() {
        if depth > MAX_DEPTH {
            if !too_deep {
                out.push(
                    Diagnostic::error(path, "value nested too deep")
                        .property(property)
                        .value(format!("more than {MAX_DEPTH} levels of lists, objects and functions"))
                        .allowed(format!("at most {MAX_DEPTH} levels")),
                );
            }
            too_deep = true;
            continue;
        }
        match t {
            Token::Float(f) if !f.is_finite() => out.push(
                Diagnostic::error(path, "number is not finite")
                    .property(prop)
                    .value(f.to_string())
                    .allowed("a finite number (JSON has no NaN or infinity)"),
            ),
            Token::List(items) => {
                for (i, x) in items.iter().enumerate().rev() {
                    stack.push((x, depth + 1, join(&prop, &i.to_string())));
                }
            }
            Token::Map(m) => {
                for (k, x) in m.iter().rev() {
                    stack.push((x, depth + 1, join(&prop, k)));
                }
            }
            Token::Fn(f) => {
                if let Intrinsic::Sub(text, vars) = f.as_ref() {
                    check_suffix_format(text, vars, suffix, path, &prop, out);
                }
                for (_, x) in children(f).into_iter().rev() {
                    stack.push((x, depth + 1, prop.clone()));
                }
            }
            _ => {}
        }
    }
    Findings { too_deep }
}

/// Drops `t` without recursion: a value too deep to resolve is also too
/// deep to drop the ordinary way (one stack frame per level).
pub(crate) fn dispose(t: Token) {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            Token::List(items) => stack.extend(items),
            Token::Map(m) => stack.extend(m.into_values()),
            Token::Fn(f) => match *f {
                Intrinsic::Ref(_) | Intrinsic::GetAtt(..) | Intrinsic::Condition(_) => {}
                Intrinsic::Sub(_, vars) => stack.extend(vars.into_values()),
                Intrinsic::Join(_, v) | Intrinsic::And(v) | Intrinsic::Or(v) => stack.extend(v),
                Intrinsic::Select(a, b)
                | Intrinsic::FindInMap(_, a, b)
                | Intrinsic::Equals(a, b)
                | Intrinsic::If(_, a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Intrinsic::Split(_, a)
                | Intrinsic::ImportValue(a)
                | Intrinsic::Base64(a)
                | Intrinsic::GetAzs(a)
                | Intrinsic::Not(a) => stack.push(a),
                Intrinsic::Cidr(a, b, c) => stack.extend([a, b, c]),
            },
            _ => {}
        }
    }
}

fn join(prop: &str, part: &str) -> String {
    if prop.is_empty() {
        part.to_string()
    } else {
        format!("{prop}.{part}")
    }
}

/// A `Fn::Sub` made by `Suffix::format` binds [`SUFFIX_VAR`] to the suffix
/// parameter: its template must use it exactly once and keep no `{}`.
fn check_suffix_format(
    text: &str,
    vars: &indexmap::IndexMap<String, Token>,
    suffix: Option<ParamRef>,
    path: &str,
    prop: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(Token::Fn(f)) = vars.get(SUFFIX_VAR) else { return };
    let Intrinsic::Ref(RefTarget::Parameter(p)) = f.as_ref() else { return };
    if suffix != Some(*p) {
        return;
    }
    let placeholder = format!("${{{SUFFIX_VAR}}}");
    let shown = text.replace(&placeholder, "{}");
    if !text.contains(&placeholder) {
        out.push(
            Diagnostic::error(path, "suffixed name has no {} placeholder: the suffix would be dropped")
                .property(prop)
                .value(format!("{shown:?}"))
                .allowed("exactly one {} where the suffix goes (sfx.format(\"orders-{}\")), or sfx.name(\"orders\")"),
        );
    } else if text.contains("{}") {
        out.push(
            Diagnostic::error(path, "suffixed name has more than one {} placeholder")
                .property(prop)
                .value(format!("{shown:?}"))
                .allowed("exactly one {} (only the first is replaced by the suffix)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_values_are_reported_once_without_recursion() {
        let mut t = Token::Int(1);
        for _ in 0..50_000 {
            t = Token::List(vec![t]);
        }
        let mut out = Vec::new();
        assert!(check(&t, "s/R", "P", None, &mut out).too_deep);
        assert_eq!(out.len(), 1);
        assert!(out[0].to_string().contains("nested too deep"), "{}", out[0]);
        dispose(t);
    }

    #[test]
    fn non_finite_numbers_are_named_by_path() {
        let t = Token::object([("A", Token::list([Token::Float(1.5), Token::Float(f64::NAN)]))]);
        let mut out = Vec::new();
        check(&t, "s/R", "P", None, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].property.as_deref(), Some("P.A.1"));
    }
}
