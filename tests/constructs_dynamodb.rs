//! cfn-lint and checkov on minimal stacks of the DynamoDB constructs: a
//! two-region global table (linted for both regions) and a table.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::dynamodb::{GlobalTable, Gsi, Key, Replica, StreamView, Table};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

#[test]
fn a_minimal_two_region_global_table_is_clean() {
    let mut app = App::new();
    let stack = app.stack("global-table").region("us-east-1").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    GlobalTable::new("Payments", Key::string("transaction_id"))
        .sort_key(Key::number("timestamp"))
        .name(sfx.name("payments"))
        .index(Gsi::new("customer-index", Key::string("customer_id")).sort_key(Key::number("timestamp")))
        .stream(StreamView::NewAndOldImages)
        .replica(Replica::new("us-east-2"))
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "global-table", &["us-east-1", "us-east-2"]);
}

#[test]
fn a_minimal_table_is_clean() {
    let mut app = App::new();
    let stack = app.stack("table").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    Table::new("Orders", Key::string("orderId")).name(sfx.name("orders")).add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "table", &["us-east-1"]);
}
