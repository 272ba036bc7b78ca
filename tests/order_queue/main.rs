//! The order-queue reference stack (spec section 3: SQS -> Lambda (Node.js)
//! -> DynamoDB with a dead-letter queue and monitoring, us-east-1) against
//! the TAP conventions and its own section, line by line, with the
//! assertions API; plus the decisions of its doc comment, its snapshot,
//! cfn-lint and checkov, the handler's syntax and behaviour, and determinism.

#[path = "../support/validators.rs"]
mod validators;

mod conventions;
mod decisions;
mod handler;
mod helpers;
mod monitoring;
mod resources;
mod snapshot;
