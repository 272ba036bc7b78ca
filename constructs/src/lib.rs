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

#[cfg(feature = "apigateway")]
pub mod apigateway;
pub mod arn;
#[cfg(feature = "cloudtrail")]
pub mod cloudtrail;
#[cfg(feature = "cloudwatch")]
pub mod cloudwatch;
#[cfg(feature = "kms")]
mod customer_key;
#[cfg(feature = "dynamodb")]
pub mod dynamodb;
#[cfg(feature = "ec2")]
pub mod ec2;
#[cfg(feature = "iam")]
pub mod iam;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "logs")]
pub mod logs;
mod name;
#[cfg(feature = "route53")]
pub mod route53;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "secretsmanager")]
pub mod secretsmanager;
#[cfg(feature = "sns")]
pub mod sns;
#[cfg(feature = "sqs")]
pub mod sqs;

/// Every construct and the types their builders take.
pub mod prelude {
    #[cfg(feature = "apigateway")]
    pub use crate::apigateway::{
        EndpointType, HttpMethod, LambdaIntegration, LoggingLevel, Method, MockIntegration, RestApi, RestApiRef,
    };
    #[cfg(feature = "cloudtrail")]
    pub use crate::cloudtrail::{ReadWrite as TrailEvents, Trail, TrailRef};
    #[cfg(feature = "cloudwatch")]
    pub use crate::cloudwatch::{
        Alarm, AlarmRef, AlarmRule, AlarmStatusWidget, AnyAlarm, Comparison, CompositeAlarm, CompositeAlarmRef,
        Dashboard, DashboardRef, GraphWidget, MathExpression, Metric, SingleValueWidget, Statistic, TextWidget,
        TreatMissingData,
    };
    #[cfg(feature = "dynamodb")]
    pub use crate::dynamodb::{
        Billing, GlobalBilling, GlobalTable, GlobalTableRef, Gsi, Key, Projection, Replica, StreamView, Table,
        TableAction, TableEncryption, TableRef,
    };
    #[cfg(feature = "ec2")]
    pub use crate::ec2::{GatewayService, InterfaceService, Peer, Port, SecurityGroup, SecurityGroupRef, Vpc, VpcRef};
    #[cfg(feature = "iam")]
    pub use crate::iam::{Grantable, ManagedPolicy, ManagedPolicyRef, PolicyStatement, Principal, Role, RoleRef};
    #[cfg(feature = "kms")]
    pub use crate::kms::{Key as KmsKey, KeyRef, KeySpec, KeyUsage};
    #[cfg(feature = "lambda")]
    pub use crate::lambda::{
        AsyncConfig, Code, Destination, Function, FunctionRef, Permission, QueueSource, Runtime, StartingPosition,
        StreamSource, VpcPlacement,
    };
    #[cfg(feature = "logs")]
    pub use crate::logs::{
        LogGroup, LogGroupRef, MetricFilter, MetricFilterRef, QueryDefinition, QueryDefinitionRef, Retention,
    };
    #[cfg(feature = "route53")]
    pub use crate::route53::{CheckerRegion, HealthCheck, HealthCheckRef};
    #[cfg(feature = "s3")]
    pub use crate::s3::{
        Bucket, BucketEncryption, BucketRef, NotificationEvent, NotificationFilter, Rule, StorageClass,
    };
    #[cfg(feature = "secretsmanager")]
    pub use crate::secretsmanager::{Password, RotationSchedule, Secret, SecretRef, SecretTemplate};
    #[cfg(feature = "sns")]
    pub use crate::sns::{
        FilterPolicyScope, SubscribedTopic, Subscription, SubscriptionRef, Topic, TopicEncryption, TopicRef,
    };
    #[cfg(feature = "sqs")]
    pub use crate::sqs::{DeadLetterQueue, Queue, QueueEncryption, QueueRef};
}
