//! cfn-lint and checkov on a minimal Route 53 health check, tagged through
//! `HealthCheckTags`, with an alarm on its status in `us-east-1`.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::cloudwatch::{Alarm, TreatMissingData};
use cfnkit_constructs::route53::{CheckerRegion, HealthCheck};
use cfnkit_constructs::sns::Topic;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;
use cfnkit_core::units::Duration;

#[test]
fn a_health_check_with_an_alarm_on_its_status_is_clean() {
    let mut app = App::new();
    let stack = app.stack("route53").region("us-east-1").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let check = HealthCheck::https("ApiHealthCheck", "api.example.com", "/prod/health")
        .name(sfx.name("api-health"))
        .request_interval(Duration::seconds(10))
        .failure_threshold(2)
        .measure_latency()
        .regions([CheckerRegion::UsEast1, CheckerRegion::UsWest2, CheckerRegion::EuWest1])
        .search_string("healthy")
        .add_to(stack);
    let key = cfnkit_constructs::kms::Key::new("OpsKey").allow_alarm_notifications().add_to(stack);
    let ops = Topic::new("OpsTopic").name(sfx.name("ops-alerts")).encryption(key).add_to(stack);
    Alarm::new("ApiUnhealthy", check.metric_status())
        .name(sfx.name("api-unhealthy"))
        .less_than(1.0)
        .treat_missing_data(TreatMissingData::Breaching)
        .action(ops)
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(out.stacks[0].json.contains("HealthCheckTags"));
    validators::assert_clean(&out.stacks[0].json, "route53", &["us-east-1"]);
}
