//! Instance: IMDSv2, encrypted root volume (account or given key), private
//! subnet without public IP, role and profile, SSM access, public IP only
//! with a reason, grants, connections, metrics, errors.

use cfnkit_constructs::ec2::{Connectable, Instance, MachineImage, Port, UserData, Vpc};
use cfnkit_constructs::iam::Grantable;
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::s3::Bucket;
use serde_json::json;

use super::{errors, has_error_of, of_type, template, vpc_only};
use cfnkit_core::diag::DiagKind;

#[test]
fn an_instance_requires_imdsv2_encrypts_its_root_volume_and_has_no_public_ip() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        Instance::new("Host", vpc).add_to(s);
    });
    let p = &t["Resources"]["Host"]["Properties"];
    assert_eq!(
        p["MetadataOptions"],
        json!({"HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1, "HttpTokens": "required"})
    );
    assert_eq!(
        p["BlockDeviceMappings"],
        json!([{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": true, "Encrypted": true, "VolumeSize": 20, "VolumeType": "gp3"}}])
    );
    assert_eq!(p["Monitoring"], true);
    assert_eq!(p["EbsOptimized"], true);
    assert_eq!(p["InstanceType"], "t3.micro");
    assert_eq!(p["ImageId"], "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}");
    assert_eq!(p["SubnetId"], json!({"Ref": "VpcPrivateSubnet1"}));
    assert_eq!(p["SecurityGroupIds"], json!([{"Fn::GetAtt": ["HostSecurityGroup", "GroupId"]}]));
    assert!(p.get("NetworkInterfaces").is_none());
    assert!(p.get("KeyName").is_none());
    assert!(t["Resources"]["Host"]["Metadata"].is_null(), "no skips by default: {}", t["Resources"]["Host"]);
}

#[test]
fn an_instance_gets_a_role_with_session_manager_and_an_instance_profile() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        Instance::new("Host", vpc).add_to(s);
    });
    let role = &t["Resources"]["HostRole"]["Properties"];
    assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"], json!({"Service": "ec2.amazonaws.com"}));
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}])
    );
    assert_eq!(t["Resources"]["HostInstanceProfile"]["Properties"]["Roles"], json!([{"Ref": "HostRole"}]));
    assert_eq!(t["Resources"]["Host"]["Properties"]["IamInstanceProfile"], json!({"Ref": "HostInstanceProfile"}));
    let sg = &t["Resources"]["HostSecurityGroup"]["Properties"];
    assert!(sg.get("SecurityGroupIngress").is_none());
    assert_eq!(
        sg["SecurityGroupEgress"],
        json!([{"CidrIp": "0.0.0.0/0", "Description": "HTTPS out: Systems Manager, package repositories", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}])
    );
}

#[test]
fn a_given_key_zone_image_and_user_data_are_used() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let key = Key::new("VolumeKey").add_to(s);
        Instance::new("Host", vpc)
            .availability_zone(1)
            .root_volume_key(key)
            .root_volume_size(50)
            .instance_type("m7g.large")
            .machine_image(MachineImage::latest_amazon_linux_arm64())
            .user_data(UserData::for_linux().command("dnf install -y nginx"))
            .add_to(s);
    });
    let p = &t["Resources"]["Host"]["Properties"];
    assert_eq!(p["BlockDeviceMappings"][0]["Ebs"]["KmsKeyId"], json!({"Fn::GetAtt": ["VolumeKey", "Arn"]}));
    assert_eq!(p["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"], 50);
    assert_eq!(p["SubnetId"], json!({"Ref": "VpcPrivateSubnet2"}));
    assert_eq!(p["InstanceType"], "m7g.large");
    assert_eq!(p["ImageId"], "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}}");
    assert_eq!(p["UserData"], json!({"Fn::Base64": "#!/bin/bash\nset -euo pipefail\ndnf install -y nginx\n"}));
}

