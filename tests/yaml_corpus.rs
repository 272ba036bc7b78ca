//! YAML in and out on real templates nobody here wrote: every template of
//! `../shared/corpus/aws-cloudformation-templates` (JSON and YAML) is read,
//! written as YAML, read back to the same JSON, and written again to the
//! same bytes; every node of the read template has a source position.
//! Templates written for the Rain preprocessor (`!Rain::Module` tags) are
//! refused with an error naming the tag.

#[path = "support/corpus.rs"]
mod corpus;

use cfnkit::core::source::{self, Format};
use serde_json::Value as Json;

/// Every node's JSON pointer.
fn pointers(v: &Json, at: &str, out: &mut Vec<String>) {
    out.push(at.to_string());
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                pointers(x, &format!("{at}/{}", source::pointer_segment(k)), out);
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_corpus_template_round_trips_through_yaml() {
    let files = corpus::templates();
    assert!(files.len() > 250, "corpus too small: {} templates", files.len());
    let (mut json_files, mut yaml_files, mut rain, mut failures) = (0, 0, 0, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = match source::parse(&text) {
            Ok(p) => p,
            // Rain's preprocessor tags (`!Rain::Module`) are not CloudFormation: refused, by name.
            Err(e) if e.message.starts_with("unknown tag !Rain::") => {
                rain += 1;
                continue;
            }
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", path.display()));
                continue;
            }
        };
        match parsed.format {
            Format::Json => json_files += 1,
            Format::Yaml => yaml_files += 1,
        }
        let mut all = Vec::new();
        pointers(&parsed.value, "", &mut all);
        for p in &all {
            let found = match parsed.format {
                Format::Json => parsed.positions.get(p),
                Format::Yaml => parsed.positions.nearest(p),
            };
            if found.is_none() {
                failures.push(format!("{}: no position for {p}", path.display()));
            }
        }
        let yaml = source::to_yaml(&parsed.value);
        match source::parse(&yaml) {
            Ok(back) if back.value == parsed.value => {
                if source::to_yaml(&back.value) != yaml {
                    failures.push(format!("{}: written twice, different bytes", path.display()));
                }
            }
            Ok(_) => failures.push(format!("{}: YAML read back differs", path.display())),
            Err(e) => failures.push(format!("{}: written YAML does not read back: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(json_files > 100 && yaml_files > 100, "json {json_files}, yaml {yaml_files}");
    assert!(rain < 20, "{rain} templates with Rain tags");
}
