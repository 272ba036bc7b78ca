//! The README's "Your own app: from nothing to deployed" walk-through, run
//! line by line in a scratch folder: `cfnkit init`, the new project's own
//! test, an edit, `synth`, `diff`, and the AWS CDK CLI through `cdk.json`.
//! Only `cdk deploy` is left out (it needs an AWS account).

use std::path::{Path, PathBuf};
use std::process::Command;

use cfnkit::cli::Env;

use super::{run, scratch, validators};

const CHECKOUT: &str = env!("CARGO_MANIFEST_DIR");

/// The shell lines of the README's walk-through block.
fn walkthrough() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(CHECKOUT).join("README.md")).unwrap();
    let section = readme.split("## Your own app: from nothing to deployed").nth(1).expect("the README section");
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("its sh block");
    block.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Runs a command of the project with the environment a test needs: offline
/// cargo (the checkout's Cargo.lock), a target folder of its own, no CDK
/// notices or telemetry.
fn command(program: &Path, args: &[&str], dir: &Path, target: &Path) -> (bool, String, String) {
    let o = Command::new(program)
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CDK_DISABLE_VERSION_CHECK", "true")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
        .env("CI", "true")
        .env("FORCE_COLOR", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_readme_walkthrough_runs_from_init_to_cdk_diff() {
    let lines = walkthrough();
    assert_eq!(lines.last().map(String::as_str), Some("cdk deploy"), "the walk-through ends with the deploy");
    let root = scratch("walkthrough");
    let project = root.join("my-service");
    let target = Path::new(CHECKOUT).join("target/init-project");
    let mut cwd = PathBuf::from(CHECKOUT);
    let mut synthesized = String::new();
    for line in &lines[..lines.len() - 1] {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["cargo", "run", "--release", "--", "init", dir, "--cfnkit-path", "."] => {
                assert_eq!(*dir, "../my-service");
                let r = run(&["init", project.to_str().unwrap(), "--cfnkit-path", CHECKOUT], &Env::default(), |_| {});
                assert_eq!(r.code, 0, "{}", r.err);
                assert!(std::fs::read_to_string(project.join("Cargo.toml"))
                    .unwrap()
                    .contains(&format!("path = {CHECKOUT:?}")));
                // Build offline with the versions this checkout was tested with.
                std::fs::copy(Path::new(CHECKOUT).join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
            }
            ["cd", "../my-service"] => cwd = project.clone(),
            ["#", "edit", "src/main.rs:", ..] => {
                let statement = line.split(" add ").nth(1).expect("the statement to add");
                let main = project.join("src/main.rs");
                let text = std::fs::read_to_string(&main).unwrap();
                let anchor = "let jobs = Queue::new(\"Jobs\").add_to(stack);\n";
                assert!(text.contains(anchor), "the generated define() has the queue line");
                std::fs::write(&main, text.replacen(anchor, &format!("{anchor}    {statement}\n"), 1)).unwrap();
            }
            ["#", ..] => {}
            ["cargo", args @ ..] => {
                let (ok, out, err) = command(Path::new(env!("CARGO")), args, &cwd, &target);
                assert!(ok, "`{line}` failed:\n{out}{err}");
                if *args == ["test"] {
                    assert!(format!("{out}{err}").contains("1 passed"), "{out}{err}");
                }
                if *args == ["run", "--", "synth"] {
                    synthesized = out;
                }
            }
            ["cdk", args @ ..] => {
                let (ok, out, err) = command(&validators::cdk_bin(), args, &cwd, &target);
                assert!(ok, "`{line}` failed:\n{out}{err}");
                if *args == ["ls"] {
                    assert_eq!(out.trim(), "my-service-dev", "cdk ls lists the project's stack");
                }
            }
            _ => panic!("the walk-through has a line this test does not know how to follow: {line}"),
        }
    }
    assert!(synthesized.contains("\"AWS::S3::Bucket\""), "the edit reached the template:\n{synthesized}");
    assert!(synthesized.contains("\"AWS::SQS::Queue\""), "{synthesized}");
    for f in ["cdk.out/manifest.json", "other/manifest.json", "other/my-service-dev.template.json"] {
        assert!(project.join(f).is_file(), "{f} written");
    }
}
