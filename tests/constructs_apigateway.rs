//! cfn-lint and checkov on a minimal REST API: a Lambda proxy method, a mock
//! health method open to anyone (with its reason), the default stage with
//! its dedicated access log group, and the account's CloudWatch role.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::apigateway::{HttpMethod, LambdaIntegration, LoggingLevel, Method, MockIntegration, RestApi};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::lambda::{Code, Function, Runtime};
use cfnkit_constructs::logs::{LogGroup, Retention};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::{Ack, App};

const HANDLER: &str = "exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ valid: true }) });";

#[test]
fn an_api_with_a_lambda_proxy_method_and_a_mock_health_method_is_clean() {
    let mut app = App::new();
    let stack = app.stack("apigateway").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let logs_key =
        Key::new("LogsKey").description("Encrypts the function's logs").allow_cloudwatch_logs().add_to(stack);
    // What checkov asks of every function and the Lambda construct leaves to
    // its user is decided here (the API is what this test is about).
    let validator = Function::new("Validator", Runtime::Nodejs24x, Code::inline(HANDLER))
        .name(sfx.name("payment-validator"))
        .log_encryption_key(logs_key.arn())
        .reserved_concurrency(10)
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_116".into(),
            reason: "invoked synchronously by API Gateway only; a DLQ receives failed asynchronous events".into(),
        })
        .acknowledge(Ack::Checkov { id: "CKV_AWS_117".into(), reason: "reaches no VPC resources".into() })
        .add_to(stack);
    let api = RestApi::new("PaymentApi")
        .name(sfx.name("payment-api"))
        .description("Validates payments")
        .throttling(1000.0, 2000)
        .logging_level(LoggingLevel::Info)
        .add_to(stack);
    api.add_method(stack, Method::post("/validate", LambdaIntegration::new(validator)));
    api.add_method(
        stack,
        Method::get("/health", MockIntegration::respond(200, r#"{"status":"healthy"}"#))
            .authorization_none("health probe for Route 53; returns a constant and reaches no backend"),
    );
    api.grant_invoke(stack, &validator, HttpMethod::Get, "/health");
    stack.export("ApiUrl", api.url()).description("The API's URL");
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "apigateway", &["us-east-1"]);
}

#[test]
fn an_api_logging_to_a_given_log_group_without_the_account_role_is_clean() {
    let mut app = App::new();
    let stack = app.stack("apigateway-given-logs").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let logs =
        LogGroup::new("ApiLogs", Retention::OneWeek).name(sfx.format("/aws/apigateway/payment-api-{}")).add_to(stack);
    let api = RestApi::new("Api")
        .name(sfx.name("orders-api"))
        .access_logs(logs)
        .logging_level(LoggingLevel::Off)
        .without_cloudwatch_role()
        .add_to(stack);
    api.add_method(stack, Method::get("/", MockIntegration::respond(200, "{}")));
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "apigateway-given-logs", &["us-east-1"]);
}
