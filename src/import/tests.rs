use super::*;

fn program(yaml: &str) -> String {
    import(yaml, "demo").unwrap_or_else(|e| panic!("{e}")).module
}

#[test]
fn references_are_handles_not_strings() {
    let p = program(
        "Parameters:\n  Env:\n    Type: String\n    Default: dev\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    \
         Properties:\n      TopicName: !Sub '${Env}-${Queue.QueueName}-${Queue.Arn}-${AWS::Region}'\n      DisplayName: !Ref Queue\n  \
         Queue:\n    Type: AWS::SQS::Queue\n",
    );
    assert!(p.contains(r#".var("Env", env.value())"#), "{p}");
    // Arn, and QueueName (a documented return value the generator adds), through their typed accessors.
    assert!(p.contains(r#".var("Queue.QueueName", queue.attr_queue_name())"#), "{p}");
    assert!(p.contains(r#".var("Queue.Arn", queue.attr_arn())"#), "{p}");
    assert!(p.contains("use cfnkit::l1::sqs::QueueAttrs as _;"), "{p}");
    assert!(p.contains(".display_name(queue.reference())"), "{p}");
    // The queue is declared before the topic that uses its handle.
    assert!(p.find("let queue =").unwrap() < p.find("let topic =").unwrap(), "{p}");
}

#[test]
fn literals_take_the_type_of_their_field() {
    let p = program(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: '5'\n      \
         FifoQueue: 'true'\n      Tags:\n        - Key: a\n          Value: 1\n",
    );
    assert!(p.contains(".delay_seconds(5i64)"), "{p}");
    assert!(p.contains(".fifo_queue(true)"), "{p}");
    assert!(p.contains(r#"sqs::Tag::new("a", "1")"#), "{p}");
}

#[test]
fn unexpressible_constructs_are_errors_naming_their_place() {
    let e = import(
        "Resources:\n  A:\n    Type: AWS::Made::Up\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      \
         QueueName: !Ref Nothing\n    DependsOn: Ghost\n",
        "demo",
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("3:5: /Resources/A/Type: AWS::Made::Up: a resource type cfnkit's L1 does not have"),
        "{text}"
    );
    assert!(text.contains("/Resources/B/Properties/QueueName/Ref: Ref to \"Nothing\""), "{text}");
    assert!(text.contains("/Resources/B/DependsOn: DependsOn: \"Ghost\" names no resource"), "{text}");
    assert_eq!(e.problems.len(), 3, "{text}");

    let e = import(
        "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"Fn::ForEach::X\": []}}}}",
        "d",
    )
    .unwrap_err();
    assert!(e.to_string().contains("Fn::ForEach::X"), "{e}");
}

#[test]
fn conditions_are_declared_after_the_conditions_they_use() {
    let p = program(
        "Parameters:\n  Env: {Type: String}\nConditions:\n  Both: !And [!Condition IsProd, !Not [!Condition IsDev]]\n  \
         IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Equals [!Ref Env, dev]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    \
         Condition: Both\n    DeletionPolicy: Retain\n",
    );
    let (prod, dev, both) =
        (p.find("let is_prod").unwrap(), p.find("let is_dev").unwrap(), p.find("let both").unwrap());
    assert!(prod < both && dev < both, "{p}");
    assert!(p.contains("fns::and([fns::condition(is_prod), fns::not(fns::condition(is_dev))])"), "{p}");
    assert!(p.contains("stack.set_condition(q.id(), both)"), "{p}");
    assert!(p.contains(r#"stack.set_resource_attribute(q.id(), "DeletionPolicy", Token::from("Retain"))"#), "{p}");
}

#[test]
fn custom_resources_become_the_typed_custom_resource() {
    let imp = import(
        "Resources:\n  Provider:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::1:role/r\n      \
         Code: {ZipFile: x}\n  Seed:\n    Type: Custom::OrderSeeder\n    Properties:\n      ServiceToken: !GetAtt Provider.Arn\n      \
         Rows: 10\n      ServiceTimeout: '300'\n      Table: orders\n  Plain:\n    Type: AWS::CloudFormation::CustomResource\n    \
         Properties:\n      ServiceToken: arn:aws:sns:us-east-1:123456789012:provider\nOutputs:\n  Count:\n    \
         Value: !GetAtt Seed.Count\n",
        "demo",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let p = &imp.module;
    assert!(p.contains("cloudformation::CustomResource::new(provider.attr_arn())"), "{p}");
    assert!(p.contains(r#".custom_type("OrderSeeder")"#), "{p}");
    assert!(p.contains(".service_timeout(300i64)"), "{p}");
    // Provider properties in the template's order, after the typed ones.
    assert!(p.find(r#".property("Rows""#).unwrap() < p.find(r#".property("Table""#).unwrap(), "{p}");
    assert!(p.contains(r#"cloudformation::CustomResource::new("arn:aws:sns:us-east-1:123456789012:provider")"#), "{p}");
    assert!(p.contains(r#"seed.get_att("Count")"#), "{p}");
    assert!(imp.features.contains(&"cloudformation".to_string()), "{:?}", imp.features);

    // What the typed struct refuses at synthesis stays an untyped CfnResource, as written.
    for (ty, token) in [
        ("Custom::Has.Dot", "arn:aws:sns:us-east-1:123456789012:provider"),
        ("Custom::Ok", "not-an-arn"),
        ("AWS::CloudFormation::CustomResource", "arn:aws:s3:::bucket"),
    ] {
        let p = program(&format!("Resources:\n  C:\n    Type: {ty}\n    Properties:\n      ServiceToken: {token}\n"));
        assert!(p.contains(&format!("CfnResource::new({ty:?})")), "{p}");
    }
}