#[test]
fn a_public_ip_is_asked_for_with_a_reason_and_recorded_as_a_skip() {
    let t = template(|s| {
        let vpc = Vpc::new("Vpc").public_subnets().add_to(s);
        Instance::new("Bastion", vpc).public_ip("jump host").add_to(s);
    });
    let r = &t["Resources"]["Bastion"];
    assert_eq!(
        r["Properties"]["NetworkInterfaces"],
        json!([{"AssociatePublicIpAddress": true, "DeleteOnTermination": true, "DeviceIndex": "0",
                "GroupSet": [{"Fn::GetAtt": ["BastionSecurityGroup", "GroupId"]}], "SubnetId": {"Ref": "VpcPublicSubnet1"}}])
    );
    assert!(r["Properties"].get("SubnetId").is_none());
    assert!(r["Properties"].get("SecurityGroupIds").is_none());
    assert_eq!(r["Metadata"]["checkov"]["skip"], json!([{"id": "CKV_AWS_88", "comment": "jump host"}]));
}

#[test]
fn grants_go_to_the_role_and_connections_to_the_group() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        let a = Instance::new("A", vpc).add_to(s);
        let b = Instance::new("B", vpc).add_to(s);
        assert_eq!(a.grant_role(), a.role());
        Bucket::new("Data").add_to(s).grant_read(s, &a);
        a.connections().allow_to(s, &b, Port::tcp(8080), "A to B");
    });
    let policy = &t["Resources"]["ARoleDefaultPolicy"]["Properties"];
    assert_eq!(policy["Roles"], json!([{"Ref": "ARole"}]));
    let ingress = of_type(&t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress.len(), 1);
    assert_eq!(ingress[0].1["Properties"]["GroupId"], json!({"Fn::GetAtt": ["BSecurityGroup", "GroupId"]}));
    assert_eq!(
        ingress[0].1["Properties"]["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["ASecurityGroup", "GroupId"]})
    );
    assert_eq!(ingress[0].1["Properties"]["FromPort"], 8080);
    assert_eq!(of_type(&t, "AWS::EC2::SecurityGroupEgress").len(), 1);
}

#[test]
fn instance_metrics_name_the_instance() {
    let mut app = cfnkit_core::tree::App::new();
    let s = app.stack("test");
    let vpc = vpc_only(s);
    let host = Instance::new("Host", vpc).add_to(s);
    let cpu = host.metric_cpu_utilization();
    assert_eq!((cpu.namespace(), cpu.name()), ("AWS/EC2", "CPUUtilization"));
    assert_eq!(cpu.dimensions()[0].0, "InstanceId");
    assert_eq!(cpu.dimensions()[0].1, host.id().into());
    assert_eq!(host.metric_status_check_failed().name(), "StatusCheckFailed");
    assert_eq!(host.metric_network_in().name(), "NetworkIn");
    assert_eq!(host.metric_network_out().name(), "NetworkOut");
}

#[test]
fn bad_instance_settings_are_reported_together() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        Instance::new("Host", vpc)
            .instance_type("large")
            .root_volume_size(4)
            .metadata_hop_limit(0)
            .machine_image(MachineImage::id("img-1"))
            .availability_zone(5)
            .add_to(s);
        Instance::new("Public", vpc).public_ip(" ").add_to(s);
    });
    for (p, kind) in [
        ("invalid instance type", DiagKind::Pattern),
        ("root volume size", DiagKind::OutOfRange),
        ("hop limit", DiagKind::OutOfRange),
        ("invalid image id", DiagKind::Pattern),
        ("availability zone index out of range", DiagKind::OutOfRange),
        ("a public IP without a reason", DiagKind::Missing),
        ("a public IP in a VPC without public subnets", DiagKind::Wiring),
    ] {
        assert!(has_error_of(&errs, kind, p), "no {p:?} ({kind}) in {errs:#?}");
    }
    let zone = errs.iter().find(|d| d.problem.contains("availability zone")).unwrap();
    assert_eq!(zone.value.as_deref(), Some("5"));
    assert_eq!(zone.allowed.as_deref(), Some("0 to 1 (the VPC's 2 private subnets)"));
}
