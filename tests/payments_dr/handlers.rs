//! The handlers' syntax and behaviour, against a stub `boto3`.

use std::path::Path;
use std::process::Command;

use cfnkit::reference::payments_dr::{ORCHESTRATOR_PY, PROCESSOR_PY, VALIDATOR_PY};
use serde_json::{json, Value};

fn python3(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("python3").args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("python3 is needed to check the payments-dr handlers (not found or not runnable: {e})")
    })
}

fn write_handlers(dir: &Path) {
    for (file, source) in
        [("validator.py", VALIDATOR_PY), ("processor.py", PROCESSOR_PY), ("orchestrator.py", ORCHESTRATOR_PY)]
    {
        std::fs::write(dir.join(file), source).unwrap();
    }
}

#[test]
fn handlers_are_valid_python() {
    let dir = tempfile::tempdir().unwrap();
    write_handlers(dir.path());
    for file in ["validator.py", "processor.py", "orchestrator.py"] {
        let out = python3(dir.path(), &["-m", "py_compile", file]);
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A stand-in for `boto3` that records every call.
const STUB_BOTO3: &str = r#"
CALLS = []

class _Recorder:
    def __init__(self, service):
        self.service = service

    def __getattr__(self, op):
        def call(**kwargs):
            CALLS.append({"service": self.service, "op": op, "args": kwargs})
            return {}
        return call

class _Resource:
    def __init__(self, service):
        self.service = service

    def Table(self, name):
        return _Recorder(self.service + ":" + name)

def client(service, **kwargs):
    return _Recorder(service)

def resource(service, **kwargs):
    return _Resource(service)
"#;

/// Runs the three handlers on sample events; prints results and calls as JSON.
const DRIVER: &str = r#"
import importlib, json, os, sys
from decimal import Decimal
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.update({
    "QUEUE_URL": "queue-url", "METRIC_NAMESPACE": "PaymentsDR/test", "TABLE_NAME": "payments-test",
    "TRANSACTION_TOPIC_ARN": "topic-arn", "PRIMARY_REGION": "primary-1", "SECONDARY_REGION": "secondary-1",
    "AWS_REGION": "primary-1",
})
import boto3
validator = importlib.import_module("validator")
processor = importlib.import_module("processor")
orchestrator = importlib.import_module("orchestrator")

def run(fn, event):
    boto3.CALLS.clear()
    return {"result": fn(event, None), "calls": list(boto3.CALLS)}

def body(payment):
    return {"body": json.dumps(payment)}

def alarm(name, state):
    return {"Sns": {"Message": json.dumps({"AlarmName": name, "NewStateValue": state})}}

good = {"transaction_id": "t-1", "customer_id": "c-1", "amount": 125.5, "currency": "USD"}
out = {
    "validator_ok": run(validator.handler, body(good)),
    "validator_over": run(validator.handler, body(dict(good, amount=10000.01))),
    "validator_at": run(validator.handler, body(dict(good, amount=10000))),
    "validator_missing": run(validator.handler, body({"transaction_id": "t-1", "amount": 5})),
    "validator_zero": run(validator.handler, body(dict(good, amount=0))),
    "validator_negative": run(validator.handler, body(dict(good, amount=-3))),
    "validator_not_json": run(validator.handler, {"body": "{"}),
    "processor_api": run(processor.handler, body(good)),
    "processor_batch": run(processor.handler, {"Records": [
        {"messageId": "m-1", "body": json.dumps(good)},
        {"messageId": "m-2", "body": json.dumps({"transaction_id": "t-2"})},
    ]}),
    "orchestrator": run(orchestrator.handler, {"Records": [
        alarm("payment-api-5xx-test", "ALARM"), alarm("payment-dlq-messages-test", "OK"), {"Sns": {"Message": "not json"}},
    ]}),
}
print(json.dumps(out, default=lambda o: {"decimal": str(o)} if isinstance(o, Decimal) else str(o)))
"#;

fn run_handlers() -> Value {
    let dir = tempfile::tempdir().unwrap();
    write_handlers(dir.path());
    std::fs::write(dir.path().join("boto3.py"), STUB_BOTO3).unwrap();
    std::fs::write(dir.path().join("driver.py"), DRIVER).unwrap();
    let out = python3(dir.path(), &["-B", "driver.py"]);
    assert!(out.status.success(), "the handlers ran: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the driver prints JSON")
}

fn metrics(case: &Value) -> Vec<Value> {
    case["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["op"] == "put_metric_data")
        .map(|c| {
            assert_eq!(c["args"]["Namespace"], "PaymentsDR/test", "metrics go to the stack's namespace");
            c["args"]["MetricData"][0].clone()
        })
        .collect()
}

fn metric_names(case: &Value) -> Vec<String> {
    metrics(case).iter().map(|m| m["MetricName"].as_str().unwrap().to_string()).collect()
}

fn body_of(case: &Value) -> Value {
    serde_json::from_str(case["result"]["body"].as_str().unwrap()).unwrap()
}

fn sends(case: &Value) -> usize {
    case["calls"].as_array().unwrap().iter().filter(|c| c["service"] == "sqs" && c["op"] == "send_message").count()
}

#[test]
fn validator_checks_required_fields_and_positive_amounts_and_flags_amounts_over_10000() {
    let r = run_handlers();
    let ok = &r["validator_ok"];
    assert_eq!(ok["result"]["statusCode"], 202);
    assert_eq!(body_of(ok)["flagged_for_review"], false);
    assert_eq!(sends(ok), 1, "a valid payment is queued");
    assert_eq!(ok["calls"][0]["args"]["QueueUrl"], "queue-url");
    assert_eq!(metric_names(ok), ["ValidatedPayments"]);

    let over = &r["validator_over"];
    assert_eq!(body_of(over)["flagged_for_review"], true, "10,000.01 is flagged");
    assert_eq!(metric_names(over), ["ValidatedPayments", "FlaggedPayments"]);
    assert_eq!(body_of(&r["validator_at"])["flagged_for_review"], false, "10,000 itself is not over 10,000");

    let missing = &r["validator_missing"];
    assert_eq!(missing["result"]["statusCode"], 400);
    assert_eq!(body_of(missing)["fields"], json!(["customer_id", "currency"]));
    for case in ["validator_missing", "validator_zero", "validator_negative", "validator_not_json"] {
        assert_eq!(r[case]["result"]["statusCode"], 400, "{case} is rejected");
        assert_eq!(sends(&r[case]), 0, "{case} is not queued");
        assert_eq!(metric_names(&r[case]), ["InvalidPayments"], "{case} is counted");
    }
    assert_eq!(body_of(&r["validator_zero"])["error"], "amount must be positive");
}

#[test]
fn processor_writes_the_table_publishes_the_payment_and_reports_failed_messages() {
    let r = run_handlers();
    let api = &r["processor_api"];
    assert_eq!(api["result"]["statusCode"], 200);
    let calls = api["calls"].as_array().unwrap();
    let put = calls.iter().find(|c| c["op"] == "put_item").expect("a put_item");
    assert_eq!(put["service"], "dynamodb:payments-test");
    assert_eq!(put["args"]["Item"]["transaction_id"], "t-1");
    assert_eq!(put["args"]["Item"]["amount"], json!({"decimal": "125.5"}), "amounts are Decimal");
    let publish = calls.iter().find(|c| c["op"] == "publish").expect("a publish");
    assert_eq!(publish["args"]["TopicArn"], "topic-arn");
    assert_eq!(metric_names(api), ["ProcessedPayments"]);
    assert_eq!(r["processor_batch"]["result"], json!({"batchItemFailures": [{"itemIdentifier": "m-2"}]}));
}

#[test]
fn orchestrator_turns_alarm_messages_into_failover_metrics() {
    let r = run_handlers();
    let o = &r["orchestrator"];
    assert_eq!(o["result"], json!({"evaluated": 2}), "the non-alarm message is skipped");
    let m = metrics(o);
    assert_eq!(
        m.iter().map(|x| x["Value"].clone()).collect::<Vec<_>>(),
        [json!(1), json!(0)],
        "ALARM fails over, OK does not"
    );
    assert!(m.iter().all(|x| x["MetricName"] == "FailoverTriggered"
        && x["Dimensions"] == json!([{"Name": "SecondaryRegion", "Value": "secondary-1"}])));
}
