//! JSON output: `{"templates": [{"path", "findings": [..]}], "summary": {..}}`.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{FileReport, Summary};

/// The report as a JSON value.
pub fn to_value(reports: &[FileReport]) -> Value {
    let s = Summary::of(reports);
    let templates: Vec<Value> = reports
        .iter()
        .map(|r| {
            let findings: Vec<Value> = r
                .findings
                .iter()
                .map(|l| {
                    let f = &l.finding;
                    json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "resource": f.resource,
                        "pointer": f.pointer,
                        "line": l.line,
                        "column": l.column,
                        "message": f.message,
                        "fix": f.fix,
                    })
                })
                .collect();
            json!({"path": r.path, "findings": findings})
        })
        .collect();
    json!({
        "templates": templates,
        "summary": {"templates": s.files, "errors": s.errors, "warnings": s.warnings, "notes": s.notes},
    })
}

/// Writes the report, pretty-printed, with a trailing newline.
pub fn write(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(reports))?;
    writeln!(out)
}
