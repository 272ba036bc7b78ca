//! RDS: [`DatabaseInstance`] (PostgreSQL, MySQL, MariaDB) and
//! [`DatabaseCluster`] (Aurora), secure by default.
//!
//! Both sit in the VPC's private subnets and are never publicly accessible;
//! storage is encrypted with a customer managed key; RDS generates the
//! master password and keeps it in Secrets Manager
//! (`ManageMasterUserPassword`), encrypted with the database's key; a
//! parameter group refuses connections without TLS; backups are kept 7 days;
//! IAM database authentication, log exports, enhanced monitoring and
//! Performance Insights are on; under a removal policy that keeps data the
//! database keeps a final snapshot and has deletion protection on. Each
//! database has a security group of its own that admits nobody until its
//! [`connections`](crate::ec2::Connectable::connections) allow a peer on the
//! database's port; `grant_connect` writes `rds-db:connect` for one database
//! user and `grant_secret_read` lets a role read the master secret.
//!
//! Compared with AWS CDK (aws-cdk-lib `aws-rds`): CDK leaves instance
//! storage unencrypted unless given a key, keeps backups 1 day, runs
//! single-AZ, turns IAM authentication, monitoring, Performance Insights and
//! log exports off, and generates a `Secret` of its own; cfnkit turns each
//! on and lets RDS manage the secret.

mod access;
mod cluster;
mod engine;
mod instance;
mod settings;

pub use cluster::{DatabaseCluster, DatabaseClusterRef};
pub use engine::Engine;
pub use instance::{DatabaseInstance, DatabaseInstanceRef};
