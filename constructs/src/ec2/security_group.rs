//! [`SecurityGroup`]: typed peers and ports, a description on every rule,
//! no ingress from anywhere and no outbound traffic unless asked for.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, NodeId, Stack};
use cfnkit_l1::ec2 as l1;
use cfnkit_l1::prelude::*;

use super::cidr::{check_ipv6, Ipv4Net};
use super::vpc::VpcRef;

/// The most characters AWS accepts in a group or rule description.
const DESCRIPTION_MAX: usize = 255;

/// The rule CloudFormation cannot misread as "no egress rules": it matches no
/// traffic (ICMP type 252, code 86, to the broadcast address), so a group
/// holding only this rule allows nothing out. Without it, CloudFormation
/// keeps EC2's default allow-all egress rule.
const NO_TRAFFIC_CIDR: &str = "255.255.255.255/32";

/// Who a rule lets in, or lets traffic out to.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer(PeerKind);

#[derive(Clone, Debug, PartialEq)]
enum PeerKind {
    Cidr(String),
    VpcCidr(Box<VpcRef>),
    Group(SecurityGroupRef),
    PrefixList(Token),
}

impl Peer {
    /// An IPv4 (`10.0.0.0/16`) or IPv6 (`2001:db8::/32`) CIDR block,
    /// checked when the rule is added. `0.0.0.0/0` and `::/0` are refused
    /// for ingress: use [`SecurityGroup::allow_from_anywhere`].
    pub fn cidr(block: &str) -> Self {
        Peer(PeerKind::Cidr(block.to_string()))
    }
    /// The primary CIDR block of a VPC (`Fn::GetAtt Vpc.CidrBlock`).
    pub fn vpc_cidr(vpc: VpcRef) -> Self {
        Peer(PeerKind::VpcCidr(Box::new(vpc)))
    }
    /// Members of another security group (or of this one). Written as a
    /// separate `SecurityGroupIngress`/`SecurityGroupEgress` resource, so two
    /// groups may refer to each other without a dependency cycle.
    pub fn security_group(group: SecurityGroupRef) -> Self {
        Peer(PeerKind::Group(group))
    }
    /// A managed prefix list (`pl-...`), such as the S3 list of a region.
    pub fn prefix_list(id: impl Into<Token>) -> Self {
        Peer(PeerKind::PrefixList(id.into()))
    }
}

/// The IP protocol of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "-1",
        }
    }
}

/// A protocol and a port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port {
    protocol: Protocol,
    from: i64,
    to: i64,
}

impl Port {
    /// One TCP port.
    pub fn tcp(port: u16) -> Self {
        Port::tcp_range(port, port)
    }
    /// TCP ports `from` to `to`, inclusive (`from` must not exceed `to`).
    pub fn tcp_range(from: u16, to: u16) -> Self {
        Port { protocol: Protocol::Tcp, from: i64::from(from), to: i64::from(to) }
    }
    /// Every TCP port.
    pub fn all_tcp() -> Self {
        Port::tcp_range(0, 65_535)
    }
    /// One UDP port.
    pub fn udp(port: u16) -> Self {
        Port::udp_range(port, port)
    }
    /// UDP ports `from` to `to`, inclusive.
    pub fn udp_range(from: u16, to: u16) -> Self {
        Port { protocol: Protocol::Udp, from: i64::from(from), to: i64::from(to) }
    }
    /// Every UDP port.
    pub fn all_udp() -> Self {
        Port::udp_range(0, 65_535)
    }
    /// Every ICMP type and code.
    pub fn all_icmp() -> Self {
        Port { protocol: Protocol::Icmp, from: -1, to: -1 }
    }
    /// Every protocol and port (`IpProtocol: -1`).
    pub fn all_traffic() -> Self {
        Port { protocol: Protocol::All, from: -1, to: -1 }
    }

    /// True when the rule's port range covers `port` (as checkov reads it:
    /// by `FromPort`/`ToPort`, whatever the protocol).
    fn covers(self, port: i64) -> bool {
        self.protocol != Protocol::All && self.from <= port && port <= self.to
    }

    /// A construct-id fragment: `Tcp443`, `Tcp8000To8080`, `AllTraffic`.
    fn id_fragment(self) -> String {
        let proto = match self.protocol {
            Protocol::Tcp => "Tcp",
            Protocol::Udp => "Udp",
            Protocol::Icmp => "Icmp",
            Protocol::All => return "AllTraffic".into(),
        };
        if self.from == -1 || (self.from == 0 && self.to == 65_535) {
            format!("All{proto}")
        } else if self.from == self.to {
            format!("{proto}{}", self.from)
        } else {
            format!("{proto}{}To{}", self.from, self.to)
        }
    }

