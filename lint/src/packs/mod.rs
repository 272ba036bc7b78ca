//! The rule packs. Each rule is a `const` [`Rule`] beside
//! its check function; [`all`] lists every rule once.

use std::sync::OnceLock;

use crate::rule::Rule;

pub mod conventions;
mod conventions_arn;
pub mod security;
mod security_access;
mod security_data;

/// Every rule of every pack, in a stable order (conventions, security, suppressions).
pub fn all() -> &'static [Rule] {
    static ALL: OnceLock<Vec<Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(conventions::RULES);
        v.extend_from_slice(conventions_arn::RULES);
        v.extend_from_slice(security::rules());
        v.push(crate::suppress::MISSING_REASON);
        v
    })
}
