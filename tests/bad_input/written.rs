//! Group 1: checks run on the template as written, after tags, overrides
//! and deletions.

use super::{app, rejects, topic};
use cfnkit::prelude::*;
use cfnkit_constructs::dynamodb::{Key, Table};
use cfnkit_constructs::logs::{LogGroup, Retention};
use cfnkit_constructs::sqs::Queue;

#[test]
fn a_stack_tag_with_the_reserved_aws_prefix() {
    let a = app(|s| {
        s.tag("aws:cost", "x");
        topic(s, "Topic");
    });
    rejects(&a, DiagKind::NotAllowedValue, "tag key uses the reserved aws: prefix", Some("Tags.aws:cost"));
}

#[test]
fn a_stack_tag_with_the_reserved_prefix_in_capitals() {
    let a = app(|s| {
        s.tag("AWS:team", "x");
        topic(s, "Topic");
    });
    rejects(&a, DiagKind::NotAllowedValue, "tag key uses the reserved aws: prefix", Some("Tags.AWS:team"));
}

#[test]
fn a_tag_key_of_129_characters() {
    let key = "k".repeat(129);
    let a = app(|s| {
        s.tag(&key, "x");
        topic(s, "Topic");
    });
    rejects(&a, DiagKind::Length, "tag key too long", Some("Tags.2.Key"));
}

#[test]
fn fifty_one_inherited_tags_on_a_topic() {
    // The conventions add two tags; 49 more make 51.
    let a = app(|s| {
        for i in 0..49 {
            s.tag(&format!("t{i}"), "x");
        }
        topic(s, "Topic");
    });
    rejects(&a, DiagKind::Quota, "too many tags", Some("Tags"));
}

#[test]
fn an_empty_tag_key() {
    let a = app(|s| {
        s.tag("", "v");
        topic(s, "Topic");
    });
    rejects(&a, DiagKind::Length, "empty tag key", Some("Tags.2.Key"));
}

#[test]
fn a_purpose_of_300_characters_makes_a_tag_value_too_long() {
    let mut a = App::new();
    let s = a.stack("bad").conventions(Conventions::tap(&"p".repeat(300)));
    topic(s, "Topic");
    rejects(&a, DiagKind::Length, "tag value too long", Some("Tags.1.Value"));
}

#[test]
fn a_tag_value_too_long_set_on_a_scope() {
    let a = app(|s| {
        let scope = s.construct("Scope");
        s.tag_scope(scope, "Owner", "o".repeat(257).as_str());
        s.within(scope, |s| topic(s, "Topic"));
    });
    rejects(&a, DiagKind::Length, "tag value too long", Some("Tags.2.Value"));
}

#[test]
fn an_override_with_a_value_of_the_wrong_type() {
    let a = app(|s| {
        let q = Queue::new("Orders").add_to(s);
        s.override_property(q.handle().id(), "DelaySeconds", "not-a-number");
    });
    rejects(&a, DiagKind::WrongType, "wrong type, set by override_property(\"DelaySeconds\")", Some("DelaySeconds"));
}

#[test]
fn an_override_with_a_retention_the_builder_would_refuse() {
    let a = app(|s| {
        let lg = LogGroup::new("Logs", Retention::OneWeek).add_to(s);
        s.override_property(lg.handle().id(), "RetentionInDays", 42);
    });
    rejects(
        &a,
        DiagKind::NotAllowedValue,
        "not an allowed value, set by override_property(\"RetentionInDays\")",
        Some("RetentionInDays"),
    );
}

#[test]
fn an_override_out_of_the_schema_range() {
    let a = app(|s| {
        let q = Queue::new("Orders").add_to(s);
        s.override_property(q.handle().id(), "DelaySeconds", 901);
    });
    rejects(&a, DiagKind::OutOfRange, "out of range, set by override_property(\"DelaySeconds\")", Some("DelaySeconds"));
}

#[test]
fn an_override_of_a_misspelled_property() {
    let a = app(|s| {
        let q = Queue::new("Orders").add_to(s);
        s.override_property(q.handle().id(), "VisibilityTimout", 30);
    });
    let errors = rejects(
        &a,
        DiagKind::Unknown,
        "unknown property, set by override_property(\"VisibilityTimout\")",
        Some("VisibilityTimout"),
    );
    assert!(errors.iter().any(|d| d.allowed.as_deref().is_some_and(|a| a.contains("did you mean VisibilityTimeout?"))));
}

