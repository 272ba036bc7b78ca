//! The corpus of real templates nobody here wrote:
//! `../shared/corpus/aws-cloudformation-templates` beside the repository
//! (CI lays `shared/` beside its clone), or the folder `CFNKIT_CORPUS` names.
//! A missing corpus is a test failure, never a skip.
//!
//! Include with `#[path = "support/corpus.rs"] mod corpus;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus folder.
pub fn root() -> PathBuf {
    let dir = std::env::var_os("CFNKIT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aws-cloudformation-templates"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "the template corpus is missing at {}: lay shared/ beside the repository or set CFNKIT_CORPUS",
        dir.display()
    );
    dir
}

/// Every `.json`, `.yaml` and `.yml` file under the corpus, sorted.
pub fn templates() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json" || x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &mut out);
    out.sort();
    out
}

/// A corpus path relative to the corpus root, for reports.
pub fn relative(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}
