//! The order-monitoring reference stack (spec section 1 of
//! `shared/spec/reference-stacks.md`), checked with cfnkit's assertions API:
//! one assertion per line of the TAP conventions, per line of the stack's
//! section and per decision the program's doc comment takes where the spec is
//! silent. Then the snapshot, cfn-lint and checkov, the handler's syntax and
//! behaviour, and determinism.
//!
//! The two wildcard exceptions (key policies) are asserted to be exactly
//! the ones the program's doc comment names.

#[path = "../support/validators.rs"]
mod validators;

mod conventions;
mod decisions;
mod handler;
mod helpers;
mod snapshot;
mod spec;
