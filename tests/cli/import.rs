//! `cfnkit import TEMPLATE [--out FILE] [--name STACK]`: the program on
//! stdout or written atomically to FILE; what a program cannot express is
//! every problem with its file, line, column and JSON pointer, exit 1, and
//! nothing written.

use cfnkit::cli::Env;

use super::{run, scratch};

const TEMPLATE: &str = "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n  Alerts:\n    Type: AWS::SNS::Topic\n    \
                        Properties:\n      DisplayName: !GetAtt Jobs.Arn\n";

#[test]
fn import_prints_a_program_or_writes_it_to_a_file() {
    let dir = scratch("import-ok");
    let t = dir.join("orders.yaml");
    std::fs::write(&t, TEMPLATE).unwrap();
    let r = run(&["import", t.to_str().unwrap()], &Env::default(), |_| {});
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains(r#"let stack = app.stack("orders");"#), "{}", r.out);
    assert!(r.out.contains(".display_name(jobs.attr_arn())"), "{}", r.out);
    assert!(r.out.contains("fn main() -> std::process::ExitCode {\n    cfnkit::run(build)\n}"), "{}", r.out);
    assert!(r.err.contains("needs the cfnkit features: sns, sqs"), "{}", r.err);

    let out = dir.join("main.rs");
    let r =
        run(&["import", t.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "svc"], &Env::default(), |_| {});
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.is_empty(), "the program goes to the file only: {}", r.out);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains(r#"let stack = app.stack("svc");"#), "{written}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
}

#[test]
fn what_cannot_be_imported_is_every_problem_with_its_place_and_no_program() {
    let dir = scratch("import-bad");
    let t = dir.join("sam.yaml");
    std::fs::write(
        &t,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Made::Up\n  Q:\n    \
         Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Nothing\n",
    )
    .unwrap();
    let out = dir.join("main.rs");
    let r = run(&["import", t.to_str().unwrap(), "--out", out.to_str().unwrap()], &Env::default(), |_| {});
    assert_eq!(r.code, 1, "{}", r.err);
    let file = t.display().to_string();
    assert!(r.err.contains(&format!("{file}:1:1: /Transform: Transform: macros")), "{}", r.err);
    assert!(
        r.err.contains("/Resources/Fn/Type: AWS::Made::Up: a resource type cfnkit's L1 does not have"),
        "{}",
        r.err
    );
    assert!(r.err.contains("/Resources/Q/Properties/QueueName/Ref: Ref to \"Nothing\""), "{}", r.err);
    assert!(r.err.contains("error: 3 problem(s); no program written"), "{}", r.err);
    assert!(r.out.is_empty(), "{}", r.out);
    assert!(!out.exists(), "no partial program");

    let r = run(&["import", dir.join("missing.yaml").to_str().unwrap()], &Env::default(), |_| {});
    assert_eq!(r.code, 2, "{}", r.err);
    assert!(r.err.contains("cannot read"), "{}", r.err);
}
