//! Vpc: defaults, flow logs, the handle, validation.

use cfnkit_constructs::ec2::Vpc;
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::logs::Retention;
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::tree::App;
use serde_json::json;

use super::{errors, hardened, has_error, of_type, template, vpc_only};

// --- Vpc defaults -------------------------------------------------------

#[test]
fn vpc_uses_10_0_0_0_16_with_dns_support_and_hostnames_by_default() {
    let t = template(|s| {
        vpc_only(s);
    });
    let p = &t["Resources"]["Vpc"]["Properties"];
    assert_eq!(t["Resources"]["Vpc"]["Type"], "AWS::EC2::VPC");
    assert_eq!(p["CidrBlock"], "10.0.0.0/16");
    assert_eq!(p["EnableDnsSupport"], true);
    assert_eq!(p["EnableDnsHostnames"], true);
}

#[test]
fn vpc_has_two_private_subnets_in_different_availability_zones_by_default() {
    let t = template(|s| {
        vpc_only(s);
    });
    assert_eq!(of_type(&t, "AWS::EC2::Subnet").len(), 2);
    for (i, id) in ["VpcPrivateSubnet1", "VpcPrivateSubnet2"].iter().enumerate() {
        let p = &t["Resources"][id]["Properties"];
        assert_eq!(p["AvailabilityZone"], json!({"Fn::Select": [i, {"Fn::GetAZs": ""}]}));
        assert_eq!(p["VpcId"], json!({"Ref": "Vpc"}));
        assert_eq!(p["MapPublicIpOnLaunch"], false);
    }
}

#[test]
fn subnet_ranges_are_computed_at_synthesis() {
    let t = template(|s| {
        vpc_only(s);
    });
    assert_eq!(t["Resources"]["VpcPrivateSubnet1"]["Properties"]["CidrBlock"], "10.0.0.0/18");
    assert_eq!(t["Resources"]["VpcPrivateSubnet2"]["Properties"]["CidrBlock"], "10.0.64.0/18");
}

#[test]
fn vpc_has_no_internet_gateway_and_no_nat_gateway_by_default() {
    let t = template(|s| {
        vpc_only(s);
    });
    for ty in ["AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::NatGateway", "AWS::EC2::EIP"] {
        assert!(of_type(&t, ty).is_empty(), "unexpected {ty}");
    }
    assert!(of_type(&t, "AWS::EC2::Route").is_empty());
}

#[test]
fn each_private_subnet_has_its_own_route_table_and_association() {
    let t = template(|s| {
        vpc_only(s);
    });
    assert_eq!(of_type(&t, "AWS::EC2::RouteTable").len(), 2);
    for n in 1..=2 {
        let a = &t["Resources"][format!("VpcPrivateSubnet{n}RouteTableAssociation")]["Properties"];
        assert_eq!(a["RouteTableId"], json!({"Ref": format!("VpcPrivateSubnet{n}RouteTable")}));
        assert_eq!(a["SubnetId"], json!({"Ref": format!("VpcPrivateSubnet{n}")}));
    }
}

#[test]
fn max_azs_sets_the_number_of_subnets() {
    let t = template(|s| {
        Vpc::new("Vpc").max_azs(3).add_to(s);
    });
    assert_eq!(of_type(&t, "AWS::EC2::Subnet").len(), 3);
    assert_eq!(
        t["Resources"]["VpcPrivateSubnet3"]["Properties"]["AvailabilityZone"],
        json!({"Fn::Select": [2, {"Fn::GetAZs": ""}]})
    );
}

#[test]
fn private_subnets_keep_their_ranges_when_public_subnets_are_added() {
    let private = template(|s| {
        vpc_only(s);
    });
    let public = template(|s| {
        Vpc::new("Vpc").public_subnets().add_to(s);
    });
    for id in ["VpcPrivateSubnet1", "VpcPrivateSubnet2"] {
        assert_eq!(
            private["Resources"][id]["Properties"]["CidrBlock"],
            public["Resources"][id]["Properties"]["CidrBlock"]
        );
    }
    assert_eq!(public["Resources"]["VpcPublicSubnet1"]["Properties"]["CidrBlock"], "10.0.128.0/18");
}

