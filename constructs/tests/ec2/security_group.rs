//! SecurityGroup: peers, ports, descriptions, egress, validation.

use cfnkit_constructs::ec2::{Peer, Port, SecurityGroup};
use cfnkit_core::tree::App;
use serde_json::json;

use super::{errors, has_error, template, vpc_only};

// --- Security groups ----------------------------------------------------

#[test]
fn a_security_group_sends_nothing_out_by_default() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Nothing in or out").add_to(s);
    });
    let g = &t["Resources"]["Sg"]["Properties"];
    assert_eq!(g["GroupDescription"], "Nothing in or out");
    assert_eq!(
        g["SecurityGroupEgress"],
        json!([{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}])
    );
    assert!(g.get("SecurityGroupIngress").is_none());
}

#[test]
fn allow_all_outbound_is_the_explicit_loosening() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Open egress").allow_all_outbound().add_to(s);
    });
    assert_eq!(
        t["Resources"]["Sg"]["Properties"]["SecurityGroupEgress"],
        json!([{"CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic", "IpProtocol": "-1"}])
    );
}

#[test]
fn an_egress_rule_replaces_the_no_traffic_rule() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "HTTPS out")
            .allow_to(Peer::cidr("10.1.0.0/16"), Port::tcp(443), "HTTPS to the peer network")
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["Sg"]["Properties"]["SecurityGroupEgress"],
        json!([{"CidrIp": "10.1.0.0/16", "Description": "HTTPS to the peer network", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}])
    );
}

#[test]
fn cidr_vpc_and_prefix_list_peers_are_inline_rules() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Peers")
            .allow_from(Peer::cidr("10.0.0.0/24"), Port::tcp_range(8000, 8080), "Internal callers")
            .allow_from(Peer::vpc_cidr(vpc), Port::udp(53), "DNS from the VPC")
            .allow_from(Peer::cidr("2001:db8::/32"), Port::all_icmp(), "Pings over IPv6")
            .allow_from(Peer::prefix_list("pl-12345678"), Port::all_tcp(), "Partner prefix list")
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["Sg"]["Properties"]["SecurityGroupIngress"],
        json!([
            {"CidrIp": "10.0.0.0/24", "Description": "Internal callers", "FromPort": 8000, "IpProtocol": "tcp", "ToPort": 8080},
            {"CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}, "Description": "DNS from the VPC", "FromPort": 53, "IpProtocol": "udp", "ToPort": 53},
            {"CidrIpv6": "2001:db8::/32", "Description": "Pings over IPv6", "FromPort": -1, "IpProtocol": "icmp", "ToPort": -1},
            {"Description": "Partner prefix list", "FromPort": 0, "IpProtocol": "tcp", "SourcePrefixListId": "pl-12345678", "ToPort": 65535}
        ])
    );
}

#[test]
fn all_traffic_rules_carry_no_ports() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "All from the VPC")
            .allow_from(Peer::vpc_cidr(vpc), Port::all_traffic(), "Everything from the VPC")
            .add_to(s);
    });
    let rule = &t["Resources"]["Sg"]["Properties"]["SecurityGroupIngress"][0];
    assert_eq!(rule["IpProtocol"], "-1");
    assert!(rule.get("FromPort").is_none() && rule.get("ToPort").is_none());
}

#[test]
fn security_group_peers_are_separate_rule_resources() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let db = SecurityGroup::new("DbSg", vpc, "Database").add_to(s);
        SecurityGroup::new("AppSg", vpc, "Application")
            .allow_to(Peer::security_group(db), Port::tcp(5432), "To the database")
            .add_to(s);
    });
    let e = &t["Resources"]["AppSgToDbSgTcp5432"];
    assert_eq!(e["Type"], "AWS::EC2::SecurityGroupEgress");
    assert_eq!(
        e["Properties"],
        json!({
            "Description": "To the database",
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["DbSg", "GroupId"]},
            "FromPort": 5432,
            "GroupId": {"Fn::GetAtt": ["AppSg", "GroupId"]},
            "IpProtocol": "tcp",
            "ToPort": 5432
        })
    );
    // The separate rule does not open egress: the no-traffic rule stays inline.
    assert_eq!(t["Resources"]["AppSg"]["Properties"]["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");
}

