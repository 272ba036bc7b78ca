//! The `cfnkit` command line, through the binary and through `cli::run`.

#[path = "support/validators.rs"]
mod validators;

use assert_cmd::Command;
use cfnkit::cli;

fn cfnkit() -> Command {
    Command::cargo_bin("cfnkit").expect("binary")
}

#[test]
fn list_prints_the_stack_names_one_a_line() {
    let out = cfnkit().arg("list").assert().success().get_output().stdout.clone();
    let names: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_string).collect();
    assert!(names.contains(&"order-monitoring".to_string()), "{names:?}");
}

#[test]
fn synth_prints_the_template_on_stdout() {
    let out = cfnkit().args(["synth", "order-monitoring"]).assert().success().get_output().clone();
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning:"), "warnings go to stderr: {err}");
}

#[test]
fn unknown_stack_exits_2_with_one_line() {
    let out = cfnkit().args(["synth", "nope"]).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no stack named \"nope\""), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    cfnkit().assert().code(2);
    cfnkit().args(["synth"]).assert().code(2);
    cfnkit().args(["synth", "--all"]).assert().code(2);
    cfnkit().args(["frobnicate"]).assert().code(2);
    cfnkit().args(["--help"]).assert().code(0);
}

#[test]
fn parameter_sets_a_default_and_bad_ones_exit_2() {
    let out = cfnkit().args(["synth", "order-monitoring", "-p", "EnvironmentSuffix=prod"]).assert().success();
    let t: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(t["Parameters"]["EnvironmentSuffix"]["Default"], "prod");
    cfnkit().args(["synth", "order-monitoring", "-p", "Nope=1"]).assert().code(2);
    cfnkit().args(["synth", "order-monitoring", "-p", "novalue"]).assert().code(2);
}

#[test]
fn invalid_parameter_default_is_a_validation_error_exit_1() {
    let out = cfnkit().args(["synth", "order-monitoring", "-p", "EnvironmentSuffix=UPPER"]).assert().code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("Parameters.EnvironmentSuffix.Default"), "{err}");
}

#[test]
fn validation_errors_exit_1_through_run() {
    let build = || {
        let mut app = cfnkit::core::tree::App::new();
        let s = app.stack("bad");
        s.add("X", cfnkit::core::resource::CfnResource::new("not a type"));
        app
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run(["cfnkit", "synth", "bad"], build, &mut out, &mut err);
    assert_eq!(code, 1);
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("bad/X: Type: not a resource type name"), "{err}");
}

#[test]
fn synth_all_writes_an_assembly_the_cdk_cli_lists() {
    let dir = std::env::temp_dir().join(format!("cfnkit-assembly-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    cfnkit().args(["synth", "--all", "--out"]).arg(&dir).assert().success();
    for f in ["manifest.json", "tree.json", "order-monitoring.template.json"] {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    let names = validators::cdk_ls(&dir);
    assert!(names.contains(&"order-monitoring".to_string()), "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_run_leaves_the_previous_assembly_intact() {
    let dir = std::env::temp_dir().join(format!("cfnkit-keep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    cfnkit().args(["synth", "--all", "--out"]).arg(&dir).assert().success();
    let before = std::fs::read(dir.join("order-monitoring.template.json")).unwrap();
    cfnkit().args(["synth", "--all", "-p", "EnvironmentSuffix=BAD", "--out"]).arg(&dir).assert().code(1);
    assert_eq!(std::fs::read(dir.join("order-monitoring.template.json")).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_output_exits_2() {
    let file = std::env::temp_dir().join(format!("cfnkit-file-{}", std::process::id()));
    std::fs::write(&file, "not a folder").unwrap();
    cfnkit().args(["synth", "--all", "--out"]).arg(&file).assert().code(2);
    let _ = std::fs::remove_file(file);
}
