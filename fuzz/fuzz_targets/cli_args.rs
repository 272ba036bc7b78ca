//! Fuzzes the command line: arbitrary arguments against the reference app.
//!
//! Oracles: no panic; the exit code is 0, 1 or 2; a non-zero exit writes a
//! message to stderr; the same arguments give the same exit code and output
//! (deterministic). The process runs in a scratch folder and path-like
//! arguments are rewritten into it, so the fuzzer never writes elsewhere.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("cfnkit-fuzz-cli-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

/// Arguments from the input, one per line. Every argument that could name a
/// path (an absolute path, `..`, `~`) is rewritten to a name inside the
/// scratch folder, and the process runs in that folder, so `synth` (default
/// `cdk.out`), `-o`/`--output`/`--out` and `init DIR` never write elsewhere.
fn args(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out = vec!["cfnkit".to_string()];
    for a in text.split('\n').take(16) {
        let risky = a.contains('/') || a.contains("..") || a.starts_with('~');
        if risky {
            let clean: String = a.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
            let prefix = if a.starts_with('-') { a.split('=').next().unwrap_or("").to_string() + "=" } else { String::new() };
            out.push(if prefix.len() > 1 && a.contains('=') { format!("{prefix}d{clean}") } else { format!("d{clean}") });
        } else {
            out.push(a.to_string());
        }
    }
    out
}

fn run(args: &[String]) -> (i32, Vec<u8>, Vec<u8>) {
    // Each run starts in an empty folder, so a run that writes (synth, init)
    // does not change what the next run sees.
    let cwd = scratch().join("cwd");
    let _ = std::env::set_current_dir(scratch());
    let _ = std::fs::remove_dir_all(&cwd);
    let _ = std::fs::create_dir_all(&cwd);
    let _ = std::env::set_current_dir(&cwd);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let env = cfnkit::cli::Env::default();
    let code = cfnkit::cli::main_with(args.iter().cloned(), &env, cfnkit::reference::define, &mut out, &mut err);
    (code, out, err)
}

fuzz_target!(|data: &[u8]| {
    let args = args(data);
    if args.iter().any(|a| a.starts_with("-o") || a.starts_with("--o") || a == "init") && data.len() % 4 != 0 {
        // Writing assemblies is slow: exercise it on a quarter of the inputs.
        return;
    }
    let (code, out, err) = run(&args);
    assert!(matches!(code, 0 | 1 | 2), "exit code {code} for {args:?}");
    if code != 0 {
        assert!(!err.is_empty(), "exit {code} without a message for {args:?}");
    }
    let again = run(&args);
    assert_eq!((code, &out, &err), (again.0, &again.1, &again.2), "not deterministic for {args:?}");
});
