//! The reference systems of `shared/spec/reference-stacks.md`, as cfnkit
//! programs. [`app`] builds them all; `cfnkit list` prints their names.

pub mod order_monitoring;
pub mod order_queue;
pub mod payments_dr;
pub mod transaction_pipeline;

use cfnkit_core::conventions::{Conventions, SecurityProfile};
use cfnkit_core::tree::App;

/// The conventions under `profile`.
fn profiled(c: Conventions, profile: SecurityProfile) -> Conventions {
    match profile {
        SecurityProfile::Hardened => c.hardened(),
        _ => c,
    }
}

/// Every reference stack under `profile`, in spec order.
pub fn app_with_profile(profile: SecurityProfile) -> App {
    let mut app = App::new();
    order_monitoring::order_monitoring_with_profile(&mut app, profile);
    transaction_pipeline::transaction_pipeline_with_profile(&mut app, profile);
    order_queue::order_queue_with_profile(&mut app, profile);
    payments_dr::payments_dr(&mut app, &payments_dr::PaymentsDrProps { profile, ..Default::default() });
    app
}

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
