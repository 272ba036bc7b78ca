//! `diff` against a template file or the previous assembly.

use cfnkit::cli::Env;
use cfnkit::prelude::*;

use super::{run, scratch};

fn table_app(name: &'static str) -> impl FnOnce(&mut App) {
    move |app: &mut App| {
        let s = app.stack("data");
        Table::new("Orders", Key::string("id")).name(name).add_to(s);
        Queue::new("Jobs").add_to(s);
    }
}

#[test]
fn no_previous_assembly_shows_everything_added() {
    let dir = scratch("diff-none");
    let r = run(&["diff", "-o", dir.join("none").to_str().unwrap()], &Env::default(), table_app("orders"));
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Stack data\n"), "{}", r.out);
    assert!(r.out.contains("[+] AWS::DynamoDB::Table Orders"), "{}", r.out);
}

#[test]
fn changes_against_the_previous_assembly_say_what_replaces() {
    let dir = scratch("diff-prev");
    let d = dir.to_str().unwrap();
    assert_eq!(run(&["synth", "-o", d], &Env::default(), table_app("orders")).code, 0);
    let same = run(&["diff", "-o", d, "--fail"], &Env::default(), table_app("orders"));
    assert_eq!(same.code, 0, "{}{}", same.out, same.err);
    assert!(same.out.contains("There were no differences"), "{}", same.out);

    let r = run(&["diff", "-o", d, "--fail"], &Env::default(), table_app("orders-v2"));
    assert_eq!(r.code, 1, "--fail exits 1 on a difference: {}", r.out);
    assert!(r.out.contains("[~] AWS::DynamoDB::Table Orders (replacement"), "{}", r.out);
    assert!(r.out.contains("~ TableName: \"orders\" -> \"orders-v2\" (requires replacement)"), "{}", r.out);
    let without_fail = run(&["diff", "-o", d], &Env::default(), table_app("orders-v2"));
    assert_eq!(without_fail.code, 0);
}

#[test]
fn a_template_file_is_compared_and_iam_changes_called_out() {
    let dir = scratch("diff-file");
    let r = run(&["synth", "data"], &Env::default(), table_app("orders"));
    let mut t: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    // The old template had a role, and a queue with another visibility timeout.
    t["Resources"]["OldRole"] =
        serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}});
    t["Resources"]["Jobs"]["Properties"]["VisibilityTimeout"] = serde_json::json!(99);
    let file = dir.join("old.json");
    std::fs::write(&file, t.to_string()).unwrap();
    let r = run(&["diff", "data", "--template", file.to_str().unwrap()], &Env::default(), table_app("orders"));
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("[-] AWS::IAM::Role OldRole"), "{}", r.out);
    assert!(r.out.contains("IAM and resource-policy changes"), "{}", r.out);
    assert!(r.out.contains("[~] AWS::SQS::Queue Jobs\n"), "a timeout change does not replace: {}", r.out);
    assert!(r.out.contains("- VisibilityTimeout: 99\n"), "{}", r.out);

    let r = run(&["diff", "--template", file.to_str().unwrap()], &Env::default(), |app| {
        table_app("orders")(app);
        app.stack("other");
    });
    assert_eq!(r.code, 2, "--template needs one stack: {}", r.err);
    std::fs::write(&file, "Resources: {}").unwrap();
    let r = run(&["diff", "data", "--template", file.to_str().unwrap()], &Env::default(), table_app("orders"));
    assert_eq!(r.code, 2);
    assert!(r.err.contains("is not a JSON template"), "{}", r.err);
}

#[test]
fn security_group_changes_are_called_out() {
    let old = serde_json::json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "d", "SecurityGroupIngress": [{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp"}]}}}});
    let mut new = old.clone();
    new["Resources"]["Sg"]["Properties"]["SecurityGroupIngress"][0]["CidrIp"] = serde_json::json!("0.0.0.0/0");
    let d = cfnkit::cli::diff::compare(&old, &new);
    let text = d.render("net");
    assert!(
        text.contains("Security group and network changes:\n  [~] Sg (AWS::EC2::SecurityGroup) SecurityGroupIngress"),
        "{text}"
    );
    new["Resources"]["Sg"]["Properties"]["GroupDescription"] = serde_json::json!("other");
    assert!(cfnkit::cli::diff::compare(&old, &new).changed[0].replaces, "GroupDescription is create-only");
}
