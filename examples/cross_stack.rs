//! # Two stacks sharing a value
//!
//! The `data` stack owns a table; the `api` stack's function reads it. The
//! function takes `table.name()` like any other token: because the table
//! lives in another stack, synthesis writes an `Export` in `data` and an
//! `Fn::ImportValue` in `api`, and records that `api` depends on `data` in
//! the cloud assembly. No export names to invent, none to mistype.
//!
//! Run it with `cargo run --example cross_stack`; it prints both templates.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

/// Builds the example's app.
pub fn app() -> App {
    let mut app = App::new();
    let data = app.stack("data").region("us-east-1").conventions(Conventions::tap("cross-stack example"));
    let table = Table::new("Items", Key::string("id")).name(data.suffix().name("items")).add_to(data);

    let api = app.stack("api").region("us-east-1").conventions(Conventions::tap("cross-stack example"));
    let reader = Function::new(
        "Reader",
        Runtime::Nodejs24x,
        Code::inline("exports.handler = async () => ({ statusCode: 200 });"),
    )
    .env("TABLE_NAME", table.name())
    .acknowledge(Ack::Checkov { id: "CKV_AWS_116".into(), reason: "invoked synchronously only".into() })
    .acknowledge(Ack::Checkov { id: "CKV_AWS_115".into(), reason: "teaching example without traffic".into() })
    .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches only the DynamoDB endpoint".into() })
    .acknowledge(Ack::Checkov { id: "CKV_AWS_173".into(), reason: "the environment holds a table name only".into() })
    .add_to(api);
    // The grant names the table's ARN: imported from `data` as well.
    table.grant_read_data(api, &reader);
    // What a test of `api` reads (the lint's outputs convention).
    api.export("ReaderArn", reader.arn()).description("ARN of the reader function");
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
