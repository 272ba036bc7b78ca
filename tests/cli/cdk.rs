//! The AWS CDK CLI drives a cfnkit program through `cdk.json`
//! (`{"app": "<the program>"}`): it passes CDK_OUTDIR and the context, and
//! reads the assembly the program writes.

use std::path::Path;
use std::process::{Command, Output};

use super::{scratch, validators};

fn cdk(dir: &Path, args: &[&str]) -> Output {
    Command::new(validators::cdk_bin())
        .current_dir(dir)
        .args(args)
        .arg("--no-notices")
        .env("CDK_DISABLE_VERSION_CHECK", "true")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
        .env("CI", "true")
        .env("FORCE_COLOR", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cdk")
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn cdk_ls_synth_and_diff_work_through_cdk_json() {
    let dir = scratch("cdk-json");
    let app = serde_json::json!({"app": env!("CARGO_BIN_EXE_cfnkit")});
    std::fs::write(dir.join("cdk.json"), app.to_string()).unwrap();

    let ls = cdk(&dir, &["ls"]);
    assert!(ls.status.success(), "{}", text(&ls));
    let names: Vec<&str> = std::str::from_utf8(&ls.stdout).unwrap().lines().collect();
    assert_eq!(names, ["order-monitoring", "transaction-pipeline", "order-queue", "payments-dr"]);

    assert!(dir.join("cdk.out/manifest.json").is_file(), "cdk ls had the program write cdk.out");
    std::fs::remove_dir_all(dir.join("cdk.out")).unwrap();

    // `-o other` reaches the program as CDK_OUTDIR; the CLI's context turns on path metadata.
    let synth = cdk(&dir, &["synth", "-o", "other", "order-queue", "-q"]);
    assert!(synth.status.success(), "{}", text(&synth));
    let tpl = dir.join("other/order-queue.template.json");
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&tpl).unwrap()).unwrap();
    assert_eq!(t["Resources"]["OrderQueue"]["Metadata"]["aws:cdk:path"], "order-queue/OrderQueue/Resource");
    assert!(!dir.join("cdk.out").exists(), "nothing written to the default folder");

    let same = cdk(&dir, &["diff", "order-queue", "--template", tpl.to_str().unwrap(), "--fail"]);
    assert!(same.status.success(), "no differences against its own template: {}", text(&same));

    let mut changed = t.clone();
    changed["Resources"]["OrderQueue"]["Properties"]["VisibilityTimeout"] = serde_json::json!(1);
    let old = dir.join("old.json");
    std::fs::write(&old, changed.to_string()).unwrap();
    let differs = cdk(&dir, &["diff", "order-queue", "--template", old.to_str().unwrap(), "--fail"]);
    assert_eq!(differs.status.code(), Some(1), "{}", text(&differs));
    assert!(text(&differs).contains("VisibilityTimeout"), "{}", text(&differs));
}
