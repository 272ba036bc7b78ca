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
pub mod autoscaling;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod elasticloadbalancingv2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
mod name;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;

/// Every construct and the types their builders take.
pub mod prelude {
    pub use crate::apigateway::{
        EndpointType, HttpMethod, LambdaIntegration, LoggingLevel, Method, MockIntegration, RestApi, RestApiRef,
    };
    pub use crate::autoscaling::{AutoScalingGroup, AutoScalingGroupRef, StepScaling};
    pub use crate::cloudtrail::{ReadWrite as TrailEvents, Trail, TrailRef};
    pub use crate::cloudwatch::{
        Alarm, AlarmRef, AlarmRule, AlarmStatusWidget, AnyAlarm, Comparison, CompositeAlarm, CompositeAlarmRef,
        Dashboard, DashboardRef, GraphWidget, MathExpression, Metric, SingleValueWidget, Statistic, TextWidget,
        TreatMissingData,
    };
    pub use crate::dynamodb::{
        Billing, GlobalBilling, GlobalTable, GlobalTableRef, Gsi, Key, Projection, Replica, StreamView, Table,
        TableAction, TableEncryption, TableRef,
    };
    pub use crate::ec2::{
        Connectable, Connections, GatewayService, InterfaceService, LaunchTemplate, LaunchTemplateRef, MachineImage,
        Peer, Port, SecurityGroup, SecurityGroupRef, UserData, Vpc, VpcRef,
    };
    pub use crate::elasticloadbalancingv2::{
        ApplicationLoadBalancer, ListenerRef, ListenerRule, LoadBalancerRef, NetworkLoadBalancer, TargetGroup,
        TargetGroupRef, TargetProtocol, TargetType,
    };
    pub use crate::iam::{Grantable, ManagedPolicy, ManagedPolicyRef, PolicyStatement, Principal, Role, RoleRef};
    pub use crate::kms::{Key as KmsKey, KeyRef, KeySpec, KeyUsage};
    pub use crate::lambda::{
        AsyncConfig, Code, Destination, Function, FunctionRef, Permission, QueueSource, Runtime, StartingPosition,
        StreamSource, VpcPlacement,
    };
    pub use crate::logs::{
        LogGroup, LogGroupRef, MetricFilter, MetricFilterRef, QueryDefinition, QueryDefinitionRef, Retention,
    };
    pub use crate::rds::{DatabaseCluster, DatabaseClusterRef, DatabaseInstance, DatabaseInstanceRef, Engine};
    pub use crate::route53::{CheckerRegion, HealthCheck, HealthCheckRef};
    pub use crate::s3::{
        Bucket, BucketEncryption, BucketRef, NotificationEvent, NotificationFilter, Rule, StorageClass,
    };
    pub use crate::secretsmanager::{Password, RotationSchedule, Secret, SecretRef, SecretTemplate};
    pub use crate::sns::{
        FilterPolicyScope, SubscribedTopic, Subscription, SubscriptionRef, Topic, TopicEncryption, TopicRef,
    };
    pub use crate::sqs::{DeadLetterQueue, Queue, QueueEncryption, QueueRef};
}
