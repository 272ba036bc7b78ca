//! `cargo run -p cfnkit-codegen [-- --check]`: regenerates `l1/` from
//! `schemas/resources`, or (`--check`) exits 1 listing the checked-in files
//! that differ from what the generator makes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => false,
        ["--check"] => true,
        ["-h" | "--help"] => {
            println!("usage: cfnkit-codegen [--check]\n\n  (no flag)  regenerate l1/ from schemas/resources\n  --check    exit 1 if the checked-in l1/ differs from the generator's output");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("cfnkit-codegen: unknown arguments {other:?} (try --help)");
            return ExitCode::from(2);
        }
    };
    let root = cfnkit_codegen::workspace_root();
    let generated = match cfnkit_codegen::generate(&root) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("cfnkit-codegen: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("{}", generated.summary);
    if check {
        let stale = cfnkit_codegen::check(&root, &generated);
        if stale.is_empty() {
            eprintln!("cfnkit-codegen: generated files are up to date");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "cfnkit-codegen: these files differ from the generator's output (run `cargo run -p cfnkit-codegen`):"
        );
        for p in stale {
            eprintln!("  {}", p.display());
        }
        return ExitCode::FAILURE;
    }
    match cfnkit_codegen::write(&root, &generated) {
        Ok(touched) => {
            for p in &touched {
                eprintln!("  wrote {}", p.display());
            }
            eprintln!("cfnkit-codegen: {} file(s) changed", touched.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cfnkit-codegen: error: {e}");
            ExitCode::FAILURE
        }
    }
}