#[test]
fn public_subnets_add_an_internet_gateway_and_a_default_route_to_it() {
    let t = template(|s| {
        Vpc::new("Vpc").public_subnets().add_to(s);
    });
    assert_eq!(
        t["Resources"]["VpcGatewayAttachment"]["Properties"],
        json!({"InternetGatewayId": {"Ref": "VpcInternetGateway"}, "VpcId": {"Ref": "Vpc"}})
    );
    let route = &t["Resources"]["VpcPublicSubnet1DefaultRoute"];
    assert_eq!(route["Properties"]["DestinationCidrBlock"], "0.0.0.0/0");
    assert_eq!(route["Properties"]["GatewayId"], json!({"Ref": "VpcInternetGateway"}));
    assert_eq!(route["DependsOn"], json!(["VpcGatewayAttachment"]));
    assert_eq!(t["Resources"]["VpcPublicSubnet1"]["Properties"]["MapPublicIpOnLaunch"], false);
    assert!(of_type(&t, "AWS::EC2::NatGateway").is_empty());
}

#[test]
fn nat_gateways_route_private_subnets_through_them() {
    let t = template(|s| {
        Vpc::new("Vpc").max_azs(3).nat_gateways(2).add_to(s);
    });
    assert_eq!(of_type(&t, "AWS::EC2::NatGateway").len(), 2);
    let nat = &t["Resources"]["VpcPublicSubnet1NatGateway"];
    assert_eq!(nat["Properties"]["AllocationId"], json!({"Fn::GetAtt": ["VpcPublicSubnet1Eip", "AllocationId"]}));
    assert_eq!(nat["Properties"]["SubnetId"], json!({"Ref": "VpcPublicSubnet1"}));
    assert_eq!(t["Resources"]["VpcPublicSubnet1Eip"]["Properties"]["Domain"], "vpc");
    let via = |n: u32| t["Resources"][format!("VpcPrivateSubnet{n}DefaultRoute")]["Properties"]["NatGatewayId"].clone();
    assert_eq!(via(1), json!({"Ref": "VpcPublicSubnet1NatGateway"}));
    assert_eq!(via(2), json!({"Ref": "VpcPublicSubnet2NatGateway"}));
    assert_eq!(via(3), json!({"Ref": "VpcPublicSubnet1NatGateway"}));
}

// --- Flow logs ----------------------------------------------------------

#[test]
fn flow_logs_are_deferred_to_the_hardened_profile_by_default() {
    let t = template(|s| {
        vpc_only(s);
    });
    assert!(t["Resources"].get("VpcFlowLogs").is_none());
    let skip = &t["Resources"]["Vpc"]["Metadata"]["checkov"]["skip"][0];
    assert_eq!(skip["id"], "CKV2_AWS_11");
    assert!(skip["comment"].as_str().unwrap().starts_with("default security profile: VPC flow logs"));
}

#[test]
fn flow_logs_record_all_traffic_into_a_log_group_encrypted_with_the_stack_key_when_hardened() {
    let t = hardened(|s| {
        vpc_only(s);
    });
    let f = &t["Resources"]["VpcFlowLogs"]["Properties"];
    assert_eq!(t["Resources"]["VpcFlowLogs"]["Type"], "AWS::EC2::FlowLog");
    assert_eq!(f["ResourceId"], json!({"Ref": "Vpc"}));
    assert_eq!(f["ResourceType"], "VPC");
    assert_eq!(f["TrafficType"], "ALL");
    assert_eq!(f["LogDestinationType"], "cloud-watch-logs");
    assert_eq!(f["LogGroupName"], json!({"Ref": "VpcFlowLogsLogGroup"}));
    assert_eq!(f["DeliverLogsPermissionArn"], json!({"Fn::GetAtt": ["VpcFlowLogsRole", "Arn"]}));
    let g = &t["Resources"]["VpcFlowLogsLogGroup"]["Properties"];
    assert_eq!(g["RetentionInDays"], 365);
    assert_eq!(g["KmsKeyId"], json!({"Fn::GetAtt": ["LogsKey", "Arn"]}));
    assert_eq!(t["Resources"]["LogsKey"]["Properties"]["EnableKeyRotation"], true);
    assert!(t["Resources"]["Vpc"].get("Metadata").is_none());
}

#[test]
fn flow_logs_can_be_asked_for_under_the_default_profile() {
    let t = template(|s| {
        Vpc::new("Vpc").flow_logs().add_to(s);
    });
    assert_eq!(t["Resources"]["VpcFlowLogs"]["Type"], "AWS::EC2::FlowLog");
    assert!(t["Resources"]["Vpc"].get("Metadata").is_none());
}

