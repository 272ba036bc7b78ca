//! The resources' typed checks (what each resource type's `validate`
//! reports), minus the properties an override replaced: those are checked
//! as written, by the limits module.

use crate::diag::{Diagnostic, Validator};
use crate::limits::ResourceInfo;
use crate::tree::{ResourceEntry, Stack};

/// Runs the typed checks of one resource at `path`; `applied` lists the
/// property paths its overrides set or deleted.
pub(super) fn check(e: &ResourceEntry, path: &str, applied: &[(String, bool)], diags: &mut Vec<Diagnostic>) {
    let mut typed = Vec::new();
    e.resource.validate(&mut Validator::new(&mut typed, path.to_string()));
    diags.extend(typed.into_iter().filter(|d| {
        let prop = d.property.as_deref().unwrap_or_default();
        !applied.iter().any(|(o, _)| prop == o || prop.starts_with(&format!("{o}.")))
    }));
}

/// Runs the typed checks of every resource of `s`, after resolution (for a
/// stack found to be a dependency of the stacks asked for).
pub(super) fn check_stack(s: &Stack, infos: &[ResourceInfo], diags: &mut Vec<Diagnostic>) {
    for (e, info) in s.resources.iter().zip(infos) {
        check(e, &info.path, &info.overrides, diags);
    }
}
