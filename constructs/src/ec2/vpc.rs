//! [`Vpc`]: private subnets in distinct availability zones, flow logs as
//! the security profile says, and internet access only when asked for.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{NodeId, ResourceId, Stack};
use cfnkit_l1::ec2 as l1;
use cfnkit_l1::prelude::*;

use super::cidr::{bits_for, Ipv4Net};
use super::endpoints::{
    GatewayEndpoint, GatewayEndpointRef, GatewayService, InterfaceEndpoint, InterfaceEndpointRef, InterfaceService,
};
use super::flow_logs::{self, FlowLogs};
use crate::kms::KeyRef;
use crate::logs::Retention;
use crate::s3::BucketRef;

/// The most availability zones a VPC spreads over (no region has more usable ones).
pub const MAX_AZS: u32 = 6;

/// A VPC.
///
/// Defaults: CIDR `10.0.0.0/16`; two availability zones, each a distinct
/// `Fn::Select [i, Fn::GetAZs ""]`; one isolated private subnet per zone
/// with its own route table; no internet gateway and no NAT gateway; DNS
/// support and DNS hostnames on (interface endpoints with private DNS need
/// both). Flow logs follow the stack's security profile: under the
/// hardened profile, all traffic into a CloudWatch Logs group kept one year
/// and encrypted with the stack's log key; under the default profile none,
/// with checkov's CKV2_AWS_11 acknowledged ([`Vpc::flow_logs`] asks for
/// them under both).
///
/// Subnet ranges are computed at synthesis: the VPC is cut into
/// `2 x max_azs` equal blocks (rounded up to a power of two), the first half
/// for private subnets and the second for public ones, so turning public
/// subnets on later never renumbers (and replaces) a private subnet.
/// [`isolated_subnets`](Vpc::isolated_subnets) adds a third group (blocks
/// `2 x max_azs` to `3 x max_azs` of a `3 x max_azs` cut): choose it when
/// creating the VPC, since turning it on later renumbers every subnet.
///
/// ```
/// use cfnkit::constructs::ec2::{GatewayService, InterfaceService, Vpc};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").cidr("10.20.0.0/16").add_to(stack);
/// vpc.add_gateway_endpoint(stack, "S3Endpoint", GatewayService::S3);
/// vpc.add_interface_endpoint(stack, "SecretsManagerEndpoint", InterfaceService::SecretsManager);
/// assert_eq!(vpc.private_subnet_ids().len(), 2);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Vpc {
    id: String,
    cidr: String,
    max_azs: u32,
    public_subnets: bool,
    isolated_subnets: bool,
    nat_gateways: u32,
    flow_logs: FlowLogs,
}

