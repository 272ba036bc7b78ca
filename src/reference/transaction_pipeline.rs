//! `transaction-pipeline`: secure financial transaction processing (spec section 2).
//!
//! S3 upload -> Lambda in a private VPC -> DynamoDB, with a customer managed
//! key, a CloudTrail trail and the compliance conventions (every stateful
//! resource retained), in us-east-1.
//!
//! Decisions where the spec is silent, as a careful AWS engineer would take them:
//! - One customer managed key (`DataKey`, rotation on, alias) encrypts the
//!   bucket, the table, the secret and the trail; its policy lets the
//!   account root administer it and the S3, Lambda and CloudTrail service
//!   principals use it, each for this account only.
//! - The bucket's policy denies any upload that does not name SSE-KMS with
//!   that key, and any request over plain HTTP.
//! - The processor runs Python 3.12 in both private subnets. Its security
//!   group allows HTTPS out to the VPC CIDR (the Secrets Manager interface
//!   endpoint) and nothing in. S3 and DynamoDB traffic through gateway
//!   endpoints is matched against the services' prefix lists, which
//!   CloudFormation cannot look up: the two prefix-list ids are parameters
//!   (`S3PrefixListId`, `DynamoDbPrefixListId`; `aws ec2
//!   describe-managed-prefix-lists` gives them for a region), and the
//!   security group allows HTTPS to them. Without them the function could
//!   not reach S3 or DynamoDB.
//! - The processor's configuration secret is JSON with a generated signing
//!   key; it is not rotated (no rotation function in the spec), said in its
//!   metadata.
//! - Wildcards, named as the conventions ask: the five network-interface
//!   actions Lambda needs in a VPC are on `*` in
//!   `TransactionProcessorServiceRoleVpcAccessPolicy` (EC2 offers no
//!   resource-level permission for them at create time); in the key
//!   policies (`DataKey`, `LogsKey`, the flow-log key) `"Resource": "*"` means
//!   the key itself, and each key's first statement is AWS's default key
//!   policy (the account root may `kms:*`), which delegates use to IAM.
//! - S3 invokes the processor asynchronously: Lambda retries a failed event
//!   twice, then sends it with its error to the `ProcessorFailures` queue
//!   (encrypted with the data key, kept 14 days) instead of dropping it.
//! - The trail logs S3 data events of the transaction bucket into its own
//!   bucket, encrypted with the key.

use cfnkit_constructs::cloudtrail::{ReadWrite, Trail};
use cfnkit_constructs::dynamodb::{Key, Table, TableAction, TableEncryption};
use cfnkit_constructs::ec2::{GatewayService, InterfaceService, Peer, Port, SecurityGroup, Vpc};
use cfnkit_constructs::kms::Key as KmsKey;
use cfnkit_constructs::lambda::{AsyncConfig, Code, Destination, Function, Runtime, VpcPlacement};
use cfnkit_constructs::logs::Retention;
use cfnkit_constructs::s3::{Bucket, NotificationEvent, NotificationFilter, Rule, StorageClass};
use cfnkit_constructs::secretsmanager::{Password, Secret, SecretTemplate};
use cfnkit_constructs::sqs::{Queue, QueueEncryption};
use cfnkit_core::conventions::Conventions;
use cfnkit_core::fns;
use cfnkit_core::template::Parameter;
use cfnkit_core::token::Pseudo;
use cfnkit_core::tree::{Ack, App};
use cfnkit_core::units::{Duration, Size};

/// The handler, compiled by the tests with `python3 -m py_compile`.
pub const HANDLER_PY: &str = include_str!("transaction_pipeline.py");

/// The stack name.
pub const NAME: &str = "transaction-pipeline";

