//! How deep construct scopes may nest. Paths, logical ids and `tree.json`
//! are built by walking the scopes, so a limit keeps them fast and within
//! the stack; real programs nest a handful of levels.

use crate::diag::Diagnostic;
use crate::tree::Stack;

/// The deepest nesting of construct scopes in a stack.
pub const MAX_SCOPE_DEPTH: usize = 100;

/// Reports constructs nested deeper than [`MAX_SCOPE_DEPTH`]; false when some are.
pub(crate) fn check(s: &Stack, diags: &mut Vec<Diagnostic>) -> bool {
    // A node's parent is always added before it: one pass computes every depth.
    let mut depth = vec![0usize; s.nodes.len()];
    for (i, n) in s.nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            depth[i] = depth.get(p as usize).map_or(0, |d| d + 1);
            if depth[i] > MAX_SCOPE_DEPTH {
                diags.push(
                    Diagnostic::error(format!("{}/.../{}", s.name, n.id), "constructs nested too deep")
                        .value(format!("more than {MAX_SCOPE_DEPTH} levels of scopes"))
                        .allowed(format!("at most {MAX_SCOPE_DEPTH} levels below the stack")),
                );
                return false;
            }
        }
    }
    true
}
