//! The transaction-pipeline reference stack against spec section 2 and the
//! common TAP conventions, line by line, with cfnkit's assertions API; plus
//! the decisions its doc comment lists, its snapshot, cfn-lint, checkov, the
//! handler's syntax and deterministic synthesis.
//!
//! Each test is named after the spec line (or documented decision) it
//! proves. The one deviation from the spec (security-group egress to the S3
//! and DynamoDB prefix lists, without which the function could not reach
//! them) is pinned exactly by a test in `network.rs`.

#[path = "../support/validators.rs"]
mod validators;

mod conventions;
mod decisions;
mod function;
mod helpers;
mod network;
mod snapshot;
mod storage;
mod trail;