    fn check(self, path: &str, property: &str, out: &mut Vec<Diagnostic>) {
        if matches!(self.protocol, Protocol::Tcp | Protocol::Udp) && self.from > self.to {
            out.push(
                Diagnostic::error(path, "port range runs backwards")
                    .property(property)
                    .value(format!("{} to {}", self.from, self.to))
                    .allowed("from <= to"),
            );
        }
    }
}

/// Checks a group or rule description against what EC2 accepts for VPC
/// groups. Both are required here; the group description's upper bound is
/// left to the L1 schema validation, which already checks it.
fn check_description(path: &str, property: &str, d: &str, out: &mut Vec<Diagnostic>) {
    let allowed_char = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
    let too_long = property != "GroupDescription" && d.chars().count() > DESCRIPTION_MAX;
    if d.trim().is_empty() || too_long {
        out.push(
            Diagnostic::error(path, "description length")
                .property(property)
                .value(format!("{} characters", d.chars().count()))
                .allowed(format!("1 to {DESCRIPTION_MAX} characters")),
        );
    }
    if let Some(c) = d.chars().find(|c| !allowed_char(*c)) {
        out.push(
            Diagnostic::error(path, format!("character {c:?} is not allowed in a description"))
                .property(property)
                .value(format!("{d:?}"))
                .allowed("letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"),
        );
    }
}

/// Which way a rule points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// One rule of a group, as given to the builder.
#[derive(Clone, Debug, PartialEq)]
struct Rule {
    direction: Direction,
    peer: Peer,
    port: Port,
    description: String,
    /// A deliberate opening to the whole internet, with its reason.
    anywhere: bool,
}

/// A VPC security group.
///
/// Every rule carries a description (checkov CKV_AWS_23). Ingress from
/// `0.0.0.0/0` or `::/0` is refused unless asked for with
/// [`allow_from_anywhere`](Self::allow_from_anywhere). Outbound traffic is
/// denied by default: with no egress rule the group gets a rule matching no
/// traffic, since CloudFormation would otherwise keep EC2's allow-all egress;
/// [`allow_all_outbound`](Self::allow_all_outbound) is the explicit loosening.
///
/// ```
/// use cfnkit_constructs::ec2::{Peer, Port, SecurityGroup, Vpc};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let db = SecurityGroup::new("DatabaseSg", vpc, "PostgreSQL, reachable from the VPC only")
///     .allow_from(Peer::vpc_cidr(vpc), Port::tcp(5432), "PostgreSQL from the VPC")
///     .add_to(stack);
/// let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier")
///     .allow_to(Peer::security_group(db), Port::tcp(5432), "To the database")
///     .add_to(stack);
/// let _id = app_sg.id();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct SecurityGroup {
    id: String,
    vpc: VpcRef,
    description: String,
    name: Option<Value<String>>,
    rules: Vec<Rule>,
    all_outbound: bool,
}

impl SecurityGroup {
    /// A group in `vpc` with its `GroupDescription` (1 to 255 characters;
    /// letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`), no ingress and
    /// no egress.
    pub fn new(id: &str, vpc: VpcRef, description: &str) -> Self {
        SecurityGroup {
            id: id.to_string(),
            vpc,
            description: description.to_string(),
            name: None,
            rules: Vec::new(),
            all_outbound: false,
        }
    }
    /// Sets `GroupName` (suffix it with the environment; it may not start with `sg-`).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Allows inbound traffic from `peer` on `port`; `description` says why.
    pub fn allow_from(mut self, peer: Peer, port: Port, description: &str) -> Self {
        self.rules.push(Rule {
            direction: Direction::Ingress,
            peer,
            port,
            description: description.to_string(),
            anywhere: false,
        });
        self
    }
    /// Allows inbound IPv4 traffic from anywhere (`0.0.0.0/0`) on `port`: a
    /// deliberate decision, with `reason` as the rule's description (and as
    /// the reason of the checkov skips for ports 22, 80 and 3389 it covers).
    pub fn allow_from_anywhere(mut self, port: Port, reason: &str) -> Self {
        self.rules.push(Rule {
            direction: Direction::Ingress,
            peer: Peer::cidr("0.0.0.0/0"),
            port,
            description: reason.to_string(),
            anywhere: true,
        });
        self
    }
    /// Allows outbound traffic to `peer` on `port`; `description` says why.
    pub fn allow_to(mut self, peer: Peer, port: Port, description: &str) -> Self {
        self.rules.push(Rule {
            direction: Direction::Egress,
            peer,
            port,
            description: description.to_string(),
            anywhere: false,
        });
        self
    }
    /// Allows every outbound IPv4 packet (`0.0.0.0/0`, all protocols): the
    /// explicit loosening of the deny-by-default egress.
    pub fn allow_all_outbound(mut self) -> Self {
        self.all_outbound = true;
        self
    }

