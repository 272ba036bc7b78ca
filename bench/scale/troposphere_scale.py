#!/usr/bin/env python3
"""The scale app of bench/ written with troposphere: STACKS stacks of GROUPS
messaging groups, each a dead-letter queue, a queue redriving to it, a topic
and a raw-delivery SQS subscription, with the same resources cfnkit writes
for them by default (queue and topic policies denying insecure transport, the
queue policy statement letting the topic send, AWS managed keys). One
template per stack, written to OUT/scale-N.template.json like a cloud assembly.

Usage: python troposphere_scale.py [--stacks N] [--groups G] [--out DIR] [--count]
"""

import json
import os
import sys

from troposphere import GetAtt, Ref, Template
from troposphere import sns, sqs


def deny_insecure(action, resource):
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
SSE_SQS_SKIP = {
    "checkov": {
        "skip": [
            {
                "id": "CKV_AWS_27",
                "comment": "encrypted at rest with SSE-SQS (SqsManagedSseEnabled), as chosen; "
                "checkov only recognises KMS encryption (KmsMasterKeyId)",
            }
        ]
    }
}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def stack(groups):
    t = Template()
    for g in range(groups):
        dlq = t.add_resource(
            sqs.Queue(
                f"Dlq{g}",
                MessageRetentionPeriod=1209600,
                SqsManagedSseEnabled=True,
                Metadata=SSE_SQS_SKIP,
                **RETAIN,
            )
        )
        t.add_resource(
            sqs.QueuePolicy(
                f"Dlq{g}Policy",
                PolicyDocument=policy(deny_insecure("sqs:*", GetAtt(dlq, "Arn"))),
                Queues=[Ref(dlq)],
            )
        )
        queue = t.add_resource(
            sqs.Queue(
                f"Queue{g}",
                SqsManagedSseEnabled=True,
                RedrivePolicy=sqs.RedrivePolicy(deadLetterTargetArn=GetAtt(dlq, "Arn"), maxReceiveCount=5),
                Metadata=SSE_SQS_SKIP,
                **RETAIN,
            )
        )
        topic = t.add_resource(sns.Topic(f"Topic{g}", KmsMasterKeyId="alias/aws/sns"))
        queue_policy = t.add_resource(
            sqs.QueuePolicy(
                f"Queue{g}Policy",
                PolicyDocument=policy(
                    deny_insecure("sqs:*", GetAtt(queue, "Arn")),
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": GetAtt(queue, "Arn"),
                        "Condition": {"ArnEquals": {"aws:SourceArn": Ref(topic)}},
                    },
                ),
                Queues=[Ref(queue)],
            )
        )
        t.add_resource(
            sns.TopicPolicy(
                f"Topic{g}Policy",
                PolicyDocument=policy(deny_insecure("sns:Publish", Ref(topic))),
                Topics=[Ref(topic)],
            )
        )
        t.add_resource(
            sns.SubscriptionResource(
                f"Sub{g}",
                Protocol="sqs",
                Endpoint=GetAtt(queue, "Arn"),
                TopicArn=Ref(topic),
                RawMessageDelivery=True,
                DependsOn=[queue_policy],
            )
        )
    return t


def main(argv):
    stacks, groups, out, count = 100, 20, "troposphere.out", False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--stacks", "--groups", "--out"):
            v = argv[i + 1]
            if a == "--stacks":
                stacks = int(v)
            elif a == "--groups":
                groups = int(v)
            else:
                out = v
            i += 2
        elif a == "--count":
            count = True
            i += 1
        else:
            sys.exit(f"troposphere_scale.py: unknown argument {a!r}")
    total = 0
    os.makedirs(out, exist_ok=True)
    for s in range(stacks):
        t = stack(groups)
        if count:
            total += len(t.resources)
            continue
        with open(os.path.join(out, f"scale-{s}.template.json"), "w", encoding="utf-8") as f:
            f.write(t.to_json())
    if count:
        print(total)


if __name__ == "__main__":
    main(sys.argv[1:])
