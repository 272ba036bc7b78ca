//! EC2 networking: [`Vpc`], gateway and interface endpoints, and
//! [`SecurityGroup`].
//!
//! Defaults: a VPC is `10.0.0.0/16` over two availability zones with one
//! isolated private subnet per zone (no internet gateway, no NAT gateway),
//! DNS support and hostnames on; flow logs of all traffic (into a log group
//! kept one year, encrypted with the stack's log key) under the hardened
//! security profile or when asked for. Internet access is a named call
//! (`.public_subnets()`, `.nat_gateways(n)`). Gateway endpoints sit on every
//! route table; interface endpoints sit in the private subnets with private
//! DNS on and a security group admitting HTTPS from the VPC's CIDR only.
//! Security groups refuse ingress from anywhere unless it is asked for with
//! a reason, send nothing out unless a rule says so, and describe every rule.

mod cidr;
mod endpoints;
mod flow_logs;
mod security_group;
mod vpc;

pub use endpoints::{
    GatewayEndpoint, GatewayEndpointRef, GatewayService, InterfaceEndpoint, InterfaceEndpointRef, InterfaceService,
};
pub use security_group::{Peer, Port, SecurityGroup, SecurityGroupRef};
pub use vpc::{Vpc, VpcRef, MAX_AZS};
