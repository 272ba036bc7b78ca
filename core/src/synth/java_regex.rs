//! CloudFormation's `AllowedPattern` is a Java regular expression: the
//! look-ahead and look-behind of real templates
//! (`(?=^.{3,63}$)(?!.*[.-]{2})...` for bucket names) are valid there, and
//! so is a `-` right after a class escape inside brackets (`[\w-\+]`, a
//! literal hyphen in Java). The `regex` crate supports neither, so a valid
//! parameter would be reported invalid. Patterns are compiled with
//! `fancy-regex` (backtracking where needed) after escaping those hyphens;
//! what Java rejects is still reported.

/// Compiles `pat` anchored on both ends, as CloudFormation matches it.
pub(crate) fn compile(pat: &str) -> Result<fancy_regex::Regex, String> {
    fancy_regex::Regex::new(&format!("^(?:{})$", hyphens_after_class_escapes(pat))).map_err(|e| e.to_string())
}

/// `[\w-\+]` -> `[\w\-\+]`: in a bracket class, a `-` following a
/// shorthand class (`\w \d \s \W \D \S`) is a literal in Java.
fn hyphens_after_class_escapes(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len());
    let mut chars = pat.chars().peekable();
    let mut in_class = false;
    let mut after_shorthand = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                    after_shorthand = in_class && matches!(n, 'w' | 'd' | 's' | 'W' | 'D' | 'S');
                }
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '-' if after_shorthand && chars.peek().is_some_and(|n| *n != ']') => {
                out.push_str("\\-");
                after_shorthand = false;
                continue;
            }
            _ => {}
        }
        after_shorthand = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_patterns_of_real_templates_compile_and_match() {
        let bucket = r"(?=^.{3,63}$)(?!.*[.-]{2})(^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$)";
        let re = compile(bucket).unwrap();
        assert!(re.is_match("my-bucket").unwrap());
        assert!(!re.is_match("my..bucket").unwrap());
        assert!(!re.is_match("ab").unwrap());
        let email = r"^[\w-\+]+(\.[\w]+)*@[\w-]+(\.[\w]+)*(\.[a-z]{2,})$|^$";
        let re = compile(email).unwrap();
        assert!(re.is_match("a-b+c@example.com").unwrap());
        assert!(re.is_match("").unwrap());
        assert!(!re.is_match("not an email").unwrap());
    }

    #[test]
    fn invalid_patterns_stay_invalid() {
        assert!(compile("(unclosed").is_err());
        assert!(compile("[z-a]").is_err());
    }

    #[test]
    fn only_hyphens_inside_classes_after_shorthands_are_escaped() {
        assert_eq!(hyphens_after_class_escapes(r"[\w-\+]"), r"[\w\-\+]");
        assert_eq!(hyphens_after_class_escapes(r"\w-x"), r"\w-x");
        assert_eq!(hyphens_after_class_escapes(r"[a-z\d-]"), r"[a-z\d-]");
        assert_eq!(hyphens_after_class_escapes(r"[\\w-z]"), r"[\\w-z]");
    }
}
