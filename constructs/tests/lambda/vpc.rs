//! VPC placement.

use cfnkit_constructs::lambda::VpcPlacement;
use cfnkit_core::token::Pseudo;
use serde_json::json;

use super::helpers::{checkov_skips, errors, has, node, res, template};

// VPC placement

#[test]
fn vpc_placement_writes_the_subnets_and_security_groups() {
    let t = template(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1", "subnet-2"], ["sg-1"])).add_to(s);
    });
    assert_eq!(
        res(&t, "F")["Properties"]["VpcConfig"],
        json!({"SecurityGroupIds": ["sg-1"], "SubnetIds": ["subnet-1", "subnet-2"]})
    );
}

#[test]
fn vpc_placement_takes_tokens() {
    let t = template(|s| {
        let subnet = s.suffix().format("subnet-{}");
        node("F").vpc(VpcPlacement::new([subnet], [Pseudo::StackName.expr()])).add_to(s);
    });
    assert_eq!(res(&t, "F")["Properties"]["VpcConfig"]["SecurityGroupIds"], json!([{"Ref": "AWS::StackName"}]));
}

#[test]
fn vpc_placement_grants_the_network_interface_actions_in_their_own_policy() {
    let t = template(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1"], ["sg-1"])).add_to(s);
    });
    let p = res(&t, "FServiceRoleVpcAccessPolicy");
    assert_eq!(p["Type"], "AWS::IAM::Policy");
    assert_eq!(p["Properties"]["Roles"], json!([{"Ref": "FServiceRole"}]));
    assert_eq!(
        p["Properties"]["PolicyDocument"]["Statement"],
        json!([{
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            "Resource": "*"
        }])
    );
    assert!(res(&t, "F")["DependsOn"].as_array().is_some_and(|d| d.contains(&json!("FServiceRoleVpcAccessPolicy"))));
    let skips = checkov_skips(&t, "FServiceRoleVpcAccessPolicy");
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].0, "CKV_AWS_111");
}

#[test]
fn vpc_placement_without_subnets_or_security_groups_is_an_error() {
    let e = errors(|s| {
        node("F").vpc(VpcPlacement::new(Vec::<&str>::new(), Vec::<&str>::new())).add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "wrong number"));
    assert!(has(&e, "VpcConfig.SecurityGroupIds", "wrong number"));
}

#[test]
fn vpc_placement_over_16_subnets_or_5_security_groups_is_an_error() {
    let e = errors(|s| {
        let subnets: Vec<String> = (0..17).map(|i| format!("subnet-{i}")).collect();
        let groups: Vec<String> = (0..6).map(|i| format!("sg-{i}")).collect();
        node("F")
            .vpc(VpcPlacement::new(subnets.iter().map(String::as_str), groups.iter().map(String::as_str)))
            .add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "wrong number"));
    assert!(has(&e, "VpcConfig.SecurityGroupIds", "wrong number"));
}

#[test]
fn vpc_placement_listing_a_subnet_twice_is_an_error() {
    let e = errors(|s| {
        node("F").vpc(VpcPlacement::new(["subnet-1", "subnet-1"], ["sg-1"])).add_to(s);
    });
    assert!(has(&e, "VpcConfig.SubnetIds", "listed twice"));
}
