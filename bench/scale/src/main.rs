//! The scale app of `bench/` (the shape of issue 13's measurement): `STACKS`
//! stacks of `GROUPS` messaging groups each; a group is a dead-letter queue,
//! a queue redriving to it (both with SSE-SQS: SNS cannot encrypt into a
//! queue under the AWS managed SQS key), a topic and a raw-delivery SQS
//! subscription of the queue to the topic (with the queue-policy statement that lets the
//! topic send). The same app is written for troposphere and aws-cdk-lib in
//! `bench/scale/`.
//!
//! ```text
//! cfnkit-scale [--stacks N] [--groups G] [--out DIR] [--count]
//! ```
//!
//! Builds the app, synthesizes it and writes the cloud assembly into DIR
//! (default `cdk.out`); `--count` prints the number of resources instead.

use cfnkit_bench_scale::app;

fn main() {
    let mut stacks = 100;
    let mut groups = 20;
    let mut out = std::path::PathBuf::from("cdk.out");
    let mut count = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("cfnkit-scale: {what} takes a whole number");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--stacks" => stacks = num("--stacks"),
            "--groups" => groups = num("--groups"),
            "--out" => out = args.next().map(Into::into).unwrap_or(out),
            "--count" => count = true,
            _ => {
                eprintln!("cfnkit-scale: unknown argument {a:?}");
                std::process::exit(2)
            }
        }
    }
    let app = app(stacks, groups);
    if std::env::var_os("CFNKIT_SCALE_BUILD_ONLY").is_some() {
        std::hint::black_box(&app);
        return;
    }
    let synthesized = match app.synth() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    if count {
        let n: usize = synthesized
            .stacks
            .iter()
            .map(|s| s.template["Resources"].as_object().map_or(0, |r| r.keys().count()))
            .sum();
        println!("{n}");
        return;
    }
    if let Err(e) = synthesized.write_assembly(&out) {
        eprintln!("cfnkit-scale: {}: {e}", out.display());
        std::process::exit(2)
    }
}