    /// Adds the group, its inline rules and its cross-group rule resources.
    pub fn add_to(self, stack: &mut Stack) -> SecurityGroupRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        check_description(&path, "GroupDescription", &self.description, &mut diags);
        if let Some(Value::Lit(n)) = &self.name {
            if n.is_empty() || n.chars().count() > DESCRIPTION_MAX || n.to_ascii_lowercase().starts_with("sg-") {
                diags.push(
                    Diagnostic::error(&path, "invalid group name")
                        .property("GroupName")
                        .value(format!("{n:?}"))
                        .allowed("1 to 255 characters, not starting with sg-"),
                );
            }
        }
        for d in diags {
            stack.report(d);
        }
        let egress = if self.all_outbound {
            l1::Egress::new("-1").cidr_ip("0.0.0.0/0").description("Allow all outbound traffic")
        } else {
            no_traffic_rule()
        };
        let mut g = l1::SecurityGroup::new(self.description.clone())
            .vpc_id(Value::from(self.vpc.id()))
            .security_group_egress(vec![egress]);
        if let Some(n) = self.name {
            g = g.group_name(n);
        }
        let handle = stack.within(scope, |s| s.add("Resource", g));
        let me = SecurityGroupRef { handle };
        for r in self.rules {
            me.add_rule(stack, r);
        }
        me
    }
}

fn no_traffic_rule() -> l1::Egress {
    l1::Egress::new("icmp").cidr_ip(NO_TRAFFIC_CIDR).from_port(252).to_port(86).description("Disallow all traffic")
}

fn is_no_traffic_rule(e: &l1::Egress) -> bool {
    e.cidr_ip == Some(Value::Lit(NO_TRAFFIC_CIDR.to_string()))
}

/// A security group added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityGroupRef {
    handle: Handle<l1::SecurityGroup>,
}

