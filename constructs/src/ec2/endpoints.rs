//! VPC endpoints: [`GatewayEndpoint`] (S3, DynamoDB) on the VPC's route
//! tables, and [`InterfaceEndpoint`] (Secrets Manager, KMS, ...) in its
//! private subnets behind a security group of its own.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::ec2 as l1;

use super::security_group::{Peer, Port, SecurityGroup, SecurityGroupRef};
use super::vpc::VpcRef;
use crate::iam::PolicyDocument;

/// A service reached through a gateway endpoint (free; routes, not ENIs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayService {
    /// Amazon S3: `com.amazonaws.<region>.s3`.
    S3,
    /// Amazon DynamoDB: `com.amazonaws.<region>.dynamodb`.
    DynamoDb,
}

impl GatewayService {
    /// The service's short name in `com.amazonaws.<region>.<name>`.
    pub fn name(self) -> &'static str {
        match self {
            GatewayService::S3 => "s3",
            GatewayService::DynamoDb => "dynamodb",
        }
    }
}

/// A service reached through an interface endpoint (ENIs in the subnets).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InterfaceService {
    /// AWS Secrets Manager: `secretsmanager`.
    SecretsManager,
    /// AWS KMS: `kms`.
    Kms,
    /// CloudWatch Logs: `logs`.
    Logs,
    /// CloudWatch metrics and alarms: `monitoring`.
    Monitoring,
    /// Amazon SQS: `sqs`.
    Sqs,
    /// Amazon SNS: `sns`.
    Sns,
    /// AWS STS: `sts`.
    Sts,
    /// AWS Lambda: `lambda`.
    Lambda,
    /// Systems Manager: `ssm`.
    Ssm,
    /// Amazon EventBridge: `events`.
    Events,
    /// AWS Step Functions: `states`.
    StepFunctions,
    /// Amazon ECR's API: `ecr.api`.
    EcrApi,
    /// Amazon ECR's Docker registry: `ecr.dkr`.
    EcrDocker,
    /// API Gateway private APIs: `execute-api`.
    ExecuteApi,
    /// Any other service, by its short name (`xray`, `ssmmessages`),
    /// checked at synthesis: lowercase letters, digits, `.` and `-`.
    Other(String),
}

impl InterfaceService {
    /// The service's short name in `com.amazonaws.<region>.<name>`.
    pub fn name(&self) -> &str {
        match self {
            InterfaceService::SecretsManager => "secretsmanager",
            InterfaceService::Kms => "kms",
            InterfaceService::Logs => "logs",
            InterfaceService::Monitoring => "monitoring",
            InterfaceService::Sqs => "sqs",
            InterfaceService::Sns => "sns",
            InterfaceService::Sts => "sts",
            InterfaceService::Lambda => "lambda",
            InterfaceService::Ssm => "ssm",
            InterfaceService::Events => "events",
            InterfaceService::StepFunctions => "states",
            InterfaceService::EcrApi => "ecr.api",
            InterfaceService::EcrDocker => "ecr.dkr",
            InterfaceService::ExecuteApi => "execute-api",
            InterfaceService::Other(n) => n,
        }
    }
}

/// `com.amazonaws.${AWS::Region}.<name>`.
fn service_name(name: &str) -> Expr<String> {
    fns::sub(format!("com.amazonaws.${{AWS::Region}}.{name}")).expr()
}

fn check_policy(path: &str, policy: Option<&PolicyDocument>, out: &mut Vec<Diagnostic>) {
    if policy.is_some_and(|p| p.statements().is_empty()) {
        out.push(
            Diagnostic::error(path, "endpoint policy has no statement, so it would deny every request")
                .property("PolicyDocument")
                .allowed("at least one statement, or no policy (full access through the endpoint)"),
        );
    }
}

/// A gateway endpoint: a route to S3 or DynamoDB on every route table of
/// the VPC (private and public), so that traffic stays on the AWS network
/// and is subject to the endpoint policy.
///
/// ```
/// use cfnkit_constructs::ec2::{GatewayEndpoint, GatewayService, Vpc};
/// use cfnkit_constructs::iam::{PolicyDocument, PolicyStatement, Principal};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let only_reads = PolicyDocument::new().with(
///     PolicyStatement::allow()
///         .principal(Principal::account_root())
///         .actions(["dynamodb:GetItem", "dynamodb:Query"])
///         .resource("*"),
/// );
/// let ep = GatewayEndpoint::new("DynamoDbEndpoint", vpc, GatewayService::DynamoDb).policy(only_reads).add_to(stack);
/// let _id = ep.id();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct GatewayEndpoint {
    id: String,
    vpc: VpcRef,
    service: GatewayService,
    policy: Option<PolicyDocument>,
}

impl GatewayEndpoint {
    /// A gateway endpoint for `service` in `vpc`, with no endpoint policy
    /// (the service's own policies still apply).
    pub fn new(id: &str, vpc: VpcRef, service: GatewayService) -> Self {
        GatewayEndpoint { id: id.to_string(), vpc, service, policy: None }
    }
    /// Sets the endpoint policy: what may be reached through the endpoint.
    pub fn policy(mut self, doc: PolicyDocument) -> Self {
        self.policy = Some(doc);
        self
    }

