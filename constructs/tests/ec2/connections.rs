//! Connections: rules on both sides, default ports, errors.

use cfnkit_constructs::ec2::{Connectable, Connections, Port, SecurityGroup};
use serde_json::json;

use super::{errors, has_error_of, of_type, template, vpc_only};
use cfnkit_core::diag::DiagKind;

#[test]
fn allow_to_writes_egress_on_the_source_and_ingress_on_the_target() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let web = SecurityGroup::new("WebSg", vpc, "Load balancer").add_to(s);
        let app = SecurityGroup::new("AppSg", vpc, "Instances").add_to(s);
        web.connections().allow_to(s, &app, Port::tcp(8080), "Load balancer to instances");
    });
    let egress = of_type(&t, "AWS::EC2::SecurityGroupEgress");
    let ingress = of_type(&t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!((egress.len(), ingress.len()), (1, 1));
    let e = &egress[0].1["Properties"];
    assert_eq!(e["GroupId"], json!({"Fn::GetAtt": ["WebSg", "GroupId"]}));
    assert_eq!(e["DestinationSecurityGroupId"], json!({"Fn::GetAtt": ["AppSg", "GroupId"]}));
    let i = &ingress[0].1["Properties"];
    assert_eq!(i["GroupId"], json!({"Fn::GetAtt": ["AppSg", "GroupId"]}));
    assert_eq!(i["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["WebSg", "GroupId"]}));
    assert_eq!((i["FromPort"].clone(), i["Description"].clone()), (json!(8080), json!("Load balancer to instances")));
    // No CIDR block anywhere in the rules between the groups.
    assert!(e.get("CidrIp").is_none() && i.get("CidrIp").is_none());
}

#[test]
fn allow_from_is_the_mirror_of_allow_to() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let web = SecurityGroup::new("WebSg", vpc, "Load balancer").add_to(s);
        let app = SecurityGroup::new("AppSg", vpc, "Instances").add_to(s);
        app.connections().allow_from(s, &web, Port::tcp(8080), "Load balancer to instances");
    });
    let i = &of_type(&t, "AWS::EC2::SecurityGroupIngress")[0].1["Properties"];
    assert_eq!(i["GroupId"], json!({"Fn::GetAtt": ["AppSg", "GroupId"]}));
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupEgress").len(), 1);
}

#[test]
fn allowing_the_same_connection_twice_writes_it_once() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let web = SecurityGroup::new("WebSg", vpc, "Load balancer").add_to(s);
        let app = SecurityGroup::new("AppSg", vpc, "Instances").add_to(s);
        web.connections().allow_to(s, &app, Port::tcp(8080), "Load balancer to instances");
        web.connections().allow_to(s, &app, Port::tcp(8080), "Load balancer to instances");
    });
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupIngress").len(), 1);
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupEgress").len(), 1);
}

#[test]
fn a_default_port_connection_without_a_port_is_an_error() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        let a = SecurityGroup::new("A", vpc, "A").add_to(s);
        let b = SecurityGroup::new("B", vpc, "B").add_to(s);
        a.connections().allow_default_port_from(s, &b, "no port known");
    });
    assert!(has_error_of(&errs, DiagKind::Missing, "connection without a port"));
}

#[test]
fn connections_carry_their_groups_and_port() {
    let c = Connections::new(Vec::new(), Some(Port::tcp(5432)));
    assert_eq!(c.default_port(), Some(Port::tcp(5432)));
    assert!(c.security_groups().is_empty());
}
