//! The lint rules on cfnkit's own stacks: the reference stacks and every
//! example, synthesized and linted with the default config, exactly as
//! `cfnkit lint` (no paths) does.

#[path = "../examples/first_bucket.rs"]
mod first_bucket;

#[path = "../examples/stream_processor.rs"]
mod stream_processor;

#[path = "../examples/cross_stack.rs"]
mod cross_stack;

#[path = "../examples/cross_stack_encrypted.rs"]
mod cross_stack_encrypted;

#[path = "../examples/queue_worker.rs"]
mod queue_worker;

#[path = "../examples/rest_api.rs"]
mod rest_api;

#[path = "../examples/custom_construct.rs"]
mod custom_construct;

#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

use cfnkit::core::tree::App;
use cfnkit_lint::{lint_template, Config};

/// `stack: rule at pointer` for every finding of every stack of `app`.
fn findings(app: &App) -> Vec<String> {
    let out = app.synth().expect("the app synthesizes");
    let mut v = Vec::new();
    for s in &out.stacks {
        let t: serde_json::Value = serde_json::from_str(&s.json).unwrap();
        for f in lint_template(&t, &Config::default()) {
            v.push(format!("{}: {} at {} ({})", s.name, f.rule, f.pointer, f.message));
        }
    }
    v
}

/// Every example lints clean.
#[test]
fn examples_lint_clean() {
    let apps = [
        ("first_bucket", first_bucket::app()),
        ("stream_processor", stream_processor::app()),
        ("cross_stack", cross_stack::app()),
        ("cross_stack_encrypted", cross_stack_encrypted::app()),
        ("queue_worker", queue_worker::app()),
        ("rest_api", rest_api::app()),
        ("custom_construct", custom_construct::app()),
        ("assertions_in_tests", assertions_in_tests::app()),
    ];
    let mut got = Vec::new();
    for (name, app) in apps {
        got.extend(findings(&app).into_iter().map(|f| format!("{name}/{f}")));
    }
    assert!(got.is_empty(), "examples' findings:\n{}", got.join("\n"));
}

/// The four reference stacks lint clean. (payments-dr names its replica
/// region `us-east-2` as the spec asks: a global table's replica beside the
/// `AWS::Region` one is another region on purpose, not a hard-coded own region.)
#[test]
fn reference_stacks_lint_clean() {
    let got = findings(&cfnkit::reference::app());
    assert!(got.is_empty(), "reference-stack findings:\n{}", got.join("\n"));
    let hardened = findings(&cfnkit::reference::app_with_profile(cfnkit::core::conventions::SecurityProfile::Hardened));
    assert!(hardened.is_empty(), "hardened reference-stack findings:\n{}", hardened.join("\n"));
}

/// The README's rule table lists every rule with its severity, title and
/// the checkov, cdk-nag and cfn-lint ids it corresponds to.
#[test]
fn the_readme_lists_every_rule_with_its_ids() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for r in cfnkit_lint::packs::all() {
        let head = format!("| `{}` |", r.id);
        let line =
            readme.lines().find(|l| l.starts_with(&head)).unwrap_or_else(|| panic!("no README row for {}", r.id));
        // | id | severity | asks for | checkov | cdk-nag | cfn-lint |
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!((cells[2], cells[3]), (r.severity.as_str(), r.title), "{line}");
        for (cell, ids) in [(cells[4], r.checkov), (cells[5], r.cdk_nag), (cells[6], r.cfn_lint)] {
            let want = if ids.is_empty() { "–".to_string() } else { ids.join(", ") };
            assert_eq!(cell, want, "{line}");
        }
    }
}

mod cli {
    use std::io::Write;

