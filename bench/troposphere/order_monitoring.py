#!/usr/bin/env python3
"""order-monitoring (reference-stacks.md section 1) written with troposphere, for
the speed comparison in bench/compare.sh.

It mirrors src/reference/order_monitoring.rs resource for resource (the access
log bucket, the failure queue and the logs key included). troposphere has only
CloudFormation-level (L1) classes: the grants, the TLS-only policies and the
tags that cfnkit and aws-cdk-lib derive are written out by hand here, as a
troposphere user would. Faithful, not byte-equal.

Usage (with troposphere installed, see bench/compare.sh for the pinned version):
  python order_monitoring.py                  prints the template (to_json())
  python order_monitoring.py --quiet          builds and serializes, prints nothing
  python order_monitoring.py --iterations 50  times N in-process syntheses (a new
                                              Template each time, after one warm-up)
                                              and prints JSON
"""

import json
import os
import statistics
import sys
import time

from troposphere import (
    AWS_ACCOUNT_ID,
    AWS_REGION,
    Export,
    GetAtt,
    Output,
    Parameter,
    Ref,
    Sub,
    Tags,
    Template,
)
from troposphere import awslambda, cloudwatch, dynamodb, iam, kms, logs, s3, sns, sqs

# The same handler cfnkit embeds with include_str!.
with open(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "reference", "order_monitoring.js"),
    encoding="utf-8",
) as f:
    HANDLER_JS = f.read()

PURPOSE = "order-processing-monitoring"
DESTROY = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}


def name(prefix):
    return Sub(prefix + "-${EnvironmentSuffix}")


def tags():
    return Tags(Environment=Ref("EnvironmentSuffix"), Purpose=PURPOSE)


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_insecure(action, resource):
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def private_bucket(title, **props):
    return s3.Bucket(
        title,
        BucketEncryption=s3.BucketEncryption(
            ServerSideEncryptionConfiguration=[
                s3.ServerSideEncryptionRule(
                    ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
                )
            ]
        ),
        OwnershipControls=s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
        PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True, BlockPublicPolicy=True, IgnorePublicAcls=True, RestrictPublicBuckets=True
        ),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        Tags=tags(),
        **DESTROY,
        **props,
    )


