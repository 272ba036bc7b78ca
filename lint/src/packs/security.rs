//! The `security` pack: encryption at rest and key rotation
//! (`security_data`), public access, TLS, network exposure and IAM
//! wildcards (`security_access`).

use std::sync::OnceLock;

use crate::rule::{Hit, Rule};
use crate::template::{truth, Res, Truth};

/// The pack's rules.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(super::security_data::RULES);
        v.extend_from_slice(super::security_access::RULES);
        v
    })
}

/// Pushes a hit unless the flag at `path` is true (or decided at deploy time).
pub(crate) fn require_true(r: &Res<'_>, path: &str, what: &str, hits: &mut Vec<Hit>) {
    if truth(r.prop(path)) == Truth::False {
        let at = if r.prop(path).is_some() { r.ptr(path) } else { r.attr_ptr("Type") };
        hits.push(Hit::at(r.id, at, format!("{} {what}", r.kind)));
    }
}
