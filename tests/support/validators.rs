//! External template validators for integration tests: cfn-lint, checkov and
//! the AWS CDK CLI (`cdk ls` on a cloud assembly).
//!
//! Include from an integration test with
//!
//! ```ignore
//! #[path = "support/validators.rs"]
//! mod validators;
//! ```
//!
//! (from a folder target such as `tests/payments_dr/main.rs`, the path is
//! `"../support/validators.rs"`).
//!
//! Only `std` and `serde_json` are used.
//!
//! Tools are found through an environment variable first (`CFNKIT_CFN_LINT`,
//! `CFNKIT_CHECKOV`, `CFNKIT_CDK`, as exported by `scripts/test.sh`), else
//! under `<workspace root>/.tools` as installed by
//! `scripts/setup-validators.sh`. A missing tool is a test failure (panic),
//! never a silent skip.
//!
//! No tool is allowed to reach the network: checkov runs with
//! `--skip-download`, cdk with `--no-notices` and version check / telemetry
//! disabled, and cfn-lint never downloads specs unless asked to.
#![allow(dead_code)]

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Regions used when a caller passes an empty region list.
pub const DEFAULT_REGIONS: &[&str] = &["ap-southeast-1"];

const SETUP_HINT: &str = "run scripts/setup-validators.sh";

/// One finding from cfn-lint or one failed check from checkov.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// cfn-lint rule id (`E3002`, `W2001`, ...) or checkov check id (`CKV_AWS_26`).
    pub rule: String,
    /// cfn-lint: `Error`, `Warning` or `Informational`; checkov: `FAILED`.
    pub level: String,
    /// cfn-lint message, or the checkov check name.
    pub message: String,
    /// Logical id (cfn-lint, when the finding is under `Resources`), or
    /// `Type.LogicalId` (checkov, e.g. `AWS::SNS::Topic.Topic`).
    pub resource: Option<String>,
    /// cfn-lint: the JSON path joined with `/` (`Resources/Topic/Properties/Bogus`);
    /// checkov: the evaluated keys joined with `, ` (`Properties/KmsMasterKeyId`).
    pub path: Option<String>,
    /// The template file the finding is about, when the tool says.
    pub file: Option<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resource = self.resource.as_deref().or(self.path.as_deref()).unwrap_or("<template>");
        write!(f, "{} {}: {}", self.rule, resource, self.message)?;
        if let Some(path) = &self.path {
            if self.resource.is_some() {
                write!(f, " (at {path})")?;
            }
        }
        Ok(())
    }
}

/// What checkov said about one or more templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckovReport {
    /// Number of passed checks (from the summary).
    pub passed: usize,
    /// Every failed check.
    pub failed: Vec<Finding>,
    /// Skipped checks: `(check_id, resource, reason)`; the reason is the
    /// `comment` of the `Metadata.checkov.skip` entry.
    pub skipped: Vec<(String, String, String)>,
    /// Number of files checkov could not parse. Checkov exits 0 on those.
    pub parsing_errors: usize,
    /// Number of resources checkov looked at.
    pub resource_count: usize,
}

impl CheckovReport {
    /// True when nothing failed and everything parsed.
    pub fn is_clean(&self) -> bool {
        self.failed.is_empty() && self.parsing_errors == 0
    }
}

// ---------------------------------------------------------------------------
// Tool lookup

/// The workspace root: the first ancestor of this crate's manifest directory
/// that contains `scripts/test.sh`.
pub fn workspace_root() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("scripts").join("test.sh").is_file())
        .map(Path::to_path_buf)
}

