//! Choosing stacks by name or glob (`order-*`), with "did you mean" when a
//! name matches nothing.

use cfnkit_core::tree::App;
use std::fmt::Write as _;

/// Whether `name` matches `pattern`, where `*` stands for any run of
/// characters and `?` for one (the wildcards the AWS CDK CLI accepts).
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative wildcard match with one backtrack point (linear in practice).
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// The names of the stacks `patterns` select, in app order (every stack when
/// `patterns` is empty), or one message per pattern that matches nothing.
pub fn select(app: &App, patterns: &[String]) -> Result<Vec<String>, Vec<String>> {
    let names: Vec<&str> = app.stacks().iter().map(cfnkit_core::tree::Stack::name).collect();
    if patterns.is_empty() {
        return Ok(names.iter().map(|n| (*n).to_string()).collect());
    }
    let mut errors = Vec::new();
    for p in patterns {
        if !names.iter().any(|n| matches(p, n)) {
            errors.push(no_such_stack(p, &names));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(names.iter().filter(|n| patterns.iter().any(|p| matches(p, n))).map(|n| (*n).to_string()).collect())
}

fn no_such_stack(pattern: &str, names: &[&str]) -> String {
    let what = if pattern.contains(['*', '?']) { "matches" } else { "named" };
    let mut msg = format!("no stack {what} {pattern:?}");
    if let Some(n) = cfnkit_core::suggest::nearest(pattern, names.iter().copied()) {
        let _ = write!(msg, "; did you mean {n:?}?");
    }
    if names.is_empty() {
        msg.push_str(" (the app has no stacks)");
    } else {
        let _ = write!(msg, " (stacks: {}; see `ls`)", names.join(", "));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches("order-*", "order-queue"));
        assert!(matches("*", "x"));
        assert!(matches("o?der-*e", "order-queue"));
        assert!(!matches("order-*", "payments-dr"));
        assert!(!matches("order", "order-queue"));
        assert!(matches("*-dr", "payments-dr"));
        assert!(!matches("a*b", "acbd"));
    }
}
