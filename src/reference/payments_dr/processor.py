"""Payment processor: queue messages or POST /process -> DynamoDB record + transaction notification."""
import json
import logging
import os
import time
from decimal import Decimal

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SNS = boto3.client("sns")
CLOUDWATCH = boto3.client("cloudwatch")


def process(payment):
    item = {
        "transaction_id": str(payment["transaction_id"]),
        "timestamp": int(time.time() * 1000),
        "customer_id": str(payment["customer_id"]),
        "amount": Decimal(str(payment["amount"])),
        "currency": str(payment.get("currency", "USD")),
        "status": "PROCESSED",
        "flagged_for_review": bool(payment.get("flagged_for_review", False)),
        "region": os.environ.get("AWS_REGION", ""),
    }
    TABLE.put_item(Item=item)
    SNS.publish(
        TopicArn=os.environ["TRANSACTION_TOPIC_ARN"],
        Subject="Payment processed",
        Message=json.dumps(item, default=str),
    )
    CLOUDWATCH.put_metric_data(
        Namespace=os.environ["METRIC_NAMESPACE"],
        MetricData=[{"MetricName": "ProcessedPayments", "Value": 1, "Unit": "Count"}],
    )
    LOG.info(json.dumps({"message": "payment processed", "transaction_id": item["transaction_id"]}))
    return item


def handler(event, context):
    if "Records" in event:  # SQS batch: report failures per message
        failures = []
        for record in event["Records"]:
            try:
                process(json.loads(record["body"]))
            except Exception as err:
                LOG.error(json.dumps({"message": "processing failed", "messageId": record["messageId"], "error": str(err)}))
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    try:
        item = process(json.loads(event.get("body") or "{}"))
    except (KeyError, ValueError) as err:
        return {"statusCode": 400, "body": json.dumps({"error": str(err)})}
    return {"statusCode": 200, "body": json.dumps({"transaction_id": item["transaction_id"], "status": "PROCESSED"})}
