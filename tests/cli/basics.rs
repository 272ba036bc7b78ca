//! `ls`, `synth` to stdout, context, account and region.

use assert_cmd::Command;
use cfnkit::cli::Env;
use cfnkit::prelude::*;

use super::{linked, run};

fn cfnkit() -> Command {
    Command::cargo_bin("cfnkit").expect("binary")
}

#[test]
fn ls_and_list_print_the_stack_names_one_a_line() {
    for cmd in ["ls", "list"] {
        let out = cfnkit().arg(cmd).assert().success().get_output().stdout.clone();
        let names: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_string).collect();
        assert_eq!(names, ["order-monitoring", "transaction-pipeline", "order-queue", "payments-dr"]);
    }
}

#[test]
fn ls_takes_globs() {
    let r = run(&["ls", "order-*"], &Env::default(), super::linked);
    assert_eq!(r.code, 2, "no stack of this app matches: {}", r.err);
    let r = run(&["ls", "?"], &Env::default(), linked);
    assert_eq!((r.code, r.out.as_str()), (0, "a\nb\nc\n"));
    let r = run(&["ls", "b", "c*"], &Env::default(), linked);
    assert_eq!(r.out, "b\nc\n");
}

#[test]
fn synth_of_one_stack_prints_its_template_on_stdout() {
    let out = cfnkit().args(["synth", "order-monitoring"]).assert().success().get_output().clone();
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning:"), "warnings go to stderr: {err}");
    assert!(!err.contains("order-queue/"), "only the selected stack's warnings: {err}");
}

#[test]
fn quiet_prints_no_template() {
    let r = run(&["synth", "c", "-q"], &Env::default(), linked);
    assert_eq!((r.code, r.out.as_str()), (0, ""));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    cfnkit().assert().code(2);
    cfnkit().args(["frobnicate"]).assert().code(2);
    cfnkit().args(["synth", "--all", "order-queue"]).assert().code(2);
    cfnkit().args(["--help"]).assert().code(0);
}

#[test]
fn parameter_sets_a_default_in_the_selected_stack() {
    let out = cfnkit().args(["synth", "order-monitoring", "-p", "EnvironmentSuffix=prod"]).assert().success();
    let t: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(t["Parameters"]["EnvironmentSuffix"]["Default"], "prod");
}

#[test]
fn invalid_parameter_default_is_one_validation_error_exit_1() {
    let mut cmd = cfnkit();
    cmd.args(["synth", "--all", "-q", "-o"]).arg(super::scratch("badp")).args(["-p", "EnvironmentSuffix=UPPER"]);
    let err = String::from_utf8(cmd.assert().code(1).get_output().stderr.clone()).unwrap();
    assert_eq!(err.matches("Parameters.EnvironmentSuffix.Default").count(), 1, "one message for one bad value: {err}");
    assert!(err.contains("order-monitoring, transaction-pipeline, order-queue, payments-dr:"), "{err}");
    assert!(err.contains("synthesis found 1 problem"), "{err}");
}

#[test]
fn validation_errors_exit_1_in_process() {
    let r = run(&["synth", "bad"], &Env::default(), |app| {
        app.stack("bad").add("X", cfnkit::core::resource::CfnResource::new("not a type"));
    });
    assert_eq!(r.code, 1);
    assert!(r.err.contains("bad/X: Type: not a resource type name"), "{}", r.err);
}

#[test]
fn context_reaches_the_program_typed_from_c_and_cdk_context_json() {
    let build = |app: &mut App| {
        let n: u32 = app.context_or("replicas", 1);
        let name: String = app.context_or("name", "dflt".to_string());
        app.stack(&format!("{name}-{n}"));
    };
    assert_eq!(run(&["ls"], &Env::default(), build).out, "dflt-1\n");
    assert_eq!(run(&["-c", "replicas=3", "ls", "-c", "name=x"], &Env::default(), build).out, "x-3\n");
    let env = Env { context_json: Some(r#"{"replicas": 7, "name": "cdk"}"#.into()), ..Env::default() };
    assert_eq!(run(&["ls"], &env, build).out, "cdk-7\n");
    let r = run(&["synth", "-c", "replicas=many", "-q", "-o", "/nonexistent/never"], &Env::default(), build);
    assert_eq!(r.code, 1, "a context value of the wrong type fails synthesis: {}", r.err);
    assert!(r.err.contains("context: replicas: context value has the wrong type (got \"many\")"), "{}", r.err);
    let bad = Env { context_json: Some("[1]".into()), ..Env::default() };
    assert_eq!(run(&["ls"], &bad, build).code, 2);
}

#[test]
fn stacks_name_account_and_region_and_the_cdk_defaults_are_readable() {
    let env = Env { account: Some("123456789012".into()), region: Some("eu-west-1".into()), ..Env::default() };
    let dir = super::scratch("env");
    let r = run(&["synth", "-q", "-o", dir.to_str().unwrap()], &env, |app| {
        let (acct, region) = (app.default_account().unwrap().to_string(), app.default_region().unwrap().to_string());
        app.stack("here").account(&acct).region(&region);
        app.stack("agnostic");
    });
    assert_eq!(r.code, 0, "{}", r.err);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["artifacts"]["here"]["environment"], "aws://123456789012/eu-west-1");
    assert_eq!(m["artifacts"]["agnostic"]["environment"], "aws://unknown-account/unknown-region");
}

#[test]
fn bad_account_and_unknown_region_are_errors() {
    let r = run(&["synth", "x"], &Env::default(), |app| {
        app.stack("x").account("12345").region("mars-north-9 x");
    });
    assert_eq!(r.code, 1);
    assert!(r.err.contains("x: unknown region (got \"mars-north-9 x\")"), "{}", r.err);
    assert!(r.err.contains("x: invalid account id (got \"12345\"); allowed: 12 digits"), "{}", r.err);
    let r = run(&["synth", "x"], &Env::default(), |app| {
        app.stack("x").region("eu-wset-1");
    });
    assert!(r.err.contains("such as \"eu-west-1\""), "nearest region suggested: {}", r.err);
}

#[test]
fn resources_carry_path_metadata_when_the_cdk_cli_asks() {
    let build = |app: &mut App| {
        Queue::new("Jobs").add_to(app.stack("s"));
    };
    let plain = run(&["synth", "s"], &Env::default(), build);
    assert!(!plain.out.contains("aws:cdk:path"), "not by default: the snapshots stay as they are");
    let env = Env { context_json: Some(r#"{"aws:cdk:enable-path-metadata": true}"#.into()), ..Env::default() };
    let r = run(&["synth", "s"], &env, build);
    let t: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(t["Resources"]["Jobs"]["Metadata"]["aws:cdk:path"], "s/Jobs/Resource");
}
