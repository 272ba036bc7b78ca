"""Transaction processor: S3 upload -> validate -> DynamoDB, inside a private VPC."""
import json
import logging
import os
import urllib.parse
from decimal import Decimal

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
S3 = boto3.client("s3")
SECRETS = boto3.client("secretsmanager")
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
_CONFIG = None


def log(level, message, **fields):
    LOG.log(level, json.dumps({"message": message, **fields}, default=str))


def config():
    """Reads the processor configuration from Secrets Manager once per container."""
    global _CONFIG
    if _CONFIG is None:
        secret = SECRETS.get_secret_value(SecretId=os.environ["CONFIG_SECRET_ARN"])
        _CONFIG = json.loads(secret["SecretString"])
    return _CONFIG


def handler(event, context):
    settings = config()
    max_amount = Decimal(str(settings.get("maxAmount", "1000000")))
    processed = 0
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        try:
            head = S3.head_object(Bucket=bucket, Key=key)
            body = S3.get_object(Bucket=bucket, Key=key)["Body"].read()
            transaction = json.loads(body, parse_float=Decimal, parse_int=Decimal)
            amount = Decimal(str(transaction.get("amount", "0")))
            if amount <= 0 or amount > max_amount:
                log(logging.WARNING, "transaction rejected", key=key, amount=amount)
                continue
            item = {
                "transactionId": str(transaction["transactionId"]),
                "timestamp": Decimal(str(transaction.get("timestamp", 0))),
                "amount": amount,
                "sourceBucket": bucket,
                "sourceKey": key,
                "versionId": head.get("VersionId", "null"),
                "encryption": head.get("ServerSideEncryption", "none"),
                "kmsKeyId": head.get("SSEKMSKeyId", ""),
                "payload": transaction,
            }
            TABLE.put_item(Item=item)
            processed += 1
            log(logging.INFO, "transaction stored", transactionId=item["transactionId"], key=key)
        except Exception as err:  # one bad object must not hide the others
            log(logging.ERROR, "transaction failed", key=key, error=str(err))
            raise
    return {"processed": processed}
