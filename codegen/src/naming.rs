//! Rust names from schema names: snake_case fields, PascalCase types,
//! keyword escaping.

use heck::ToSnakeCase;

/// Words Rust reserves (strict, reserved and edition-2024 keywords), plus
/// `new`, which every generated struct uses for its constructor.
const RESERVED: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "new", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Mixed-case acronyms heck would split oddly (`IPv6` -> `i_pv6`).
const ACRONYMS: &[(&str, &str)] =
    &[("IPv4", "Ipv4"), ("IPv6", "Ipv6"), ("OAuth", "Oauth"), ("ETag", "Etag"), ("GiB", "Gib"), ("VCpu", "Vcpu")];

/// `KMSMasterKeyId` -> `kms_master_key_id`, without keyword escaping.
pub fn snake_plain(name: &str) -> String {
    let mut n = name.to_string();
    for (from, to) in ACRONYMS {
        n = n.replace(from, to);
    }
    n.to_snake_case()
}

/// `KMSMasterKeyId` -> `kms_master_key_id`; keywords get a trailing `_`
/// (`Type` -> `type_`).
pub fn snake(name: &str) -> String {
    let s = snake_plain(name);
    if RESERVED.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// A type name from a schema name: kept as written (schema names are
/// already PascalCase), with non-alphanumerics dropped and the first letter
/// upper-cased (`iso8601UTC` -> `Iso8601UTC`).
pub fn pascal(name: &str) -> String {
    let cleaned: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut chars = cleaned.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => format!("T{cleaned}"),
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => "Unnamed".to_string(),
    }
}

/// The name of one item of a list property: `Tags` -> `Tag`,
/// `Entries` -> `Entry`, `KeySchema` -> `KeySchema`.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with('s') && !name.ends_with("ss") && name.len() > 1 {
        name[..name.len() - 1].to_string()
    } else {
        name.to_string()
    }
}

/// The module (and cargo feature) name of a service: `DynamoDB` -> `dynamodb`.
pub fn module(service: &str) -> String {
    service.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_fields() {
        assert_eq!(snake("KMSMasterKeyId"), "kms_master_key_id");
        assert_eq!(snake("SSESpecification"), "sse_specification");
        assert_eq!(snake("Type"), "type_");
        assert_eq!(snake("Ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(snake("IPv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(snake("TTL"), "ttl");
        assert_eq!(snake("OKActions"), "ok_actions");
    }

    #[test]
    fn type_names() {
        assert_eq!(pascal("iso8601UTC"), "Iso8601UTC");
        assert_eq!(pascal("SSESpecification"), "SSESpecification");
        assert_eq!(singular("Tags"), "Tag");
        assert_eq!(singular("Entries"), "Entry");
        assert_eq!(singular("Address"), "Address");
    }
}
