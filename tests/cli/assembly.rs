//! The cloud assembly: one generation, complete, readable by the CDK CLI.

use cfnkit::cli::Env;
use cfnkit::prelude::*;

use super::{linked, run, scratch, validators};

fn manifest(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn synth_of_several_stacks_writes_an_assembly_the_cdk_cli_lists() {
    let root = scratch("all");
    let dir = root.join("out");
    let r = run(&["synth", "-o", dir.to_str().unwrap()], &Env::default(), cfnkit::reference::define);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.err.contains("wrote 4 stacks to"), "{}", r.err);
    assert!(r.out.is_empty());
    let names = validators::cdk_ls(&dir);
    assert_eq!(names, ["order-monitoring", "transaction-pipeline", "order-queue", "payments-dr"]);
    assert_eq!(entries(&root), ["out"], "no temporary folder is left beside the assembly");
}

#[test]
fn a_selected_stack_brings_the_stacks_it_depends_on() {
    let dir = scratch("deps");
    let r = run(&["synth", "b", "-o", dir.to_str().unwrap()], &Env::default(), linked);
    assert_eq!(r.code, 0, "{}", r.err);
    let m = manifest(&dir);
    assert_eq!(m["artifacts"]["b"]["dependencies"], serde_json::json!(["a"]));
    assert!(m["artifacts"]["a"].is_object(), "dependency a is in the assembly");
    assert!(m["artifacts"]["c"].is_null(), "c was not asked for");
    assert_eq!(validators::cdk_ls(&dir), ["a", "b"]);
}

#[test]
fn each_write_is_one_whole_generation() {
    let dir = scratch("gen").join("asm");
    let d = dir.to_str().unwrap();
    assert_eq!(run(&["synth", "-o", d], &Env::default(), linked).code, 0);
    assert_eq!(entries(&dir), ["a.template.json", "b.template.json", "c.template.json", "manifest.json", "tree.json"]);
    // A smaller app replaces the folder: nothing of the previous generation stays.
    assert_eq!(run(&["synth", "c", "-o", d], &Env::default(), linked).code, 0);
    assert_eq!(entries(&dir), ["c.template.json", "manifest.json", "tree.json"]);
    // A failing run leaves the previous generation untouched.
    let before = std::fs::read(dir.join("manifest.json")).unwrap();
    let r = run(&["synth", "-o", d], &Env::default(), |app| {
        app.stack("c").region("nowhere-1");
    });
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), before);
    assert_eq!(entries(&dir), ["c.template.json", "manifest.json", "tree.json"]);
}

#[test]
fn leftovers_of_a_killed_run_are_removed_and_cdk_locks_kept() {
    let root = scratch("stale");
    let dir = root.join("asm");
    // A run killed between writing and renaming leaves its folder behind (pid 0 never runs a synth).
    std::fs::create_dir_all(root.join(".asm.cfnkit-new-0")).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("synth.lock"), "4242").unwrap();
    assert_eq!(run(&["synth", "-o", dir.to_str().unwrap()], &Env::default(), linked).code, 0);
    assert_eq!(entries(&root), ["asm"]);
    assert_eq!(std::fs::read_to_string(dir.join("synth.lock")).unwrap(), "4242", "the CDK CLI's lock survives");
}

#[test]
fn a_stack_named_tree_does_not_collide_with_the_tree_artifact() {
    let dir = scratch("tree");
    let r = run(&["synth", "-o", dir.to_str().unwrap()], &Env::default(), |app| {
        Queue::new("Q").add_to(app.stack("Tree"));
        app.stack("tree");
    });
    assert_eq!(r.code, 0, "{}", r.err);
    let m = manifest(&dir);
    assert_eq!(m["artifacts"]["Tree"]["type"], "aws:cloudformation:stack");
    assert_eq!(m["artifacts"]["cfnkit.tree"]["type"], "cdk:tree");
    assert_eq!(validators::cdk_ls(&dir), ["Tree", "tree"]);
}

#[test]
fn run_by_the_cdk_cli_writes_every_stack_into_cdk_outdir() {
    let dir = scratch("outdir");
    let env = Env { outdir: Some(dir.clone()), ..Env::default() };
    let r = run(&[], &env, linked);
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
    assert_eq!(validators::cdk_ls(&dir), ["a", "b", "c"]);
    // -o wins over CDK_OUTDIR.
    let other = scratch("outdir-flag");
    assert_eq!(run(&["synth", "-o", other.to_str().unwrap()], &env, linked).code, 0);
    assert!(other.join("manifest.json").is_file());
}
