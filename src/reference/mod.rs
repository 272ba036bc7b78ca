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
    define(&mut app);
    app
}

/// Adds every reference stack to `app`, in spec order (what the `cfnkit`
/// binary runs through [`crate::run`]).
pub fn define(app: &mut App) {
    order_monitoring::order_monitoring(app);
    transaction_pipeline::transaction_pipeline(app);
    order_queue::order_queue(app);
    payments_dr::payments_dr(app, &payments_dr::PaymentsDrProps::default());
}
