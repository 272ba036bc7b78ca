//! # A REST API over Lambda
//!
//! `GET /items` calls a function through a Lambda proxy integration; the
//! method is IAM-authorized (the default: opening a method is an explicit
//! call with a reason), and the invoke permission is scoped to this API,
//! this method and this path. `GET /health` is a mock integration, open on
//! purpose. The stage has throttling, access logs, metrics and X-Ray.
//!
//! Its `main` is `cfnkit::run(define)`, the whole CLI: `cargo run --example
//! rest_api -- synth` prints the template of a single stack, or writes a
//! cloud assembly to `cdk.out` for several; `-- ls`, `-- diff`, `-o DIR`.

use cfnkit::core::tree::Ack;
use cfnkit::prelude::*;

const HANDLER: &str = r#"import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"items": []})}
"#;

/// Adds the example's stacks to `app`.
pub fn define(app: &mut App) {
    let stack = app.stack("rest-api").region("us-east-1").conventions(Conventions::tap("REST API example"));
    let sfx = stack.suffix();
    let items = Function::new("ListItems", Runtime::Python313, Code::inline(HANDLER))
        .name(sfx.name("list-items"))
        .reserved_concurrency(20)
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_116".into(),
            reason: "invoked synchronously by API Gateway only".into(),
        })
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches no VPC resource".into() })
        .add_to(stack);
    let api = RestApi::new("Api").name(sfx.name("items-api")).throttling(100.0, 200).add_to(stack);
    api.add_method(stack, Method::get("/items", LambdaIntegration::new(items)));
    api.add_method(
        stack,
        Method::get("/health", MockIntegration::respond(200, r#"{"status":"ok"}"#))
            .authorization_none("a constant health response for load balancers and health checks"),
    );
    stack.export("ApiUrl", api.url()).description("Invoke URL of the prod stage");
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