#[test]
fn flow_logs_retention_is_configurable() {
    let t = hardened(|s| {
        Vpc::new("Vpc").flow_logs_retention(Retention::ThreeMonths).add_to(s);
    });
    assert_eq!(t["Resources"]["VpcFlowLogsLogGroup"]["Properties"]["RetentionInDays"], 90);
}

#[test]
fn flow_logs_role_is_assumed_by_the_flow_logs_service_for_this_account_only() {
    let t = hardened(|s| {
        vpc_only(s);
    });
    let trust = &t["Resources"]["VpcFlowLogsRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(
        trust,
        &json!([{
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"}}
            }
        }])
    );
}

#[test]
fn flow_logs_role_may_write_to_its_log_group_only() {
    let t = hardened(|s| {
        vpc_only(s);
    });
    let p = &t["Resources"]["VpcFlowLogsRoleDefaultPolicy"]["Properties"];
    assert_eq!(p["Roles"], json!([{"Ref": "VpcFlowLogsRole"}]));
    assert_eq!(
        p["PolicyDocument"]["Statement"],
        json!([{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": {"Fn::GetAtt": ["VpcFlowLogsLogGroup", "Arn"]}
        }])
    );
}

#[test]
fn flow_log_waits_for_its_role_policy() {
    let t = hardened(|s| {
        vpc_only(s);
    });
    assert_eq!(t["Resources"]["VpcFlowLogs"]["DependsOn"], json!(["VpcFlowLogsRoleDefaultPolicy"]));
}

#[test]
fn a_given_flow_logs_key_is_used_and_lets_cloudwatch_logs_in() {
    let t = template(|s| {
        let key = Key::new("SharedKey").add_to(s);
        Vpc::new("Vpc").flow_logs_key(key).add_to(s);
    });
    assert!(t["Resources"].get("VpcFlowLogsKey").is_none());
    assert_eq!(
        t["Resources"]["VpcFlowLogsLogGroup"]["Properties"]["KmsKeyId"],
        json!({"Fn::GetAtt": ["SharedKey", "Arn"]})
    );
    let statements = t["Resources"]["SharedKey"]["Properties"]["KeyPolicy"]["Statement"].as_array().unwrap().clone();
    let logs = statements.iter().find(|s| s["Sid"] == "AllowCloudWatchLogsForVpcFlowLogs").expect("logs statement");
    assert_eq!(logs["Principal"], json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}));
    assert_eq!(
        logs["Condition"],
        json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"}}})
    );
}

