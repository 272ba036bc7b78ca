//! `cfnkit import TEMPLATE [--out FILE] [--name STACK]`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};

/// Options of `import`.
#[derive(Debug, Clone, Args)]
pub struct ImportOpts {
    /// The template file (JSON or YAML).
    pub template: PathBuf,
    /// Write the program here (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The stack name in the program (default: the file name, made a valid stack name).
    #[arg(long)]
    pub name: Option<String>,
}

/// Prints or writes the program; every problem goes to `err` as
/// `FILE:LINE:COLUMN: POINTER: MESSAGE` with exit 1, and no program is written.
pub fn import(o: &ImportOpts, out: &mut impl Write, err: &mut impl Write) -> i32 {
    let text = match std::fs::read_to_string(&o.template) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", o.template.display());
            return EXIT_USAGE;
        }
    };
    let stack = o.name.clone().unwrap_or_else(|| stack_name_of(&o.template));
    let imported = match crate::import::import(&text, &stack) {
        Ok(i) => i,
        Err(e) => {
            for line in e.to_string().lines() {
                let _ = writeln!(err, "{}:{line}", o.template.display());
            }
            let _ = writeln!(err, "error: {} problem(s); no program written", e.problems.len());
            return EXIT_INVALID;
        }
    };
    if !imported.features.is_empty() {
        let _ = writeln!(err, "needs the cfnkit features: {}", imported.features.join(", "));
    }
    match &o.out {
        None => {
            if out.write_all(imported.program.as_bytes()).is_err() {
                return EXIT_USAGE;
            }
        }
        Some(path) => {
            let tmp = path.with_extension("rs.tmp");
            let written = std::fs::write(&tmp, &imported.program).and_then(|()| std::fs::rename(&tmp, path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}

/// A stack name from a file name: letters, digits and hyphens, starting with a letter.
fn stack_name_of(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "stack-");
    }
    name.truncate(128);
    name
}
