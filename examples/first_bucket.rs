//! # A first bucket
//!
//! The smallest useful cfnkit program: one stack, one bucket, one output.
//! Everything a reviewer would check by hand is a default: SSE-S3
//! encryption, versioning, all four public-access blocks, a TLS-only bucket
//! policy, server access logs into a dedicated log bucket, and the
//! `Environment`/`Purpose` tags from the TAP conventions.
//!
//! Run it with `cargo run --example first_bucket`; it prints the template.

use cfnkit::prelude::*;

/// Builds the example's app.
pub fn app() -> App {
    let mut app = App::new();
    let stack = app.stack("first-bucket").region("eu-west-1").conventions(Conventions::tap("first bucket example"));
    let sfx = stack.suffix();
    let bucket = Bucket::new("Data")
        .name(sfx.name("first-bucket-data"))
        .lifecycle(Rule::new("ExpireOldVersions").noncurrent_version_expiration(Duration::days(30)))
        .add_to(stack);
    stack.export("DataBucketName", bucket.name()).description("Name of the data bucket");
    app
}

#[allow(dead_code)] // the tests include this file as a module and call `app()` only
fn main() {
    match app().synth() {
        Ok(out) => print!("{}", out.stacks[0].json),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
