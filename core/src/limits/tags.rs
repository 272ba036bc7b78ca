//! Tag limits, checked on each resource's `Tags` as written (its own tags
//! merged with those inherited from its scopes and the stack).
//!
//! Source: "Tag naming limits and requirements", Tagging AWS Resources
//! and Tag Editor User Guide,
//! <https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions>:
//! at most 50 user tags per resource; keys 1 to 128 Unicode characters;
//! values 0 to 256; keys must not start with the reserved `aws:` prefix
//! (in any case); keys are unique per resource.

use serde_json::{Map, Value as Json};

use crate::diag::Diagnostic;

/// User-created tags per resource.
pub const MAX_TAGS: usize = 50;
/// Characters in a tag key.
pub const MAX_KEY_CHARS: usize = 128;
/// Characters in a tag value.
pub const MAX_VALUE_CHARS: usize = 256;
/// The prefix AWS reserves for its own tags.
pub const RESERVED_PREFIX: &str = "aws:";

/// Checks the `Tags` property of one resource. `overridden` says whether
/// an override wrote into it (named in the messages).
pub(crate) fn check(path: &str, props: &Map<String, Json>, overridden: bool, out: &mut Vec<Diagnostic>) {
    let Some(tags) = props.get("Tags") else { return };
    let pairs: Vec<(String, Option<&Json>)> = match tags {
        Json::Array(items) => items
            .iter()
            .filter_map(|t| t.as_object())
            .filter_map(|t| t.get("Key").map(|k| (k, t.get("Value"))))
            .filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v)))
            .collect(),
        Json::Object(m) if !m.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) => {
            m.iter().map(|(k, v)| (k.clone(), Some(v))).collect()
        }
        _ => return,
    };
    let via = if overridden { " (Tags were overridden)" } else { "" };
    if pairs.len() > MAX_TAGS {
        out.push(
            Diagnostic::error(path, format!("too many tags{via}"))
                .property("Tags")
                .value(format!("{} tags, own and inherited from the stack and scopes", pairs.len()))
                .allowed(format!("at most {MAX_TAGS} tags per resource")),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        let prop = format!("Tags.{k}");
        // Lengths are reported where the schema check reports them (Tags.N.Key), once.
        let key_prop = format!("Tags.{i}.Key");
        let n = k.chars().count();
        if n == 0 {
            out.push(
                Diagnostic::error(path, format!("empty tag key{via}"))
                    .property(format!("Tags.{i}.Key"))
                    .value("\"\"")
                    .allowed(format!("1 to {MAX_KEY_CHARS} characters")),
            );
        } else if n > MAX_KEY_CHARS {
            out.push(
                Diagnostic::error(path, format!("tag key too long{via}"))
                    .property(key_prop)
                    .value(format!("{n} characters"))
                    .allowed(format!("1 to {MAX_KEY_CHARS} characters")),
            );
        }
        if k.get(..RESERVED_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_PREFIX)) {
            out.push(
                Diagnostic::error(path, format!("tag key uses the reserved aws: prefix{via}"))
                    .property(prop.clone())
                    .value(format!("{k:?}"))
                    .allowed("keys not starting with aws: (AWS reserves it for its own tags)"),
            );
        }
        if let Some(s) = v.and_then(|v| v.as_str()) {
            let n = s.chars().count();
            if n > MAX_VALUE_CHARS {
                out.push(
                    Diagnostic::error(path, format!("tag value too long{via}"))
                        .property(format!("Tags.{i}.Value"))
                        .value(format!("{n} characters"))
                        .allowed(format!("0 to {MAX_VALUE_CHARS} characters")),
                );
            }
        }
        if seen.contains(&k.as_str()) {
            out.push(
                Diagnostic::error(path, format!("tag key used twice{via}"))
                    .property(prop)
                    .value(format!("{k:?}"))
                    .allowed("unique tag keys per resource"),
            );
        }
        seen.push(k);
    }
}
