//! What synthesis can know about a physical name before CloudFormation
//! evaluates it; the name rules of each service (S3 buckets, SQS queues,
//! SNS topics) are checked on that knowledge.
//!
//! A literal name is known whole. An `Fn::Sub` or `Fn::Join` of literals
//! and expressions (`uploads-${EnvironmentSuffix}`) is known in its literal
//! parts: their characters, a lower bound of the length, and the text it
//! starts and ends with. Anything else (a `Ref`, an import) is unknown and
//! left to CloudFormation.

use cfnkit_core::token::{Intrinsic, Token, Value};

/// One piece of a name: text known now, or a value known only at deploy time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Unknown,
}

/// The known pieces of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KnownName {
    pieces: Vec<Piece>,
}

impl KnownName {
    /// What is known of `v`, or `None` when nothing is.
    pub(crate) fn of(v: &Value<String>) -> Option<Self> {
        let pieces = match v {
            Value::Lit(s) => vec![Piece::Text(s.clone())],
            Value::Expr(t) => token_pieces(t)?,
        };
        Some(KnownName { pieces })
    }

    /// The literal characters, in order.
    pub(crate) fn text(&self) -> String {
        self.texts().collect()
    }

    /// Every literal piece.
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Text(s) => Some(s.as_str()),
            Piece::Unknown => None,
        })
    }

    /// True when every piece is literal.
    pub(crate) fn fully_known(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The literal text the name starts with (empty when it starts with an expression).
    pub(crate) fn start(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Text(s)) => s,
            _ => "",
        }
    }

    /// The literal text the name ends with (empty when it ends with an expression).
    pub(crate) fn end(&self) -> &str {
        match self.pieces.last() {
            Some(Piece::Text(s)) => s,
            _ => "",
        }
    }

    /// `"12 characters"`, or `"at least 12 characters"` when part is unknown.
    pub(crate) fn describe_len(&self) -> String {
        let len = self.text().chars().count();
        if self.fully_known() {
            format!("{len} characters")
        } else {
            format!("at least {len} characters")
        }
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
                Some(merge(out))
            }
            _ => Some(vec![Piece::Unknown]),
        },
        _ => None,
    }
}

/// Splits an `Fn::Sub` template into literal text and placeholders; a
/// placeholder bound to a literal (or a nested literal expression) is text.
fn sub_pieces<'a>(template: &str, var: impl Fn(&str) -> Option<&'a Token>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push(Piece::Text(rest[..start].to_string()));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push(Piece::Text(rest[start..].to_string()));
            rest = "";
            break;
        };
        let name = &after[..end];
        if let Some(lit) = name.strip_prefix('!') {
            // `${!Literal}` writes `${Literal}`.
            out.push(Piece::Text(format!("${{{lit}}}")));
        } else {
            out.extend(var(name).and_then(token_pieces).unwrap_or_else(|| vec![Piece::Unknown]));
        }
        rest = &after[end + 1..];
    }
    out.push(Piece::Text(rest.to_string()));
    merge(out)
}

/// Joins adjacent text pieces and drops empty ones.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (_, Piece::Text(s)) if s.is_empty() => {}
            (Some(Piece::Text(prev)), Piece::Text(s)) => prev.push_str(&s),
            (_, p) => out.push(p),
        }
    }
    out
}

/// The `.fifo` suffix rule SQS queues and SNS topics share: a FIFO
/// resource's name ends in `.fifo`, and only a FIFO resource's does.
/// `noun` is `queue` or `topic`; `property` is `QueueName` or `TopicName`.
pub(crate) fn check_fifo_suffix(
    path: &str,
    property: &str,
    noun: &str,
    fifo: bool,
    known: &KnownName,
    out: &mut Vec<cfnkit_core::diag::Diagnostic>,
) {
    use cfnkit_core::diag::{DiagKind, Diagnostic};
    let text = known.text();
    #[allow(clippy::case_sensitive_file_extension_comparisons, reason = "AWS requires the lowercase suffix")]
    let ends_fifo = known.end().ends_with(".fifo");
    if fifo && !ends_fifo {
        out.push(
            Diagnostic::error_of(DiagKind::Pattern, path, format!("a FIFO {noun}'s name must end in .fifo"))
                .property(property)
                .value(format!("{text:?}"))
                .allowed("a name ending in .fifo (sfx.format(\"orders-{}.fifo\"))"),
        );
    } else if !fifo && ends_fifo {
        out.push(
            Diagnostic::error_of(DiagKind::Pattern, path, format!("only a FIFO {noun}'s name may end in .fifo"))
                .property(property)
                .value(format!("{text:?}"))
                .allowed(format!("call .fifo() on the {noun}, or drop the .fifo suffix")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfnkit_core::fns;
    use cfnkit_core::token::Pseudo;

    #[test]
    fn a_sub_is_known_in_its_literal_parts() {
        let v: Value<String> = fns::sub("uploads-${S}.x").var("S", Pseudo::Region.expr()).into();
        let k = KnownName::of(&v).unwrap_or(KnownName { pieces: Vec::new() });
        assert_eq!(k.text(), "uploads-.x");
        assert_eq!(k.start(), "uploads-");
        assert_eq!(k.end(), ".x");
        assert!(!k.fully_known());
        assert_eq!(k.describe_len(), "at least 10 characters");
    }

    #[test]
    fn literal_variables_and_escapes_are_text() {
        let v: Value<String> = fns::sub("a-${X}-${!Y}").var("X", "b").into();
        assert_eq!(KnownName::of(&v).map(|k| (k.text(), k.fully_known())), Some(("a-b-${Y}".into(), true)));
    }
}