/// Adds the transaction-pipeline stack to `app`.
pub fn transaction_pipeline(app: &mut App) {
    let stack = app
        .stack(NAME)
        .region("us-east-1")
        .description("Secure financial transaction processing: S3 -> Lambda in a private VPC -> DynamoDB, with audit")
        .conventions(Conventions::tap("secure-transaction-processing").retain());
    let sfx = stack.suffix();
    let prefix_list = |name: &str, service: &str| {
        Parameter::string(name)
            .description(&format!(
                "Id of the AWS-managed prefix list com.amazonaws.<region>.{service} (aws ec2 describe-managed-prefix-lists)"
            ))
            .allowed_pattern("^pl-[0-9a-f]{8,17}$")
            .constraint_description("a prefix list id such as pl-0123abcd")
    };
    let s3_prefix_list = stack.parameter(prefix_list("S3PrefixListId", "s3"));
    let dynamodb_prefix_list = stack.parameter(prefix_list("DynamoDbPrefixListId", "dynamodb"));

    let key = KmsKey::new("DataKey")
        .description("Encrypts transaction data, its configuration and its audit trail")
        .alias(sfx.format("alias/transaction-pipeline-{}"))
        .allow_service("s3.amazonaws.com")
        .allow_service("lambda.amazonaws.com")
        .add_to(stack);

    let vpc = Vpc::new("Vpc").max_azs(2).add_to(stack);
    vpc.add_gateway_endpoint(stack, "S3Endpoint", GatewayService::S3);
    vpc.add_gateway_endpoint(stack, "DynamoDbEndpoint", GatewayService::DynamoDb);
    vpc.add_interface_endpoint(stack, "SecretsManagerEndpoint", InterfaceService::SecretsManager);
    let sg =
        SecurityGroup::new("ProcessorSecurityGroup", vpc, "Transaction processor: HTTPS out to the VPC endpoints only")
            .allow_to(Peer::vpc_cidr(vpc), Port::tcp(443), "HTTPS to the Secrets Manager interface endpoint")
            .allow_to(
                Peer::prefix_list(s3_prefix_list.value()),
                Port::tcp(443),
                "HTTPS to S3 through the gateway endpoint",
            )
            .allow_to(
                Peer::prefix_list(dynamodb_prefix_list.value()),
                Port::tcp(443),
                "HTTPS to DynamoDB through the gateway endpoint",
            )
            .add_to(stack);

    let config = Secret::new("ProcessorConfig")
        .name(sfx.name("transaction-processor-config"))
        .description("Configuration of the transaction processor")
        .json_with_password(
            SecretTemplate::new().field("maxAmount", "1000000").field("currency", "USD"),
            "signingKey",
            Password::new().length(32).exclude_punctuation(),
        )
        .encryption_key(key)
        .without_rotation(
            "the signing key is rotated with the processor's release; no rotation function is part of this system",
        )
        .add_to(stack);

    let table = Table::new("TransactionsTable", Key::string("transactionId"))
        .sort_key(Key::number("timestamp"))
        .name(sfx.name("transactions"))
        .encryption(TableEncryption::CustomerManaged(key.arn().into()))
        .add_to(stack);

    let failures = Queue::new("ProcessorFailures")
        .name(sfx.name("transaction-processor-failures"))
        .encryption(QueueEncryption::Kms(key.arn().into()))
        .as_dead_letter_queue()
        .retention(Duration::days(14))
        .add_to(stack);

    let processor = Function::new("TransactionProcessor", Runtime::Python312, Code::inline(HANDLER_PY))
        .name(sfx.name("transaction-processor"))
        .description("Validates each uploaded transaction and records it")
        .timeout(Duration::seconds(60))
        .memory(Size::mebibytes(512))
        .env("TABLE_NAME", table.name())
        .env("CONFIG_SECRET_ARN", config.arn())
        .log_retention(Retention::ThreeMonths)
        .vpc(VpcPlacement::new(vpc.private_subnet_ids(), [sg.id()]))
        .environment_encryption(key.arn())
        .async_config(AsyncConfig::new().retry_attempts(2).on_failure(Destination::Queue(failures)))
        .acknowledge(Ack::Checkov {
            id: "CKV_AWS_115".into(),
            reason: "uploads are the only trigger; limiting concurrency would only delay transactions".into(),
        })
        .add_to(stack);

    let bucket = Bucket::new("TransactionBucket")
        .name(fns::sub("transaction-data-${EnvironmentSuffix}-${AWS::AccountId}"))
        .encryption(key)
        .require_kms_upload_headers()
        .lifecycle(
            Rule::new("TransitionToInfrequentAccess").transition(StorageClass::InfrequentAccess, Duration::days(30)),
        )
        .notify_lambda(processor, NotificationEvent::ObjectCreated, NotificationFilter::all())
        .add_to(stack);

    table.grant(stack, &processor, &[TableAction::PutItem]);
    config.grant_read(stack, &processor);
    bucket.grant_read(stack, &processor);

    let trail = Trail::new("AuditTrail", sfx.name("transaction-audit"))
        .encryption_key(key)
        .s3_data_events(bucket, ReadWrite::All)
        .add_to(stack);

    stack.export("TransactionBucketName", bucket.name()).description("Name of the transaction upload bucket");
    stack.export("TransactionsTableName", table.name()).description("Name of the transactions table");
    stack.export("ProcessorFunctionArn", processor.arn()).description("ARN of the transaction processor");
    stack.export("DataKeyArn", key.arn()).description("ARN of the data key");
    stack.export("ConfigSecretArn", config.arn()).description("ARN of the processor configuration secret");
    stack.export("VpcId", vpc.id()).description("Id of the private VPC");
    stack.export("TrailArn", trail.arn()).description("ARN of the audit trail");
    stack.export("StackRegion", Pseudo::Region.expr()).description("Region the stack is deployed in");
}
