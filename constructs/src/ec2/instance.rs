//! [`Instance`]: one EC2 instance with the launch template's defaults
//! (IMDSv2, encrypted root volume, role with Session Manager, no SSH) in a
//! private subnet.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::ec2 as l1;

use super::launch_template::{identity, Machine};
use super::security_group::SecurityGroupRef;
use super::vpc::VpcRef;
use super::{Connectable, Connections, MachineImage, UserData};
use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{Grantable, RoleRef};
use crate::kms::KeyRef;
use cfnkit_l1::ec2::InstanceAttrs;

/// Where the instance sits.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Placement {
    /// A private subnet, no public IP.
    Private,
    /// A public subnet with a public IP, for the reason given.
    Public(String),
}

/// An EC2 instance.
///
/// Defaults (as [`LaunchTemplate`](super::LaunchTemplate)'s): the latest
/// Amazon Linux 2023 through AWS's public SSM parameter (`t3.micro`);
/// IMDSv2 required with a hop limit of 1 (checkov CKV_AWS_79); detailed
/// monitoring (CKV_AWS_126); EBS-optimized (CKV_AWS_135); a 20 GiB gp3 root
/// volume, encrypted with the account's EBS key or the key given to
/// [`root_volume_key`](Self::root_volume_key), deleted with the instance;
/// in the first private subnet of the VPC with no public IP; no key pair
/// and no SSH: a role of its own (`<Id>Role`, trusting EC2) with
/// `AmazonSSMManagedInstanceCore` so Session Manager reaches the instance,
/// and an instance profile for it; a security group of its own with no
/// ingress and HTTPS out, until connections say more.
///
/// Grants go to the instance's role. IAM is eventually consistent: user
/// data that needs a granted permission at first boot should retry.
///
/// ```
/// use cfnkit::constructs::ec2::{Instance, MachineImage, UserData, Vpc};
/// use cfnkit::constructs::s3::Bucket;
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let host = Instance::new("Worker", vpc)
///     .instance_type("t3.small")
///     .machine_image(MachineImage::latest_amazon_linux())
///     .user_data(UserData::for_linux().command("dnf install -y nginx"))
///     .add_to(stack);
/// let reports = Bucket::new("Reports").add_to(stack);
/// reports.grant_read(stack, &host);
/// let _cpu = host.metric_cpu_utilization();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct Instance {
    id: String,
    vpc: VpcRef,
    machine_type: String,
    image: MachineImage,
    user_data: Option<UserData>,
    volume_gib: u32,
    volume_key: Option<KeyRef>,
    hop_limit: u32,
    zone: u32,
    placement: Placement,
}

impl Instance {
    /// An instance in `vpc`, with the secure defaults.
    pub fn new(id: &str, vpc: VpcRef) -> Self {
        Instance {
            id: id.to_string(),
            vpc,
            machine_type: "t3.micro".into(),
            image: MachineImage::latest_amazon_linux(),
            user_data: None,
            volume_gib: 20,
            volume_key: None,
            hop_limit: 1,
            zone: 0,
            placement: Placement::Private,
        }
    }
    /// Sets the instance type (`t3.micro` by default; it must support EBS
    /// optimization, as every current generation does).
    pub fn instance_type(mut self, t: &str) -> Self {
        self.machine_type = t.to_string();
        self
    }
    /// Sets the image (the latest Amazon Linux 2023 by default).
    pub fn machine_image(mut self, image: MachineImage) -> Self {
        self.image = image;
        self
    }
    /// Runs `ud` at first boot.
    pub fn user_data(mut self, ud: UserData) -> Self {
        self.user_data = Some(ud);
        self
    }
    /// Sets the root volume size (8 to 16,384 GiB; 20 by default).
    pub fn root_volume_size(mut self, gib: u32) -> Self {
        self.volume_gib = gib;
        self
    }
    /// Encrypts the root volume with a customer managed key instead of the
    /// account's EBS key (the key's policy must delegate to IAM, as
    /// [`Key`](crate::kms::Key)'s does).
    pub fn root_volume_key(mut self, key: KeyRef) -> Self {
        self.volume_key = Some(key);
        self
    }
    /// Lets containers on the instance reach IMDSv2 (hop limit 2 instead of 1).
    pub fn metadata_hop_limit(mut self, hops: u32) -> Self {
        self.hop_limit = hops;
        self
    }
    /// Places the instance in the VPC's zone `index` (0, the first, by default).
    pub fn availability_zone(mut self, index: u32) -> Self {
        self.zone = index;
        self
    }
    /// Places the instance in a public subnet with a public IP, saying why
    /// (recorded as the checkov skip of CKV_AWS_88). The VPC needs public
    /// subnets; nothing is let in until connections allow it.
    pub fn public_ip(mut self, reason: &str) -> Self {
        self.placement = Placement::Public(reason.to_string());
        self
    }

