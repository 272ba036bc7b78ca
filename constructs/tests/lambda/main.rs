//! `lambda::Function` additions: SQS event sources, asynchronous invoke
//! config, dead-letter queue, VPC placement, environment encryption,
//! service permissions, inline handlers, and the acknowledgements the
//! construct writes itself.

mod failures;
mod handlers;
mod helpers;
mod permissions;
mod queue_source;
mod vpc;
