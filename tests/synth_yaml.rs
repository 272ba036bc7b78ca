//! `cfnkit synth NAME --format yaml`: the same template as the JSON, in
//! CloudFormation users' YAML, byte-identical across runs, and accepted by
//! cfn-lint as it accepts the JSON.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::cli;
use cfnkit::core::source;

fn run(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = std::iter::once("cfnkit").chain(args.iter().copied());
    let code = cli::main_with(args, &cli::Env::default(), cfnkit::reference::define, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn synth(name: &str, format: &str) -> String {
    let (code, out, err) = run(&["synth", name, "--format", format]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn yaml_output_reads_back_to_the_json_template_and_is_deterministic() {
    for name in ["order-monitoring", "transaction-pipeline", "order-queue", "payments-dr"] {
        let json: serde_json::Value = serde_json::from_str(&synth(name, "json")).unwrap();
        let yaml = synth(name, "yaml");
        assert!(yaml.contains(": !Ref ") || yaml.contains(": !GetAtt "), "{name}: no short forms:\n{yaml}");
        assert!(!yaml.contains("Fn::GetAtt"), "{name}: a GetAtt left in long form");
        assert_eq!(source::parse(&yaml).unwrap().value, json, "{name}");
        assert_eq!(synth(name, "yaml"), yaml, "{name}: two runs differ");
    }
}

#[test]
fn cfn_lint_reads_the_yaml_as_it_reads_the_json() {
    let yaml = synth("order-queue", "yaml");
    let path = validators::write_temp("order-queue", &yaml).with_extension("yaml");
    std::fs::write(&path, &yaml).unwrap();
    let findings = validators::cfn_lint(&path, &[]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let (code, _, err) = run(&["synth", "order-queue", "--format", "toml"]);
    assert_eq!(code, cli::EXIT_USAGE, "{err}");
}
