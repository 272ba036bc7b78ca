//! [`LaunchTemplate`]: how instances start (image, type, role, disks,
//! metadata service, user data), [`MachineImage`] and [`UserData`].

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_l1::ec2 as l1;
use cfnkit_l1::iam as iam_l1;

use super::security_group::{SecurityGroup, SecurityGroupRef};
use super::vpc::VpcRef;
use super::{Connectable, Connections};
use crate::iam::{Grantable, Principal, Role, RoleRef};
use cfnkit_l1::ec2::LaunchTemplateAttrs;
use cfnkit_l1::iam::InstanceProfileAttrs;

/// The image instances boot from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MachineImage {
    /// The latest Amazon Linux 2023 AMI of the region, read at deployment
    /// from AWS's public SSM parameter (x86_64 or arm64).
    LatestAmazonLinux {
        /// True for arm64 (Graviton) instances.
        arm64: bool,
    },
    /// A fixed AMI id, `ami-…`.
    Id(String),
}

impl MachineImage {
    /// The latest Amazon Linux 2023 for x86_64, through the SSM parameter
    /// `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`.
    pub fn latest_amazon_linux() -> Self {
        MachineImage::LatestAmazonLinux { arm64: false }
    }
    /// The latest Amazon Linux 2023 for arm64 (Graviton).
    pub fn latest_amazon_linux_arm64() -> Self {
        MachineImage::LatestAmazonLinux { arm64: true }
    }
    /// A fixed AMI.
    pub fn id(ami: &str) -> Self {
        MachineImage::Id(ami.to_string())
    }
    /// The `ImageId` value: a `{{resolve:ssm:…}}` dynamic reference or the id.
    pub fn image_id(&self) -> String {
        match self {
            MachineImage::LatestAmazonLinux { arm64 } => format!(
                "{{{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{}}}}}",
                if *arm64 { "arm64" } else { "x86_64" }
            ),
            MachineImage::Id(id) => id.clone(),
        }
    }
}

/// A shell script run as root at first boot.
///
/// ```
/// use cfnkit::constructs::ec2::UserData;
/// let ud = UserData::for_linux().command("dnf install -y nginx").command("systemctl enable --now nginx");
/// assert_eq!(ud.script(), "#!/bin/bash\nset -euo pipefail\ndnf install -y nginx\nsystemctl enable --now nginx\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserData {
    lines: Vec<String>,
}

impl UserData {
    /// An empty bash script that stops at the first failing command.
    pub fn for_linux() -> Self {
        UserData { lines: vec!["#!/bin/bash".into(), "set -euo pipefail".into()] }
    }
    /// Appends a command. Never put secrets here: user data is readable by
    /// anyone who can describe the instance (read them from Secrets Manager).
    pub fn command(mut self, line: &str) -> Self {
        self.lines.push(line.to_string());
        self
    }
    /// The script.
    pub fn script(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

/// A launch template.
///
/// Defaults: the latest Amazon Linux 2023 (`t3.micro`); IMDSv2 required
/// with a hop limit of 1 (checkov CKV_AWS_79); detailed monitoring; a 20 GiB
/// gp3 root volume, encrypted (with the account's EBS key, which Auto
/// Scaling can always use) and deleted with the instance; no key pair and
/// no SSH: a role of its own (`<Id>Role`, trusting EC2) with
/// `AmazonSSMManagedInstanceCore` so Session Manager reaches the instance,
/// and an instance profile for it; a security group of its own with no
/// ingress and HTTPS out (Systems Manager and package repositories), until
/// connections say more.
///
/// ```
/// use cfnkit::constructs::ec2::{LaunchTemplate, MachineImage, UserData, Vpc};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
/// let web = LaunchTemplate::new("Web", vpc)
///     .instance_type("t3.small")
///     .machine_image(MachineImage::latest_amazon_linux())
///     .user_data(UserData::for_linux().command("dnf install -y nginx"))
///     .add_to(stack);
/// let _role = web.role();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct LaunchTemplate {
    id: String,
    vpc: VpcRef,
    instance_type: String,
    image: MachineImage,
    user_data: Option<UserData>,
    volume_gib: u32,
    hop_limit: u32,
}

impl LaunchTemplate {
    /// A launch template for instances in `vpc`, with the secure defaults.
    pub fn new(id: &str, vpc: VpcRef) -> Self {
        LaunchTemplate {
            id: id.to_string(),
            vpc,
            instance_type: "t3.micro".into(),
            image: MachineImage::latest_amazon_linux(),
            user_data: None,
            volume_gib: 20,
            hop_limit: 1,
        }
    }
    /// Sets the instance type (`t3.micro` by default).
    pub fn instance_type(mut self, t: &str) -> Self {
        self.instance_type = t.to_string();
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
    /// Lets containers on the instance reach IMDSv2 (hop limit 2 instead of 1).
    pub fn metadata_hop_limit(mut self, hops: u32) -> Self {
        self.hop_limit = hops;
        self
    }

    fn check(&self, path: &str, stack: &mut Stack) {
        let m = Machine {
            instance_type: &self.instance_type,
            image: &self.image,
            volume_gib: self.volume_gib,
            hop_limit: self.hop_limit,
        };
        m.check(path, "LaunchTemplateData.", stack);
    }

    /// Adds the launch template, its role, instance profile and security group.
    pub fn add_to(self, stack: &mut Stack) -> LaunchTemplateRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        self.check(&path, stack);
        let (role, profile, sg) = identity(stack, scope, &self.vpc, "Instances of one launch template", "Instances");
        let ebs = l1::LaunchTemplateEbs::new()
            .encrypted(true)
            .volume_type("gp3")
            .volume_size(i64::from(self.volume_gib))
            .delete_on_termination(true);
        let mut data = l1::LaunchTemplateData::new()
            .image_id(self.image.image_id())
            .instance_type(self.instance_type.clone())
            .iam_instance_profile(l1::IamInstanceProfile::new().arn(Value::from(profile.attr_arn())))
            .metadata_options(
                l1::MetadataOptions::new()
                    .http_tokens("required")
                    .http_endpoint("enabled")
                    .http_put_response_hop_limit(i64::from(self.hop_limit)),
            )
            .monitoring(l1::Monitoring::new().enabled(true))
            .block_device_mappings(vec![l1::LaunchTemplateBlockDeviceMapping::new().device_name("/dev/xvda").ebs(ebs)])
            .security_group_ids(vec![Value::from(sg.id())]);
        if let Some(ud) = &self.user_data {
            data = data.user_data(Value::from(fns::base64(ud.script())));
        }
        let handle = stack.within(scope, |s| s.add("Resource", l1::LaunchTemplate::new(data)));
        LaunchTemplateRef { handle, role, sg }
    }
}

/// The settings a launch template and an instance share, for their checks.
pub(super) struct Machine<'a> {
    pub(super) instance_type: &'a str,
    pub(super) image: &'a MachineImage,
    pub(super) volume_gib: u32,
    pub(super) hop_limit: u32,
}

