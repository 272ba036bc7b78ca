//! Rendering findings: [`text`] for people, [`json`] for scripts, [`sarif`]
//! (SARIF 2.1.0) for code-scanning tools.

pub mod json;
pub mod sarif;
pub mod text;

use crate::rule::{Finding, Severity};

/// A finding placed in its source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The finding.
    pub finding: Finding,
    /// 1-based line in the source file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The source line's text (trimmed), when the source is known.
    pub source: Option<String>,
}

/// The findings of one template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The template's path as given (or a stack name).
    pub path: String,
    /// Its findings, in order.
    pub findings: Vec<Located>,
}

/// Counts per severity over a set of reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Templates linted.
    pub files: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Note findings.
    pub notes: usize,
}

impl Summary {
    /// Counts `reports`.
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary { files: reports.len(), ..Summary::default() };
        for f in reports.iter().flat_map(|r| &r.findings) {
            match f.finding.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
        }
        s
    }

    /// All findings.
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

/// Places a template's findings in its document.
pub fn locate(doc: &crate::Document, findings: Vec<Finding>) -> FileReport {
    let mut findings: Vec<Located> = findings
        .into_iter()
        .map(|finding| {
            let (line, column) = doc.locate(&finding.pointer);
            let source = doc.line_text(line).map(|l| l.trim().to_string());
            Located { finding, line, column, source }
        })
        .collect();
    findings.sort_by(|a, b| (a.line, a.column, a.finding.rule).cmp(&(b.line, b.column, b.finding.rule)));
    FileReport { path: doc.path.display().to_string().replace('\\', "/"), findings }
}