    /// The subnet, or `None` after reporting why there is none.
    fn subnet(&self, path: &str, stack: &mut Stack) -> Option<Expr<String>> {
        let (subnets, kind) = match &self.placement {
            Placement::Private => (self.vpc.private_subnet_ids(), "private"),
            Placement::Public(reason) => {
                if reason.trim().is_empty() {
                    stack.report(
                        Diagnostic::error_of(DiagKind::Missing, path, "a public IP without a reason")
                            .property("NetworkInterfaces.AssociatePublicIpAddress")
                            .value(format!("{reason:?}"))
                            .allowed("public_ip(\"why the instance must be reachable from the internet\")"),
                    );
                }
                (self.vpc.public_subnet_ids(), "public")
            }
        };
        if subnets.is_empty() {
            stack.report(
                Diagnostic::error_of(DiagKind::Wiring, path, "a public IP in a VPC without public subnets")
                    .property("SubnetId")
                    .allowed("Vpc::public_subnets() (or nat_gateways(n)), or no public_ip"),
            );
            return None;
        }
        let n = subnets.len();
        let Some(s) = subnets.into_iter().nth(self.zone as usize) else {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "availability zone index out of range")
                    .property("SubnetId")
                    .value(self.zone.to_string())
                    .allowed(format!("0 to {} (the VPC's {n} {kind} subnets)", n - 1)),
            );
            return None;
        };
        Some(s)
    }

    /// Adds the instance, its role, instance profile and security group.
    pub fn add_to(self, stack: &mut Stack) -> InstanceRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let m = Machine {
            instance_type: &self.machine_type,
            image: &self.image,
            volume_gib: self.volume_gib,
            hop_limit: self.hop_limit,
        };
        m.check(&path, "", stack);
        let subnet = self.subnet(&path, stack);
        let (role, profile, sg) = identity(stack, scope, &self.vpc, "One instance", "Instance");
        let mut ebs = l1::Ebs::new()
            .encrypted(true)
            .volume_type("gp3")
            .volume_size(i64::from(self.volume_gib))
            .delete_on_termination(true);
        if let Some(k) = self.volume_key {
            ebs = ebs.kms_key_id(Value::from(k.arn()));
        }
        let mut instance = l1::Instance::new()
            .image_id(self.image.image_id())
            .instance_type(self.machine_type.clone())
            .iam_instance_profile(Value::from(profile.reference()))
            .metadata_options(
                l1::MetadataOptions::new()
                    .http_tokens("required")
                    .http_endpoint("enabled")
                    .http_put_response_hop_limit(i64::from(self.hop_limit)),
            )
            .monitoring(true)
            .ebs_optimized(true)
            .block_device_mappings(vec![l1::InstanceBlockDeviceMapping::new("/dev/xvda").ebs(ebs)]);
        let subnet = subnet.map_or_else(|| Value::Lit(String::new()), Value::from);
        instance = match &self.placement {
            Placement::Private => instance.subnet_id(subnet).security_group_ids(vec![Value::from(sg.id())]),
            Placement::Public(_) => instance.network_interfaces(vec![l1::InstanceNetworkInterface::new("0")
                .associate_public_ip_address(true)
                .subnet_id(subnet)
                .group_set(vec![Value::from(sg.id())])
                .delete_on_termination(true)]),
        };
        if let Some(ud) = &self.user_data {
            instance = instance.user_data(Value::from(fns::base64(ud.script())));
        }
        let handle = stack.within(scope, |s| s.add("Resource", instance));
        if let Placement::Public(reason) = &self.placement {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_88".into(), reason: reason.clone() });
        }
        InstanceRef { handle, role, sg }
    }
}

/// An instance added to a stack: its id, role (for grants), security group
/// and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceRef {
    handle: Handle<l1::Instance>,
    role: RoleRef,
    sg: SecurityGroupRef,
}

impl InstanceRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Instance> {
        self.handle
    }
    /// The instance id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The private IPv4 address.
    pub fn private_ip(self) -> Expr<String> {
        self.handle.attr_private_ip()
    }
    /// The private DNS name.
    pub fn private_dns_name(self) -> Expr<String> {
        self.handle.attr_private_dns_name()
    }
    /// The availability zone.
    pub fn availability_zone(self) -> Expr<String> {
        self.handle.attr_availability_zone()
    }
    /// The instance's role.
    pub fn role(self) -> RoleRef {
        self.role
    }
    /// The instance's security group.
    pub fn security_group(self) -> SecurityGroupRef {
        self.sg
    }

    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/EC2", name).dimension("InstanceId", self.id()).statistic(stat)
    }
    /// `CPUUtilization` (Average, percent).
    pub fn metric_cpu_utilization(self) -> Metric {
        self.metric("CPUUtilization", Statistic::Average)
    }
    /// `StatusCheckFailed` (Maximum: 1 when the instance or system check failed).
    pub fn metric_status_check_failed(self) -> Metric {
        self.metric("StatusCheckFailed", Statistic::Maximum)
    }
    /// `NetworkIn` (Sum, bytes).
    pub fn metric_network_in(self) -> Metric {
        self.metric("NetworkIn", Statistic::Sum)
    }
    /// `NetworkOut` (Sum, bytes).
    pub fn metric_network_out(self) -> Metric {
        self.metric("NetworkOut", Statistic::Sum)
    }
}

impl Grantable for InstanceRef {
    fn grant_role(&self) -> RoleRef {
        self.role
    }
}

impl Connectable for InstanceRef {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.sg], None)
    }
}