    fn run(args: &[&str]) -> (i32, String, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut argv = vec!["cfnkit", "lint"];
        argv.extend_from_slice(args);
        let code =
            cfnkit::cli::main_with(argv, &cfnkit::cli::Env::default(), cfnkit::reference::define, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
        let p = dir.path().join(name);
        std::fs::File::create(&p).unwrap().write_all(text.as_bytes()).unwrap();
        p.display().to_string()
    }

    const CLEAN: &str = r#"{
  "Parameters": {"EnvironmentSuffix": {"Type": "String", "Default": "dev"}},
  "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns",
    "Tags": [{"Key": "Environment", "Value": {"Ref": "EnvironmentSuffix"}}, {"Key": "Purpose", "Value": "t"}]}}},
  "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}}
}"#;

    #[test]
    fn a_clean_template_exits_0() {
        let d = tempfile::tempdir().unwrap();
        let (code, out, _) = run(&[&file(&d, "t.json", CLEAN)]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("0 finding(s)"), "{out}");
    }

    #[test]
    fn findings_exit_1_with_path_line_column_rule_and_fix() {
        let d = tempfile::tempdir().unwrap();
        let bad = CLEAN.replace(r#""KmsMasterKeyId": "alias/aws/sns","#, "");
        let path = file(&d, "t.json", &bad);
        let (code, out, _) = run(&[&path]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("{path}:3:27: error[sec-sns-encryption] Topic: topic has no KmsMasterKeyId")),
            "{out}"
        );
        assert!(out.contains("= fix: Set KmsMasterKeyId"), "{out}");
    }

    #[test]
    fn unreadable_input_exits_2_and_still_reports_the_rest() {
        let d = tempfile::tempdir().unwrap();
        let good = file(&d, "good.json", CLEAN);
        let broken = file(&d, "broken.json", "{\"Resources\": ");
        let (code, out, err) = run(&[&good, &broken, "missing.json"]);
        assert_eq!(code, 2);
        assert!(err.contains("broken.json:1:") && err.contains("missing.json: cannot read"), "{err}");
        assert!(out.contains("in 1 template(s)"), "{out}");
    }

    #[test]
    fn a_bad_config_is_a_usage_error() {
        let d = tempfile::tempdir().unwrap();
        let cfg = file(&d, "cfnkit.toml", "[lint]\npacks = [\"style\"]\n");
        let (code, _, err) = run(&["--config", &cfg, &file(&d, "t.json", CLEAN)]);
        assert_eq!(code, 2);
        assert!(err.contains("unknown pack \"style\""), "{err}");
    }

    #[test]
    fn config_selects_packs_severities_and_required_outputs() {
        let d = tempfile::tempdir().unwrap();
        let cfg = file(&d, "cfnkit.toml", "[lint]\npacks = [\"conventions\"]\nrequired-outputs = [\"TableName\"]\n[lint.severity]\nconv-outputs = \"note\"\n");
        let bad = CLEAN.replace(r#""KmsMasterKeyId": "alias/aws/sns","#, "");
        let (code, out, _) = run(&["--config", &cfg, "--format", "json", &file(&d, "t.json", &bad)]);
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let f = &v["templates"][0]["findings"];
        assert_eq!(f.as_array().unwrap().len(), 1, "security is off, one missing output: {f}");
        assert_eq!(f[0]["rule"], "conv-outputs");
        assert_eq!(f[0]["severity"], "note");
        assert_eq!(f[0]["message"], "no output named TableName");
    }

    #[test]
    fn cargo_metadata_table_is_read() {
        let d = tempfile::tempdir().unwrap();
        let cfg = file(&d, "Cargo.toml", "[package]\nname = \"x\"\n[package.metadata.cfnkit.lint]\nrequired-tags = []\nsuffix-parameter = \"Stage\"\n");
        let t = CLEAN
            .replace("EnvironmentSuffix", "Stage")
            .replace(r#"{"Key": "Environment", "Value": {"Ref": "Stage"}}, "#, "");
        let (code, out, _) = run(&["--config", &cfg, &file(&d, "t.json", &t)]);
        assert_eq!(code, 0, "{out}");
    }

    #[test]
    fn suppressions_with_reasons_silence_and_without_reasons_are_findings() {
        let d = tempfile::tempdir().unwrap();
        let bad = CLEAN.replace(r#""KmsMasterKeyId": "alias/aws/sns","#, "");
        let with = bad.replace(
            r#""Type": "AWS::SNS::Topic","#,
            r#""Type": "AWS::SNS::Topic", "Metadata": {"cdk_nag": {"rules_to_suppress": [{"id": "SNSEncryptedKMS", "reason": "public feed"}]}},"#,
        );
        assert_eq!(run(&[&file(&d, "a.json", &with)]).0, 0);
        let cfn_lint_form = bad.replace(
            r#""Type": "AWS::SNS::Topic","#,
            r#""Type": "AWS::SNS::Topic", "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["sec-sns-encryption"]}}},"#,
        );
        let (code, out, _) = run(&[&file(&d, "b.json", &cfn_lint_form)]);
        assert_eq!(code, 1);
        assert!(out.contains("sup-missing-reason") && out.contains("sec-sns-encryption"), "{out}");
        let own = bad.replace(
            r#""Type": "AWS::SNS::Topic","#,
            r#""Type": "AWS::SNS::Topic", "Metadata": {"cfnkit:acknowledgements": {"CKV_AWS_26": "public feed"}},"#,
        );
        assert_eq!(run(&[&file(&d, "c.json", &own)]).0, 0);
    }

    #[test]
    fn sarif_output_names_rules_with_their_corresponding_ids() {
        let d = tempfile::tempdir().unwrap();
        let bad = CLEAN.replace(r#""KmsMasterKeyId": "alias/aws/sns","#, "");
        let (code, out, _) = run(&["--format", "sarif", &file(&d, "t.json", &bad)]);
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "sec-sns-encryption");
        assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "sec-sns-encryption");
        assert_eq!(rule["properties"]["checkov"][0], "CKV_AWS_26");
    }

    #[test]
    fn no_paths_lints_the_apps_own_stacks() {
        let (code, out, _) = run(&[]);
        assert_eq!(code, 0, "the reference stacks lint clean: {out}");
        assert!(out.contains("in 4 template(s)"), "{out}");
    }

    #[test]
    fn a_folder_skips_what_is_not_a_template_and_a_named_file_does_not() {
        let d = tempfile::tempdir().unwrap();
        let bad = CLEAN.replace(r#""KmsMasterKeyId": "alias/aws/sns","#, "");
        file(&d, "t.json", &bad);
        let params = file(&d, "params.json", r#"{"Parameters": []}"#);
        let rain = file(
            &d,
            "rain.yaml",
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: !Rain::Embed f.py\n",
        );
        let (code, out, err) = run(&[&d.path().display().to_string()]);
        assert_eq!(code, 1, "findings in t.json, the others skipped: {err}");
        assert!(out.contains("in 1 template(s)"), "{out}");
        assert!(err.contains(&format!("note: skipped {params}: not a CloudFormation template")), "{err}");
        assert!(err.contains(&format!("note: skipped {rain}: not a CloudFormation template: Rain source")), "{err}");
        let (code, _, err) = run(&[&params]);
        assert_eq!(code, 2, "a named file must be a template: {err}");
    }

    #[test]
    fn yaml_findings_carry_their_yaml_line_and_column() {
        let d = tempfile::tempdir().unwrap();
        let yaml = "Parameters:\n  EnvironmentSuffix:\n    Type: String\n    Default: dev\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n        - Key: Environment\n          Value: !Ref EnvironmentSuffix\n        - Key: Purpose\n          Value: t\nOutputs:\n  TopicArn:\n    Value: !Ref Topic\n";
        let path = file(&d, "t.yaml", yaml);
        let (code, out, _) = run(&[&path]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("{path}:7:5: error[sec-sns-encryption] Topic: topic has no KmsMasterKeyId")),
            "{out}"
        );
        assert!(out.contains("Type: AWS::SNS::Topic"), "the source line is quoted: {out}");
    }

    /// Issue 10's quiet first run: `synth --all` prints only the warnings the
    /// README explains (the lint rules add none: the stacks lint clean).
    #[test]
    fn synth_all_prints_no_lint_warning() {
        let d = tempfile::tempdir().unwrap();
        let outdir = d.path().join("cdk.out").display().to_string();
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = cfnkit::cli::main_with(
            ["cfnkit", "synth", "--all", "--out", &outdir],
            &cfnkit::cli::Env::default(),
            cfnkit::reference::define,
            &mut out,
            &mut err,
        );
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, 0, "{err}");
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
        assert!(!err.contains("lint"), "{err}");
        assert_eq!(warnings.len(), 3, "the README's three: {err}");
    }

    #[test]
    fn synth_reports_lint_findings_as_warnings() {
        // A stack of the reference app with a finding: every bucket of an app
        // without tags conventions misses the required tags.
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = cfnkit::cli::main_with(
            ["cfnkit", "synth", "bare"],
            &cfnkit::cli::Env::default(),
            |app: &mut cfnkit::core::tree::App| {
                let s = app.stack("bare");
                cfnkit::prelude::Bucket::new("Logs").add_to(s);
            },
            &mut out,
            &mut err,
        );
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, 0, "synth still succeeds: {err}");
        assert!(err.contains("warning: lint error[conv-suffix-parameter] bare"), "{err}");
        assert!(err.contains("warning: lint warning[conv-required-tags] bare/Resources/"), "{err}");
    }
}