impl Vpc {
    /// A VPC with the secure defaults.
    pub fn new(id: &str) -> Self {
        Vpc {
            id: id.to_string(),
            cidr: "10.0.0.0/16".into(),
            max_azs: 2,
            public_subnets: false,
            isolated_subnets: false,
            nat_gateways: 0,
            flow_logs: FlowLogs::default(),
        }
    }
    /// Sets the IPv4 CIDR block (`/16` to `/28`, a network address).
    pub fn cidr(mut self, block: &str) -> Self {
        self.cidr = block.to_string();
        self
    }
    /// Sets how many availability zones the subnets spread over (1 to 6; 2
    /// by default). The region must have that many.
    pub fn max_azs(mut self, n: u32) -> Self {
        self.max_azs = n;
        self
    }
    /// Adds one public subnet per zone, an internet gateway and a default
    /// route to it. Public subnets do not give instances public IPs unless
    /// they ask for one.
    pub fn public_subnets(mut self) -> Self {
        self.public_subnets = true;
        self
    }
    /// Adds one isolated subnet per zone: its own route table with no route
    /// out, not even through a NAT gateway (for databases; an RDS database
    /// is placed there when the VPC has them). Cuts the VPC into
    /// `3 x max_azs` blocks instead of 2: choose it when creating the VPC.
    pub fn isolated_subnets(mut self) -> Self {
        self.isolated_subnets = true;
        self
    }
    /// Adds `n` NAT gateways (one per zone at most) in the public subnets,
    /// and routes each private subnet's internet traffic through one of
    /// them. Turns public subnets on.
    pub fn nat_gateways(mut self, n: u32) -> Self {
        self.nat_gateways = n;
        if n > 0 {
            self.public_subnets = true;
        }
        self
    }
    /// Records flow logs into a CloudWatch Logs group under every security
    /// profile (without this call, only the hardened profile adds them; the
    /// default profile acknowledges checkov's CKV2_AWS_11 instead).
    pub fn flow_logs(mut self) -> Self {
        if self.flow_logs.destination == flow_logs::Destination::Profile {
            self.flow_logs.destination = flow_logs::Destination::CloudWatchLogs;
        }
        self
    }
    /// Keeps flow logs for `retention` (one year by default).
    pub fn flow_logs_retention(mut self, retention: Retention) -> Self {
        self.flow_logs.retention = retention;
        self
    }
    /// Records flow logs into a CloudWatch Logs group encrypted with an
    /// existing key (instead of following the profile); the statement
    /// CloudWatch Logs needs is added to the key's policy when the key is in
    /// the same stack.
    pub fn flow_logs_key(mut self, key: KeyRef) -> Self {
        self = self.flow_logs();
        self.flow_logs.key = Some(key);
        self
    }
    /// Sends flow logs to an S3 bucket instead of CloudWatch Logs; the
    /// statements the log delivery service needs are added to its policy.
    pub fn flow_logs_to_bucket(mut self, bucket: BucketRef) -> Self {
        self.flow_logs.destination = flow_logs::Destination::Bucket(bucket);
        self
    }
    /// Turns flow logs off, saying why (recorded as a checkov skip of
    /// CKV2_AWS_11 in the VPC's metadata).
    pub fn without_flow_logs(mut self, reason: &str) -> Self {
        self.flow_logs.destination = flow_logs::Destination::Off(reason.to_string());
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) -> (Ipv4Net, u8) {
        let net = match Ipv4Net::parse(&self.cidr) {
            Ok(n) => {
                if !(16..=28).contains(&n.prefix()) {
                    out.push(
                        Diagnostic::error_of(DiagKind::OutOfRange, path, "VPC CIDR block size")
                            .property("CidrBlock")
                            .value(self.cidr.clone())
                            .allowed("a prefix length from /16 to /28"),
                    );
                }
                n
            }
            Err(e) => {
                out.push(
                    Diagnostic::error_of(DiagKind::Invalid, path, format!("invalid CIDR block: {e}"))
                        .property("CidrBlock")
                        .value(format!("{:?}", self.cidr))
                        .allowed("an IPv4 network a.b.c.d/n, /16 to /28"),
                );
                Ipv4Net::DEFAULT_VPC
            }
        };
        if !(1..=MAX_AZS).contains(&self.max_azs) {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "availability zone count")
                    .property("max_azs")
                    .value(self.max_azs.to_string())
                    .allowed(format!("1 to {MAX_AZS}")),
            );
        }
        if self.nat_gateways > self.max_azs {
            out.push(
                Diagnostic::error_of(DiagKind::Conflict, path, "more NAT gateways than availability zones")
                    .property("nat_gateways")
                    .value(self.nat_gateways.to_string())
                    .allowed(format!("0 to {} (one per zone at most)", self.max_azs)),
            );
        }
        let groups = if self.isolated_subnets { 3 } else { 2 };
        let subnet_prefix = net.prefix() + bits_for(groups * self.max_azs.clamp(1, MAX_AZS));
        if subnet_prefix > 28 {
            out.push(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "VPC too small for its subnets")
                    .property("CidrBlock")
                    .value(format!(
                        "{} split into {} subnets of /{subnet_prefix}",
                        self.cidr,
                        self.max_azs.saturating_mul(groups)
                    ))
                    .allowed("subnets of /28 or larger: a larger VPC or fewer availability zones"),
            );
        }
        (net, subnet_prefix.min(28))
    }

    /// Adds the VPC, its subnets, route tables, gateways and flow logs.
    pub fn add_to(self, stack: &mut Stack) -> VpcRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        let (net, subnet_prefix) = self.check(&path, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let azs = self.max_azs.clamp(1, MAX_AZS);
        let vpc = stack.within(scope, |s| {
            s.add(
                "Resource",
                l1::VPC::new().cidr_block(self.cidr.clone()).enable_dns_hostnames(true).enable_dns_support(true),
            )
        });
        let block = |i: u32| net.subnet(subnet_prefix, i).map(|n| n.to_string()).unwrap_or_default();

        let mut me = VpcRef {
            handle: vpc,
            azs: azs as u8,
            private: [None; MAX_AZS as usize],
            public: [None; MAX_AZS as usize],
            isolated: [None; MAX_AZS as usize],
        };

        let mut private_scopes = Vec::new();
        for i in 0..azs {
            let sub = add_subnet(stack, scope, &format!("PrivateSubnet{}", i + 1), vpc, i, block(i));
            me.private[i as usize] = Some(sub.handles);
            private_scopes.push((sub.scope, sub.handles.route_table));
        }

        // Isolated subnets, when asked for: a route table with no route out.
        if self.isolated_subnets {
            for i in 0..azs {
                let sub = add_subnet(stack, scope, &format!("IsolatedSubnet{}", i + 1), vpc, i, block(2 * azs + i));
                me.isolated[i as usize] = Some(sub.handles);
            }
        }

        // Internet gateway and public subnets, when asked for.
        let mut nat = Vec::new();
        if self.public_subnets {
            let igw = stack.within(scope, |s| s.add("InternetGateway", l1::InternetGateway::new()));
            let attach = stack.within(scope, |s| {
                s.add(
                    "GatewayAttachment",
                    l1::VPCGatewayAttachment::new(Value::from(vpc.reference()))
                        .internet_gateway_id(Value::from(igw.reference())),
                )
            });
            for i in 0..azs {
                let sub = add_subnet(stack, scope, &format!("PublicSubnet{}", i + 1), vpc, i, block(azs + i));
                let route = stack.within(sub.scope, |s| {
                    s.add(
                        "DefaultRoute",
                        l1::Route::new(Value::from(sub.handles.route_table.reference()))
                            .destination_cidr_block("0.0.0.0/0")
                            .gateway_id(Value::from(igw.reference())),
                    )
                });
                stack.add_dependency(route.id(), attach.id());
                if i < self.nat_gateways {
                    let eip = stack.within(sub.scope, |s| s.add("Eip", l1::EIP::new().domain("vpc")));
                    stack.add_dependency(eip.id(), attach.id());
                    let gw = stack.within(sub.scope, |s| {
                        s.add(
                            "NatGateway",
                            l1::NatGateway::new()
                                .allocation_id(Value::from(eip.attr_allocation_id()))
                                .subnet_id(Value::from(sub.handles.subnet.reference())),
                        )
                    });
                    // The gateway needs its subnet routed to the internet first.
                    stack.add_dependency(gw.id(), route.id());
                    stack.add_dependency(gw.id(), sub.association);
                    nat.push(gw);
                }
                me.public[i as usize] = Some(sub.handles);
            }
        }

        // Private subnets reach the internet through a NAT gateway, when there is one.
        for (i, (sub_scope, table)) in private_scopes.into_iter().enumerate() {
            if let Some(gw) = nat.get(i % nat.len().max(1)) {
                let route = l1::Route::new(Value::from(table.reference()))
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id(Value::from(gw.reference()));
                stack.within(sub_scope, |s| s.add("DefaultRoute", route));
            }
        }

        flow_logs::add(stack, scope, vpc, &self.flow_logs);
        me
    }
}

