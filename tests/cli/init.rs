//! `cfnkit init DIR`: a project whose own tests pass and that the AWS CDK
//! CLI lists through its cdk.json.

use std::path::Path;
use std::process::Command;

use cfnkit::cli::Env;

use super::{run, scratch, validators};

#[test]
fn init_writes_a_project_whose_tests_pass_and_that_cdk_lists() {
    let root = scratch("init");
    let dir = root.join("my-service");
    let checkout = env!("CARGO_MANIFEST_DIR");
    let r = run(&["init", dir.to_str().unwrap(), "--cfnkit-path", checkout], &Env::default(), |_| {});
    assert_eq!(r.code, 0, "{}", r.err);
    for f in ["Cargo.toml", "src/main.rs", "cdk.json", "README.md", ".gitignore"] {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    assert!(std::fs::read_to_string(dir.join("Cargo.toml")).unwrap().contains(&format!("path = {checkout:?}")));
    // A second init into the same folder writes nothing.
    assert_eq!(run(&["init", dir.to_str().unwrap()], &Env::default(), |_| {}).code, 2);

    // Build offline with the versions this checkout was tested with, in a target folder of its own.
    std::fs::copy(Path::new(checkout).join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let target = Path::new(checkout).join("target/init-project");
    let test = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .args(["test", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&test.stdout), String::from_utf8_lossy(&test.stderr));
    assert!(test.status.success(), "the new project's tests pass:\n{text}");
    assert!(text.contains("1 passed"), "{text}");

    let ls = Command::new(validators::cdk_bin())
        .current_dir(&dir)
        .args(["ls", "--no-notices"])
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CDK_DISABLE_VERSION_CHECK", "true")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
        .env("CI", "true")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&ls.stdout);
    assert!(ls.status.success(), "{out}{}", String::from_utf8_lossy(&ls.stderr));
    assert_eq!(out.trim(), "my-service-dev");
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let dir = scratch("init-full");
    std::fs::write(dir.join("keep"), "x").unwrap();
    let r = run(&["init", dir.to_str().unwrap()], &Env::default(), |_| {});
    assert_eq!(r.code, 2);
    assert!(r.err.contains("exists and is not empty"), "{}", r.err);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}
