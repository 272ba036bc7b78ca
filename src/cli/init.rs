//! `init DIR`: a new cfnkit project, ready to test, synthesize and deploy:
//! `Cargo.toml`, `src/main.rs` with one stack and a test written with the
//! assertions API, `cdk.json` so the AWS CDK CLI runs the program, a
//! README and a `.gitignore`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_OK, EXIT_USAGE};

/// Options of `init`.
#[derive(Debug, Clone, Default, Args)]
pub struct InitOpts {
    /// The folder to create (it must not exist, or be empty).
    pub dir: PathBuf,
    /// Depend on a cfnkit checkout at PATH instead of the published crate.
    #[arg(long, value_name = "PATH", conflicts_with = "cfnkit_version")]
    pub cfnkit_path: Option<PathBuf>,
    /// The cfnkit version to depend on (default: this one).
    #[arg(long, value_name = "VERSION")]
    pub cfnkit_version: Option<String>,
}

/// The crate name for a project folder: lowercase letters, digits and `-`,
/// starting with a letter.
fn crate_name(dir: &Path) -> Option<String> {
    let raw = dir.file_name()?.to_str()?;
    let mut name: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "app-");
    }
    Some(name)
}

/// The files of a new project named `name`.
pub fn project_files(name: &str, dependency: &str) -> Vec<(&'static str, String)> {
    let stack = name.to_string();
    vec![
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\n{dependency}\n\n\
                 # A project of its own, even when created inside another workspace.\n[workspace]\n"
            ),
        ),
        ("src/main.rs", MAIN_RS.replace("{stack}", &stack)),
        ("cdk.json", "{\n  \"app\": \"cargo run --quiet\"\n}\n".into()),
        (".gitignore", "/target\n/cdk.out\n".into()),
        ("README.md", README_MD.replace("{stack}", &stack)),
    ]
}

pub(super) fn init(o: &InitOpts, quiet: bool, err: &mut impl Write) -> i32 {
    let Some(name) = crate_name(&o.dir) else {
        let _ = writeln!(err, "error: init {}: name a folder for the new project", o.dir.display());
        return EXIT_USAGE;
    };
    if o.dir.is_file() || std::fs::read_dir(&o.dir).is_ok_and(|mut d| d.next().is_some()) {
        let _ = writeln!(
            err,
            "error: init {}: the folder exists and is not empty; name a new folder (nothing was written)",
            o.dir.display()
        );
        return EXIT_USAGE;
    }
    let dependency = match (&o.cfnkit_path, &o.cfnkit_version) {
        (Some(p), _) => {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            format!("cfnkit = {{ path = {:?} }}", abs.display().to_string())
        }
        (None, Some(v)) => format!("cfnkit = \"{v}\""),
        (None, None) => format!("cfnkit = \"{}\"", env!("CARGO_PKG_VERSION")),
    };
    for (rel, text) in project_files(&name, &dependency) {
        let path = o.dir.join(rel);
        let written =
            path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text.as_bytes()));
        if let Err(e) = written {
            let _ = writeln!(err, "error: init: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    if !quiet {
        let _ = writeln!(
            err,
            "created {name} in {}\nnext: cd {} && cargo test && cargo run -- synth",
            o.dir.display(),
            o.dir.display()
        );
    }
    EXIT_OK
}

const MAIN_RS: &str = r#"//! A cfnkit program: each stack it defines becomes a CloudFormation template.
//!
//! `cargo run -- synth` prints the template; `cargo test` runs the tests
//! below; `cdk deploy` (through cdk.json) deploys it. See README.md.

use cfnkit::prelude::*;

/// Adds this program's stacks to `app`.
fn define(app: &mut App) {
    // Context: `cargo run -- synth -c stage=prod`, or `cdk deploy -c stage=prod`.
    let stage: String = app.context_or("stage", "dev".to_string());
    // When the AWS CDK CLI runs the program it passes the account and region
    // of your credentials; outside it these are None (an environment-agnostic stack).
    let (account, region) = (app.default_account().map(str::to_string), app.default_region().map(str::to_string));

    let stack = app.stack(&format!("{stack}-{stage}"));
    if let Some(a) = &account {
        stack.account(a);
    }
    if let Some(r) = &region {
        stack.region(r);
    }
    stack.description("Created by cfnkit init");
    let jobs = Queue::new("Jobs").add_to(stack);
    stack.output("JobsQueueUrl", jobs.url()).description("URL of the jobs queue");
}

fn main() -> std::process::ExitCode {
    cfnkit::run(define)
}

#[cfg(test)]
mod tests {
    use cfnkit::assertions::Template;
    use cfnkit::prelude::*;
    use cfnkit::serde_json::json;

    #[test]
    fn the_queue_is_encrypted_and_has_a_dead_letter_queue_or_none() {
        let mut app = App::new();
        super::define(&mut app);
        let t = Template::from_stack(&app, "{stack}-dev");
        t.resource_count_is("AWS::SQS::Queue", 1);
        t.has_resource_properties("AWS::SQS::Queue", json!({"KmsMasterKeyId": "alias/aws/sqs"}));
        t.has_output("JobsQueueUrl", json!({"Value": {"Ref": "Jobs"}}));
    }
}
"#;

const README_MD: &str = r"# {stack}

A [cfnkit](https://example.invalid/cfnkit) program: Rust that synthesizes
CloudFormation templates.

| | |
|---|---|
| Test | `cargo test` |
| List the stacks | `cargo run -- ls` |
| Synthesize | `cargo run -- synth` (one stack prints to stdout; `-o DIR` writes a cloud assembly, default `cdk.out`) |
| Pass context | `cargo run -- synth -c stage=prod` (read in `define` with `app.context_or`) |
| Diff | `cargo run -- diff --template deployed.json` or `cargo run -- diff` (against the last `cdk.out`) |
| Deploy | `cdk deploy` (the AWS CDK CLI runs `cargo run --quiet` from `cdk.json`) |

Deploying needs the AWS CDK CLI (`npm install -g aws-cdk@2`, version 2.1148 or
later) and AWS credentials; `cdk diff` and `cdk deploy` take every CDK option
(`-c`, `-o`, `--profile`...). Templates up to 50 KiB deploy without
`cdk bootstrap`; larger ones, and stacks with Lambda code from
`Code::from_asset`, need it once per account and region.
";
