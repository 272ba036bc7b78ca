//! # A stream processor
//!
//! A DynamoDB table with a stream, and a Python function that reads it.
//! `StreamSource` writes the event source mapping *and* the grant it needs
//! (`dynamodb:DescribeStream`, `GetRecords`, `GetShardIterator`,
//! `ListStreams` on the stream ARN only); forgetting `.stream(..)` on the
//! table is a synthesis error, not a failed deployment.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! stream_processor -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

const HANDLER: &str = r#"import json

def handler(event, context):
    failures = []
    for record in event.get("Records", []):
        try:
            print(json.dumps({"event": record["eventName"], "keys": record["dynamodb"].get("Keys")}))
        except Exception as err:  # report the record, keep the batch going
            print(json.dumps({"error": str(err)}))
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
"#;

/// Adds the example's stacks to `app`.
pub fn define(app: &mut App) {
    let stack = app.stack("stream-processor").region("us-east-1").conventions(Conventions::tap("stream example"));
    let sfx = stack.suffix();
    let events = Table::new("Events", Key::string("pk"))
        .sort_key(Key::string("sk"))
        .name(sfx.name("events"))
        .stream(StreamView::NewImage)
        .add_to(stack);
    let reason = |why: &str| why.to_string();
    Function::new("Processor", Runtime::Python313, Code::inline(HANDLER))
        .name(sfx.name("event-processor"))
        .event_source(StreamSource::new(events).batch_size(100).retry_attempts(2))
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_116".into(),
            reason: reason("invoked synchronously by the stream mapping only; failed records are reported per item"),
        })
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_115".into(),
            reason: reason("concurrency is bounded by the shard count"),
        })
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_117".into(),
            reason: reason("reaches only the DynamoDB Streams endpoint"),
        })
        .add_to(stack);
    stack.export("EventsTableName", events.name()).description("Name of the events table");
}

/// The example's app, as the tests build it.
pub fn app() -> App {
    let mut app = App::new();
    define(&mut app);
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() -> std::process::ExitCode {
    cfnkit::run(define)
}
