//! Dependency cycles: between the resources of a stack (references and
//! `DependsOn`) and between stacks (imports).

use indexmap::IndexSet;

use crate::diag::{DiagKind, Diagnostic};
use crate::tree::{App, Stack};

/// Every cycle of a directed graph (nodes `0..edges.len()`), each once,
/// rotated to start at its smallest node.
pub(crate) fn find_cycles(edges: &[IndexSet<u32>]) -> Vec<Vec<u32>> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; edges.len()];
    let mut found: IndexSet<Vec<u32>> = IndexSet::new();
    for start in 0..edges.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(u32, usize)> = vec![(start as u32, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let targets = &edges[node as usize];
            if *next < targets.len() {
                let t = targets[*next];
                *next += 1;
                match state.get(t as usize) {
                    Some(0) => {
                        state[t as usize] = 1;
                        stack.push((t, 0));
                    }
                    Some(1) => {
                        let pos = stack.iter().position(|(n, _)| *n == t).unwrap_or(0);
                        let mut cycle: Vec<u32> = stack[pos..].iter().map(|(n, _)| *n).collect();
                        let min = cycle.iter().enumerate().min_by_key(|(_, n)| **n).map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        found.insert(cycle);
                    }
                    _ => {}
                }
            } else {
                state[node as usize] = 2;
                stack.pop();
            }
        }
    }
    found.into_iter().collect()
}

/// `a -> b -> a` for a cycle, by name.
fn render_cycle(cycle: &[u32], name: impl Fn(u32) -> String) -> String {
    let mut names: Vec<String> = cycle.iter().map(|&n| name(n)).collect();
    names.push(name(cycle[0]));
    names.join(" -> ")
}

pub(crate) fn check_cycles(
    s: &Stack,
    ids: &[String],
    edges: &[IndexSet<u32>],
    explicit: &[IndexSet<u32>],
    diags: &mut Vec<Diagnostic>,
) {
    for cycle in find_cycles(edges) {
        let first = &s.resources[cycle[0] as usize];
        // Name each edge by what makes it: a DependsOn, a reference, or both.
        let mut text = ids[cycle[0] as usize].clone();
        let (mut by_ref, mut by_dep) = (false, false);
        for (k, &from) in cycle.iter().enumerate() {
            let to = cycle[(k + 1) % cycle.len()];
            let dep = explicit.get(from as usize).is_some_and(|e| e.contains(&to));
            by_dep |= dep;
            by_ref |= !dep;
            text.push_str(if dep { " -(DependsOn)-> " } else { " -(references)-> " });
            text.push_str(&ids[to as usize]);
        }
        let (problem, prop) = match (by_ref, by_dep) {
            (true, false) => ("reference cycle: the resources reference each other", None),
            (false, _) => ("DependsOn cycle", Some("DependsOn")),
            (true, true) => ("dependency cycle through references and DependsOn", Some("DependsOn")),
        };
        let mut d =
            Diagnostic::error_of(DiagKind::DependencyCycle, s.node_path(first.node), problem).value(text).allowed(
                "an acyclic graph: remove a reference or a DependsOn (pass a name instead of a handle to break it)",
            );
        if let Some(p) = prop {
            d = d.property(p);
        }
        diags.push(d);
    }
}

pub(crate) fn check_stack_cycles(app: &App, deps: &[IndexSet<u32>], diags: &mut Vec<Diagnostic>) {
    for cycle in find_cycles(deps) {
        let first = &app.stacks[cycle[0] as usize].name;
        diags.push(
            Diagnostic::error_of(DiagKind::StackCycle, first.clone(), "stacks import from each other")
                .value(render_cycle(&cycle, |n| app.stacks[n as usize].name.clone()))
                .allowed("references in one direction between stacks (no cycle)"),
        );
    }
}
