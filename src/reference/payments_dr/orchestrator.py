"""Failover orchestrator: alarm notifications from the ops topic -> failover decision metric."""
import json
import logging
import os

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
CLOUDWATCH = boto3.client("cloudwatch")


def handler(event, context):
    decisions = 0
    for record in event.get("Records", []):
        try:
            alarm = json.loads(record["Sns"]["Message"])
        except (KeyError, json.JSONDecodeError) as err:
            LOG.warning(json.dumps({"message": "not an alarm notification", "error": str(err)}))
            continue
        state = alarm.get("NewStateValue")
        name = alarm.get("AlarmName", "unknown")
        failover = 1 if state == "ALARM" else 0
        CLOUDWATCH.put_metric_data(
            Namespace=os.environ["METRIC_NAMESPACE"],
            MetricData=[{
                "MetricName": "FailoverTriggered",
                "Value": failover,
                "Unit": "Count",
                "Dimensions": [{"Name": "SecondaryRegion", "Value": os.environ["SECONDARY_REGION"]}],
            }],
        )
        decisions += 1
        LOG.info(json.dumps({
            "message": "failover evaluated",
            "alarm": name,
            "state": state,
            "failover": bool(failover),
            "primary": os.environ["PRIMARY_REGION"],
            "secondary": os.environ["SECONDARY_REGION"],
        }))
    return {"evaluated": decisions}