impl Machine<'_> {
    /// Reports every bad setting; `prefix` leads the property paths
    /// (`LaunchTemplateData.` or empty).
    pub(super) fn check(&self, path: &str, prefix: &str, stack: &mut Stack) {
        if !(8..=16_384).contains(&self.volume_gib) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "root volume size out of range")
                    .property(format!("{prefix}BlockDeviceMappings.Ebs.VolumeSize"))
                    .value(self.volume_gib.to_string())
                    .allowed("8 to 16384 GiB"),
            );
        }
        if !(1..=64).contains(&self.hop_limit) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, path, "metadata hop limit out of range")
                    .property(format!("{prefix}MetadataOptions.HttpPutResponseHopLimit"))
                    .value(self.hop_limit.to_string())
                    .allowed("1 to 64"),
            );
        }
        if self.instance_type.split('.').count() != 2 || self.instance_type.split('.').any(str::is_empty) {
            stack.report(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid instance type")
                    .property(format!("{prefix}InstanceType"))
                    .value(format!("{:?}", self.instance_type))
                    .allowed("a type such as t3.micro or m7g.large"),
            );
        }
        if let MachineImage::Id(id) = self.image {
            if !id.starts_with("ami-") {
                stack.report(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid image id")
                        .property(format!("{prefix}ImageId"))
                        .value(format!("{id:?}"))
                        .allowed("ami-… or MachineImage::latest_amazon_linux()"),
                );
            }
        }
    }
}

/// The role (Session Manager access), instance profile and security group
/// (no ingress, HTTPS out) instances get, under `scope`.
pub(super) fn identity(
    stack: &mut Stack,
    scope: NodeId,
    vpc: &VpcRef,
    role_what: &str,
    group_what: &str,
) -> (RoleRef, Handle<iam_l1::InstanceProfile>, SecurityGroupRef) {
    let role = stack.within(scope, |s| {
        Role::new("Role", Principal::service("ec2.amazonaws.com"))
            .description(&format!("{role_what}: Session Manager access, plus what grants add"))
            .managed_policy("AmazonSSMManagedInstanceCore")
            .add_to(s)
    });
    let profile =
        stack.within(scope, |s| s.add("InstanceProfile", iam_l1::InstanceProfile::new(vec![Value::from(role.name())])));
    let sg = stack.within(scope, |s| {
        SecurityGroup::new("SecurityGroup", *vpc, &format!("{group_what}: no ingress until connections allow it"))
            .allow_to(
                super::Peer::cidr("0.0.0.0/0"),
                super::Port::tcp(443),
                "HTTPS out: Systems Manager, package repositories",
            )
            .add_to(s)
    });
    (role, profile, sg)
}

/// A launch template added to a stack: its role (for grants) and security group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchTemplateRef {
    handle: Handle<l1::LaunchTemplate>,
    role: RoleRef,
    sg: SecurityGroupRef,
}

impl LaunchTemplateRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::LaunchTemplate> {
        self.handle
    }
    /// The launch template id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The latest version number (`Fn::GetAtt LatestVersionNumber`).
    pub fn latest_version(self) -> Expr<String> {
        self.handle.attr_latest_version_number()
    }
    /// The instances' role.
    pub fn role(self) -> RoleRef {
        self.role
    }
    /// The instances' security group.
    pub fn security_group(self) -> SecurityGroupRef {
        self.sg
    }
}

impl Grantable for LaunchTemplateRef {
    fn grant_role(&self) -> RoleRef {
        self.role
    }
}

impl Connectable for LaunchTemplateRef {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.sg], None)
    }
}
