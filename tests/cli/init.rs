//! `cfnkit init DIR`: the files it writes (the project's own tests and the
//! AWS CDK CLI on it run in `walkthrough.rs`, from the README).

use cfnkit::cli::Env;

use super::{run, scratch};

#[test]
fn init_writes_the_project_files_and_never_over_a_project() {
    let dir = scratch("init").join("my-service");
    let r = run(&["init", dir.to_str().unwrap(), "--cfnkit-version", "9.9.9"], &Env::default(), |_| {});
    assert_eq!(r.code, 0, "{}", r.err);
    for f in ["Cargo.toml", "src/main.rs", "cdk.json", "README.md", ".gitignore"] {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    assert!(std::fs::read_to_string(dir.join("Cargo.toml")).unwrap().contains("cfnkit = \"9.9.9\""));
    assert!(std::fs::read_to_string(dir.join("cdk.json")).unwrap().contains("\"app\": \"cargo run --quiet\""));
    assert!(std::fs::read_to_string(dir.join("src/main.rs")).unwrap().contains("cfnkit::run(define)"));
    // A second init into the same folder writes nothing.
    assert_eq!(run(&["init", dir.to_str().unwrap()], &Env::default(), |_| {}).code, 2);
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
