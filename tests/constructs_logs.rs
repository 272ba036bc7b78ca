//! cfn-lint and checkov on a minimal stack of the CloudWatch Logs
//! constructs: a log group, a query definition and a metric filter.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::logs::{LogGroup, MetricFilter, QueryDefinition, Retention};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

#[test]
fn a_log_group_with_a_query_definition_and_a_metric_filter_is_clean() {
    let mut app = App::new();
    let stack = app.stack("logs").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let lg = LogGroup::new("AppLogs", Retention::OneMonth).name(sfx.format("/app/orders-{}")).add_to(stack);
    QueryDefinition::new(
        "ErrorQuery",
        sfx.name("order-errors"),
        "fields @timestamp, @message | filter level = 'ERROR'",
    )
    .log_group(lg)
    .add_to(stack);
    MetricFilter::new("ErrorCount", lg, "{ $.level = \"ERROR\" }", "OrderProcessing", "Errors")
        .default_value(0.0)
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "logs", &["us-east-1"]);
}