/// A subnet and its route table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SubnetHandles {
    subnet: Handle<l1::Subnet>,
    route_table: Handle<l1::RouteTable>,
}

struct AddedSubnet {
    scope: NodeId,
    handles: SubnetHandles,
    association: ResourceId,
}

fn add_subnet(
    stack: &mut Stack,
    vpc_scope: NodeId,
    id: &str,
    vpc: Handle<l1::VPC>,
    az: u32,
    cidr: String,
) -> AddedSubnet {
    let scope = stack.within(vpc_scope, |s| s.construct(id));
    stack.within(scope, |s| {
        let subnet = s.add(
            "Resource",
            l1::Subnet::new(Value::from(vpc.reference()))
                .availability_zone(Value::from(fns::select(az, fns::get_azs(""))))
                .cidr_block(cidr)
                .map_public_ip_on_launch(false),
        );
        let route_table = s.add("RouteTable", l1::RouteTable::new(Value::from(vpc.reference())));
        let association = s.add(
            "RouteTableAssociation",
            l1::SubnetRouteTableAssociation::new(Value::from(route_table.reference()), Value::from(subnet.reference())),
        );
        AddedSubnet { scope, handles: SubnetHandles { subnet, route_table }, association: association.id() }
    })
}

/// A VPC added to a stack: its id, CIDR, subnets and route tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VpcRef {
    handle: Handle<l1::VPC>,
    azs: u8,
    private: [Option<SubnetHandles>; MAX_AZS as usize],
    public: [Option<SubnetHandles>; MAX_AZS as usize],
    isolated: [Option<SubnetHandles>; MAX_AZS as usize],
}

