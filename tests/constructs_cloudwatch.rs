//! cfn-lint and checkov on a minimal monitoring stack: metric alarms, a
//! composite alarm over them, and a dashboard with every widget kind.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::cloudwatch::{
    Alarm, AlarmRule, AlarmStatusWidget, CompositeAlarm, Dashboard, GraphWidget, MathExpression, Metric,
    SingleValueWidget, Statistic, TextWidget, TreatMissingData,
};
use cfnkit_constructs::sns::Topic;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;
use cfnkit_core::units::Duration;

#[test]
fn alarms_a_composite_alarm_and_a_dashboard_are_clean() {
    let mut app = App::new();
    let stack = app.stack("cloudwatch").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let function = sfx.name("payment-processor");
    let errors =
        Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", function.clone()).statistic(Statistic::Sum);
    let invocations =
        Metric::new("AWS/Lambda", "Invocations").dimension("FunctionName", function.clone()).statistic(Statistic::Sum);
    let throttles =
        Metric::new("AWS/Lambda", "Throttles").dimension("FunctionName", function).statistic(Statistic::Sum);
    let ops = Topic::new("OpsTopic").name(sfx.name("ops-alerts")).add_to(stack);

    let error_alarm = Alarm::new("ErrorAlarm", errors.clone())
        .name(sfx.name("processor-errors"))
        .greater_or_equal(5.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .action(ops)
        .add_to(stack);
    let throttle_alarm = Alarm::new("ThrottleAlarm", throttles.clone())
        .name(sfx.name("processor-throttles"))
        .greater_or_equal(1.0)
        .treat_missing_data(TreatMissingData::NotBreaching)
        .add_to(stack);
    let down = CompositeAlarm::new("ProcessorDown", AlarmRule::any_of([error_alarm, throttle_alarm]))
        .name(sfx.name("processor-down"))
        .description("The payment processor fails or is throttled")
        .action(ops)
        .notify_on_ok()
        .add_to(stack);

    let rate = MathExpression::new("(errors / invocations) * 100")
        .using("errors", errors)
        .using("invocations", invocations.clone())
        .period(Duration::minutes(5))
        .label("Error rate (%)");
    Dashboard::new("Dashboard")
        .name(sfx.name("payments"))
        .time_range(Duration::hours(6))
        .widget(TextWidget::new("# Payments\nProcessor health at a glance."))
        .row([
            GraphWidget::new("Invocations and error rate").left(invocations).right(rate),
            GraphWidget::new("Throttles").left(throttles).stacked(),
        ])
        .row([SingleValueWidget::new("Errors (5 min)").metric(Metric::new("AWS/Lambda", "Errors")).sparkline()])
        .widget(AlarmStatusWidget::new("Alarms").alarm(error_alarm).alarm(throttle_alarm).alarm(down).width(18))
        .add_to(stack);

    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "cloudwatch", &["us-east-1"]);
}
