//! The checks a [`Function`]'s settings get when it is added: everything
//! Lambda would reject at deploy time, and the deprecated-runtime warning.

use cfnkit_core::diag::Diagnostic;

use super::{Code, Date, Family, Function, INLINE_CODE_LIMIT};

/// True for a name a handler can export (letters, digits, `_`, and `$` in JavaScript).
fn is_identifier(s: &str, family: Family) -> bool {
    let extra = |c: char| c == '_' || (family == Family::NodeJs && c == '$');
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || extra(c))
        && s.chars().all(|c| c.is_ascii_alphanumeric() || extra(c))
}

/// Characters in a function name (the schema's pattern says `{1,64}`).
pub(super) const MAX_NAME_CHARS: usize = 64;

impl Function {
    /// The name, when it is a literal.
    pub(super) fn literal_name(&self) -> Option<&str> {
        match &self.name {
            Some(cfnkit_core::token::Value::Lit(n)) => Some(n),
            _ => None,
        }
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let t = self.timeout.to_seconds();
        if !(1..=900).contains(&t) {
            out.push(
                Diagnostic::error(path, "timeout out of range")
                    .property("Timeout")
                    .value(self.timeout.to_string())
                    .allowed("1 to 900 seconds"),
            );
        }
        let m = self.memory.to_mebibytes();
        if !(128..=10_240).contains(&m) {
            out.push(
                Diagnostic::error(path, "memory out of range")
                    .property("MemorySize")
                    .value(self.memory.to_string())
                    .allowed("128 to 10240 MB"),
            );
        }
        if let Some(n) = self.literal_name().filter(|n| n.chars().count() > MAX_NAME_CHARS) {
            out.push(
                Diagnostic::error(path, "function name too long")
                    .property("FunctionName")
                    .value(format!("{} characters", n.chars().count()))
                    .allowed(format!("1 to {MAX_NAME_CHARS} characters")),
            );
        }
        match &self.code {
            Code::Inline(src) => self.check_inline(path, src, out),
            Code::Asset(Err(msg)) => out.push(
                Diagnostic::error(path, msg.clone())
                    .property("Code")
                    .allowed("an existing folder or file with the handler's code (Code::from_asset)"),
            ),
            Code::S3 { .. } | Code::Asset(Ok(_)) => {}
        }
        for k in self.env.keys() {
            let ok = k.len() >= 2
                && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                out.push(
                    Diagnostic::error(path, "invalid environment variable name")
                        .property("Environment.Variables")
                        .value(format!("{k:?}"))
                        .allowed("a letter, then letters, digits and underscores; at least 2 characters"),
                );
            }
            if k.starts_with("AWS_") || k == "_HANDLER" {
                out.push(
                    Diagnostic::error(path, "environment variable name reserved by Lambda")
                        .property("Environment.Variables")
                        .value(format!("{k:?}"))
                        .allowed("names not starting with AWS_"),
                );
            }
        }
        let today = Date::today();
        if self.runtime.is_deprecated_on(today) {
            let l = self.runtime.lifecycle();
            out.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "runtime {} is deprecated since {} (creating functions is blocked from {}, updating from {}); move to {}",
                        self.runtime.name(),
                        l.deprecated,
                        l.create_blocked,
                        l.update_blocked,
                        self.runtime.successor().name()
                    ),
                )
                .property("Runtime"),
            );
        }
        if let Some(c) = self.reserved_concurrency {
            if c > 1000 {
                out.push(
                    Diagnostic::error(path, "reserved concurrency above the default account limit")
                        .property("ReservedConcurrentExecutions")
                        .value(c.to_string())
                        .allowed("0 to 1000"),
                );
            }
        }
        if let Some(q) = self.dead_letter_queue {
            if q.is_fifo() {
                out.push(
                    Diagnostic::error(path, "a function's dead-letter queue cannot be a FIFO queue")
                        .property("DeadLetterConfig.TargetArn")
                        .allowed("a standard queue"),
                );
            }
        }
        if let Some(v) = &self.vpc {
            v.check(path, out);
        }
    }

    /// Inline code is saved as `index.js` or `index.py`: the handler must
    /// name a function of that module.
    fn check_inline(&self, path: &str, src: &str, out: &mut Vec<Diagnostic>) {
        let n = src.chars().count();
        if n > INLINE_CODE_LIMIT {
            out.push(
                Diagnostic::error(path, "inline code too long")
                    .property("Code.ZipFile")
                    .value(format!("{n} characters"))
                    .allowed(format!("at most {INLINE_CODE_LIMIT} characters; ship larger code as an S3 zip")),
            );
        }
        if src.trim().is_empty() {
            out.push(Diagnostic::error(path, "inline code is empty").property("Code.ZipFile").allowed("source code"));
        }
        let family = self.runtime.family();
        let file = match family {
            Family::NodeJs => "index.js",
            Family::Python => "index.py",
        };
        match self.handler.split_once('.') {
            Some(("index", f)) if is_identifier(f, family) => {
                if !src.trim().is_empty() && !src.contains(f) {
                    out.push(
                        Diagnostic::warning(path, format!("the inline code never mentions the handler function {f}"))
                            .property("Handler")
                            .value(format!("{:?}", self.handler)),
                    );
                }
            }
            _ => out.push(
                Diagnostic::error(
                    path,
                    format!("inline code is saved as {file}, so the handler must name a function of it"),
                )
                .property("Handler")
                .value(format!("{:?}", self.handler))
                .allowed("index.<function> (index.handler by default)"),
            ),
        }
    }
}