/// Finds a tool: `$env_var` if set and non-empty (a path, or a bare command
/// name looked up on `PATH`), else `<workspace root>/<rel>`. Panics naming the
/// tool and every place it looked.
fn find_tool(tool: &str, env_var: &str, rel: &str) -> PathBuf {
    if let Some(value) = std::env::var_os(env_var).filter(|v| !v.is_empty()) {
        let candidate = PathBuf::from(&value);
        if candidate.is_file() {
            return candidate;
        }
        let bare = candidate.components().count() == 1 && !candidate.is_absolute();
        if bare {
            if let Some(found) = std::env::var_os("PATH")
                .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(&candidate)).find(|p| p.is_file()))
            {
                return found;
            }
        }
        panic!(
            "validator tool `{tool}` not found: {env_var}={} does not name an existing file{}; \
             fix {env_var} or unset it and {SETUP_HINT}",
            candidate.display(),
            if bare { " (also searched PATH)" } else { "" },
        );
    }
    match workspace_root() {
        Some(root) => {
            let path = root.join(rel);
            assert!(
                path.is_file(),
                "validator tool `{tool}` not found: {env_var} is unset and {} does not exist; {SETUP_HINT}",
                path.display()
            );
            path
        }
        None => panic!(
            "validator tool `{tool}` not found: {env_var} is unset and no workspace root \
             (a directory containing scripts/test.sh) is above {}; expected the tool at \
             <workspace root>/{rel}; {SETUP_HINT}",
            env!("CARGO_MANIFEST_DIR")
        ),
    }
}

/// Path of the cfn-lint executable.
pub fn cfn_lint_bin() -> PathBuf {
    find_tool("cfn-lint", "CFNKIT_CFN_LINT", ".tools/venv/bin/cfn-lint")
}

/// Path of the checkov executable.
pub fn checkov_bin() -> PathBuf {
    find_tool("checkov", "CFNKIT_CHECKOV", ".tools/venv/bin/checkov")
}

/// Path of the cdk executable.
pub fn cdk_bin() -> PathBuf {
    find_tool("cdk", "CFNKIT_CDK", ".tools/node/node_modules/.bin/cdk")
}

fn run(tool: &str, mut cmd: Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.stdin(std::process::Stdio::null());
    match cmd.output() {
        Ok(out) => out,
        Err(e) => panic!("could not run `{tool}` ({shown}): {e}; {SETUP_HINT}"),
    }
}

fn describe(tool: &str, out: &Output) -> String {
    format!(
        "`{tool}` exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn count_field(v: &Value, key: &str) -> usize {
    v.get(key).and_then(Value::as_u64).map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
}

// ---------------------------------------------------------------------------
// cfn-lint

/// Runs cfn-lint on one template and returns every finding (errors, warnings
/// and informational). An empty `regions` means [`DEFAULT_REGIONS`].
pub fn cfn_lint(template: &Path, regions: &[&str]) -> Vec<Finding> {
    cfn_lint_files(&[template], regions)
}

/// Runs cfn-lint once on several templates; each finding's `file` says which.
pub fn cfn_lint_files(templates: &[&Path], regions: &[&str]) -> Vec<Finding> {
    assert!(!templates.is_empty(), "cfn_lint_files: no templates given");
    let regions = if regions.is_empty() { DEFAULT_REGIONS } else { regions };
    let mut cmd = Command::new(cfn_lint_bin());
    cmd.arg("--regions").args(regions).args(["--format", "json", "--"]).args(templates);
    let out = run("cfn-lint", cmd);

    // Exit code is a bit field: 2 errors, 4 warnings, 8 informational.
    let code = out.status.code();
    let code_ok = matches!(code, Some(c) if c & !(2 | 4 | 8) == 0);
    assert!(code_ok, "cfn-lint failed to run\n{}", describe("cfn-lint", &out));

    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("cfn-lint output is not JSON ({e})\n{}", describe("cfn-lint", &out)));
    let Some(items) = json.as_array() else {
        panic!("cfn-lint output is not a JSON array\n{}", describe("cfn-lint", &out));
    };
    let findings: Vec<Finding> = items.iter().map(parse_cfn_lint_item).collect();
    assert!(
        code == Some(0) || !findings.is_empty(),
        "cfn-lint reported a non-zero exit but no findings\n{}",
        describe("cfn-lint", &out)
    );
    findings
}

