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
fn security_groups_open_nothing_beyond_the_vpc_cidr_and_the_gateway_prefix_lists() {
    let t = template();
    t.resource_count_is("AWS::EC2::SecurityGroup", 2);
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 0);
    t.resource_count_is("AWS::EC2::SecurityGroupEgress", 0);
    // The endpoint: HTTPS in from the VPC CIDR; no egress (the "disallow
    // all" placeholder rule matches no traffic).
    assert_resource(
        &t,
        "SecretsManagerEndpointSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            (
                "SecurityGroupIngress",
                Match::exact(json!([{
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS from the VPC CIDR block",
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
    // The processor: nothing in; HTTPS out to the VPC CIDR (the interface endpoint).
    assert_resource(
        &t,
        "ProcessorSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([
            ("SecurityGroupIngress", Match::absent()),
            (
                "SecurityGroupEgress",
                Match::array_with(vec![json!({
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS to the Secrets Manager interface endpoint",
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "ToPort": 443
                })
                .into()]),
            ),
        ])),
    );
    // No rule anywhere opens to the internet.
    for (id, r) in t.find_resources("AWS::EC2::SecurityGroup", json!({})) {
        let text = r.to_string();
        assert!(!text.contains("0.0.0.0/0") && !text.contains("::/0"), "{id} opens to the internet");
        assert!(!text.contains("\"IpProtocol\":\"-1\""), "{id} allows every protocol");
    }
}

#[test]
fn decision_processor_reaches_s3_and_dynamodb_gateway_endpoints_through_prefix_list_parameters() {
    let t = template();
    for (param, service) in [("S3PrefixListId", "s3"), ("DynamoDbPrefixListId", "dynamodb")] {
        t.has_parameter(
            param,
            json!({
                "Type": "String",
                "AllowedPattern": "^pl-[0-9a-f]{8,17}$",
                "Description": format!(
                    "Id of the AWS-managed prefix list com.amazonaws.<region>.{service} \
                     (aws ec2 describe-managed-prefix-lists)"
                )
            }),
        );
    }
    assert_resource(
        &t,
        "ProcessorSecurityGroup",
        "AWS::EC2::SecurityGroup",
        props(Match::obj([(
            "SecurityGroupEgress",
            Match::exact(json!([
                {
                    "CidrIp": vpc_cidr(),
                    "Description": "HTTPS to the Secrets Manager interface endpoint",
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                },
                {
                    "Description": "HTTPS to S3 through the gateway endpoint",
                    "DestinationPrefixListId": {"Ref": "S3PrefixListId"},
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                },
                {
                    "Description": "HTTPS to DynamoDB through the gateway endpoint",
                    "DestinationPrefixListId": {"Ref": "DynamoDbPrefixListId"},
                    "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443
                }
            ])),
        )])),
    );
}

#[test]
fn vpc_traffic_is_logged_to_an_encrypted_log_group() {
    let t = template();
    t.has_resource_properties(
        "AWS::EC2::FlowLog",
        json!({
            "ResourceId": {"Ref": "Vpc"},
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": {"Ref": "VpcFlowLogsLogGroup"}
        }),
    );
    assert_resource(
        &t,
        "VpcFlowLogsLogGroup",
        "AWS::Logs::LogGroup",
        props(json!({"KmsKeyId": get_att("VpcFlowLogsKey", "Arn"), "RetentionInDays": 365})),
    );
}

// ---------------------------------------------------------------------------
// Security group rules: every address range is the VPC's; the only other
// rules are the two gateway-endpoint prefix lists the doc comment explains.

#[test]
fn every_security_group_cidr_is_the_vpc_cidr_and_the_rest_are_the_two_endpoint_prefix_lists() {
    let t = template();
    let no_traffic = json!({
        "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all traffic",
        "FromPort": 252,
        "IpProtocol": "icmp",
        "ToPort": 86
    });
    let mut prefix_lists = Vec::new();
    for (id, r) in t.find_resources("AWS::EC2::SecurityGroup", json!({})) {
        for key in ["SecurityGroupIngress", "SecurityGroupEgress"] {
            for rule in r["Properties"][key].as_array().into_iter().flatten() {
                if rule == &no_traffic {
                    continue;
                }
                if let Some(pl) = rule.get("DestinationPrefixListId") {
                    assert_eq!(
                        (rule["IpProtocol"].as_str(), rule["FromPort"].as_i64()),
                        (Some("tcp"), Some(443)),
                        "{rule}"
                    );
                    prefix_lists.push((id.clone(), pl.clone()));
                } else {
                    assert_eq!(
                        rule.get("CidrIp"),
                        Some(&vpc_cidr()),
                        "{id}.{key}: {rule} is not scoped to the VPC CIDR"
                    );
                }
            }
        }
    }
    assert_eq!(
        prefix_lists,
        [
            ("ProcessorSecurityGroup".to_string(), json!({"Ref": "S3PrefixListId"})),
            ("ProcessorSecurityGroup".to_string(), json!({"Ref": "DynamoDbPrefixListId"})),
        ]
    );
}
