//! `cfnkit import` on real templates nobody here wrote: every template of
//! `../shared/corpus/aws-cloudformation-templates` is imported; the
//! programs are compiled together as the modules of ONE crate (one build,
//! not 280), run, and each synthesized template is compared with its
//! input after normalizing spelling (see `normalize`). Every template that
//! does not round-trip is written, with its reason, to
//! `target/import-corpus/report.md`; the test fails below
//! `REQUIRED_PERCENT` of the templates without `Transform`.
//!
//! Slow (one cold build of cfnkit with the services the corpus uses).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/roundtrip.rs"]
mod roundtrip;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cfnkit::core::source;

/// The share (percent of templates without `Transform`) that must
/// round-trip. The target is 95% (issue 9); it is this low while the L1
/// crate generates 164 of the registry's 1,854 resource types. Raise it as
/// failures are fixed (the README lists every reason).
const REQUIRED_PERCENT: usize = 15;

#[test]
fn corpus_templates_import_compile_and_synthesize_back_equal() {
    let files = corpus::templates();
    let mut outcome: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    let mut transform = Vec::new();
    let mut programs = Vec::new();
    let mut inputs = BTreeMap::new();
    for (i, path) in files.iter().enumerate() {
        let rel = corpus::relative(path);
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = match source::parse(&text) {
            Ok(p) => p,
            Err(e) => {
                outcome.insert(rel, Err(format!("not read: {e}")));
                continue;
            }
        };
        if parsed.value.get("Transform").is_some() {
            transform.push(rel);
            continue;
        }
        match cfnkit::import::import(&text, "imported") {
            Ok(imp) => {
                let module = format!("t{i:04}");
                programs.push(roundtrip::Program {
                    module: module.clone(),
                    source: imp.module,
                    features: imp.features,
                });
                inputs.insert(module, (rel, parsed.value));
            }
            Err(e) => {
                let first =
                    e.problems.first().map(|(_, p)| format!("{}: {}", p.pointer, p.message)).unwrap_or_default();
                outcome.insert(rel, Err(format!("import: {first}")));
            }
        }
    }
    let results = roundtrip::build_and_run(&programs);
    for (module, (rel, input)) in inputs {
        let r = match results.get(&module) {
            Some(Ok(output)) => roundtrip::compare(&input, output),
            Some(Err(e)) => Err(e.clone()),
            None => Err("no result".into()),
        };
        outcome.insert(rel, r);
    }

    let total = outcome.len();
    let passed = outcome.values().filter(|r| r.is_ok()).count();
    let mut report = format!(
        "# cfnkit import round trip on the corpus\n\n{passed} of {total} templates without Transform round-trip \
         ({:.1}%); {} templates with Transform are not importable by design.\n\n| template | reason |\n| --- | --- |\n",
        100.0 * passed as f64 / total.max(1) as f64,
        transform.len()
    );
    for (rel, r) in &outcome {
        if let Err(e) = r {
            let _ = writeln!(report, "| `{rel}` | {} |", e.replace('|', "\\|").replace('\n', " "));
        }
    }
    let dir = roundtrip::work_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.md"), &report).unwrap();
    eprintln!("{report}");
    assert!(
        passed * 100 >= total * REQUIRED_PERCENT,
        "{passed} of {total} round-trip, under {REQUIRED_PERCENT}%; report: {}",
        dir.join("report.md").display()
    );
}
