//! Property post-processing before resolution: inherited tags merged into
//! `Tags`, and dotted-path overrides applied.

use indexmap::IndexMap;

use crate::resource::TagFormat;
use crate::token::Token;

/// Merges inherited tags into the resource's own. The resource's own tags
/// win; inherited ones are appended in scope order (outermost first, nearer
/// scopes overriding values of outer ones).
pub(crate) fn merge_tags(props: &mut IndexMap<String, Token>, format: TagFormat, inherited: &IndexMap<String, Token>) {
    if inherited.is_empty() {
        return;
    }
    match format {
        TagFormat::None => {}
        TagFormat::List | TagFormat::ListPropagateAtLaunch => {
            let propagate = format == TagFormat::ListPropagateAtLaunch;
            let entry = props.entry("Tags".to_string()).or_insert_with(|| Token::List(Vec::new()));
            if let Token::List(items) = entry {
                let own: Vec<String> = items
                    .iter()
                    .filter_map(|t| t.as_map().and_then(|m| m.get("Key")).and_then(Token::as_str).map(str::to_string))
                    .collect();
                for (k, v) in inherited {
                    if !own.contains(k) {
                        let mut tag = vec![("Key", Token::Str(k.clone())), ("Value", v.clone())];
                        if propagate {
                            tag.push(("PropagateAtLaunch", Token::Bool(true)));
                        }
                        items.push(Token::object(tag));
                    }
                }
            }
        }
        TagFormat::Map => {
            let entry = props.entry("Tags".to_string()).or_insert_with(Token::map);
            if let Token::Map(m) = entry {
                for (k, v) in inherited {
                    m.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
}

/// Applies a dotted-path override (`A.B.0.C`) to the properties; `None` deletes.
/// Missing objects on the way are created. Returns a message when the path
/// cannot be followed.
pub(crate) fn apply_override(
    props: &mut IndexMap<String, Token>,
    path: &str,
    value: Option<&Token>,
) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("empty path component".into());
    }
    let (first, rest) = parts.split_first().ok_or("empty path")?;
    if rest.is_empty() {
        match value {
            Some(v) => {
                props.insert((*first).to_string(), v.clone());
            }
            None => {
                props.shift_remove(*first);
            }
        }
        return Ok(());
    }
    let mut cur = props.entry((*first).to_string()).or_insert_with(Token::map);
    for (i, part) in rest.iter().enumerate() {
        let last = i == rest.len() - 1;
        cur = match cur {
            Token::Map(m) => {
                if last {
                    match value {
                        Some(v) => {
                            m.insert((*part).to_string(), v.clone());
                        }
                        None => {
                            m.shift_remove(*part);
                        }
                    }
                    return Ok(());
                }
                m.entry((*part).to_string()).or_insert_with(Token::map)
            }
            Token::List(items) => {
                let idx: usize = part.parse().map_err(|_| format!("{part:?} is not a list index"))?;
                if idx >= items.len() {
                    return Err(format!("index {idx} is past the end of a list of {}", items.len()));
                }
                if last {
                    match value {
                        Some(v) => items[idx] = v.clone(),
                        None => {
                            items.remove(idx);
                        }
                    }
                    return Ok(());
                }
                &mut items[idx]
            }
            other => return Err(format!("cannot descend into {}", other.describe())),
        };
    }
    Ok(())
}

/// Appends `item` to the list at dotted `path` (objects only, no list
/// indexes), unless the list holds it already.
pub(crate) fn apply_append(props: &mut IndexMap<String, Token>, path: &str, item: &Token) -> Result<(), String> {
    // A top-level list property the construct has not written yet (a
    // managed policy's `Roles` before the first attachment) starts empty.
    if !path.contains('.') && !props.contains_key(path) {
        props.insert(path.to_string(), Token::List(Vec::new()));
    }
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let mut cur = props.get_mut(first).ok_or_else(|| format!("the resource has no {first}"))?;
    for part in parts {
        cur = match cur {
            Token::Map(m) => m.get_mut(part).ok_or_else(|| format!("no {part} under {path}"))?,
            other => return Err(format!("cannot descend into {}", other.describe())),
        };
    }
    match cur {
        Token::List(items) => {
            if !items.contains(item) {
                items.push(item.clone());
            }
            Ok(())
        }
        other => Err(format!("{path} is {}, not a list", other.describe())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props() -> IndexMap<String, Token> {
        let mut p = IndexMap::new();
        p.insert("A".into(), Token::object([("B", Token::list([Token::Int(1), Token::Int(2)]))]));
        p
    }

    #[test]
    fn overrides_deep_merge_create_and_delete() {
        let mut p = props();
        apply_override(&mut p, "A.C.D", Some(&Token::Str("x".into()))).unwrap();
        apply_override(&mut p, "A.B.1", Some(&Token::Int(9))).unwrap();
        apply_override(&mut p, "A.B.0", None).unwrap();
        assert_eq!(p["A"], Token::object([("B", Token::list([Token::Int(9)])), ("C", Token::object([("D", "x")]))]));
    }

    #[test]
    fn bad_override_paths_are_reported() {
        let mut p = props();
        assert!(apply_override(&mut p, "A.B.7", Some(&Token::Null)).is_err());
        assert!(apply_override(&mut p, "A.B.x", Some(&Token::Null)).is_err());
        assert!(apply_override(&mut p, "A..B", Some(&Token::Null)).is_err());
    }

    #[test]
    fn appends_land_once_in_existing_lists_only() {
        let mut p = props();
        apply_append(&mut p, "A.B", &Token::Int(3)).unwrap();
        apply_append(&mut p, "A.B", &Token::Int(3)).unwrap();
        assert_eq!(p["A"], Token::object([("B", Token::list([Token::Int(1), Token::Int(2), Token::Int(3)]))]));
        assert!(apply_append(&mut p, "A.C", &Token::Int(3)).is_err());
        assert!(apply_append(&mut p, "A", &Token::Int(3)).is_err());
        // An absent top-level property starts as a list; nested ones do not.
        apply_append(&mut p, "Roles", &Token::Int(7)).unwrap();
        assert_eq!(p["Roles"], Token::list([Token::Int(7)]));
        assert!(apply_append(&mut p, "X.Y", &Token::Int(3)).is_err());
    }

    #[test]
    fn own_tags_win_over_inherited_ones() {
        let mut p = IndexMap::new();
        p.insert("Tags".into(), Token::list([Token::object([("Key", "Purpose"), ("Value", "own")])]));
        let mut inh = IndexMap::new();
        inh.insert("Environment".to_string(), Token::Str("dev".into()));
        inh.insert("Purpose".to_string(), Token::Str("stack".into()));
        merge_tags(&mut p, TagFormat::List, &inh);
        let Token::List(items) = &p["Tags"] else { panic!() };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_map().unwrap()["Value"], Token::Str("own".into()));
    }

    #[test]
    fn auto_scaling_tags_propagate_to_instances() {
        let mut p = IndexMap::new();
        let mut inh = IndexMap::new();
        inh.insert("Environment".to_string(), Token::Str("dev".into()));
        merge_tags(&mut p, TagFormat::ListPropagateAtLaunch, &inh);
        assert_eq!(
            p["Tags"],
            Token::list([Token::object([
                ("Key", Token::Str("Environment".into())),
                ("Value", Token::Str("dev".into())),
                ("PropagateAtLaunch", Token::Bool(true)),
            ])])
        );
    }
}
