"""Payment validator: POST /validate -> checks -> queue for processing, with a custom metric."""
import json
import logging
import os
from decimal import Decimal, InvalidOperation

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
SQS = boto3.client("sqs")
CLOUDWATCH = boto3.client("cloudwatch")
REQUIRED = ("transaction_id", "customer_id", "amount", "currency")
REVIEW_THRESHOLD = Decimal("10000")


def respond(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def metric(name, value=1):
    CLOUDWATCH.put_metric_data(
        Namespace=os.environ["METRIC_NAMESPACE"],
        MetricData=[{"MetricName": name, "Value": value, "Unit": "Count"}],
    )


def handler(event, context):
    try:
        payment = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        metric("InvalidPayments")
        return respond(400, {"error": "body is not JSON"})
    missing = [f for f in REQUIRED if f not in payment]
    if missing:
        metric("InvalidPayments")
        return respond(400, {"error": "missing fields", "fields": missing})
    try:
        amount = Decimal(str(payment["amount"]))
    except InvalidOperation:
        metric("InvalidPayments")
        return respond(400, {"error": "amount is not a number"})
    if amount <= 0:
        metric("InvalidPayments")
        return respond(400, {"error": "amount must be positive"})
    flagged = amount > REVIEW_THRESHOLD
    payment["flagged_for_review"] = flagged
    try:
        SQS.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(payment))
    except Exception as err:
        LOG.error(json.dumps({"message": "enqueue failed", "error": str(err)}))
        return respond(500, {"error": "could not queue the payment"})
    metric("ValidatedPayments")
    if flagged:
        metric("FlaggedPayments")
    LOG.info(json.dumps({"message": "payment validated", "transaction_id": payment["transaction_id"], "flagged": flagged}))
    return respond(202, {"transaction_id": payment["transaction_id"], "flagged_for_review": flagged})
