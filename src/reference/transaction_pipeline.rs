//! `transaction-pipeline`: secure financial transaction processing (spec section 2).
//!
//! S3 upload -> Lambda in a private VPC -> DynamoDB, with a customer managed
//! key, a CloudTrail trail and the compliance conventions (every stateful
//! resource retained), in us-east-1.
//!
//! Profile: the default security profile (secure properties, and only the
//! extra resources a wiring needs). The checks only hardening would satisfy
//! are acknowledged in each resource's Metadata with the reason and the
//! call that enables them (`Conventions::hardened()`): CKV_AWS_18 (server
//! access-log bucket) on both buckets, CKV_AWS_158 (a customer managed key
//! for log groups) on the function's log group, CKV2_AWS_11 (flow logs) on
//! the VPC. Under the hardened profile the same program would add one
//! access-log bucket, one log key and the VPC's flow logs.
//!
//! The seed's resources, with its logical ids where it states them
//! (`TransactionDataBucket`, `TransactionProcessorFunction`,
//! `CloudTrailLogsBucketPolicy`): the data key and its alias, the VPC (two
//! private subnets, their route tables and associations), the S3 and
//! DynamoDB gateway endpoints and the Secrets Manager interface endpoint
//! with its security group, the processor's security group, the secret, the
//! table, the processor with its role, policies and log group, the data
//! bucket and its policy, the permission that lets S3 invoke the processor,
//! the trail, its logs bucket and that bucket's policy. Added, each because
//! the system needs it to work as specified:
//! - `ProcessorFailures` (+ its TLS-only policy) and
//!   `TransactionProcessorFunctionEventInvokeConfig`: S3 invokes the
//!   processor asynchronously; Lambda retries a failed event twice, then
//!   sends it with its error to this queue (encrypted with the data key,
//!   kept 14 days) instead of dropping a transaction.
//! - `TransactionProcessorFunctionServiceRoleVpcAccessPolicy`: the five
//!   network-interface actions Lambda needs to run in the VPC.
//!
//! Egress without a lookup. The processor must reach three things: the
//! Secrets Manager interface endpoint (an address in the VPC), and S3 and
//! DynamoDB through their gateway endpoints (the services' public address
//! ranges, routed to the endpoints by the subnets' route tables). A
//! security-group rule can name those ranges only by the region's managed
//! prefix-list ids, which CloudFormation cannot look up (the earlier version
//! of this stack took them as two parameters, a manual step before every
//! deploy). The group therefore allows HTTPS (TCP 443) out to `0.0.0.0/0`
//! and nothing else, no ingress at all; it is no wider in effect than the
//! three named rules: the VPC has no internet gateway, NAT gateway, peering
//! or transit gateway, so its route tables carry only the local VPC route
//! and the two gateway-endpoint routes, and a packet to any other address
//! has nowhere to go. The Secrets Manager endpoint's group admits HTTPS
//! from the VPC CIDR only, as the spec asks. Data access is further bounded
//! by IAM: the role may read only the data bucket and the secret and write
//! only the table.
//!
//! Names: every physical name carries the environment suffix, roles and
//! security groups included; the two buckets' names add the account and the
//! region (bucket names are global): `txn-data-<suffix>-<account>-<region>`,
//! `txn-trail-logs-<suffix>-<account>-<region>` (short prefixes keep them
//! under S3's 63 characters with a 20-character suffix in any region).
//!
//! Decisions where the spec is silent, as a careful AWS engineer would take them:
//! - One customer managed key (`DataKey`, rotation on, alias) encrypts the
//!   bucket, the table, the secret, the failure queue and the trail; its
//!   policy lets the account root administer it and the S3, Lambda and
//!   CloudTrail service principals use it, each for this account only.
//! - The bucket's policy denies any upload that does not name SSE-KMS with
//!   that key, and any request over plain HTTP.
//! - The processor runs Python 3.12 in both private subnets, 512 MB, 60 s,
//!   its environment encrypted with the data key.
//! - The processor's configuration secret is JSON with a generated signing
//!   key; it is not rotated (no rotation function in the spec), said in its
//!   metadata.
//! - Wildcards, named as the conventions ask: the five network-interface
//!   actions Lambda needs in a VPC are on `*` in
//!   `TransactionProcessorFunctionServiceRoleVpcAccessPolicy` (EC2 offers no
//!   resource-level permission for them at create time); in the `DataKey`
//!   policy `"Resource": "*"` means the key itself, and its first statement
//!   is AWS's default key policy (the account root may `kms:*`), which
//!   delegates use to IAM.
//! - The trail logs S3 data events of the transaction bucket into its own
//!   bucket, encrypted with the key, and waits for that bucket's policy.
//! - Retain (compliance variant) on every stateful resource.

