#!/usr/bin/env node
// The scale app of bench/ written with aws-cdk-lib: STACKS stacks of GROUPS
// messaging groups, each a dead-letter queue, a queue redriving to it, a topic
// and a raw-delivery SQS subscription (CDK writes the queue policy letting the
// topic send). Queues use SSE-SQS and enforce TLS, like cfnkit's
// defaults; topics enforce TLS too.
//
// Usage (NODE_PATH must hold aws-cdk-lib and constructs):
//   node cdk_scale.js [--stacks N] [--groups G] [--out DIR] [--count]
'use strict';

const cdk = require('aws-cdk-lib');
const sns = require('aws-cdk-lib/aws-sns');
const subs = require('aws-cdk-lib/aws-sns-subscriptions');
const sqs = require('aws-cdk-lib/aws-sqs');

function arg(argv, name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}

function main(argv) {
  const stacks = Number(arg(argv, '--stacks', 100));
  const groups = Number(arg(argv, '--groups', 20));
  const outdir = arg(argv, '--out', process.env.CDK_OUTDIR || 'cdk-scale.out');
  const app = new cdk.App({ outdir });
  for (let s = 0; s < stacks; s++) {
    const stack = new cdk.Stack(app, `scale-${s}`, { env: { region: 'us-east-1' } });
    for (let g = 0; g < groups; g++) {
      const dlq = new sqs.Queue(stack, `Dlq${g}`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: cdk.Duration.days(14),
      });
      const queue = new sqs.Queue(stack, `Queue${g}`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      });
      const topic = new sns.Topic(stack, `Topic${g}`, { enforceSSL: true });
      topic.addSubscription(new subs.SqsSubscription(queue, { rawMessageDelivery: true }));
    }
  }
  const assembly = app.synth();
  if (argv.includes('--count')) {
    let n = 0;
    for (const st of assembly.stacks) n += Object.keys(st.template.Resources || {}).length;
    console.log(n);
  }
}

main(process.argv.slice(2));
