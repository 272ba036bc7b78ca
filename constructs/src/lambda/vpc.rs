//! [`VpcPlacement`]: the subnets and security groups a function's network
//! interfaces go in, and the EC2 permissions Lambda needs to manage them.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::Value;
use cfnkit_core::tree::{Ack, ResourceId, Stack};
use cfnkit_l1::iam;
use cfnkit_l1::lambda as l1;

use crate::iam::{PolicyDocument, PolicyStatement, RoleRef};

/// The EC2 actions Lambda performs with the execution role to create, use
/// and delete the function's network interfaces (those of AWS's
/// `AWSLambdaVPCAccessExecutionRole`, without its logs statement).
pub const ENI_ACTIONS: [&str; 5] = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];

/// Where a function runs inside a VPC: its subnets (1 to 16, in different
/// availability zones for resilience) and security groups (1 to 5). Takes
/// ids as tokens, as the ec2 constructs give them, or literals.
///
/// ```
/// use cfnkit::constructs::lambda::VpcPlacement;
/// let placement = VpcPlacement::new(["subnet-0a1b2c3d", "subnet-4e5f6a7b"], ["sg-0123456789abcdef0"]);
/// # let _ = placement;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct VpcPlacement {
    subnets: Vec<Value<String>>,
    security_groups: Vec<Value<String>>,
}

impl VpcPlacement {
    /// Places the function's interfaces in `subnet_ids`, guarded by `security_group_ids`.
    pub fn new<S, G>(subnet_ids: S, security_group_ids: G) -> Self
    where
        S: IntoIterator,
        S::Item: Into<Value<String>>,
        G: IntoIterator,
        G::Item: Into<Value<String>>,
    {
        VpcPlacement {
            subnets: subnet_ids.into_iter().map(Into::into).collect(),
            security_groups: security_group_ids.into_iter().map(Into::into).collect(),
        }
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        for (prop, list, max) in
            [("VpcConfig.SubnetIds", &self.subnets, 16), ("VpcConfig.SecurityGroupIds", &self.security_groups, 5)]
        {
            if list.is_empty() || list.len() > max {
                out.push(
                    Diagnostic::error_of(DiagKind::ItemCount, path, "wrong number of ids")
                        .property(prop)
                        .value(list.len().to_string())
                        .allowed(format!("1 to {max}")),
                );
            }
            for (i, v) in list.iter().enumerate() {
                if list[..i].contains(v) {
                    out.push(
                        Diagnostic::error_of(DiagKind::DuplicateId, path, "id listed twice")
                            .property(prop)
                            .value(format!("{:?}", v.literal().map_or("an expression", String::as_str)))
                            .allowed("each id once"),
                    );
                }
            }
        }
    }

    pub(super) fn to_l1(&self) -> l1::VpcConfig {
        l1::VpcConfig::new().security_group_ids(self.security_groups.clone()).subnet_ids(self.subnets.clone())
    }
}

/// Adds the ENI permissions as their own policy beside the role
/// (`<Role>VpcAccessPolicy`), which `function` waits for: Lambda checks them
/// when it creates the function. A separate policy keeps the checkov skip
/// their `*` resource needs from covering any other statement.
pub(super) fn add_eni_policy(stack: &mut Stack, role: RoleRef, function: ResourceId) {
    let Some(scope) = stack.node_of(role.handle().id()).and_then(|n| stack.parent_of(n)) else { return };
    let path = stack.path_of_node(scope).unwrap_or_default();
    let name = logical_id::from_path(path.split('/').skip(1).chain(["VpcAccessPolicy"]));
    // EC2 offers no resource-level permission for these actions when Lambda
    // creates the interfaces (the interface does not exist yet, and
    // DescribeNetworkInterfaces supports none at all), so the resource is `*`.
    let doc = PolicyDocument::new().with(PolicyStatement::allow().actions(ENI_ACTIONS).resource("*")).to_token();
    let policy = stack.within(scope, |s| {
        s.add(
            "VpcAccessPolicy",
            iam::Policy::new(Value::Lit(doc), Value::Lit(name)).roles(vec![Value::from(role.name())]),
        )
    });
    stack.acknowledge(
        policy.id(),
        Ack::Checkov {
            id: "CKV_AWS_111".into(),
            reason: "the EC2 network-interface actions Lambda needs to place the function in its VPC; EC2 offers no \
                     resource-level permission for them when Lambda creates the interfaces, and this policy holds \
                     nothing else"
                .into(),
        },
    );
    stack.add_dependency(function, policy.id());
}
