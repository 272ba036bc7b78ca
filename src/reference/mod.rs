//! The reference systems of `shared/spec/reference-stacks.md`, as cfnkit
//! programs. [`app`] builds them all; `cfnkit list` prints their names.

pub mod order_monitoring;

use cfnkit_core::tree::App;

/// Every reference stack, in spec order.
pub fn app() -> App {
    let mut app = App::new();
    order_monitoring::order_monitoring(&mut app);
    app
}
