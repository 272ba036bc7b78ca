//! The handler's syntax and behaviour.

use std::path::{Path, PathBuf};
use std::process::Command;

use cfnkit::assertions::Match;
use cfnkit::reference::order_queue;
use serde_json::{json, Value};

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cfnkit-order-queue-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn node(args: &[&Path]) -> std::process::Output {
    Command::new("node").args(args).output().unwrap_or_else(|e| {
        panic!("`node` is required to check the order-queue handler and could not be run ({e}); install Node.js 20+")
    })
}

#[test]
fn handler_is_valid_javascript() {
    let dir = temp_dir("check");
    let file = dir.join("index.js");
    std::fs::write(&file, order_queue::HANDLER_JS).unwrap();
    let out = node(&[Path::new("--check"), &file]);
    assert!(out.status.success(), "node --check failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs the handler under node with the AWS SDK stubbed: one good order, one
/// invalid order, one body that is not JSON.
const HARNESS_JS: &str = r"
const Module = require('module');
const puts = [];
const logs = [];
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === '@aws-sdk/client-dynamodb') return { DynamoDBClient: class {} };
  if (request === '@aws-sdk/lib-dynamodb') {
    return {
      DynamoDBDocumentClient: { from: () => ({ send: async (cmd) => { puts.push(cmd.input); } }) },
      PutCommand: class { constructor(input) { this.input = input; } },
    };
  }
  return load.apply(this, arguments);
};
process.env.TABLE_NAME = 'order-status-test';
console.info = (line) => logs.push(JSON.parse(line));
console.error = (line) => logs.push(JSON.parse(line));
const { handler } = require(process.argv[2]);
handler({ Records: [
  { messageId: 'm1', body: JSON.stringify({ orderId: 'o1', items: [{ price: '2.50', quantity: 2 }] }) },
  { messageId: 'm2', body: JSON.stringify({ orderId: 'o2', items: [] }) },
  { messageId: 'm3', body: 'not json' },
] }).then((result) => process.stdout.write(JSON.stringify({ result, puts, logs })));
";

#[test]
fn handler_records_success_and_failure_and_reports_only_the_failed_messages() {
    let dir = temp_dir("run");
    let handler = dir.join("index.js");
    let harness = dir.join("harness.js");
    std::fs::write(&handler, order_queue::HANDLER_JS).unwrap();
    std::fs::write(&harness, HARNESS_JS).unwrap();
    let out = node(&[&harness, &handler]);
    assert!(out.status.success(), "the handler failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let run: Value = serde_json::from_slice(&out.stdout).expect("the harness prints JSON");
    assert_eq!(
        run["result"],
        json!({"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}),
        "only the failed messages go back to the queue"
    );
    let puts = run["puts"].as_array().unwrap();
    assert_eq!(puts.len(), 2, "the good order and the invalid order (which has an id) are recorded: {puts:?}");
    let ok = Match::obj([
        ("TableName", json!("order-status-test").into()),
        (
            "Item",
            Match::obj([
                ("orderId", json!("o1").into()),
                ("status", json!("PROCESSED").into()),
                ("processedAt", Match::any_value()),
            ]),
        ),
    ]);
    assert!(ok.test(Some(&puts[0])).is_empty(), "{}", puts[0]);
    let failed = json!({"TableName": "order-status-test", "Item": {"orderId": "o2", "status": "FAILED"}});
    assert!(Match::from(failed).test(Some(&puts[1])).is_empty(), "{}", puts[1]);
    assert!(puts.iter().all(|p| p["Item"]["processedAt"].is_u64()), "processedAt is the N range key");
    let errors: Vec<&Value> = run["logs"].as_array().unwrap().iter().filter(|l| l["level"] == "error").collect();
    assert_eq!(errors.len(), 2, "one structured error log per failed message");
    assert!(errors.iter().all(|e| e["messageId"].is_string() && e["error"].is_string()), "{errors:?}");
    let _ = std::fs::remove_dir_all(dir);
}
