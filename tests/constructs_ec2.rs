//! cfn-lint and checkov on minimal stacks of the EC2 networking constructs:
//! the defaults alone must pass both.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::ec2::{
    Connectable, GatewayService, Instance, InterfaceService, Peer, Port, SecurityGroup, UserData, Vpc,
};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

fn synth(app: &App) -> String {
    app.synth().expect("synthesizes").stacks[0].json.clone()
}

/// The transaction pipeline's network: two isolated private subnets, S3 and
/// DynamoDB gateway endpoints, a Secrets Manager interface endpoint.
fn private_vpc_with_endpoints() -> String {
    let mut app = App::new();
    let stack = app.stack("vpc-endpoints").conventions(Conventions::tap("private network"));
    let vpc = Vpc::new("Vpc").add_to(stack);
    vpc.add_gateway_endpoint(stack, "S3Endpoint", GatewayService::S3);
    vpc.add_gateway_endpoint(stack, "DynamoDbEndpoint", GatewayService::DynamoDb);
    vpc.add_interface_endpoint(stack, "SecretsManagerEndpoint", InterfaceService::SecretsManager);
    synth(&app)
}

/// Public subnets, NAT gateways and flow logs to a bucket.
fn public_vpc_with_nat() -> String {
    let mut app = App::new();
    let stack = app.stack("vpc-public").conventions(Conventions::tap("public network"));
    let logs = Bucket::new("FlowLogsBucket").add_to(stack);
    Vpc::new("Vpc").max_azs(3).nat_gateways(2).flow_logs_to_bucket(logs).add_to(stack);
    synth(&app)
}

/// Flow logs encrypted with a shared key.
fn vpc_with_shared_key() -> String {
    let mut app = App::new();
    let stack = app.stack("vpc-shared-key").conventions(Conventions::tap("shared key"));
    let key = Key::new("Key").add_to(stack);
    Vpc::new("Vpc").flow_logs_key(key).add_to(stack);
    synth(&app)
}

/// Security groups referring to each other, with CIDR, VPC and prefix-list peers.
fn security_groups() -> String {
    let mut app = App::new();
    let stack = app.stack("security-groups").conventions(Conventions::tap("security groups"));
    let vpc = Vpc::new("Vpc").add_to(stack);
    let db = SecurityGroup::new("DatabaseSg", vpc, "Database tier")
        .allow_from(Peer::vpc_cidr(vpc), Port::tcp(5432), "PostgreSQL from the VPC")
        .add_to(stack);
    let app_sg = SecurityGroup::new("AppSg", vpc, "Application tier")
        .allow_from(Peer::cidr("10.0.0.0/24"), Port::tcp_range(8000, 8080), "Internal callers")
        .allow_to(Peer::security_group(db), Port::tcp(5432), "To the database")
        .allow_to(Peer::prefix_list("pl-63a5400a"), Port::tcp(443), "To S3 over HTTPS")
        .add_to(stack);
    db.add_ingress(stack, Peer::security_group(app_sg), Port::tcp(5432), "From the application tier");
    SecurityGroup::new("WebSg", vpc, "Public web tier")
        .allow_from_anywhere(Port::tcp(443), "Public HTTPS endpoint")
        .allow_from_anywhere(Port::tcp(80), "Public HTTP, redirected to HTTPS")
        .allow_all_outbound()
        .add_to(stack);
    synth(&app)
}

/// A private instance with every default, one with a customer managed
/// root-volume key and user data, a public one (its skip has a reason), and
/// a grant and a connection.
fn instances() -> String {
    let mut app = App::new();
    let stack = app.stack("instances").conventions(Conventions::tap("instances"));
    let vpc = Vpc::new("Vpc").nat_gateways(1).add_to(stack);
    let key = Key::new("VolumeKey").add_to(stack);
    let worker = Instance::new("Worker", vpc).add_to(stack);
    let web = Instance::new("Web", vpc)
        .availability_zone(1)
        .root_volume_key(key)
        .user_data(UserData::for_linux().command("dnf install -y nginx"))
        .add_to(stack);
    Instance::new("Bastion", vpc)
        .public_ip("a jump host reached over Session Manager and EC2 Instance Connect")
        .add_to(stack);
    let bucket = Bucket::new("Reports").add_to(stack);
    bucket.grant_read(stack, &worker);
    web.connections().allow_from(stack, &worker, Port::tcp(8080), "Worker to web");
    synth(&app)
}

#[test]
fn ec2_constructs_pass_cfn_lint_and_checkov() {
    validators::assert_all_clean(
        &[
            ("vpc-endpoints", &private_vpc_with_endpoints()),
            ("vpc-public", &public_vpc_with_nat()),
            ("vpc-shared-key", &vpc_with_shared_key()),
            ("security-groups", &security_groups()),
            ("instances", &instances()),
        ],
        &["us-east-1"],
    );
}
