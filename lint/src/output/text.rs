//! Text output: one block per finding, compiler style.
//!
//! ```text
//! stack.json:12:7: error[sec-kms-rotation] Key: AWS::KMS::Key does not set EnableKeyRotation: true
//!    12 | "Key": {
//!       = fix: Set EnableKeyRotation: true
//! ```

use std::io::{self, Write};

use super::{FileReport, Summary};

/// Writes every finding, then a summary line.
pub fn write(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    for r in reports {
        for l in &r.findings {
            let f = &l.finding;
            let what = f.resource.as_deref().map(|id| format!("{id}: ")).unwrap_or_default();
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {what}{}",
                r.path,
                l.line,
                l.column,
                f.severity.as_str(),
                f.rule,
                f.message
            )?;
            if let Some(src) = &l.source {
                writeln!(out, "{:>6} | {src}", l.line)?;
            }
            writeln!(out, "       = fix: {}", f.fix)?;
        }
    }
    let s = Summary::of(reports);
    writeln!(
        out,
        "{} finding(s) ({} error(s), {} warning(s), {} note(s)) in {} template(s)",
        s.total(),
        s.errors,
        s.warnings,
        s.notes,
        s.files
    )
}