impl SecurityGroupRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::SecurityGroup> {
        self.handle
    }
    /// The group id, `sg-...` (`Fn::GetAtt GroupId`).
    pub fn id(self) -> Expr<String> {
        self.handle.attr_group_id()
    }
    /// Allows inbound traffic from `peer` on `port` after the group was
    /// added (for groups that refer to each other).
    pub fn add_ingress(self, stack: &mut Stack, peer: Peer, port: Port, description: &str) {
        let rule = Rule { direction: Direction::Ingress, peer, port, description: description.into(), anywhere: false };
        self.add_rule(stack, rule);
    }
    /// Allows outbound traffic to `peer` on `port` after the group was added.
    pub fn add_egress(self, stack: &mut Stack, peer: Peer, port: Port, description: &str) {
        let rule = Rule { direction: Direction::Egress, peer, port, description: description.into(), anywhere: false };
        self.add_rule(stack, rule);
    }

    fn add_rule(self, stack: &mut Stack, r: Rule) {
        let Some(node) = stack.node_of(self.handle.id()) else {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::ForeignStack,
                    stack.name().to_string(),
                    "security group rule on a group of another stack",
                )
                .allowed("rules added in the group's own stack"),
            );
            return;
        };
        let path = stack.path_of_node(node).unwrap_or_default();
        let property = match r.direction {
            Direction::Ingress => "SecurityGroupIngress",
            Direction::Egress => "SecurityGroupEgress",
        };
        let mut diags = Vec::new();
        check_description(&path, &format!("{property}.Description"), &r.description, &mut diags);
        r.port.check(&path, property, &mut diags);
        if let PeerKind::Cidr(block) = &r.peer.0 {
            let parsed = if block.contains(':') { check_ipv6(block) } else { Ipv4Net::parse(block).map(|_| ()) };
            if let Err(e) = parsed {
                diags.push(
                    Diagnostic::error(&path, format!("invalid CIDR block: {e}"))
                        .property(property)
                        .value(format!("{block:?}"))
                        .allowed("a.b.c.d/n or an IPv6 block x:y::/n, with no host bit set"),
                );
            }
            // With no host bit set, only 0.0.0.0/0 and ::/0 have a zero prefix.
            let open = block.ends_with("/0");
            if open && r.direction == Direction::Ingress && !r.anywhere {
                diags.push(
                    Diagnostic::error(&path, "ingress from anywhere")
                        .property(property)
                        .value(block.clone())
                        .allowed("a narrower peer, or .allow_from_anywhere(port, reason) as a deliberate decision"),
                );
            }
        }
        let failed = !diags.is_empty();
        for d in diags {
            stack.report(d);
        }
        if failed {
            return;
        }
        if r.anywhere {
            for (port, check) in [(22, "CKV_AWS_24"), (3389, "CKV_AWS_25"), (80, "CKV_AWS_260")] {
                if r.port.covers(port) {
                    stack.acknowledge(
                        self.handle.id(),
                        Ack::Checkov {
                            id: check.into(),
                            reason: format!("open to the internet on purpose: {}", r.description),
                        },
                    );
                }
            }
        }
        match (&r.peer.0, r.direction) {
            (PeerKind::Group(other), Direction::Ingress) => self.add_group_ingress(stack, node, *other, &r),
            (PeerKind::Group(other), Direction::Egress) => self.add_group_egress(stack, node, *other, &r),
            (_, Direction::Ingress) => self.add_inline_ingress(stack, &r),
            (_, Direction::Egress) => self.add_inline_egress(stack, &r),
        }
    }

    fn add_inline_ingress(self, stack: &mut Stack, r: &Rule) {
        let mut rule = l1::Ingress::new(r.port.protocol.name()).description(r.description.clone());
        if r.port.protocol != Protocol::All {
            rule = rule.from_port(r.port.from).to_port(r.port.to);
        }
        rule = match &r.peer.0 {
            PeerKind::Cidr(b) if b.contains(':') => rule.cidr_ipv6(b.clone()),
            PeerKind::Cidr(b) => rule.cidr_ip(b.clone()),
            PeerKind::VpcCidr(v) => rule.cidr_ip(Value::from(v.cidr_block())),
            PeerKind::PrefixList(p) => rule.source_prefix_list_id(Value::Expr(p.clone())),
            PeerKind::Group(_) => return,
        };
        if let Some(g) = stack.get_mut(self.handle) {
            let list = g.security_group_ingress.get_or_insert_with(|| Value::Lit(Vec::new()));
            if let Value::Lit(list) = list {
                if !list.contains(&rule) {
                    list.push(rule);
                }
            }
        }
    }

    fn add_inline_egress(self, stack: &mut Stack, r: &Rule) {
        let mut rule = l1::Egress::new(r.port.protocol.name()).description(r.description.clone());
        if r.port.protocol != Protocol::All {
            rule = rule.from_port(r.port.from).to_port(r.port.to);
        }
        rule = match &r.peer.0 {
            PeerKind::Cidr(b) if b.contains(':') => rule.cidr_ipv6(b.clone()),
            PeerKind::Cidr(b) => rule.cidr_ip(b.clone()),
            PeerKind::VpcCidr(v) => rule.cidr_ip(Value::from(v.cidr_block())),
            PeerKind::PrefixList(p) => rule.destination_prefix_list_id(Value::Expr(p.clone())),
            PeerKind::Group(_) => return,
        };
        if let Some(g) = stack.get_mut(self.handle) {
            let list = g.security_group_egress.get_or_insert_with(|| Value::Lit(Vec::new()));
            if let Value::Lit(list) = list {
                // A real rule replaces the placeholder that matches no traffic.
                list.retain(|e| !is_no_traffic_rule(e));
                if !list.contains(&rule) {
                    list.push(rule);
                }
            }
        }
    }

    /// The construct id of a cross-group rule: `From<Peer><Port>`.
    fn rule_id(self, stack: &Stack, prefix: &str, other: SecurityGroupRef, port: Port) -> String {
        let peer = if other == self {
            "Self".to_string()
        } else {
            stack
                .path_of(other.handle.id())
                .map_or_else(|| "Group".into(), |p| logical_id::from_path(p.split('/').skip(1)))
        };
        format!("{prefix}{peer}{}", port.id_fragment())
    }

    fn add_group_ingress(self, stack: &mut Stack, node: NodeId, other: SecurityGroupRef, r: &Rule) {
        let Some(scope) = stack.parent_of(node) else { return };
        let id = self.rule_id(stack, "From", other, r.port);
        if stack.child(scope, &id).is_some() {
            return;
        }
        let mut rule = l1::SecurityGroupIngress::new(r.port.protocol.name())
            .group_id(Value::from(self.id()))
            .source_security_group_id(Value::from(other.id()))
            .description(r.description.clone());
        if r.port.protocol != Protocol::All {
            rule = rule.from_port(r.port.from).to_port(r.port.to);
        }
        stack.within(scope, |s| s.add(&id, rule));
    }

    fn add_group_egress(self, stack: &mut Stack, node: NodeId, other: SecurityGroupRef, r: &Rule) {
        let Some(scope) = stack.parent_of(node) else { return };
        let id = self.rule_id(stack, "To", other, r.port);
        if stack.child(scope, &id).is_some() {
            return;
        }
        let mut rule = l1::SecurityGroupEgress::new(Value::from(self.id()), r.port.protocol.name())
            .destination_security_group_id(Value::from(other.id()))
            .description(r.description.clone());
        if r.port.protocol != Protocol::All {
            rule = rule.from_port(r.port.from).to_port(r.port.to);
        }
        stack.within(scope, |s| s.add(&id, rule));
    }
}
