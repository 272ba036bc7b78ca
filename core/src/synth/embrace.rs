//! The "deadly embrace": an export that a deployed stack still imports.
//!
//! CloudFormation refuses to remove or change an export while any stack
//! imports it, so the producer's update fails and rolls back. An export here
//! exists exactly as long as some stack of the app references the value: when
//! the last consumer stops referencing it, the export leaves the producer's
//! template in the same synthesis. [`dropped_exports`] compares the previous
//! cloud assembly (what was probably deployed) with the new one and warns for
//! every export a previous stack imported that the new templates no longer
//! write, naming the order that deploys and the call that keeps the export.

use serde_json::Value as Json;

use crate::diag::{DiagKind, Diagnostic};

/// The export names a template writes (`Outputs.*.Export.Name`), as JSON
/// values (a string, or an intrinsic such as `Fn::Sub`), with their output id.
fn exports(template: &Json) -> Vec<(&str, &Json)> {
    let Some(outputs) = template.get("Outputs").and_then(Json::as_object) else { return Vec::new() };
    outputs.iter().filter_map(|(id, o)| o.pointer("/Export/Name").map(|n| (id.as_str(), n))).collect()
}

/// Every `Fn::ImportValue` argument anywhere in a template.
fn imports<'a>(v: &'a Json, out: &mut Vec<&'a Json>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                if k == "Fn::ImportValue" {
                    out.push(x);
                } else {
                    imports(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| imports(x, out)),
        _ => {}
    }
}

/// Warnings for exports that stacks of `previous` imported from a stack that
/// no longer writes them in `current`. Both are `(stack name, template)`
/// pairs; a producer missing from `current` altogether is not reported (it
/// was not synthesized this time, so nothing about it changed).
pub fn dropped_exports(previous: &[(String, Json)], current: &[(&str, &Json)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (producer, old) in previous {
        let Some((_, new)) = current.iter().find(|(n, _)| n == producer) else { continue };
        let still: Vec<&Json> = exports(new).into_iter().map(|(_, n)| n).collect();
        for (id, name) in exports(old) {
            if still.contains(&name) {
                continue;
            }
            let consumers: Vec<&str> = previous
                .iter()
                .filter(|(c, t)| {
                    c != producer && {
                        let mut found = Vec::new();
                        imports(t, &mut found);
                        found.contains(&name)
                    }
                })
                .map(|(c, _)| c.as_str())
                .collect();
            if consumers.is_empty() {
                continue;
            }
            let shown = match name {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push(
                Diagnostic::warning_of(
                    DiagKind::ExportStillImported,
                    producer.clone(),
                    format!(
                        "the export of output {id} is no longer written, but {} imported it in the previous \
                         assembly; if {} is deployed, CloudFormation refuses to update {producer} until it \
                         stops importing",
                        consumers.join(", "),
                        if consumers.len() == 1 { "it" } else { "they" },
                    ),
                )
                .property(format!("Outputs/{id}/Export/Name"))
                .value(shown)
                .allowed(format!(
                    "deploy {} first, then {producer}; or keep the value exported with `stack.export(..)` \
                     in {producer} until no deployed stack imports it",
                    consumers.join(" and ")
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn producer(exported: bool) -> Json {
        let mut t = json!({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}});
        if exported {
            t["Outputs"] = json!({"ExportT": {"Value": {"Ref": "T"}, "Export": {"Name": "data-T-Ref"}}});
        }
        t
    }

    fn consumer(imports: bool) -> Json {
        if imports {
            json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "t", "Value": {"Fn::ImportValue": "data-T-Ref"}}]}}}})
        } else {
            json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
        }
    }

    #[test]
    fn an_export_dropped_while_a_previous_stack_imports_it_is_a_warning_naming_both() {
        let previous = vec![("data".to_string(), producer(true)), ("compute".to_string(), consumer(true))];
        let (p, c) = (producer(false), consumer(false));
        let w = dropped_exports(&previous, &[("data", &p), ("compute", &c)]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].is(DiagKind::ExportStillImported));
        assert!(!w[0].is_error());
        let text = w[0].to_string();
        assert!(text.contains("compute imported it"), "{text}");
        assert!(text.contains("deploy compute first, then data"), "{text}");
        assert!(text.contains("data-T-Ref"), "{text}");
    }

    #[test]
    fn an_export_still_written_or_never_imported_is_quiet() {
        let (p, c) = (producer(true), consumer(false));
        let previous = vec![("data".to_string(), producer(true)), ("compute".to_string(), consumer(true))];
        assert!(dropped_exports(&previous, &[("data", &p), ("compute", &c)]).is_empty());
        let unimported = vec![("data".to_string(), producer(true)), ("compute".to_string(), consumer(false))];
        let p2 = producer(false);
        assert!(dropped_exports(&unimported, &[("data", &p2)]).is_empty());
        // The producer was not synthesized this time: nothing to compare.
        assert!(dropped_exports(&previous, &[("compute", &c)]).is_empty());
    }
}
