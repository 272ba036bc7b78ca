#!/usr/bin/env node
// order-monitoring (reference-stacks.md section 1) written with aws-cdk-lib, for
// the speed comparison in bench/compare.sh. Plain JavaScript, no compile step.
//
// It mirrors src/reference/order_monitoring.rs resource for resource (the access
// log bucket, the failure queue and the logs key included) with the constructs an
// AWS CDK user would reach for; it is faithful but not byte-equal (CDK adds its
// own extras: the BootstrapVersion parameter and rule, CDKMetadata, wider grants).
//
// Usage (NODE_PATH must point at a node_modules holding aws-cdk-lib and constructs):
//   node order_monitoring.js                  one synthesis into CDK_OUTDIR (or a temp
//                                             dir, removed afterwards); prints the template
//   node order_monitoring.js --quiet          the same, printing nothing
//   node order_monitoring.js --iterations 50  times N in-process syntheses (a new App each
//                                             time, after one warm-up) and prints JSON
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const { Construct } = require('constructs');
const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
const cwActions = require('aws-cdk-lib/aws-cloudwatch-actions');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const lambda = require('aws-cdk-lib/aws-lambda');
const sources = require('aws-cdk-lib/aws-lambda-event-sources');
const logs = require('aws-cdk-lib/aws-logs');
const s3 = require('aws-cdk-lib/aws-s3');
const sns = require('aws-cdk-lib/aws-sns');
const sqs = require('aws-cdk-lib/aws-sqs');

const { Duration, Fn, RemovalPolicy } = cdk;

// The same handler cfnkit embeds with include_str!.
const HANDLER_JS = fs.readFileSync(
  path.join(__dirname, '..', '..', 'src', 'reference', 'order_monitoring.js'),
  'utf8',
);

class OrderMonitoringStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const suffix = new cdk.CfnParameter(this, 'EnvironmentSuffix', {
      type: 'String',
      description:
        'Environment suffix appended to every physical resource name (lowercase letters, digits and hyphens)',
      default: 'dev',
      allowedPattern: '^[a-z0-9-]+$',
      constraintDescription: 'lowercase letters, digits and hyphens only',
      minLength: 1,
      maxLength: 20,
    });
    const name = (prefix) => Fn.sub(`${prefix}-\${EnvironmentSuffix}`);
    cdk.Tags.of(this).add('Environment', suffix.valueAsString);
    cdk.Tags.of(this).add('Purpose', 'order-processing-monitoring');

    const orders = new dynamodb.Table(this, 'OrdersTable', {
      tableName: name('orders'),
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'timestamp', type: dynamodb.AttributeType.NUMBER },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    orders.addGlobalSecondaryIndex({
      indexName: 'status-timestamp-index',
      partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'timestamp', type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    const privateBucket = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.DESTROY,
    };
    const accessLogs = new s3.Bucket(this, 'AuditBucketAccessLogs', {
      ...privateBucket,
      lifecycleRules: [
        { id: 'ExpireAccessLogs', expiration: Duration.days(365) },
        { id: 'ExpireNoncurrentAccessLogs', noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    const audit = new s3.Bucket(this, 'AuditBucket', {
      ...privateBucket,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'access-logs/',
      lifecycleRules: [
        {
          id: 'TransitionToGlacier',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
          ],
        },
      ],
    });

    const alerts = new sns.Topic(this, 'AlertTopic', {
      topicName: name('order-alerts'),
      displayName: 'Order alerts',
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    const failures = new sqs.Queue(this, 'AuditFailures', {
      queueName: name('order-audit-failures'),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const logsKey = new kms.Key(this, 'LogsKey', {
      description: "Encrypts the order audit function's logs",
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      alias: Fn.sub('alias/order-monitoring-logs-${EnvironmentSuffix}'),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(Fn.sub('logs.${AWS::Region}.amazonaws.com'))],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Fn.sub(
              'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
            ),
          },
        },
      }),
    );

    const logGroup = new logs.LogGroup(this, 'AuditFunctionLogGroup', {
      logGroupName: Fn.sub('/aws/lambda/order-audit-${EnvironmentSuffix}'),
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: logsKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Basic execution scoped to the function's own log group, as cfnkit does,
    // instead of the managed AWSLambdaBasicExecutionRole.
    const role = new iam.Role(this, 'AuditFunctionServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the function, with only the permissions it is granted',
    });
    logGroup.grant(role, 'logs:CreateLogStream', 'logs:PutLogEvents');

    const auditor = new lambda.Function(this, 'AuditFunction', {
      functionName: name('order-audit'),
      description: 'Writes each order change to the audit bucket and alerts on FAILED orders',
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER_JS),
      timeout: Duration.seconds(60),
      memorySize: 256,
      role,
      logGroup,
      environment: {
        AUDIT_BUCKET_NAME: audit.bucketName,
        SNS_TOPIC_ARN: alerts.topicArn,
      },
    });
    const fnResource = auditor.node.defaultChild;
    fnResource.cfnOptions.metadata = {
      'cfn-lint': { config: { ignore_checks: ['W2531'] } },
      checkov: {
        skip: [
          { id: 'CKV_AWS_363', comment: 'the spec requires nodejs20.x' },
          { id: 'CKV_AWS_116', comment: 'stream-invoked; failed records go to AuditFailures' },
          { id: 'CKV_AWS_115', comment: 'concurrency bounded by the stream shards' },
          { id: 'CKV_AWS_117', comment: 'reaches only public AWS endpoints' },
          { id: 'CKV_AWS_173', comment: 'no secrets in the environment' },
        ],
      },
    };

    auditor.addEventSource(
      new sources.DynamoEventSource(orders, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: 3,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(failures),
      }),
    );

    orders.grantStreamRead(auditor);
    audit.grantPut(auditor);
    alerts.grantPublish(auditor);

    const period = Duration.minutes(5);
    const errorRate = new cloudwatch.MathExpression({
      expression: '(errors / invocations) * 100',
      usingMetrics: {
        errors: auditor.metricErrors({ statistic: 'Sum', period }),
        invocations: auditor.metricInvocations({ statistic: 'Sum', period }),
      },
      period,
      label: 'Error rate (%)',
    });
    const alarm = new cloudwatch.Alarm(this, 'ErrorRateAlarm', {
      alarmName: name('order-audit-error-rate'),
      alarmDescription: 'Order audit function error rate above 5% over 5 minutes',
      metric: errorRate,
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(alerts));
    // CloudWatch may publish to the topic (cfnkit adds this statement itself).
    alerts.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alerts.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': cdk.Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': Fn.sub(
              'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*',
            ),
          },
        },
      }),
    );

    const exportValue = (id, value, description) =>
      new cdk.CfnOutput(this, id, {
        value,
        description,
        exportName: Fn.sub(`\${AWS::StackName}-${id}`),
      });
    exportValue('OrdersTableName', orders.tableName, 'Name of the orders table');
    exportValue('OrdersTableArn', orders.tableArn, 'ARN of the orders table');
    exportValue('OrdersTableStreamArn', orders.tableStreamArn, 'ARN of the orders table stream');
    exportValue('AuditBucketName', audit.bucketName, 'Name of the audit log bucket');
    exportValue('AlertTopicArn', alerts.topicArn, 'ARN of the order alert topic');
    exportValue('AuditFunctionName', auditor.functionName, 'Name of the audit function');
    exportValue('AuditFunctionArn', auditor.functionArn, 'ARN of the audit function');
    exportValue('StackRegion', cdk.Aws.REGION, 'Region the stack is deployed in');
  }
}

const STACK = 'order-monitoring';

/** Builds the app and synthesizes it into `outdir`; returns the cloud assembly. */
function synth(outdir) {
  // `cdk init` writes this feature flag (among the recommended ones) into cdk.json;
  // without it a bucket cannot receive server access logs with BucketOwnerEnforced.
  const app = new cdk.App({
    outdir,
    context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true },
  });
  new OrderMonitoringStack(app, STACK, {
    env: { region: 'ap-southeast-1' },
    description:
      'Order processing monitoring: DynamoDB stream -> Lambda -> S3 audit log and SNS alerts',
  });
  return app.synth();
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(argv) {
  const i = argv.indexOf('--iterations');
  const own = !process.env.CDK_OUTDIR;
  const outdir = process.env.CDK_OUTDIR || fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-bench-'));
  try {
    if (i >= 0) {
      const n = Number(argv[i + 1] || 50);
      synth(outdir); // warm-up: module loading and JIT are not what is measured
      const times = [];
      for (let k = 0; k < n; k++) {
        const t0 = process.hrtime.bigint();
        synth(outdir);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      process.stdout.write(
        JSON.stringify({
          tool: 'aws-cdk-lib',
          iterations: n,
          median_ms: median(times),
          min_ms: Math.min(...times),
          max_ms: Math.max(...times),
        }) + '\n',
      );
    } else {
      const assembly = synth(outdir);
      if (!argv.includes('--quiet')) {
        const stack = assembly.getStackByName(STACK);
        process.stdout.write(JSON.stringify(stack.template, null, 1) + '\n');
      }
    }
  } finally {
    if (own) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
