//! The handler's syntax and behaviour.

use std::path::Path;
use std::process::Command;

use cfnkit::reference::order_monitoring::HANDLER_JS;
use serde_json::{json, Value};

/// Runs `program args..`, panicking with a clear message when it cannot be
/// started (a missing tool is a failure, never a skip) or when it fails.
fn run_tool(program: &str, args: &[&Path], cwd: &Path) -> String {
    let out = Command::new(program).args(args).current_dir(cwd).output().unwrap_or_else(|e| {
        panic!(
            "`{program}` is required to test the order-monitoring handler and could not be run: {e}; install Node.js"
        )
    });
    assert!(
        out.status.success(),
        "`{program} {args:?}` failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

#[test]
fn handler_is_valid_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("index.js");
    std::fs::write(&file, HANDLER_JS).unwrap();
    run_tool("node", &[Path::new("--check"), &file], dir.path());
}

/// Loads the handler in Node with the AWS SDK replaced by recorders and feeds
/// it a stream batch: the behaviour the spec asks of the code, not its text.
const HANDLER_HARNESS_JS: &str = r"
const Module = require('module');
const calls = { s3: [], sns: [] };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@aws-sdk/client-s3') return {
    S3Client: class { async send(cmd) { if (cmd.input.Key.includes('broken')) throw new Error('s3 unavailable'); calls.s3.push(cmd.input); return {}; } },
    PutObjectCommand: class { constructor(input) { this.input = input; } },
  };
  if (request === '@aws-sdk/client-sns') return {
    SNSClient: class { async send(cmd) { calls.sns.push(cmd.input); return {}; } },
    PublishCommand: class { constructor(input) { this.input = input; } },
  };
  if (request === '@aws-sdk/util-dynamodb') return {
    unmarshall: (image) => Object.fromEntries(Object.entries(image).map(([k, v]) => [k, 'N' in v ? Number(v.N) : v.S])),
  };
  return load.apply(this, arguments);
};
process.env.AUDIT_BUCKET_NAME = 'audit-bucket';
process.env.SNS_TOPIC_ARN = 'alert-topic';
const logs = [];
for (const level of ['log', 'warn', 'error']) console[level] = (...args) => logs.push({ level, line: args.join(' ') });
const image = (orderId, timestamp, status) => ({ orderId: { S: orderId }, timestamp: { N: String(timestamp) }, status: { S: status } });
const record = (seq, eventName, dynamodb) => ({ eventID: `e${seq}`, eventName, dynamodb: { SequenceNumber: seq, ...dynamodb } });
const { handler } = require('./index.js');
handler({ Records: [
  record('100', 'INSERT', { NewImage: image('o-1', 1700000000001, 'PENDING') }),
  record('200', 'MODIFY', { NewImage: image('o-2', 1700000000002, 'FAILED'), OldImage: image('o-2', 1700000000002, 'PENDING') }),
  record('300', 'INSERT', { NewImage: image('broken', 1700000000003, 'FAILED') }),
  record('400', 'REMOVE', { OldImage: image('o-4', 1700000000004, 'FAILED') }),
] }).then((result) => process.stdout.write(JSON.stringify({ result, calls, logs })));
";

#[test]
fn handler_audits_every_record_alerts_on_failed_orders_and_reports_failed_records() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.js"), HANDLER_JS).unwrap();
    std::fs::write(dir.path().join("harness.js"), HANDLER_HARNESS_JS).unwrap();
    let out: Value = serde_json::from_str(&run_tool("node", &[Path::new("harness.js")], dir.path())).unwrap();

    let keys: Vec<&Value> = out["calls"]["s3"].as_array().unwrap().iter().map(|put| &put["Key"]).collect();
    assert_eq!(
        keys,
        [
            &json!("orders/o-1/1700000000001.json"),
            &json!("orders/o-2/1700000000002.json"),
            &json!("orders/o-4/1700000000004.json")
        ],
        "one orders/{{orderId}}/{{timestamp}}.json object per record, removals included"
    );
    assert!(
        out["calls"]["s3"].as_array().unwrap().iter().all(|put| put["Bucket"] == "audit-bucket"),
        "AUDIT_BUCKET_NAME"
    );
    let published = out["calls"]["sns"].as_array().unwrap();
    assert_eq!(published.len(), 1, "only the order whose new image is FAILED is published: {published:?}");
    assert_eq!(published[0]["TopicArn"], "alert-topic", "SNS_TOPIC_ARN");
    let message: Value = serde_json::from_str(published[0]["Message"].as_str().unwrap()).unwrap();
    assert_eq!((&message["orderId"], &message["status"]), (&json!("o-2"), &json!("FAILED")));
    assert_eq!(
        out["result"],
        json!({"batchItemFailures": [{"itemIdentifier": "300"}]}),
        "the failed record is reported"
    );
    assert!(
        out["logs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["level"] == "error" && l["line"].as_str().unwrap().contains("s3 unavailable")),
        "the caught error is logged: {}",
        out["logs"]
    );
}
