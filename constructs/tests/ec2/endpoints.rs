//! Gateway and interface endpoints.

use cfnkit_constructs::ec2::{
    GatewayEndpoint, GatewayService, InterfaceEndpoint, InterfaceService, SecurityGroup, Vpc,
};
use cfnkit_constructs::iam::{PolicyDocument, PolicyStatement, Principal};
use serde_json::json;

use super::{errors, has_error, template, vpc_only};

// --- Gateway endpoints --------------------------------------------------

#[test]
fn a_gateway_endpoint_uses_the_regional_service_name_on_the_private_route_tables() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        vpc.add_gateway_endpoint(s, "S3Endpoint", GatewayService::S3);
    });
    let e = &t["Resources"]["S3Endpoint"]["Properties"];
    assert_eq!(e["ServiceName"], json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"}));
    assert_eq!(e["VpcEndpointType"], "Gateway");
    assert_eq!(e["VpcId"], json!({"Ref": "Vpc"}));
    assert_eq!(
        e["RouteTableIds"],
        json!([{"Ref": "VpcPrivateSubnet1RouteTable"}, {"Ref": "VpcPrivateSubnet2RouteTable"}])
    );
    assert!(e.get("PolicyDocument").is_none());
}

#[test]
fn a_dynamodb_gateway_endpoint_names_dynamodb() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        vpc.add_gateway_endpoint(s, "DynamoDbEndpoint", GatewayService::DynamoDb);
    });
    assert_eq!(
        t["Resources"]["DynamoDbEndpoint"]["Properties"]["ServiceName"],
        json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb"})
    );
}

#[test]
fn a_gateway_endpoint_covers_public_route_tables_too() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
        vpc.add_gateway_endpoint(s, "S3Endpoint", GatewayService::S3);
    });
    assert_eq!(t["Resources"]["S3Endpoint"]["Properties"]["RouteTableIds"].as_array().unwrap().len(), 4);
}

#[test]
fn a_gateway_endpoint_policy_is_written() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let doc = PolicyDocument::new().with(
            PolicyStatement::allow().principal(Principal::account_root()).actions(["s3:GetObject"]).resource("*"),
        );
        GatewayEndpoint::new("S3Endpoint", vpc, GatewayService::S3).policy(doc).add_to(s);
    });
    let doc = &t["Resources"]["S3Endpoint"]["Properties"]["PolicyDocument"];
    assert_eq!(doc["Statement"][0]["Action"], "s3:GetObject");
}

#[test]
fn an_endpoint_policy_without_statements_is_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        GatewayEndpoint::new("S3Endpoint", vpc, GatewayService::S3).policy(PolicyDocument::new()).add_to(s);
    });
    assert!(has_error(&errs, "endpoint policy has no statement"));
}

// --- Interface endpoints ------------------------------------------------

#[test]
fn an_interface_endpoint_sits_in_the_private_subnets_with_private_dns() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        vpc.add_interface_endpoint(s, "SecretsManagerEndpoint", InterfaceService::SecretsManager);
    });
    let e = &t["Resources"]["SecretsManagerEndpoint"]["Properties"];
    assert_eq!(e["ServiceName"], json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.secretsmanager"}));
    assert_eq!(e["VpcEndpointType"], "Interface");
    assert_eq!(e["PrivateDnsEnabled"], true);
    assert_eq!(e["SubnetIds"], json!([{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]));
    assert_eq!(e["SecurityGroupIds"], json!([{"Fn::GetAtt": ["SecretsManagerEndpointSecurityGroup", "GroupId"]}]));
}

#[test]
fn an_interface_endpoint_admits_https_from_the_vpc_cidr_only() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        vpc.add_interface_endpoint(s, "SecretsManagerEndpoint", InterfaceService::SecretsManager);
    });
    let g = &t["Resources"]["SecretsManagerEndpointSecurityGroup"]["Properties"];
    assert_eq!(g["VpcId"], json!({"Ref": "Vpc"}));
    assert_eq!(
        g["SecurityGroupIngress"],
        json!([{
            "CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]},
            "Description": "HTTPS from the VPC CIDR block",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443
        }])
    );
    assert_eq!(g["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");
}

#[test]
fn an_interface_endpoint_can_turn_private_dns_off_and_use_a_given_group() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let sg = SecurityGroup::new("EndpointSg", vpc, "Shared endpoint group").add_to(s);
        InterfaceEndpoint::new("KmsEndpoint", vpc, InterfaceService::Kms)
            .without_private_dns()
            .security_group(sg)
            .add_to(s);
    });
    let e = &t["Resources"]["KmsEndpoint"]["Properties"];
    assert_eq!(e["PrivateDnsEnabled"], false);
    assert_eq!(e["SecurityGroupIds"], json!([{"Fn::GetAtt": ["EndpointSg", "GroupId"]}]));
    assert!(t["Resources"].get("KmsEndpointSecurityGroup").is_none());
}

#[test]
fn an_interface_endpoint_for_another_service_takes_its_short_name() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        vpc.add_interface_endpoint(s, "XrayEndpoint", InterfaceService::Other("xray".into()));
    });
    assert_eq!(
        t["Resources"]["XrayEndpoint"]["Properties"]["ServiceName"],
        json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.xray"})
    );
}

#[test]
fn an_invalid_interface_service_name_is_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        vpc.add_interface_endpoint(s, "BadEndpoint", InterfaceService::Other("Secrets Manager".into()));
    });
    assert!(has_error(&errs, "invalid service name"));
}
