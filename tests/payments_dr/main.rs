//! The payments-dr reference stack (spec section 4, multi-region disaster
//! recovery for payments) against the spec, line by line, with cfnkit's
//! assertions API: the TAP conventions first, then every bullet of the
//! section, then the decisions the program's doc comment records where the
//! spec is silent. Plus the snapshot, cfn-lint and checkov, the handlers'
//! syntax and behaviour (against a stub `boto3`), and determinism.

#[path = "../support/validators.rs"]
mod validators;

mod api;
mod conventions;
mod decisions;
mod functions;
mod handlers;
mod helpers;
mod messaging;
mod monitoring;
mod program;
mod snapshot;
mod table;
