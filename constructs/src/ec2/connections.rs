//! [`Connections`]: who may talk to whom, written as security-group rules
//! on both sides.
//!
//! A construct with security groups (a database, a load balancer, an Auto
//! Scaling group) hands out its [`Connections`]; `a.connections().allow_to(
//! stack, &b, port, why)` writes an egress rule on each of `a`'s groups to
//! each of `b`'s groups and the matching ingress rule on `b`'s groups, so
//! neither side is left open or silently closed. Rules between groups never
//! name a CIDR block, so no `0.0.0.0/0` rule comes from here.

use cfnkit_core::tree::Stack;

use super::security_group::{Peer, Port, SecurityGroupRef};

/// The security groups of a construct, and the port it listens on when it
/// has one (a database's port, a load balancer's listener port).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connections {
    groups: Vec<SecurityGroupRef>,
    default_port: Option<Port>,
}

/// Anything whose network access is governed by security groups.
pub trait Connectable {
    /// Its security groups and default port.
    fn connections(&self) -> Connections;
}

impl Connectable for SecurityGroupRef {
    fn connections(&self) -> Connections {
        Connections::new(vec![*self], None)
    }
}

impl Connectable for Connections {
    fn connections(&self) -> Connections {
        self.clone()
    }
}

impl Connections {
    /// The connections of `groups`, listening on `default_port` if given.
    pub fn new(groups: Vec<SecurityGroupRef>, default_port: Option<Port>) -> Self {
        Connections { groups, default_port }
    }
    /// The security groups.
    pub fn security_groups(&self) -> &[SecurityGroupRef] {
        &self.groups
    }
    /// The port the construct listens on, if it has one.
    pub fn default_port(&self) -> Option<Port> {
        self.default_port
    }

    /// Lets these groups reach `other`'s groups on `port`: an egress rule on
    /// each of these groups and an ingress rule on each of `other`'s, both
    /// described by `description`.
    pub fn allow_to(&self, stack: &mut Stack, other: &impl Connectable, port: Port, description: &str) {
        let other = other.connections();
        for mine in &self.groups {
            for theirs in &other.groups {
                mine.add_egress(stack, Peer::security_group(*theirs), port, description);
                theirs.add_ingress(stack, Peer::security_group(*mine), port, description);
            }
        }
    }

    /// Lets `other`'s groups reach these groups on `port` (the mirror of
    /// [`allow_to`](Self::allow_to)).
    pub fn allow_from(&self, stack: &mut Stack, other: &impl Connectable, port: Port, description: &str) {
        other.connections().allow_to(stack, self, port, description);
    }

    /// Lets `other` reach these groups on their default port (a database's
    /// port). Without a default port nothing is written and the stack gets
    /// an error saying which port to name.
    pub fn allow_default_port_from(&self, stack: &mut Stack, other: &impl Connectable, description: &str) {
        match self.default_port {
            Some(port) => self.allow_from(stack, other, port, description),
            None => stack.report(
                cfnkit_core::diag::Diagnostic::error_of(
                    cfnkit_core::diag::DiagKind::Missing,
                    stack.name().to_string(),
                    "connection without a port",
                )
                .property("default_port")
                .allowed("allow_from(stack, other, Port::tcp(n), why) naming the port"),
            ),
        }
    }

    /// Lets these groups reach `other` on `other`'s default port (an
    /// application reaching its database). Without a default port on
    /// `other` nothing is written and the stack gets an error.
    pub fn allow_to_default_port(&self, stack: &mut Stack, other: &impl Connectable, description: &str) {
        other.connections().allow_default_port_from(stack, self, description);
    }
}
