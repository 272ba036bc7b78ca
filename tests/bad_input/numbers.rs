//! Groups 4 and 5: non-finite numbers, unit conversions that overflow, and
//! values or scopes nested deeper than synthesis accepts. None may panic,
//! abort, wrap around or take long.

use super::{app, rejects};
use cfnkit::prelude::*;
use cfnkit_constructs::cloudwatch::{Alarm, Metric};
use cfnkit_constructs::sqs::Queue;

const CODE: &str = "def handler(event, context):\n    return None\n";

fn function(id: &str) -> Function {
    Function::new(id, Runtime::Python313, Code::inline(CODE))
}

#[test]
fn an_alarm_threshold_of_nan() {
    let a = app(|s| {
        Alarm::new("Errors", Metric::new("AWS/Lambda", "Errors")).greater_than(f64::NAN).add_to(s);
    });
    rejects(&a, DiagKind::NonFinite, "number is not finite", Some("Threshold"));
}

#[test]
fn an_alarm_threshold_of_infinity() {
    let a = app(|s| {
        Alarm::new("Errors", Metric::new("AWS/Lambda", "Errors")).less_than(f64::INFINITY).add_to(s);
    });
    rejects(&a, DiagKind::NonFinite, "number is not finite", Some("Threshold"));
}

#[test]
fn a_parameter_value_range_of_nan() {
    let a = app(|s| {
        s.parameter(Parameter::number("Count").value_range(f64::NAN, 10.0));
    });
    rejects(&a, DiagKind::Length, "parameter bound is not a finite number", Some("Parameters.Count.MinValue"));
}

#[test]
fn a_raw_nan_property() {
    let a = app(|s| {
        s.add("Thing", CfnResource::new("AWS::Test::Thing").property("Ratio", Token::list([Token::Float(f64::NAN)])));
    });
    rejects(&a, DiagKind::NonFinite, "number is not finite", Some("Ratio.0"));
}

#[test]
fn a_nan_in_an_output() {
    let a = app(|s| {
        s.output("Ratio", Token::Float(f64::NEG_INFINITY));
    });
    rejects(&a, DiagKind::NonFinite, "number is not finite", Some("Outputs.Ratio.Value"));
}

#[test]
fn a_timeout_of_u64_max_over_30_minutes() {
    let a = app(|s| {
        function("Handler").timeout(Duration::minutes(u64::MAX / 30)).add_to(s);
    });
    rejects(&a, DiagKind::OutOfRange, "timeout out of range", Some("Timeout"));
}

#[test]
fn a_timeout_that_used_to_wrap_to_44_seconds() {
    let a = app(|s| {
        function("Handler").timeout(Duration::minutes(u64::MAX / 60 + 1)).add_to(s);
    });
    let errors = rejects(&a, DiagKind::OutOfRange, "timeout out of range", Some("Timeout"));
    assert!(errors.iter().all(|d| d.value.as_deref() != Some("44 seconds")));
}

#[test]
fn hours_and_days_that_overflow() {
    for d in [Duration::hours(u64::MAX), Duration::days(u64::MAX / 2)] {
        let a = app(|s| {
            function("Handler").timeout(d).add_to(s);
        });
        rejects(&a, DiagKind::OutOfRange, "timeout out of range", Some("Timeout"));
    }
}

#[test]
fn a_memory_size_of_u64_max_gibibytes() {
    let a = app(|s| {
        function("Handler").memory(Size::gibibytes(u64::MAX)).add_to(s);
    });
    rejects(&a, DiagKind::OutOfRange, "memory out of range", Some("MemorySize"));
}

#[test]
fn an_sqs_source_with_the_largest_timeout() {
    let a = app(|s| {
        let q = Queue::new("Orders").add_to(s);
        function("Handler")
            .timeout(Duration::MAX)
            .event_source(cfnkit_constructs::lambda::QueueSource::new(q).max_batching_window(Duration::MAX))
            .add_to(s);
    });
    rejects(&a, DiagKind::OutOfRange, "timeout out of range", Some("Timeout"));
}

#[test]
fn an_integration_timeout_that_overflows_milliseconds() {
    let a = app(|s| {
        let f = function("Handler").add_to(s);
        let api = RestApi::new("Api").add_to(s);
        api.add_method(s, Method::get("/items", LambdaIntegration::new(f).timeout(Duration::MAX)));
    });
    rejects(&a, DiagKind::OutOfRange, "integration timeout out of range", Some("Integration.TimeoutInMillis"));
}

#[test]
fn a_vpc_with_u32_max_availability_zones() {
    let a = app(|s| {
        Vpc::new("Network").max_azs(u32::MAX).add_to(s);
    });
    rejects(&a, DiagKind::OutOfRange, "availability zone count", Some("max_azs"));
}

#[test]
fn scopes_nested_4000_deep() {
    let a = app(|s| {
        let mut scope = s.root();
        for i in 0..4000 {
            scope = s.within(scope, |s| s.construct(&format!("S{i}")));
        }
        s.within(scope, |s| s.add("Thing", CfnResource::new("AWS::Test::Thing")));
    });
    rejects(&a, DiagKind::TooDeep, "constructs nested too deep", None);
}

/// A value nested `n` deep: `Fn::Join`s or lists.
fn deep(n: usize, join: bool) -> Token {
    let mut t: Token = "x".into();
    for _ in 0..n {
        t = if join { fns::join(",", [t]).into() } else { Token::List(vec![t]) };
    }
    t
}

// The deep values are moved into the app, never cloned, and the app is
// leaked: cloning or dropping them recurses once per level, which in debug
// builds overflows a test thread's stack before synthesis even runs.

#[test]
fn a_join_nested_5000_deep() {
    let a = app(|s| {
        s.add("Thing", CfnResource::new("AWS::Test::Thing").property("Name", deep(5000, true)));
    });
    rejects(&a, DiagKind::TooDeep, "value nested too deep", Some("Name"));
    std::mem::forget(a);
}

#[test]
fn lists_nested_5000_deep() {
    let a = app(|s| {
        s.add("Thing", CfnResource::new("AWS::Test::Thing").property("Items", deep(5000, false)));
    });
    rejects(&a, DiagKind::TooDeep, "value nested too deep", Some("Items"));
    std::mem::forget(a);
}

#[test]
fn an_output_nested_5000_deep() {
    let a = app(|s| {
        s.output("Deep", deep(5000, false));
    });
    rejects(&a, DiagKind::TooDeep, "value nested too deep", Some("Outputs.Deep.Value"));
    std::mem::forget(a);
}

#[test]
fn an_override_nested_5000_deep() {
    let a = app(|s| {
        let t = s.add("Thing", CfnResource::new("AWS::Test::Thing"));
        s.override_property(t.id(), "Items", deep(5000, true));
    });
    rejects(&a, DiagKind::Override, "override_property(\"Items\") value nested too deep", Some("Items"));
    std::mem::forget(a);
}

/// Typed resources hand their properties over as a copy, and copying
/// recurses: 1,000 levels (ten times the limit) fit a debug test thread,
/// 5,000 do not (release builds copy them quickly either way).
#[test]
fn a_typed_resource_with_a_policy_nested_1000_deep() {
    let a = app(|s| {
        s.add("Policy", cfnkit::l1::iam::ManagedPolicy::new(deep(1000, false)));
    });
    rejects(&a, DiagKind::TooDeep, "value nested too deep", Some("PolicyDocument"));
    std::mem::forget(a);
}
