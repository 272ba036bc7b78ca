//! Exports for references across stacks: what the producer writes when a
//! stack of the same app imports one of its values.
//!
//! Names are deterministic and readable, `<stack>-<LogicalId>-<Attribute>`
//! (`Ref` for a `Ref`), e.g. `data-ItemsTable-Arn`. A stack with an
//! environment suffix appends it, `data-ItemsTable-Arn-${EnvironmentSuffix}`,
//! so a second environment of the same templates in one account and region
//! exports (and imports) its own values. A value is exported once however
//! many consumers import it; a name can be pinned with
//! [`Stack::name_export`](crate::tree::Stack::name_export). Output ids are
//! `Export<LogicalId><Attribute>`; one that a user output already uses is an
//! error, never a replacement. Names and ids longer than CloudFormation
//! allows (255 characters) are shortened with a hash of the whole.

use serde_json::{json, Map, Value as Json};

use super::resolve::ExportRequest;
use crate::diag::{DiagKind, Diagnostic};
use crate::tree::Stack;

/// The longest export name or output id CloudFormation accepts.
pub const MAX_LEN: usize = 255;

/// What the producer `s` writes for the export of resource `id`'s `attr`
/// (`None`: its `Ref`).
pub(crate) fn request(
    s: &Stack,
    r: crate::tree::ResourceId,
    id: &str,
    attr: Option<&str>,
    path: String,
) -> ExportRequest {
    let attr_part: String =
        attr.map_or_else(|| "Ref".into(), |a| a.chars().filter(char::is_ascii_alphanumeric).collect());
    let value = match attr {
        None => json!({"Ref": id}),
        Some(a) => json!({"Fn::GetAtt": [id, a]}),
    };
    let output_id = fit(&format!("Export{id}{attr_part}"), MAX_LEN);
    let pinned = s.export_names.iter().find(|(res, a, _)| *res == r && a.as_deref() == attr).map(|(.., n)| n.clone());
    let export_name = match pinned {
        Some(n) if n.contains("${") => json!({ "Fn::Sub": n }),
        Some(n) => json!(n),
        None => {
            let suffix = s.suffix.and_then(|sfx| s.parameters.get(sfx.parameter().index as usize)).map(|p| &p.name);
            match suffix {
                Some(p) => {
                    let tail = format!("-${{{p}}}");
                    json!({ "Fn::Sub": format!("{}{tail}", fit(&format!("{}-{id}-{attr_part}", s.name), MAX_LEN - tail.len())) })
                }
                None => json!(fit(&format!("{}-{id}-{attr_part}", s.name), MAX_LEN)),
            }
        }
    };
    ExportRequest { output_id, export_name, value, path }
}

/// `text` when it fits in `max` characters, else its first characters and a
/// hash of the whole (deterministic, so the name is stable).
pub(crate) fn fit(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    // FNV-1a: stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let keep = max.saturating_sub(8);
    format!("{}{h:08X}", &text[..keep])
}

/// Adds the generated export outputs of stack `s` to its `outputs`;
/// an output id or export name a user output already has is an error.
pub(crate) fn add_outputs<'r>(
    s: &Stack,
    outputs: &mut Map<String, Json>,
    requests: impl Iterator<Item = &'r ExportRequest>,
    diags: &mut Vec<Diagnostic>,
) {
    for req in requests {
        let clash_id = outputs.contains_key(&req.output_id);
        let clash_name =
            outputs.values().any(|o| o.get("Export").and_then(|e| e.get("Name")) == Some(&req.export_name));
        if clash_id || clash_name {
            let what = if clash_id {
                format!("output id {}", req.output_id)
            } else {
                format!("export name {}", req.export_name)
            };
            diags.push(
                Diagnostic::error_of(
                    DiagKind::ExportCollision,
                    s.name.clone(),
                    format!(
                        "{what} is used by an output of this stack and by the export of {} another stack imports",
                        req.path
                    ),
                )
                .property(format!("Outputs.{}", req.output_id))
                .value(req.export_name.to_string())
                .allowed("rename the output, or pin the export's name with stack.name_export(..)"),
            );
            continue;
        }
        outputs.insert(
            req.output_id.clone(),
            json!({
                "Description": format!("{} for stacks of this app that import it", req.path),
                "Value": req.value,
                "Export": {"Name": req.export_name},
            }),
        );
    }
}