    /// Adds the endpoint to the stack.
    pub fn add_to(self, stack: &mut Stack) -> GatewayEndpointRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        check_policy(&path, self.policy.as_ref(), &mut diags);
        for d in diags {
            stack.report(d);
        }
        let mut tables = self.vpc.private_route_table_ids();
        tables.extend(self.vpc.public_route_table_ids());
        let mut e = l1::VPCEndpoint::new(Value::from(self.vpc.id()))
            .service_name(Value::from(service_name(self.service.name())))
            .vpc_endpoint_type("Gateway")
            .route_table_ids(tables);
        if let Some(p) = &self.policy {
            e = e.policy_document(p.to_token());
        }
        let handle = stack.within(scope, |s| s.add("Resource", e));
        GatewayEndpointRef { handle }
    }
}

/// A gateway endpoint added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GatewayEndpointRef {
    handle: Handle<l1::VPCEndpoint>,
}

impl GatewayEndpointRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::VPCEndpoint> {
        self.handle
    }
    /// The endpoint id, `vpce-...` (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
}

/// An interface endpoint: one network interface per private subnet,
/// private DNS on (the service's usual hostname resolves to the endpoint),
/// and a security group of its own that admits HTTPS (TCP 443) from the
/// VPC's CIDR block only and sends nothing out.
///
/// ```
/// use cfnkit_constructs::ec2::{InterfaceEndpoint, InterfaceService, Vpc};
/// use cfnkit_core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let ep = InterfaceEndpoint::new("KmsEndpoint", vpc, InterfaceService::Kms).add_to(stack);
/// let _sg = ep.security_group().id();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct InterfaceEndpoint {
    id: String,
    vpc: VpcRef,
    service: InterfaceService,
    policy: Option<PolicyDocument>,
    private_dns: bool,
    security_group: Option<SecurityGroupRef>,
}

impl InterfaceEndpoint {
    /// An interface endpoint for `service` in the private subnets of `vpc`.
    pub fn new(id: &str, vpc: VpcRef, service: InterfaceService) -> Self {
        InterfaceEndpoint { id: id.to_string(), vpc, service, policy: None, private_dns: true, security_group: None }
    }
    /// Sets the endpoint policy: what may be reached through the endpoint.
    pub fn policy(mut self, doc: PolicyDocument) -> Self {
        self.policy = Some(doc);
        self
    }
    /// Turns private DNS off: clients must then use the endpoint's own hostnames.
    pub fn without_private_dns(mut self) -> Self {
        self.private_dns = false;
        self
    }
    /// Uses an existing security group instead of creating one.
    pub fn security_group(mut self, group: SecurityGroupRef) -> Self {
        self.security_group = Some(group);
        self
    }

    /// Adds the endpoint (and its security group) to the stack.
    pub fn add_to(self, stack: &mut Stack) -> InterfaceEndpointRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let name = self.service.name().to_string();
        let mut diags = Vec::new();
        check_policy(&path, self.policy.as_ref(), &mut diags);
        let valid_name = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            && name.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_name {
            diags.push(
                Diagnostic::error(&path, "invalid service name")
                    .property("ServiceName")
                    .value(format!("{name:?}"))
                    .allowed("the short name in com.amazonaws.<region>.<name>: lowercase letters, digits, '.' and '-'"),
            );
        }
        for d in diags {
            stack.report(d);
        }
        let vpc = self.vpc;
        let group = match self.security_group {
            Some(g) => g,
            None => stack.within(scope, |s| {
                SecurityGroup::new(
                    "SecurityGroup",
                    vpc,
                    &format!("Interface endpoint for {name}: HTTPS from the VPC only"),
                )
                .allow_from(Peer::vpc_cidr(vpc), Port::tcp(443), "HTTPS from the VPC CIDR block")
                .add_to(s)
            }),
        };
        let mut e = l1::VPCEndpoint::new(Value::from(vpc.id()))
            .service_name(Value::from(service_name(&name)))
            .vpc_endpoint_type("Interface")
            .private_dns_enabled(self.private_dns)
            .subnet_ids(vpc.private_subnet_ids())
            .security_group_ids(vec![group.id()]);
        if let Some(p) = &self.policy {
            e = e.policy_document(p.to_token());
        }
        let handle = stack.within(scope, |s| s.add("Resource", e));
        InterfaceEndpointRef { handle, security_group: group }
    }
}

/// An interface endpoint added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceEndpointRef {
    handle: Handle<l1::VPCEndpoint>,
    security_group: SecurityGroupRef,
}

impl InterfaceEndpointRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::VPCEndpoint> {
        self.handle
    }
    /// The endpoint id, `vpce-...` (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    /// The endpoint's security group (add rules to it to admit more peers).
    pub fn security_group(self) -> SecurityGroupRef {
        self.security_group
    }
}
