//! # cfnkit-constructs
//!
//! Hand-written, secure-by-default constructs (L2), one module per service.
//! Each construct is configured with a builder, added to a stack with
//! `add_to(stack)`, and returns a small `Copy` handle (`TableRef`,
//! `BucketRef`...) whose methods give typed references, grants that write
//! least-privilege IAM, and metrics.
//!
//! Depends on `cfnkit-core` and `cfnkit-l1`; knows nothing of the CLI or the
//! reference stacks.

pub mod apigateway;
pub mod arn;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;

/// Every construct and the types their builders take.
pub mod prelude {
    pub use crate::cloudwatch::{Alarm, AlarmRef, Comparison, MathExpression, Metric, Statistic, TreatMissingData};
    pub use crate::dynamodb::{Billing, Gsi, Key, Projection, StreamView, Table, TableEncryption, TableRef};
    pub use crate::iam::{Grantable, PolicyStatement, Principal, Role, RoleRef};
    pub use crate::kms::{Key as KmsKey, KeyRef};
    pub use crate::lambda::{Code, Function, FunctionRef, Runtime, StartingPosition, StreamSource};
    pub use crate::logs::{LogGroup, LogGroupRef, Retention};
    pub use crate::s3::{Bucket, BucketEncryption, BucketRef, Rule, StorageClass};
    pub use crate::sns::{Topic, TopicEncryption, TopicRef};
}
