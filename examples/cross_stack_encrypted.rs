//! # Two stacks sharing encrypted data
//!
//! The `data` stack owns a customer managed KMS key and everything it
//! encrypts: an upload bucket, a queue the bucket notifies on every upload,
//! and a table. The `compute` stack's function consumes the queue, reads the
//! uploads and writes the table.
//!
//! Nothing here grants the key by hand. Each construct's handle knows the
//! key that encrypts it, so `QueueSource::new(uploads_queue)`,
//! `bucket.grant_read(..)` and `table.grant_write_data(..)` write the KMS
//! actions on the key's ARN next to the SQS, S3 and DynamoDB ones, in the
//! other stack exactly as in the same one. The key's ARN is imported from
//! `data` like any other value, and S3's right to use the key for the queue
//! is written into the key policy in `data`, where the key lives.
//!
//! Run it with `cargo run --example cross_stack_encrypted`; it prints both templates.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

const HANDLER: &str = r"exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const upload = JSON.parse(record.body);
      console.log(JSON.stringify({ msg: 'upload', records: (upload.Records || []).length }));
    } catch (err) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
";

/// Builds the example's app.
pub fn app() -> App {
    let mut app = App::new();
    let data = app.stack("data").region("us-east-1").conventions(Conventions::tap("cross-stack encrypted example"));
    let sfx = data.suffix();
    let key = KmsKey::new("DataKey").description("Encrypts the uploads, their queue and the items table").add_to(data);
    let dlq = Queue::new("UploadsDlq")
        .name(sfx.name("uploads-dlq"))
        .encryption(key.into())
        .as_dead_letter_queue()
        .add_to(data);
    let queue = Queue::new("Uploads")
        .name(sfx.name("uploads"))
        .encryption(key.into())
        .visibility_timeout(Duration::minutes(6))
        .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
        .add_to(data);
    let bucket = Bucket::new("UploadBucket")
        .name(sfx.name("uploads"))
        .encryption(key)
        .notify_queue(queue, NotificationEvent::ObjectCreated, NotificationFilter::prefix("incoming/"))
        .add_to(data);
    let table = Table::new("Items", Key::string("id")).name(sfx.name("items")).encryption(key).add_to(data);

    let compute =
        app.stack("compute").region("us-east-1").conventions(Conventions::tap("cross-stack encrypted example"));
    let worker = Function::new("Worker", Runtime::Nodejs24x, Code::inline(HANDLER))
        .timeout(Duration::seconds(60))
        .env("BUCKET_NAME", bucket.name())
        .env("TABLE_NAME", table.name())
        .event_source(QueueSource::new(queue))
        .acknowledge(Ack::Checkov { id: "CKV_AWS_115".into(), reason: "teaching example without traffic".into() })
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only AWS service endpoints".into() })
        .acknowledge(Ack::Checkov { id: "CKV_AWS_173".into(), reason: "the environment holds names only".into() })
        .add_to(compute);
    bucket.grant_read(compute, &worker);
    table.grant_write_data(compute, &worker);
    // What a test of `compute` reads (the lint's outputs convention).
    compute.export("WorkerArn", worker.arn()).description("ARN of the worker function");
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() {
    match app().synth() {
        Ok(out) => {
            for s in &out.stacks {
                println!("# {}", s.name);
                print!("{}", s.json);
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