#[test]
fn deleting_a_required_property() {
    let a = app(|s| {
        use cfnkit::l1::dynamodb::{KeySchema, Table as CfnTable};
        let t = s.add("Orders", CfnTable::new([KeySchema::new("pk", "HASH")]));
        s.delete_property(t.id(), "KeySchema");
    });
    rejects(&a, DiagKind::Missing, "required property missing after delete_property(\"KeySchema\")", Some("KeySchema"));
}

/// L2 invariants: what grants, event sources and checks were written from
/// cannot be changed behind the construct's back.
#[test]
fn an_override_of_a_property_other_constructs_rely_on() {
    let a = app(|s| {
        let q = Queue::new("Orders").add_to(s);
        s.override_property(q.handle().id(), "VisibilityTimeout", 10);
        let t = Table::new("Items", Key::string("pk")).add_to(s);
        s.delete_property(t.handle().id(), "KeySchema");
        s.override_property(t.handle().id(), "StreamSpecification.StreamViewType", "KEYS_ONLY");
    });
    let errors = rejects(
        &a,
        DiagKind::Override,
        "override_property(\"VisibilityTimeout\") changes VisibilityTimeout, which other constructs rely on \
         (grants, event sources and checks are written from the value the construct was given)",
        Some("VisibilityTimeout"),
    );
    let allowed = |p: &str| errors.iter().find(|d| d.property.as_deref() == Some(p)).and_then(|d| d.allowed.clone());
    assert_eq!(allowed("VisibilityTimeout").as_deref(), Some("set it with Queue::visibility_timeout"));
    assert_eq!(allowed("KeySchema").as_deref(), Some("set it with Table::new and Table::sort_key"));
    assert_eq!(allowed("StreamSpecification.StreamViewType").as_deref(), Some("set it with Table::stream"));
}

#[test]
fn a_nested_override_with_a_bad_value() {
    let a = app(|s| {
        let t = Table::new("Orders", Key::string("pk")).add_to(s);
        s.override_property(t.handle().id(), "AttributeDefinitions.0.AttributeType", "STRING");
    });
    rejects(
        &a,
        DiagKind::NotAllowedValue,
        "not an allowed value, set by override_property(\"AttributeDefinitions.0.AttributeType\")",
        Some("AttributeDefinitions.0.AttributeType"),
    );
}

#[test]
fn an_override_that_fixes_a_value_is_checked_as_written() {
    // The construct's value is replaced: only the written value counts.
    let a = app(|s| {
        let lg = LogGroup::new("Logs", Retention::OneWeek).add_to(s);
        s.override_property(lg.handle().id(), "RetentionInDays", 14);
    });
    let out = a.synth().expect("a valid override synthesizes");
    assert_eq!(out.stacks[0].template["Resources"]["Logs"]["Properties"]["RetentionInDays"], 14);
}

#[test]
fn an_override_of_a_tag_with_the_reserved_prefix() {
    let a = app(|s| {
        let t = topic(s, "Topic");
        s.override_property(t.id(), "Tags.0.Key", "aws:x");
    });
    rejects(
        &a,
        DiagKind::NotAllowedValue,
        "tag key uses the reserved aws: prefix (Tags were overridden)",
        Some("Tags.aws:x"),
    );
}

/// Found by the synth_ops fuzz target: an override below a property the
/// resource does not have creates objects on the way (`Tags` became
/// `{"0": {"Key": 1.8e159}}` on a queue), and the result was written.
#[test]
fn an_override_that_creates_a_property_of_the_wrong_shape() {
    // No conventions, so the queue has no Tags for the override to land in.
    let mut a = App::new();
    let s = a.stack("bad");
    let q = s.add("Raw", cfnkit::l1::sqs::Queue::default());
    s.override_property(q.id(), "Tags.0.Key", 1.8e159);
    let errors = rejects(&a, DiagKind::WrongType, "wrong type, set by override_property(\"Tags.0.Key\")", Some("Tags"));
    assert!(errors.iter().any(|d| d.allowed.as_deref() == Some("a value of type array")), "{errors:?}");
}
