//! Errors that point to the fix.

use cfnkit::cli::Env;

use super::{linked, run, scratch};

#[test]
fn an_unknown_stack_suggests_the_nearest_name_in_one_line() {
    let r = run(&["synth", "order-queu"], &Env::default(), cfnkit::reference::define);
    assert_eq!(r.code, 2);
    assert_eq!(r.err.lines().count(), 1, "{}", r.err);
    assert!(r.err.contains("no stack named \"order-queu\"; did you mean \"order-queue\"?"), "{}", r.err);
    assert!(r.out.is_empty());
    let r = run(&["synth", "zzz*"], &Env::default(), linked);
    assert!(r.err.contains("no stack matches \"zzz*\" (stacks: a, b, c; see `ls`)"), "{}", r.err);
}

#[test]
fn every_bad_name_is_reported_at_once() {
    let r = run(&["synth", "x", "a", "y"], &Env::default(), linked);
    assert_eq!(r.code, 2);
    assert_eq!(r.err.lines().count(), 2, "{}", r.err);
}

#[test]
fn an_unknown_parameter_lists_the_declared_ones() {
    let r = run(&["synth", "order-monitoring", "-p", "Nope=1"], &Env::default(), cfnkit::reference::define);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.err.trim(),
        "error: -p Nope: stack order-monitoring declares no parameter named \"Nope\" (declared: EnvironmentSuffix)"
    );
    let r = run(&["synth", "order-monitoring", "-p", "EnvironmentSufix=x"], &Env::default(), cfnkit::reference::define);
    assert!(r.err.contains("did you mean \"EnvironmentSuffix\"?"), "{}", r.err);
    let r = run(&["synth", "c", "-p", "novalue"], &Env::default(), linked);
    assert!(r.err.contains("-p \"novalue\": expected KEY=VALUE"), "{}", r.err);
}

#[test]
fn output_onto_a_file_says_it_is_not_a_directory() {
    let file = scratch("onto-file").join("f");
    std::fs::write(&file, "x").unwrap();
    let r = run(&["synth", "-o", file.to_str().unwrap()], &Env::default(), linked);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("is a file, not a directory"), "{}", r.err);
    assert_eq!(std::fs::read(&file).unwrap(), b"x", "the file is left alone");
}

#[test]
fn a_full_stdout_says_what_failed() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else { return };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cfnkit"))
        .args(["synth", "order-queue"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error: cannot write to standard output: No space left on device"), "{err}");
}
