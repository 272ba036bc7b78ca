//! The reference systems of `shared/spec/reference-stacks.md`, as cfnkit
//! programs. [`app`] builds them all; `cfnkit list` prints their names.

pub mod order_monitoring;
pub mod order_queue;
pub mod payments_dr;
pub mod transaction_pipeline;

use cfnkit_core::tree::App;

/// Every reference stack, in spec order.
pub fn app() -> App {
    let mut app = App::new();
    order_monitoring::order_monitoring(&mut app);
    transaction_pipeline::transaction_pipeline(&mut app);
    order_queue::order_queue(&mut app);
    payments_dr::payments_dr(&mut app, &payments_dr::PaymentsDrProps::default());
    app
}
