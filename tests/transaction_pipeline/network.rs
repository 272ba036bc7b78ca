//! The VPC, its endpoints and flow logs, and the security group rules.

use cfnkit::assertions::Match;
use serde_json::{json, Value};

use super::helpers::{assert_resource, get_att, props, template};

fn vpc_cidr() -> Value {
    get_att("Vpc", "CidrBlock")
}

// ---------------------------------------------------------------------------
// VPC

#[test]
fn vpc_has_two_private_subnets_in_two_different_availability_zones() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPC", 1);
    t.resource_count_is("AWS::EC2::Subnet", 2);
    for (n, id) in ["VpcPrivateSubnet1", "VpcPrivateSubnet2"].iter().enumerate() {
        assert_resource(
            &t,
            id,
            "AWS::EC2::Subnet",
            props(json!({
                "AvailabilityZone": {"Fn::Select": [n, {"Fn::GetAZs": ""}]},
                "MapPublicIpOnLaunch": false,
                "VpcId": {"Ref": "Vpc"}
            })),
        );
    }
    t.all_resources_properties("AWS::EC2::Subnet", json!({"MapPublicIpOnLaunch": false}));
}

#[test]
fn vpc_has_no_internet_gateway_no_nat_gateway_and_no_route_out() {
    let t = template();
    t.resource_count_is("AWS::EC2::InternetGateway", 0);
    t.resource_count_is("AWS::EC2::VPCGatewayAttachment", 0);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::EC2::EIP", 0);
    t.resource_count_is("AWS::EC2::EgressOnlyInternetGateway", 0);
    t.resource_count_is("AWS::EC2::Route", 0);
}

#[test]
fn gateway_endpoints_serve_s3_and_dynamodb_on_both_private_route_tables() {
    let t = template();
    t.resource_count_is("AWS::EC2::VPCEndpoint", 3);
    for (id, service) in [("S3Endpoint", "s3"), ("DynamoDbEndpoint", "dynamodb")] {
        assert_resource(
            &t,
            id,
            "AWS::EC2::VPCEndpoint",
            props(json!({
                "VpcEndpointType": "Gateway",
                "ServiceName": {"Fn::Sub": format!("com.amazonaws.${{AWS::Region}}.{service}")},
                "RouteTableIds": [{"Ref": "VpcPrivateSubnet1RouteTable"}, {"Ref": "VpcPrivateSubnet2RouteTable"}],
                "VpcId": {"Ref": "Vpc"}
            })),
        );
    }
}

#[test]
fn secrets_manager_interface_endpoint_has_private_dns_in_both_subnets() {
    let t = template();
    assert_resource(
        &t,
        "SecretsManagerEndpoint",
        "AWS::EC2::VPCEndpoint",
        props(json!({
            "VpcEndpointType": "Interface",
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.secretsmanager"},
            "PrivateDnsEnabled": true,
            "SubnetIds": [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}],
            "SecurityGroupIds": [{"Fn::GetAtt": ["SecretsManagerEndpointSecurityGroup", "GroupId"]}]
        })),
    );
}

#[test]
fn security_groups_open_https_only_and_name_themselves_with_the_suffix() {
    let t = template();
    t.resource_count_is("AWS::EC2::SecurityGroup", 2);
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 0);
    t.resource_count_is("AWS::EC2::SecurityGroupEgress", 0);
    // The endpoint: HTTPS in from the VPC CIDR only; no egress (the rule
    // matching no traffic keeps EC2's default allow-all egress away).
    assert_resource(
        &t,
        "SecretsManagerEndpointSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            ("GroupName", Match::exact(json!({"Fn::Sub": "transaction-secrets-endpoint-sg-${EnvironmentSuffix}"}))),
            (
                "SecurityGroupIngress",
                Match::exact(json!([{
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS from the VPC CIDR",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443
                }])),
            ),
            (
                "SecurityGroupEgress",
                Match::exact(json!([{
                    "CidrIp": "255.255.255.255/32",
                    "Description": "Disallow all traffic",
                    "FromPort": 252,
                    "IpProtocol": "icmp",
                    "ToPort": 86
                }])),
            ),
        ])),
    );
    t.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        json!({"SecurityGroupIds": [{"Fn::GetAtt": ["SecretsManagerEndpointSecurityGroup", "GroupId"]}]}),
    );
    // The processor: nothing in; HTTPS (TCP 443 only) out, nothing else.
    assert_resource(
        &t,
        "ProcessorSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            ("GroupName", Match::exact(json!({"Fn::Sub": "transaction-processor-sg-${EnvironmentSuffix}"}))),
            ("SecurityGroupIngress", Match::absent()),
            (
                "SecurityGroupEgress",
                Match::exact(json!([{
                    "CidrIp": "0.0.0.0/0",
                    "Description": "HTTPS; routes exist only to the VPC (Secrets Manager endpoint) and the S3 and DynamoDB gateway endpoints",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443
                }])),
            ),
        ])),
    );
    for (id, r) in t.find_resources("AWS::EC2::SecurityGroup", json!({})) {
        let text = r.to_string();
        assert!(!text.contains("::/0"), "{id} opens to IPv6");
        assert!(!text.contains("\"IpProtocol\":\"-1\""), "{id} allows every protocol");
    }
}

/// Decision: HTTPS out to `0.0.0.0/0` is no wider in effect than the VPC
/// CIDR plus the two gateway prefix lists, because nothing else is routed;
/// and no parameter or manual lookup is needed.
#[test]
fn decision_egress_needs_no_lookup_because_the_routes_reach_only_the_vpc_and_the_gateway_endpoints() {
    let t = template();
    let params = t.to_json()["Parameters"].as_object().unwrap().clone();
    assert_eq!(params.keys().collect::<Vec<_>>(), ["EnvironmentSuffix"], "deployable with EnvironmentSuffix alone");
    // Nothing routes beyond the VPC: no gateway, NAT, peering, transit
    // gateway or VPN, and no route resource at all; the gateway endpoints
    // add their prefix-list routes to both route tables themselves.
    for ty in [
        "AWS::EC2::InternetGateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::VPNGateway",
        "AWS::EC2::Route",
    ] {
        t.resource_count_is(ty, 0);
    }
    for endpoint in ["S3Endpoint", "DynamoDbEndpoint"] {
        assert_resource(
            &t,
            endpoint,
            "AWS::EC2::VPCEndpoint",
            props(Match::obj([
                ("VpcEndpointType", Match::exact(json!("Gateway"))),
                (
                    "RouteTableIds",
                    Match::exact(
                        json!([{"Ref": "VpcPrivateSubnet1RouteTable"}, {"Ref": "VpcPrivateSubnet2RouteTable"}]),
                    ),
                ),
            ])),
        );
    }
    let doc = include_str!("../../src/reference/transaction_pipeline.rs");
    assert!(doc.contains("Egress without a lookup."), "the doc comment gives the reasoning");
}

#[test]
fn vpc_flow_logs_come_with_the_hardened_profile_and_the_vpc_says_so() {
    let t = template();
    t.resource_count_is("AWS::EC2::FlowLog", 0);
    assert_resource(
        &t,
        "Vpc",
        "AWS::EC2::VPC",
        Match::obj([(
            "Metadata",
            Match::obj([(
                "checkov",
                Match::obj([(
                    "skip",
                    Match::array_with(vec![Match::obj([
                        ("id", Match::exact(json!("CKV2_AWS_11"))),
                        (
                            "comment",
                            Match::string_like_regexp(
                                r"^default security profile: VPC flow logs .*Conventions::hardened\(\)",
                            ),
                        ),
                    ])]),
                )]),
            )]),
        )]),
    );
}