fn parse_cfn_lint_item(item: &Value) -> Finding {
    let rule = item.pointer("/Rule/Id").and_then(Value::as_str).unwrap_or("?").to_owned();
    let level = str_field(item, "Level").unwrap_or_else(|| "?".to_owned());
    let message = str_field(item, "Message").unwrap_or_default();
    let segments: Vec<String> = item
        .pointer("/Location/Path")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .map(|s| match s {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let resource = match segments.as_slice() {
        [first, id, ..] if first == "Resources" => Some(id.clone()),
        _ => None,
    };
    let path = (!segments.is_empty()).then(|| segments.join("/"));
    let file = str_field(item, "Filename");
    Finding { rule, level, message, resource, path, file }
}

// ---------------------------------------------------------------------------
// checkov

/// Runs checkov (CloudFormation framework, offline) on one template.
pub fn checkov(template: &Path) -> CheckovReport {
    checkov_files(&[template])
}

/// Runs checkov once on several templates; each failed finding's `file` says
/// which (as an absolute path when the input path was absolute).
pub fn checkov_files(templates: &[&Path]) -> CheckovReport {
    assert!(!templates.is_empty(), "checkov_files: no templates given");
    let mut cmd = Command::new(checkov_bin());
    for t in templates {
        cmd.arg("-f").arg(t);
    }
    // No --quiet: with it, skipped checks are left out of `results`.
    cmd.args(["--framework", "cloudformation", "--compact", "--skip-download", "-o", "json"]);
    let out = run("checkov", cmd);

    // 0 = no failed checks, 1 = some failed; anything else is checkov failing.
    assert!(matches!(out.status.code(), Some(0 | 1)), "checkov failed to run\n{}", describe("checkov", &out));
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("checkov output is not JSON ({e})\n{}", describe("checkov", &out)));
    let report = parse_checkov(&json)
        .unwrap_or_else(|e| panic!("unexpected checkov output: {e}\n{}", describe("checkov", &out)));
    if out.status.code() == Some(1) {
        assert!(
            !report.failed.is_empty(),
            "checkov exited 1 but listed no failed check\n{}",
            describe("checkov", &out)
        );
    }
    report
}

/// Parses checkov's `-o json` output: one report object, or a list of them
/// (one per framework). A run that found no resources prints only the bare
/// summary object (`{"passed": 0, "failed": 0, ...}`).
pub fn parse_checkov(json: &Value) -> Result<CheckovReport, String> {
    let reports: Vec<&Value> = match json {
        Value::Array(list) => list.iter().collect(),
        Value::Object(_) => vec![json],
        other => return Err(format!("expected an object or a list, got {other}")),
    };
    let mut total = CheckovReport::default();
    for report in reports {
        let summary = report.get("summary").unwrap_or(report);
        if summary.get("passed").is_none() || summary.get("failed").is_none() {
            return Err("no summary with `passed` and `failed`".to_owned());
        }
        total.passed += count_field(summary, "passed");
        total.parsing_errors += count_field(summary, "parsing_errors");
        total.resource_count += count_field(summary, "resource_count");
        let summary_failed = count_field(summary, "failed");

        let results = report.get("results");
        let list = |key: &str| results.and_then(|r| r.get(key)).and_then(Value::as_array).cloned().unwrap_or_default();
        let failed = list("failed_checks");
        if failed.len() != summary_failed {
            return Err(format!("summary says {summary_failed} failed, but {} failed checks are listed", failed.len()));
        }
        for check in &failed {
            let keys: Vec<&str> = check
                .pointer("/check_result/evaluated_keys")
                .and_then(Value::as_array)
                .map(|k| k.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            total.failed.push(Finding {
                rule: str_field(check, "check_id").unwrap_or_else(|| "?".to_owned()),
                level: "FAILED".to_owned(),
                message: str_field(check, "check_name").unwrap_or_default(),
                resource: str_field(check, "resource"),
                path: (!keys.is_empty()).then(|| keys.join(", ")),
                file: str_field(check, "file_abs_path").or_else(|| str_field(check, "file_path")),
            });
        }
        for check in &list("skipped_checks") {
            total.skipped.push((
                str_field(check, "check_id").unwrap_or_else(|| "?".to_owned()),
                str_field(check, "resource").unwrap_or_default(),
                check.pointer("/check_result/suppress_comment").and_then(Value::as_str).unwrap_or_default().to_owned(),
            ));
        }
    }
    Ok(total)
}

// ---------------------------------------------------------------------------
// cdk

/// Runs `cdk ls --app <assembly_dir>` (offline) and returns the stack names,
/// one per non-empty line of stdout. Panics with stdout and stderr if cdk
/// fails. Note: `cdk ls` reads only `manifest.json`; it does not parse the
/// templates.
pub fn cdk_ls(assembly_dir: &Path) -> Vec<String> {
    assert!(assembly_dir.join("manifest.json").is_file(), "cdk_ls: {} has no manifest.json", assembly_dir.display());
    let mut cmd = Command::new(cdk_bin());
    cmd.arg("ls")
        .arg("--app")
        .arg(assembly_dir)
        .arg("--no-notices")
        .env("CDK_DISABLE_VERSION_CHECK", "true")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
        .env("CI", "true")
        .env("FORCE_COLOR", "0");
    let out = run("cdk", cmd);
    assert!(out.status.success(), "cdk ls failed on {}\n{}", assembly_dir.display(), describe("cdk", &out));
    String::from_utf8_lossy(&out.stdout).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------
// Temp files and the one-call assertion

/// Writes `contents` to a fresh file in the system temp dir; `name` is
/// sanitised into the file name. The file ends in `.json` (checkov and
/// cfn-lint pick the parser by extension).
pub fn write_temp(name: &str, contents: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(80)
        .collect();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("cfnkit-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let path = dir.join(format!("{safe}-{n}-{nanos}.json"));
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// Asserts that cfn-lint reports nothing (no error, warning or informational
/// finding) and checkov has no failed check and no parsing error for
/// `template_json`. Panics listing every finding; the template file is kept
/// on failure and its path is in the message.
pub fn assert_clean(template_json: &str, name: &str, regions: &[&str]) {
    assert_all_clean(&[(name, template_json)], regions);
}

/// Like [`assert_clean`] for several templates, running each tool only once
/// (checkov takes ~2 s to start, so batching matters).
pub fn assert_all_clean(templates: &[(&str, &str)], regions: &[&str]) {
    assert!(!templates.is_empty(), "assert_all_clean: no templates given");
    let files: Vec<(String, PathBuf)> =
        templates.iter().map(|(name, json)| ((*name).to_owned(), write_temp(name, json))).collect();
    let paths: Vec<&Path> = files.iter().map(|(_, p)| p.as_path()).collect();

    let (lint, ck) = std::thread::scope(|s| {
        let ck = s.spawn(|| checkov_files(&paths));
        let lint = cfn_lint_files(&paths, regions);
        (lint, ck.join())
    });
    let ck = match ck {
        Ok(report) => report,
        Err(panic) => std::panic::resume_unwind(panic),
    };

    if lint.is_empty() && ck.is_clean() {
        for (_, path) in &files {
            let _ = std::fs::remove_file(path);
            // Removes the per-process directory once it is empty.
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        return;
    }

    let name_of = |file: Option<&str>| -> String {
        let Some(file) = file else {
            return String::new();
        };
        files
            .iter()
            .find(|(_, p)| {
                let p = p.to_string_lossy();
                p == file || p.ends_with(file.trim_start_matches('/'))
            })
            .map_or_else(|| format!("[{file}] "), |(n, _)| format!("[{n}] "))
    };
    // Writing to a String cannot fail; the results are ignored.
    let mut msg = String::from("template validation failed\n");
    if !lint.is_empty() {
        let _ = writeln!(msg, "cfn-lint: {} finding(s)", lint.len());
        for f in &lint {
            let _ = writeln!(msg, "  {}{f} [{}]", name_of(f.file.as_deref()), f.level);
        }
    }
    if ck.parsing_errors > 0 {
        let _ = writeln!(msg, "checkov: {} template(s) could not be parsed", ck.parsing_errors);
    }
    if !ck.failed.is_empty() {
        let _ = writeln!(msg, "checkov: {} failed check(s)", ck.failed.len());
        for f in &ck.failed {
            let _ = writeln!(msg, "  {}{f}", name_of(f.file.as_deref()));
        }
    }
    msg.push_str("template file(s) kept for inspection:\n");
    for (name, path) in &files {
        let _ = writeln!(msg, "  {name}: {}", path.display());
    }
    panic!("{msg}");
}
