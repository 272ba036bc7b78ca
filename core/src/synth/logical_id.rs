//! Logical ids: readable PascalCase from construct paths, no hashes.
//!
//! The path below the stack is taken component by component; `Resource`
//! and `Default` components are dropped (they name a construct's primary
//! resource), every run of letters and digits starts with a capital, and
//! everything else is removed: `AuditFunction/ServiceRole/Resource` becomes
//! `AuditFunctionServiceRole`, `orders-table` becomes `OrdersTable`.

/// Derives the logical id of the resource at `components` (the path below the stack).
pub fn from_path<'a>(components: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for c in components {
        if c == "Resource" || c == "Default" {
            continue;
        }
        let mut start = true;
        for ch in c.chars() {
            if ch.is_ascii_alphanumeric() {
                if start {
                    out.push(ch.to_ascii_uppercase());
                } else {
                    out.push(ch);
                }
                start = false;
            } else {
                start = true;
            }
        }
    }
    out
}

/// Checks a logical id: 1 to 255 ASCII letters and digits.
pub fn check(id: &str) -> Result<(), &'static str> {
    if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        Err("1 to 255 ASCII letters and digits")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_resources_take_their_construct_name() {
        assert_eq!(from_path(["OrdersTable", "Resource"]), "OrdersTable");
        assert_eq!(from_path(["AuditFunction", "ServiceRole", "Resource"]), "AuditFunctionServiceRole");
        assert_eq!(from_path(["A", "Default", "B"]), "AB");
    }

    #[test]
    fn separators_start_new_words_and_are_removed() {
        assert_eq!(from_path(["orders-table"]), "OrdersTable");
        assert_eq!(from_path(["status_timestamp.index"]), "StatusTimestampIndex");
        assert_eq!(from_path(["ABCService"]), "ABCService");
    }

    #[test]
    fn ids_must_be_short_alphanumeric() {
        assert!(check("OrdersTable").is_ok());
        assert!(check("").is_err());
        assert!(check("a-b").is_err());
        assert!(check(&"a".repeat(256)).is_err());
    }
}
