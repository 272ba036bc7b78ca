//! What synthesis can know about a name before CloudFormation evaluates it.
//!
//! A literal name is known whole. An `Fn::Sub` or `Fn::Join` of literals and
//! expressions (`orders-${EnvironmentSuffix}.fifo`) is known in its literal
//! parts: their characters, a lower bound of the length, and how it ends.
//! Anything else (a `Ref`, an import) is unknown and left to CloudFormation.

use cfnkit_core::token::{Intrinsic, Token, Value};

/// One piece of a name: text known now, or a value known only at deploy time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Literal text.
    Text(String),
    /// An expression (a parameter, an attribute...).
    Unknown,
}

/// The pieces of a string value, or `None` when nothing is known of it.
pub(crate) fn pieces(v: &Value<String>) -> Option<Vec<Piece>> {
    match v {
        Value::Lit(s) => Some(vec![Piece::Text(s.clone())]),
        Value::Expr(t) => token_pieces(t),
    }
}

fn token_pieces(t: &Token) -> Option<Vec<Piece>> {
    match t {
        Token::Str(s) => Some(vec![Piece::Text(s.clone())]),
        Token::Fn(f) => match f.as_ref() {
            Intrinsic::Sub(template, vars) => Some(sub_pieces(template, |name| vars.get(name))),
            Intrinsic::Join(delimiter, parts) => {
                let mut out = Vec::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 && !delimiter.is_empty() {
                        out.push(Piece::Text(delimiter.clone()));
                    }
                    out.extend(token_pieces(p).unwrap_or_else(|| vec![Piece::Unknown]));
                }
                Some(out)
            }
            _ => Some(vec![Piece::Unknown]),
        },
        _ => None,
    }
}

/// Splits an `Fn::Sub` template into literal text and placeholders; a
/// placeholder bound to a literal (or to a nested literal expression) becomes text.
fn sub_pieces<'a>(template: &str, var: impl Fn(&str) -> Option<&'a Token>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        if let Some(lit) = name.strip_prefix('!') {
            // `${!Literal}` writes `${Literal}`.
            text.push_str("${");
            text.push_str(lit);
            text.push('}');
        } else {
            let bound = var(name).and_then(token_pieces).unwrap_or_else(|| vec![Piece::Unknown]);
            for p in bound {
                match p {
                    Piece::Text(s) => text.push_str(&s),
                    Piece::Unknown => {
                        if !text.is_empty() {
                            out.push(Piece::Text(std::mem::take(&mut text)));
                        }
                        out.push(Piece::Unknown);
                    }
                }
            }
        }
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// The literal characters of the pieces, in order.
pub(crate) fn known_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(s) => Some(s.as_str()),
            Piece::Unknown => None,
        })
        .collect()
}

/// The literal text the name ends with (empty when it ends with an expression).
pub(crate) fn known_ending(pieces: &[Piece]) -> &str {
    match pieces.last() {
        Some(Piece::Text(s)) => s,
        _ => "",
    }
}

/// True when every piece is literal text.
pub(crate) fn fully_known(pieces: &[Piece]) -> bool {
    pieces.iter().all(|p| matches!(p, Piece::Text(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfnkit_core::fns;

    #[test]
    fn a_sub_is_known_in_its_literal_parts() {
        let v: Value<String> = fns::sub("orders-${S}.fifo").var("S", cfnkit_core::token::Pseudo::Region.expr()).into();
        let p = pieces(&v).unwrap_or_default();
        assert_eq!(p, vec![Piece::Text("orders-".into()), Piece::Unknown, Piece::Text(".fifo".into())]);
        assert_eq!(known_text(&p), "orders-.fifo");
        assert_eq!(known_ending(&p), ".fifo");
        assert!(!fully_known(&p));
    }

    #[test]
    fn literal_variables_and_escapes_are_text() {
        let v: Value<String> = fns::sub("a-${X}-${!Y}").var("X", "b").into();
        assert_eq!(pieces(&v), Some(vec![Piece::Text("a-b-${Y}".into())]));
    }

    #[test]
    fn pseudo_parameters_are_unknown() {
        let v: Value<String> = fns::sub("q-${AWS::Region}").into();
        assert_eq!(pieces(&v), Some(vec![Piece::Text("q-".into()), Piece::Unknown]));
    }
}
