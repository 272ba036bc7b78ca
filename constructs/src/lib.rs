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
#[cfg(feature = "autoscaling")]
pub mod autoscaling;
#[cfg(feature = "backup")]
pub mod backup;
#[cfg(feature = "certificatemanager")]
pub mod certificatemanager;
#[cfg(feature = "cloudfront")]
pub mod cloudfront;
#[cfg(feature = "cloudtrail")]
pub mod cloudtrail;
#[cfg(feature = "cloudwatch")]
pub mod cloudwatch;
#[cfg(feature = "config")]
pub mod config;
#[cfg(feature = "kms")]
mod customer_key;
#[cfg(feature = "dynamodb")]
pub mod dynamodb;
#[cfg(feature = "ec2")]
pub mod ec2;
#[cfg(feature = "ecs")]
pub mod ecs;
#[cfg(feature = "elasticloadbalancingv2")]
pub mod elasticloadbalancingv2;
#[cfg(feature = "events")]
pub mod events;
#[cfg(feature = "guardduty")]
pub mod guardduty;
#[cfg(feature = "iam")]
pub mod iam;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "logs")]
pub mod logs;
mod name;
#[cfg(feature = "rds")]
pub mod rds;
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
#[cfg(feature = "wafv2")]
pub mod wafv2;

/// Every construct and the types their builders take.
pub mod prelude {
    #[cfg(feature = "apigateway")]
    pub use crate::apigateway::{
        EndpointType, HttpMethod, LambdaIntegration, LoggingLevel, Method, MockIntegration, RestApi, RestApiRef,
    };
    #[cfg(feature = "autoscaling")]
    pub use crate::autoscaling::{AutoScalingGroup, AutoScalingGroupRef, RollingUpdate, StepScaling};
    #[cfg(feature = "backup")]
    pub use crate::backup::{BackupPlan, BackupPlanRef, BackupRule, BackupVault, BackupVaultRef};
    #[cfg(feature = "certificatemanager")]
    pub use crate::certificatemanager::{Certificate, CertificateRef};
    #[cfg(feature = "cloudfront")]
    pub use crate::cloudfront::{Distribution, DistributionRef, Origin, ViewerProtocol};
    #[cfg(feature = "cloudtrail")]
    pub use crate::cloudtrail::{ReadWrite as TrailEvents, Trail, TrailRef};
    #[cfg(feature = "cloudwatch")]
    pub use crate::cloudwatch::{
        Alarm, AlarmRef, AlarmRule, AlarmStatusWidget, AnyAlarm, Comparison, CompositeAlarm, CompositeAlarmRef,
        Dashboard, DashboardRef, GraphWidget, MathExpression, Metric, SingleValueWidget, Statistic, TextWidget,
        TreatMissingData,
    };
    #[cfg(feature = "config")]
    pub use crate::config::{ConfigurationRecorder, ManagedRule, ManagedRuleRef, RecorderRef};
    #[cfg(feature = "dynamodb")]
    pub use crate::dynamodb::{
        Billing, GlobalBilling, GlobalTable, GlobalTableRef, Gsi, Key, Projection, Replica, StreamView, Table,
        TableAction, TableEncryption, TableRef,
    };
    #[cfg(feature = "ec2")]
    pub use crate::ec2::{
        Connectable, Connections, GatewayService, Instance, InstanceRef, InterfaceService, LaunchTemplate,
        LaunchTemplateRef, MachineImage, Peer, Port, SecurityGroup, SecurityGroupRef, UserData, Vpc, VpcRef,
    };
    #[cfg(feature = "ecs")]
    pub use crate::ecs::{
        Cluster, ClusterRef, Container, ContainerImage, FargateService, FargateServiceRef, FargateTaskDefinition,
        TaskDefinitionRef,
    };
    #[cfg(feature = "elasticloadbalancingv2")]
    pub use crate::elasticloadbalancingv2::{
        ApplicationLoadBalancer, ListenerRef, ListenerRule, LoadBalancerRef, NetworkLoadBalancer, TargetGroup,
        TargetGroupRef, TargetProtocol, TargetType,
    };
    #[cfg(feature = "events")]
    pub use crate::events::{
        EventPattern, Rule as EventRule, RuleRef as EventRuleRef, Schedule, Target as EventTarget,
    };
    #[cfg(feature = "guardduty")]
    pub use crate::guardduty::{Detector, DetectorRef};
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
    #[cfg(feature = "rds")]
    pub use crate::rds::{DatabaseCluster, DatabaseClusterRef, DatabaseInstance, DatabaseInstanceRef, Engine};
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
    #[cfg(feature = "wafv2")]
    pub use crate::wafv2::{ManagedRuleGroup, RateLimit, WebAcl, WebAclRef};
}