#[test]
fn flow_logs_to_a_bucket_add_the_delivery_statements_and_wait_for_the_policy() {
    let t = template(|s| {
        let b = Bucket::new("Logs").add_to(s);
        Vpc::new("Vpc").flow_logs_to_bucket(b).add_to(s);
    });
    let f = &t["Resources"]["VpcFlowLogs"];
    assert_eq!(f["Properties"]["LogDestinationType"], "s3");
    assert_eq!(f["Properties"]["LogDestination"], json!({"Fn::GetAtt": ["Logs", "Arn"]}));
    assert_eq!(f["DependsOn"], json!(["LogsPolicy"]));
    assert!(t["Resources"].get("VpcFlowLogsRole").is_none());
    let statements =
        t["Resources"]["LogsPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone();
    let source = json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"});
    assert!(statements.contains(&json!({
        "Sid": "AWSLogDeliveryWrite",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": {"Fn::Sub": "${Logs.Arn}/AWSLogs/${AWS::AccountId}/*"},
        "Condition": {
            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}, "s3:x-amz-acl": "bucket-owner-full-control"},
            "ArnLike": {"aws:SourceArn": source.clone()}
        }
    })));
    assert!(statements.contains(&json!({
        "Sid": "AWSLogDeliveryAclCheck",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:GetBucketAcl",
        "Resource": {"Fn::GetAtt": ["Logs", "Arn"]},
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}, "ArnLike": {"aws:SourceArn": source}}
    })));
}

#[test]
fn turning_flow_logs_off_records_the_reason() {
    let t = template(|s| {
        Vpc::new("Vpc").without_flow_logs("a short-lived test network").add_to(s);
    });
    assert!(of_type(&t, "AWS::EC2::FlowLog").is_empty());
    assert_eq!(
        t["Resources"]["Vpc"]["Metadata"]["checkov"]["skip"],
        json!([{"id": "CKV2_AWS_11", "comment": "a short-lived test network"}])
    );
}

// --- VpcRef -------------------------------------------------------------

#[test]
fn vpc_ref_gives_its_id_cidr_subnets_route_tables_and_zones() {
    let mut app = App::new();
    let stack = app.stack("test");
    let vpc = Vpc::new("Vpc").public_subnets().add_to(stack);
    stack.output("Id", vpc.id());
    stack.output("Cidr", vpc.cidr_block());
    stack.output("Private", cfnkit_core::fns::join(",", vpc.private_subnet_ids()));
    stack.output("Public", cfnkit_core::fns::join(",", vpc.public_subnet_ids()));
    stack.output("Tables", cfnkit_core::fns::join(",", vpc.private_route_table_ids()));
    stack.output("Zones", cfnkit_core::fns::join(",", vpc.availability_zones()));
    assert_eq!(vpc.public_route_table_ids().len(), 2);
    let t = app.synth().expect("synthesizes").stacks[0].template.clone();
    let o = &t["Outputs"];
    assert_eq!(o["Id"]["Value"], json!({"Ref": "Vpc"}));
    assert_eq!(o["Cidr"]["Value"], json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]}));
    assert_eq!(
        o["Private"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "VpcPrivateSubnet1"}, {"Ref": "VpcPrivateSubnet2"}]]})
    );
    assert_eq!(
        o["Public"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "VpcPublicSubnet1"}, {"Ref": "VpcPublicSubnet2"}]]})
    );
    assert_eq!(
        o["Tables"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "VpcPrivateSubnet1RouteTable"}, {"Ref": "VpcPrivateSubnet2RouteTable"}]]})
    );
    assert_eq!(
        o["Zones"]["Value"],
        json!({"Fn::Join": [",", [{"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Fn::Select": [1, {"Fn::GetAZs": ""}]}]]})
    );
}

// --- Vpc validation -----------------------------------------------------

#[test]
fn an_invalid_cidr_block_is_reported() {
    let errs = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0/16").add_to(s);
    });
    assert!(has_error(&errs, "invalid CIDR block"));
    assert_eq!(errs[0].path, "test/Vpc/Resource");
    assert_eq!(errs[0].property.as_deref(), Some("CidrBlock"));
}

#[test]
fn a_cidr_block_with_host_bits_is_reported_with_its_network() {
    let errs = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0.1/16").add_to(s);
    });
    assert!(has_error(&errs, "10.0.0.0/16"));
}

#[test]
fn a_vpc_larger_than_16_or_smaller_than_28_is_reported() {
    let big = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0.0/8").add_to(s);
    });
    assert!(has_error(&big, "VPC CIDR block size"));
    let small = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0.0/29").add_to(s);
    });
    assert!(has_error(&small, "VPC CIDR block size"));
}

#[test]
fn a_vpc_too_small_for_its_subnets_is_reported() {
    let errs = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0.0/27").add_to(s);
    });
    assert!(has_error(&errs, "VPC too small for its subnets"));
}

#[test]
fn an_availability_zone_count_out_of_range_is_reported() {
    for n in [0, 7] {
        let errs = errors(|s| {
            Vpc::new("Vpc").max_azs(n).add_to(s);
        });
        assert!(has_error(&errs, "availability zone count"), "max_azs({n})");
    }
}

#[test]
fn more_nat_gateways_than_zones_is_reported() {
    let errs = errors(|s| {
        Vpc::new("Vpc").nat_gateways(3).add_to(s);
    });
    assert!(has_error(&errs, "more NAT gateways than availability zones"));
}

#[test]
fn every_vpc_problem_is_reported_at_once() {
    let errs = errors(|s| {
        Vpc::new("Vpc").cidr("10.0.0.0/8").max_azs(9).nat_gateways(10).add_to(s);
    });
    assert!(errs.len() >= 3, "{errs:?}");
}

#[test]
fn a_flow_logs_key_of_another_stack_gets_the_logs_statement_in_its_own_stack() {
    let mut app = App::new();
    let key = Key::new("Key").add_to(app.stack("keys"));
    Vpc::new("Vpc").flow_logs_key(key).add_to(app.stack("network"));
    let out = app.synth().expect("synthesizes");
    assert!(!out.warnings.iter().any(|w| w.problem.contains("flow-log key belongs to another stack")));
    let policy = &out.stack("keys").expect("keys stack").template["Resources"]["Key"]["Properties"]["KeyPolicy"];
    assert!(
        policy.to_string().contains("logs.${AWS::Region}.amazonaws.com"),
        "the key's own stack lets CloudWatch Logs use it: {policy}"
    );
}
