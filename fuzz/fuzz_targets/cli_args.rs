//! Fuzzes the command line: arbitrary arguments against the reference app.
//!
//! Oracles: no panic; the exit code is 0, 1 or 2; a non-zero exit writes a
//! message to stderr; the same arguments give the same exit code and output
//! (deterministic). `--out` is redirected into a scratch folder so the
//! fuzzer never writes elsewhere.
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

/// Arguments from the input: one per line, `--out` targets kept inside the scratch folder.
fn args(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out = vec!["cfnkit".to_string()];
    let mut after_out = false;
    for a in text.split('\n').take(16) {
        let target = |rest: &str| {
            let clean: String = rest.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
            scratch().join(format!("d{clean}")).display().to_string()
        };
        if after_out {
            out.push(target(a));
            after_out = false;
        } else if let Some(rest) = a.strip_prefix("--out=") {
            out.push(format!("--out={}", target(rest)));
        } else {
            after_out = a == "--out";
            out.push(a.to_string());
        }
    }
    out
}

fn run(args: &[String]) -> (i32, Vec<u8>, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cfnkit::cli::run(args.iter().cloned(), cfnkit::reference::app, &mut out, &mut err);
    (code, out, err)
}

fuzz_target!(|data: &[u8]| {
    let args = args(data);
    if args.iter().any(|a| a.contains("--out") || a.starts_with("-o")) && data.len() % 4 != 0 {
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
