//! SARIF 2.1.0 output: one run, every rule described in the tool's driver
//! (title, rationale, fix, pack and the corresponding checkov, cdk-nag and
//! cfn-lint ids), one result per finding with its file, line and column and
//! the resource as a logical location.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::FileReport;
use crate::packs;

/// The report as a SARIF log.
pub fn to_value(reports: &[FileReport]) -> Value {
    let rules = packs::all();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.rationale},
                "help": {"text": r.fix},
                "defaultConfiguration": {"level": r.severity.as_str()},
                "properties": {
                    "pack": r.pack.as_str(),
                    "checkov": r.checkov,
                    "cdk-nag": r.cdk_nag,
                    "cfn-lint": r.cfn_lint,
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for l in &r.findings {
            let f = &l.finding;
            let index = rules.iter().position(|x| x.id == f.rule).unwrap_or(0);
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": r.path},
                    "region": {"startLine": l.line, "startColumn": l.column},
                },
            });
            if let Some(id) = &f.resource {
                location["logicalLocations"] =
                    json!([{"name": id, "fullyQualifiedName": f.pointer, "kind": "resource"}]);
            }
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": f.severity.as_str(),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [location],
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cfnkit lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": results,
        }],
    })
}

/// Writes the SARIF log, pretty-printed, with a trailing newline.
pub fn write(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(reports))?;
    writeln!(out)
}
