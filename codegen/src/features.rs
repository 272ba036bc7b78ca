//! The per-service cargo features of the crates above `cfnkit-l1`.
//!
//! Features flow `cfnkit` -> `cfnkit-constructs` -> `cfnkit-l1`: a user
//! enables `s3` on `cfnkit`, which enables `s3` on `cfnkit-constructs`
//! (the `s3` constructs and the services they need), which enables the
//! `s3` module of `cfnkit-l1`. Services with hand-written constructs have
//! hand-written features (they name the other services their constructs
//! need); every other service of the registry gets a generated
//! pass-through feature, kept in a marked block of the manifest:
//!
//! ```toml
//! [features]
//! s3 = ["cfnkit-l1/s3", "iam", "kms"]      # hand-written, above the block
//! # @generated-begin by cfnkit-codegen ...
//! rds = ["cfnkit-l1/rds"]
//! full = [...every service feature...]
//! # @generated-end
//! ```
//!
//! The generator rewrites only the block, listing each service the
//! hand-written part does not define, and `full`; `--check` reports a
//! stale block like any generated file. Adding a hand-written feature for
//! a service (new constructs) is: write it above the block, regenerate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{Error, GeneratedFile};

/// The line that opens a generated feature block.
pub const BEGIN: &str = "# @generated-begin by cfnkit-codegen";
/// The line that closes it.
pub const END: &str = "# @generated-end";

/// A manifest whose `[features]` block is generated, and the crate its
/// pass-through features point at.
pub struct Manifest {
    /// Path relative to the workspace root.
    pub path: &'static str,
    /// `cfnkit-l1` or `cfnkit-constructs`.
    pub target: &'static str,
}

/// The manifests with a generated feature block.
pub const MANIFESTS: &[Manifest] = &[
    Manifest { path: "constructs/Cargo.toml", target: "cfnkit-l1" },
    Manifest { path: "Cargo.toml", target: "cfnkit-constructs" },
];

/// Feature names the manifest defines outside the generated block, in its
/// `[features]` table.
fn hand_written(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_features = false;
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with(BEGIN) {
            in_block = true;
        } else if t == END {
            in_block = false;
        } else if t.starts_with('[') {
            in_features = t == "[features]";
        } else if in_features && !in_block && !t.starts_with('#') {
            if let Some((name, _)) = t.split_once('=') {
                out.push(name.trim().to_string());
            }
        }
    }
    out
}

/// The manifest with its generated block rewritten for `modules` (every
/// l1 service module, sorted).
pub fn rewrite(m: &Manifest, text: &str, modules: &[String]) -> Result<String, Error> {
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        return Err(Error::new(format!(
            "{}: no generated feature block (lines `{BEGIN} ...` and `{END}` in [features])",
            m.path
        )));
    };
    if e < b {
        return Err(Error::new(format!("{}: `{END}` comes before `{BEGIN}`", m.path)));
    }
    let hand = hand_written(text);
    let mut block = format!(
        "{BEGIN} (codegen/src/features.rs): a pass-through\n\
         # feature to {} for every registry service without a hand-written feature\n\
         # above, and `full`. Regenerate with `cargo run -p cfnkit-codegen`.\n",
        m.target
    );
    for s in modules {
        if !hand.contains(s) {
            let _ = writeln!(block, "{s} = [\"{}/{s}\"]", m.target);
        }
    }
    let all: Vec<String> = modules.iter().map(|s| format!("\"{s}\"")).collect();
    let _ = writeln!(block, "# Every service (CI builds it; slow: see the README's compile-time table).");
    let _ = writeln!(block, "full = [{}]", all.join(", "));
    let rest = &text[e..];
    Ok(format!("{}{block}{rest}", &text[..b]))
}

/// The generated manifests (whole files, block rewritten).
pub fn manifests(root: &Path, modules: &[String]) -> Result<Vec<GeneratedFile>, Error> {
    let mut out = Vec::new();
    for m in MANIFESTS {
        let path = root.join(m.path);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        out.push(GeneratedFile { path: PathBuf::from(m.path), contents: rewrite(m, &text, modules)? });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_lists_only_services_without_a_hand_written_feature() {
        let m = Manifest { path: "x/Cargo.toml", target: "cfnkit-l1" };
        let text = "[features]\ndefault = [\"s3\"]\ns3 = [\"cfnkit-l1/s3\", \"iam\"]\niam = [\"cfnkit-l1/iam\"]\n# @generated-begin by cfnkit-codegen\nold = []\n# @generated-end\n\n[dependencies]\n";
        let mods = ["iam", "rds", "s3"].map(String::from);
        let out = rewrite(&m, text, &mods).unwrap();
        assert!(out.contains("rds = [\"cfnkit-l1/rds\"]\n"), "{out}");
        assert!(!out.contains("old = []"), "{out}");
        assert!(!out.contains("s3 = [\"cfnkit-l1/s3\"]\n"), "{out}");
        assert!(out.contains("full = [\"iam\", \"rds\", \"s3\"]\n"), "{out}");
        assert!(out.ends_with("# @generated-end\n\n[dependencies]\n"), "{out}");
        assert_eq!(rewrite(&m, &out, &mods).unwrap(), out, "rewriting is idempotent");
    }

    #[test]
    fn missing_block_is_an_error() {
        let m = Manifest { path: "x/Cargo.toml", target: "cfnkit-l1" };
        let err = rewrite(&m, "[features]\n", &[]).unwrap_err();
        assert!(err.to_string().contains("no generated feature block"), "{err}");
    }
}