use cfnkit_constructs::cloudtrail::{ReadWrite, Trail};
use cfnkit_constructs::dynamodb::{Key, Table, TableAction, TableEncryption};
use cfnkit_constructs::ec2::{GatewayService, InterfaceEndpoint, InterfaceService, Peer, Port, SecurityGroup, Vpc};
use cfnkit_constructs::kms::Key as KmsKey;
use cfnkit_constructs::lambda::{AsyncConfig, Code, Destination, Function, Runtime, VpcPlacement};
use cfnkit_constructs::logs::Retention;
use cfnkit_constructs::s3::{Bucket, NotificationEvent, NotificationFilter, Rule, StorageClass};
use cfnkit_constructs::secretsmanager::{Password, Secret, SecretTemplate};
use cfnkit_constructs::sqs::{Queue, QueueEncryption};
use cfnkit_core::conventions::{Conventions, SecurityProfile};

use super::profiled;
use cfnkit_core::fns;
use cfnkit_core::token::Pseudo;
use cfnkit_core::tree::{Ack, App};
use cfnkit_core::units::{Duration, Size};

/// The handler, compiled by the tests with `python3 -m py_compile`.
pub const HANDLER_PY: &str = include_str!("transaction_pipeline.py");

/// The stack name.
pub const NAME: &str = "transaction-pipeline";

/// Adds the transaction-pipeline stack to `app`.
pub fn transaction_pipeline(app: &mut App) {
    transaction_pipeline_with_profile(app, SecurityProfile::Default);
}

/// Adds the stack to `app` under the given security profile (the
/// reference is the default one; the tests check both with the validators).
pub fn transaction_pipeline_with_profile(app: &mut App, profile: SecurityProfile) {
    let stack = app
        .stack(NAME)
        .region("us-east-1")
        .description("Secure financial transaction processing: S3 -> Lambda in a private VPC -> DynamoDB, with audit")
        .conventions(profiled(Conventions::tap("secure-transaction-processing").retain(), profile));
    let sfx = stack.suffix();

    let key = KmsKey::new("DataKey")
        .description("Encrypts transaction data, its configuration and its audit trail")
        .alias(sfx.format("alias/transaction-pipeline-{}"))
        .allow_service("s3.amazonaws.com")
        .allow_service("lambda.amazonaws.com")
        .add_to(stack);

    let vpc = Vpc::new("Vpc").max_azs(2).add_to(stack);
    vpc.add_gateway_endpoint(stack, "S3Endpoint", GatewayService::S3);
    vpc.add_gateway_endpoint(stack, "DynamoDbEndpoint", GatewayService::DynamoDb);
    let endpoint_sg = SecurityGroup::new(
        "SecretsManagerEndpointSecurityGroup",
        vpc,
        "Secrets Manager endpoint: HTTPS from the VPC only",
    )
    .name(sfx.name("transaction-secrets-endpoint-sg"))
    .allow_from(Peer::vpc_cidr(vpc), Port::tcp(443), "HTTPS from the VPC CIDR")
    .add_to(stack);
    InterfaceEndpoint::new("SecretsManagerEndpoint", vpc, InterfaceService::SecretsManager)
        .security_group(endpoint_sg)
        .add_to(stack);
    // No lookup: the route tables reach only the VPC and the two gateway endpoints (see the doc comment).
    let sg = SecurityGroup::new(
        "ProcessorSecurityGroup",
        vpc,
        "Transaction processor: HTTPS out, routable only to the VPC and its S3 and DynamoDB gateway endpoints",
    )
    .name(sfx.name("transaction-processor-sg"))
    .allow_to(
        Peer::cidr("0.0.0.0/0"),
        Port::tcp(443),
        "HTTPS; routes exist only to the VPC (Secrets Manager endpoint) and the S3 and DynamoDB gateway endpoints",
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

    let processor = Function::new("TransactionProcessorFunction", Runtime::Python312, Code::inline(HANDLER_PY))
        .name(sfx.name("transaction-processor"))
        .role_name(sfx.name("transaction-processor-role"))
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

    let bucket = Bucket::new("TransactionDataBucket")
        .name(fns::sub("txn-data-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"))
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

    let trail_bucket = Bucket::new("CloudTrailLogsBucket")
        .name(fns::sub("txn-trail-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"))
        .add_to(stack);
    let trail = Trail::new("AuditTrail", sfx.name("transaction-audit"))
        .bucket(trail_bucket)
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