def build():
    """Builds the order-monitoring template."""
    t = Template(Description="Order processing monitoring: DynamoDB stream -> Lambda -> S3 audit log and SNS alerts")
    t.set_version("2010-09-09")
    t.add_parameter(
        Parameter(
            "EnvironmentSuffix",
            Type="String",
            Description="Environment suffix appended to every physical resource name "
            "(lowercase letters, digits and hyphens)",
            Default="dev",
            AllowedPattern="^[a-z0-9-]+$",
            ConstraintDescription="lowercase letters, digits and hyphens only",
            MinLength=1,
            MaxLength=20,
        )
    )

    orders = t.add_resource(
        dynamodb.Table(
            "OrdersTable",
            TableName=name("orders"),
            AttributeDefinitions=[
                dynamodb.AttributeDefinition(AttributeName="orderId", AttributeType="S"),
                dynamodb.AttributeDefinition(AttributeName="timestamp", AttributeType="N"),
                dynamodb.AttributeDefinition(AttributeName="status", AttributeType="S"),
            ],
            KeySchema=[
                dynamodb.KeySchema(AttributeName="orderId", KeyType="HASH"),
                dynamodb.KeySchema(AttributeName="timestamp", KeyType="RANGE"),
            ],
            GlobalSecondaryIndexes=[
                dynamodb.GlobalSecondaryIndex(
                    IndexName="status-timestamp-index",
                    KeySchema=[
                        dynamodb.KeySchema(AttributeName="status", KeyType="HASH"),
                        dynamodb.KeySchema(AttributeName="timestamp", KeyType="RANGE"),
                    ],
                    Projection=dynamodb.Projection(ProjectionType="ALL"),
                )
            ],
            BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=False,
            PointInTimeRecoverySpecification=dynamodb.PointInTimeRecoverySpecification(
                PointInTimeRecoveryEnabled=True
            ),
            SSESpecification=dynamodb.SSESpecification(
                SSEEnabled=True, SSEType="KMS", KMSMasterKeyId="alias/aws/dynamodb"
            ),
            StreamSpecification=dynamodb.StreamSpecification(StreamViewType="NEW_AND_OLD_IMAGES"),
            Tags=tags(),
            **DESTROY,
        )
    )

    access_logs = t.add_resource(
        private_bucket(
            "AuditBucketAccessLogs",
            LifecycleConfiguration=s3.LifecycleConfiguration(
                Rules=[
                    s3.LifecycleRule(Id="ExpireAccessLogs", Status="Enabled", ExpirationInDays=365),
                    s3.LifecycleRule(
                        Id="ExpireNoncurrentAccessLogs",
                        Status="Enabled",
                        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=30),
                    ),
                ]
            ),
        )
    )
    access_logs_policy = t.add_resource(
        s3.BucketPolicy(
            "AuditBucketAccessLogsPolicy",
            Bucket=Ref(access_logs),
            PolicyDocument=policy(
                deny_insecure("s3:*", [GetAtt(access_logs, "Arn"), Sub("${AuditBucketAccessLogs.Arn}/*")]),
                {
                    "Sid": "AllowServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": Sub("${AuditBucketAccessLogs.Arn}/*"),
                    "Condition": {"StringEquals": {"aws:SourceAccount": Ref(AWS_ACCOUNT_ID)}},
                },
            ),
        )
    )
    audit = t.add_resource(
        private_bucket(
            "AuditBucket",
            LifecycleConfiguration=s3.LifecycleConfiguration(
                Rules=[
                    s3.LifecycleRule(
                        Id="TransitionToGlacier",
                        Status="Enabled",
                        Transitions=[s3.LifecycleRuleTransition(StorageClass="GLACIER", TransitionInDays=90)],
                    )
                ]
            ),
            LoggingConfiguration=s3.LoggingConfiguration(
                DestinationBucketName=Ref(access_logs), LogFilePrefix="access-logs/"
            ),
            DependsOn=[access_logs_policy],
        )
    )
    t.add_resource(
        s3.BucketPolicy(
            "AuditBucketPolicy",
            Bucket=Ref(audit),
            PolicyDocument=policy(deny_insecure("s3:*", [GetAtt(audit, "Arn"), Sub("${AuditBucket.Arn}/*")])),
        )
    )

    alerts = t.add_resource(
        sns.Topic(
            "AlertTopic",
            TopicName=name("order-alerts"),
            DisplayName="Order alerts",
            KmsMasterKeyId="alias/aws/sns",
            Tags=tags(),
        )
    )
    t.add_resource(
        sns.TopicPolicy(
            "AlertTopicPolicy",
            Topics=[Ref(alerts)],
            PolicyDocument=policy(
                deny_insecure("sns:Publish", Ref(alerts)),
                {
                    "Sid": "AllowCloudWatchAlarmsToPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": Ref(alerts),
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": Ref(AWS_ACCOUNT_ID)},
                        "ArnLike": {
                            "aws:SourceArn": Sub(
                                "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"
                            )
                        },
                    },
                },
            ),
        )
    )

    failures = t.add_resource(
        sqs.Queue(
            "AuditFailures",
            QueueName=name("order-audit-failures"),
            MessageRetentionPeriod=14 * 24 * 3600,
            SqsManagedSseEnabled=True,
            Tags=tags(),
            **DESTROY,
        )
    )
    t.add_resource(
        sqs.QueuePolicy(
            "AuditFailuresPolicy",
            Queues=[Ref(failures)],
            PolicyDocument=policy(deny_insecure("sqs:*", GetAtt(failures, "Arn"))),
        )
    )

    logs_key = t.add_resource(
        kms.Key(
            "LogsKey",
            Description="Encrypts the order audit function's logs",
            EnableKeyRotation=True,
            PendingWindowInDays=7,
            KeyPolicy=policy(
                {
                    "Sid": "AllowAccountRootToAdministerKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "AllowCloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": Sub("logs.${AWS::Region}.amazonaws.com")},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncryptFrom",
                        "kms:ReEncryptTo",
                        "kms:GenerateDataKey",
                        "kms:GenerateDataKeyWithoutPlaintext",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": Sub(
                                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
                            )
                        }
                    },
                },
            ),
            Tags=tags(),
            **DESTROY,
        )
    )
    t.add_resource(
        kms.Alias(
            "LogsKeyAlias",
            AliasName=Sub("alias/order-monitoring-logs-${EnvironmentSuffix}"),
            TargetKeyId=Ref(logs_key),
        )
    )

    role = t.add_resource(
        iam.Role(
            "AuditFunctionServiceRole",
            Description="Execution role of the function, with only the permissions it is granted",
            AssumeRolePolicyDocument=policy(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            Tags=tags(),
        )
    )
    log_group = t.add_resource(
        logs.LogGroup(
            "AuditFunctionLogGroup",
            LogGroupName=Sub("/aws/lambda/order-audit-${EnvironmentSuffix}"),
            RetentionInDays=30,
            KmsKeyId=GetAtt(logs_key, "Arn"),
            Tags=tags(),
            **DESTROY,
        )
    )
    # The grants: stream read, s3 put, sns publish (plus logs and the failure queue).
    role_policy = t.add_resource(
        iam.PolicyType(
            "AuditFunctionServiceRoleDefaultPolicy",
            PolicyName="AuditFunctionServiceRoleDefaultPolicy",
            Roles=[Ref(role)],
            PolicyDocument=policy(
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": GetAtt(log_group, "Arn"),
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams",
                    ],
                    "Resource": GetAtt(orders, "StreamArn"),
                },
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": GetAtt(failures, "Arn")},
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": Sub("${AuditBucket.Arn}/*")},
                {"Effect": "Allow", "Action": "sns:Publish", "Resource": Ref(alerts)},
            ),
        )
    )

    auditor = t.add_resource(
        awslambda.Function(
            "AuditFunction",
            FunctionName=name("order-audit"),
            Description="Writes each order change to the audit bucket and alerts on FAILED orders",
            Runtime="nodejs20.x",
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=HANDLER_JS),
            Timeout=60,
            MemorySize=256,
            Role=GetAtt(role, "Arn"),
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(log_group)),
            Environment=awslambda.Environment(
                Variables={"AUDIT_BUCKET_NAME": Ref(audit), "SNS_TOPIC_ARN": Ref(alerts)}
            ),
            Tags=tags(),
            DependsOn=[role_policy],
            Metadata={
                "cfn-lint": {"config": {"ignore_checks": ["W2531"]}},
                "checkov": {
                    "skip": [
                        {"id": "CKV_AWS_363", "comment": "the spec requires nodejs20.x"},
                        {"id": "CKV_AWS_116", "comment": "stream-invoked; failed records go to AuditFailures"},
                        {"id": "CKV_AWS_115", "comment": "concurrency bounded by the stream shards"},
                        {"id": "CKV_AWS_117", "comment": "reaches only public AWS endpoints"},
                        {"id": "CKV_AWS_173", "comment": "no secrets in the environment"},
                    ]
                },
            },
        )
    )
    t.add_resource(
        awslambda.EventSourceMapping(
            "AuditFunctionOrdersTableEventSource",
            FunctionName=Ref(auditor),
            EventSourceArn=GetAtt(orders, "StreamArn"),
            StartingPosition="TRIM_HORIZON",
            BatchSize=10,
            MaximumRetryAttempts=3,
            BisectBatchOnFunctionError=True,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            DestinationConfig=awslambda.DestinationConfig(
                OnFailure=awslambda.OnFailure(Destination=GetAtt(failures, "Arn"))
            ),
            Tags=tags(),
        )
    )

    def lambda_metric(query_id, metric_name):
        return cloudwatch.MetricDataQuery(
            Id=query_id,
            ReturnData=False,
            MetricStat=cloudwatch.MetricStat(
                Metric=cloudwatch.Metric(
                    Namespace="AWS/Lambda",
                    MetricName=metric_name,
                    Dimensions=[cloudwatch.MetricDimension(Name="FunctionName", Value=Ref(auditor))],
                ),
                Period=300,
                Stat="Sum",
            ),
        )

    t.add_resource(
        cloudwatch.Alarm(
            "ErrorRateAlarm",
            AlarmName=name("order-audit-error-rate"),
            AlarmDescription="Order audit function error rate above 5% over 5 minutes",
            ComparisonOperator="GreaterThanThreshold",
            Threshold=5,
            EvaluationPeriods=1,
            TreatMissingData="notBreaching",
            AlarmActions=[Ref(alerts)],
            Metrics=[
                cloudwatch.MetricDataQuery(
                    Id="expr", Expression="(errors / invocations) * 100", Label="Error rate (%)", ReturnData=True
                ),
                lambda_metric("errors", "Errors"),
                lambda_metric("invocations", "Invocations"),
            ],
            Tags=tags(),
        )
    )

    def export(title, value, description):
        t.add_output(
            Output(title, Description=description, Value=value, Export=Export(Sub("${AWS::StackName}-" + title)))
        )

    export("OrdersTableName", Ref(orders), "Name of the orders table")
    export("OrdersTableArn", GetAtt(orders, "Arn"), "ARN of the orders table")
    export("OrdersTableStreamArn", GetAtt(orders, "StreamArn"), "ARN of the orders table stream")
    export("AuditBucketName", Ref(audit), "Name of the audit log bucket")
    export("AlertTopicArn", Ref(alerts), "ARN of the order alert topic")
    export("AuditFunctionName", Ref(auditor), "Name of the audit function")
    export("AuditFunctionArn", GetAtt(auditor, "Arn"), "ARN of the audit function")
    export("StackRegion", Ref(AWS_REGION), "Region the stack is deployed in")
    return t


def synth():
    """Builds the template and serializes it, as one synthesis."""
    return build().to_json()


def main(argv):
    if "--iterations" in argv:
        i = argv.index("--iterations")
        n = int(argv[i + 1]) if i + 1 < len(argv) else 50
        synth()  # warm-up
        times = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            synth()
            times.append((time.perf_counter_ns() - t0) / 1e6)
        print(
            json.dumps(
                {
                    "tool": "troposphere",
                    "iterations": n,
                    "median_ms": statistics.median(times),
                    "min_ms": min(times),
                    "max_ms": max(times),
                }
            )
        )
    else:
        out = synth()
        if "--quiet" not in argv:
            print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