#[test]
fn groups_may_refer_to_each_other_without_a_cycle() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let a = SecurityGroup::new("A", vpc, "First").add_to(s);
        let b = SecurityGroup::new("B", vpc, "Second")
            .allow_from(Peer::security_group(a), Port::tcp(443), "From A")
            .add_to(s);
        a.add_ingress(s, Peer::security_group(b), Port::tcp(443), "From B");
        a.add_ingress(s, Peer::security_group(a), Port::all_traffic(), "Between members");
    });
    assert_eq!(t["Resources"]["BFromATcp443"]["Type"], "AWS::EC2::SecurityGroupIngress");
    assert_eq!(
        t["Resources"]["AFromBTcp443"]["Properties"]["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["B", "GroupId"]})
    );
    assert_eq!(
        t["Resources"]["AFromSelfAllTraffic"]["Properties"]["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["A", "GroupId"]})
    );
}

#[test]
fn ingress_from_anywhere_is_refused() {
    for block in ["0.0.0.0/0", "::/0"] {
        let errs = errors(|s| {
            let vpc = vpc_only(s);
            SecurityGroup::new("Sg", vpc, "Open").allow_from(Peer::cidr(block), Port::tcp(443), "Everyone").add_to(s);
        });
        assert!(has_error(&errs, "ingress from anywhere"), "{block}");
    }
}

#[test]
fn allow_from_anywhere_is_a_deliberate_rule_with_its_reason() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Public web")
            .allow_from_anywhere(Port::tcp(443), "Public HTTPS endpoint")
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["Sg"]["Properties"]["SecurityGroupIngress"],
        json!([{"CidrIp": "0.0.0.0/0", "Description": "Public HTTPS endpoint", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}])
    );
    assert!(t["Resources"]["Sg"].get("Metadata").is_none());
}

#[test]
fn allow_from_anywhere_on_port_80_records_the_checkov_skip() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Public web")
            .allow_from_anywhere(Port::tcp_range(80, 443), "Public web site, redirects HTTP to HTTPS")
            .add_to(s);
    });
    assert_eq!(
        t["Resources"]["Sg"]["Metadata"]["checkov"]["skip"],
        json!([{"id": "CKV_AWS_260", "comment": "open to the internet on purpose: Public web site, redirects HTTP to HTTPS"}])
    );
}

#[test]
fn an_invalid_cidr_peer_is_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Bad peer")
            .allow_from(Peer::cidr("10.0.0.5/16"), Port::tcp(443), "Host bits")
            .allow_to(Peer::cidr("10.0.0.0/40"), Port::tcp(443), "Bad prefix")
            .add_to(s);
    });
    assert_eq!(errs.iter().filter(|d| d.problem.contains("invalid CIDR block")).count(), 2);
}

#[test]
fn a_backwards_port_range_is_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "Backwards")
            .allow_from(Peer::vpc_cidr(vpc), Port::tcp_range(9000, 8000), "Oops")
            .add_to(s);
    });
    assert!(has_error(&errs, "port range runs backwards"));
}

#[test]
fn a_rule_without_a_description_is_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "No rule description")
            .allow_from(Peer::vpc_cidr(vpc), Port::tcp(443), "")
            .add_to(s);
    });
    assert!(has_error(&errs, "description length"));
    assert_eq!(errs[0].property.as_deref(), Some("SecurityGroupIngress.Description"));
}

#[test]
fn descriptions_with_characters_ec2_refuses_are_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "The app's group").add_to(s);
    });
    assert!(has_error(&errs, "is not allowed in a description"));
    assert_eq!(errs[0].property.as_deref(), Some("GroupDescription"));
}

#[test]
fn an_empty_group_description_and_an_sg_prefixed_name_are_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        SecurityGroup::new("Sg", vpc, "").name("sg-main").add_to(s);
    });
    assert!(has_error(&errs, "description length"));
    assert!(has_error(&errs, "invalid group name"));
}

#[test]
fn security_group_ref_id_is_the_group_id() {
    let mut app = App::new();
    let stack = app.stack("test");
    let vpc = vpc_only(stack);
    let sg = SecurityGroup::new("Sg", vpc, "Id").name("app-sg").add_to(stack);
    stack.output("SgId", sg.id());
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    assert_eq!(t["Outputs"]["SgId"]["Value"], json!({"Fn::GetAtt": ["Sg", "GroupId"]}));
    assert_eq!(t["Resources"]["Sg"]["Properties"]["GroupName"], "app-sg");
}

#[test]
fn a_rule_added_from_another_stack_is_reported() {
    let mut app = App::new();
    let sg = {
        let a = app.stack("a");
        let vpc = vpc_only(a);
        SecurityGroup::new("Sg", vpc, "In stack a").add_to(a)
    };
    let b = app.stack("b");
    sg.add_ingress(b, Peer::cidr("10.0.0.0/16"), Port::tcp(443), "From stack b");
    let errs = app.synth().expect_err("synthesis fails").diagnostics;
    assert!(has_error(&errs, "security group rule on a group of another stack"));
}
