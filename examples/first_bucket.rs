//! # A first bucket
//!
//! The smallest useful cfnkit program: one stack, one bucket, one output.
//! Everything a reviewer would check by hand is a default: SSE-S3
//! encryption, versioning, all four public-access blocks, a TLS-only bucket
//! policy, server access logs into a dedicated log bucket, and the
//! `Environment`/`Purpose` tags from the TAP conventions.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! first_bucket -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::prelude::*;

/// Adds the example's stacks to `app`.
pub fn define(app: &mut App) {
    let stack = app.stack("first-bucket").region("eu-west-1").conventions(Conventions::tap("first bucket example"));
    let sfx = stack.suffix();
    let bucket = Bucket::new("Data")
        .name(sfx.name("first-bucket-data"))
        .lifecycle(Rule::new("ExpireOldVersions").noncurrent_version_expiration(Duration::days(30)))
        .add_to(stack);
    stack.export("DataBucketName", bucket.name()).description("Name of the data bucket");
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
