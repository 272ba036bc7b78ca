//! cfn-lint and checkov on a minimal stack of the IAM constructs: a role
//! with an inline policy and a customer managed policy attached to it.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::iam::{ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;
use cfnkit_core::units::Duration;

#[test]
fn a_role_with_a_managed_policy_is_clean() {
    let mut app = App::new();
    let stack = app.stack("iam").conventions(Conventions::tap("validator check"));
    let sfx = stack.suffix();
    let role = Role::new("Worker", Principal::service("lambda.amazonaws.com"))
        .name(sfx.name("worker"))
        .path("/workers/")
        .max_session_duration(Duration::hours(2))
        .inline_policy(
            "ReadOwnParameters",
            PolicyDocument::new().with(PolicyStatement::allow().actions(["ssm:GetParameter"]).resource(
                cfnkit_core::fns::sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/worker/*"),
            )),
        )
        .add_to(stack);
    ManagedPolicy::new("PublishMetrics")
        .name(sfx.name("publish-metrics"))
        .description("Publishes the worker's metrics to its own namespace")
        .statement(PolicyStatement::allow().actions(["cloudwatch:PutMetricData"]).resource("*").condition(
            "StringEquals",
            "cloudwatch:namespace",
            "Worker",
        ))
        .attach_to(role)
        .add_to(stack);
    let out = app.synth().expect("synthesizes");
    validators::assert_clean(&out.stacks[0].json, "iam", &["us-east-1"]);
}
