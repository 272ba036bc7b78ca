//! Elastic Load Balancing v2: [`ApplicationLoadBalancer`],
//! [`NetworkLoadBalancer`], listeners, [`TargetGroup`]s and
//! [`ListenerRule`]s, secure by default.
//!
//! Load balancers are internal unless made internet-facing, and then sit in
//! the public subnets with only their listener ports open to `0.0.0.0/0`;
//! each has a security group of its own that reaches targets only where its
//! [`connections`](crate::ec2::Connectable::connections) allow. Application
//! load balancers drop invalid HTTP headers; deletion protection is on
//! unless the removal policy is Destroy. HTTPS and TLS listeners use
//! [`TLS_POLICY`] (TLS 1.3 and 1.2); the HTTP listener only redirects to
//! HTTPS. Access logs go to a bucket when asked
//! ([`ApplicationLoadBalancer::access_logs_to`]), with the bucket-policy
//! statement for the region's log writer written for you.
//!
//! Compared with AWS CDK (aws-cdk-lib `aws-elasticloadbalancingv2`): CDK
//! keeps invalid headers, leaves deletion protection off, lets the load
//! balancer's group send anywhere, and lets a plain HTTP listener forward
//! traffic.

mod access_logs;
mod listener;
mod load_balancer;
mod target_group;

pub(crate) use access_logs::SseKms;
pub use access_logs::{elb_account, LOG_DELIVERY_SERVICE};
pub use listener::{ListenerRef, ListenerRule, TLS_POLICY};
pub use load_balancer::{ApplicationLoadBalancer, LoadBalancerRef, NetworkLoadBalancer};
pub(crate) use target_group::ForwardedBy;
pub use target_group::{TargetGroup, TargetGroupRef, TargetProtocol, TargetType};