impl VpcRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::VPC> {
        self.handle
    }
    /// The VPC id, `vpc-...` (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The primary IPv4 CIDR block (`Fn::GetAtt CidrBlock`).
    pub fn cidr_block(self) -> Expr<String> {
        self.handle.attr_cidr_block()
    }
    /// The availability zones, in subnet order: `Fn::Select [i, Fn::GetAZs ""]`.
    pub fn availability_zones(self) -> Vec<Expr<String>> {
        (0..u32::from(self.azs)).map(|i| fns::select(i, fns::get_azs(""))).collect()
    }
    /// The private subnet ids, one per availability zone.
    pub fn private_subnet_ids(self) -> Vec<Expr<String>> {
        self.private.iter().flatten().map(|s| s.subnet.reference()).collect()
    }
    /// The public subnet ids (empty unless public subnets were asked for).
    pub fn public_subnet_ids(self) -> Vec<Expr<String>> {
        self.public.iter().flatten().map(|s| s.subnet.reference()).collect()
    }
    /// The isolated subnet ids (empty unless isolated subnets were asked for).
    pub fn isolated_subnet_ids(self) -> Vec<Expr<String>> {
        self.isolated.iter().flatten().map(|s| s.subnet.reference()).collect()
    }
    /// The isolated subnets' route table ids.
    pub fn isolated_route_table_ids(self) -> Vec<Expr<String>> {
        self.isolated.iter().flatten().map(|s| s.route_table.reference()).collect()
    }
    /// The private subnets' route table ids.
    pub fn private_route_table_ids(self) -> Vec<Expr<String>> {
        self.private.iter().flatten().map(|s| s.route_table.reference()).collect()
    }
    /// The public subnets' route table ids.
    pub fn public_route_table_ids(self) -> Vec<Expr<String>> {
        self.public.iter().flatten().map(|s| s.route_table.reference()).collect()
    }
    /// Adds a gateway endpoint (S3, DynamoDB) on every route table of the
    /// VPC, with no endpoint policy; see [`GatewayEndpoint`] for the options.
    pub fn add_gateway_endpoint(self, stack: &mut Stack, id: &str, service: GatewayService) -> GatewayEndpointRef {
        GatewayEndpoint::new(id, self, service).add_to(stack)
    }
    /// Adds an interface endpoint in the private subnets with private DNS on
    /// and its own security group (HTTPS from the VPC's CIDR only); see
    /// [`InterfaceEndpoint`] for the options.
    pub fn add_interface_endpoint(
        self,
        stack: &mut Stack,
        id: &str,
        service: InterfaceService,
    ) -> InterfaceEndpointRef {
        InterfaceEndpoint::new(id, self, service).add_to(stack)
    }
}
