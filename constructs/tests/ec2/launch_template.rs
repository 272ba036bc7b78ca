//! LaunchTemplate: IMDSv2, encrypted disks, role and profile, SSM access,
//! user data, image, errors.

use cfnkit_constructs::ec2::{LaunchTemplate, MachineImage, UserData};
use cfnkit_constructs::iam::Grantable;
use serde_json::json;

use super::{errors, has_error_of, template, vpc_only};
use cfnkit_core::diag::DiagKind;

#[test]
fn a_launch_template_requires_imdsv2_and_encrypts_its_root_volume() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        LaunchTemplate::new("Web", vpc).add_to(s);
    });
    let d = &t["Resources"]["Web"]["Properties"]["LaunchTemplateData"];
    assert_eq!(
        d["MetadataOptions"],
        json!({"HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1, "HttpTokens": "required"})
    );
    assert_eq!(
        d["BlockDeviceMappings"],
        json!([{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": true, "Encrypted": true, "VolumeSize": 20, "VolumeType": "gp3"}}])
    );
    assert_eq!(d["Monitoring"], json!({"Enabled": true}));
    assert_eq!(d["InstanceType"], "t3.micro");
    assert_eq!(d["ImageId"], "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}");
    assert!(d.get("KeyName").is_none());
    assert_eq!(d["SecurityGroupIds"], json!([{"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}]));
}

#[test]
fn instances_get_a_role_with_session_manager_and_an_instance_profile() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        LaunchTemplate::new("Web", vpc).add_to(s);
    });
    let role = &t["Resources"]["WebRole"]["Properties"];
    assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"], json!({"Service": "ec2.amazonaws.com"}));
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}])
    );
    assert_eq!(t["Resources"]["WebInstanceProfile"]["Properties"]["Roles"], json!([{"Ref": "WebRole"}]));
    assert_eq!(
        t["Resources"]["Web"]["Properties"]["LaunchTemplateData"]["IamInstanceProfile"],
        json!({"Arn": {"Fn::GetAtt": ["WebInstanceProfile", "Arn"]}})
    );
    // No SSH: nothing comes in; only HTTPS goes out.
    let sg = &t["Resources"]["WebSecurityGroup"]["Properties"];
    assert!(sg.get("SecurityGroupIngress").is_none());
    assert_eq!(sg["SecurityGroupEgress"][0]["FromPort"], 443);
}

#[test]
fn user_data_is_base64_of_the_script_and_images_can_be_pinned() {
    let t = template(|s| {
        let vpc = vpc_only(s);
        LaunchTemplate::new("Web", vpc)
            .machine_image(MachineImage::id("ami-0123456789abcdef0"))
            .user_data(UserData::for_linux().command("dnf install -y nginx"))
            .add_to(s);
    });
    let d = &t["Resources"]["Web"]["Properties"]["LaunchTemplateData"];
    assert_eq!(d["ImageId"], "ami-0123456789abcdef0");
    assert_eq!(d["UserData"], json!({"Fn::Base64": "#!/bin/bash\nset -euo pipefail\ndnf install -y nginx\n"}));
}

#[test]
fn grants_to_a_launch_template_go_to_its_role() {
    let mut app = cfnkit_core::tree::App::new();
    let s = app.stack("test");
    let vpc = vpc_only(s);
    let lt = LaunchTemplate::new("Web", vpc).add_to(s);
    assert_eq!(lt.grant_role(), lt.role());
}

#[test]
fn bad_launch_settings_are_reported() {
    let errs = errors(|s| {
        let vpc = vpc_only(s);
        LaunchTemplate::new("Web", vpc)
            .instance_type("large")
            .root_volume_size(4)
            .metadata_hop_limit(0)
            .machine_image(MachineImage::id("img-1"))
            .add_to(s);
    });
    for (p, kind) in [
        ("invalid instance type", DiagKind::Pattern),
        ("root volume size", DiagKind::OutOfRange),
        ("hop limit", DiagKind::OutOfRange),
        ("invalid image id", DiagKind::Pattern),
    ] {
        assert!(has_error_of(&errs, kind, p), "no {p:?} ({kind}) in {errs:#?}");
    }
}
