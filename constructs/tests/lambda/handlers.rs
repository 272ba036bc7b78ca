//! Inline handlers, and the order-queue wiring read as one system.

use cfnkit_constructs::lambda::{Code, Function, QueueSource, Runtime};
use cfnkit_constructs::sqs::{DeadLetterQueue, Queue};
use cfnkit_core::units::Duration;

use super::helpers::{build, errors, has, node, res, template, warnings};

const PYTHON: &str = "def handler(event, context):\n    return None\n";

// Inline handlers

#[test]
fn python_inline_handler_must_be_in_the_index_module() {
    let e = errors(|s| {
        Function::new("F", Runtime::Python313, Code::inline(PYTHON)).handler("main.handler").add_to(s);
    });
    assert!(has(&e, "Handler", "saved as index.py"));
}

#[test]
fn node_inline_handler_must_be_in_the_index_module() {
    let e = errors(|s| {
        node("F").handler("app.handler").add_to(s);
    });
    assert!(has(&e, "Handler", "saved as index.js"));
}

#[test]
fn inline_handler_must_name_a_function() {
    for h in ["index", "index.", "index.1x", "index.a.b"] {
        let e = errors(|s| {
            node("F").handler(h).add_to(s);
        });
        assert!(has(&e, "Handler", "must name a function"), "{h}");
    }
}

#[test]
fn inline_handler_the_code_never_mentions_gives_a_warning() {
    let w = warnings(|s| {
        Function::new("F", Runtime::Python313, Code::inline(PYTHON)).handler("index.main").add_to(s);
    });
    assert!(has(&w, "Handler", "never mentions"));
}

#[test]
fn handler_of_zipped_code_is_not_checked() {
    let t = template(|s| {
        Function::new("F", Runtime::Python313, Code::s3("artifacts", "f.zip")).handler("app.main").add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["Handler"], "app.main");
}

#[test]
fn queue_and_dlq_wiring_reads_as_one_system() {
    // The order-queue shape: DLQ kept 14 days, redrive after 3 receives,
    // visibility six times the function timeout, batch item failures.
    let out = build(|s| {
        let dlq = Queue::new("OrdersDlq").as_dead_letter_queue().add_to(s);
        let orders = Queue::new("Orders")
            .visibility_timeout(Duration::seconds(180))
            .dead_letter_queue(DeadLetterQueue::new(dlq, 3))
            .add_to(s);
        node("F").timeout(Duration::seconds(30)).event_source(QueueSource::new(orders).batch_size(10)).add_to(s);
    })
    .expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}
