// Order audit handler: DynamoDB stream -> S3 audit log + SNS alert on FAILED orders.
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const { unmarshall } = require('@aws-sdk/util-dynamodb');

const s3 = new S3Client({});
const sns = new SNSClient({});
const BUCKET = process.env.AUDIT_BUCKET_NAME;
const TOPIC = process.env.SNS_TOPIC_ARN;

exports.handler = async (event) => {
  const failures = [];
  for (const record of event.Records || []) {
    try {
      const image = record.dynamodb && record.dynamodb.NewImage
        ? unmarshall(record.dynamodb.NewImage)
        : unmarshall((record.dynamodb && record.dynamodb.OldImage) || {});
      const orderId = image.orderId;
      const timestamp = image.timestamp;
      if (orderId === undefined || timestamp === undefined) {
        console.warn(JSON.stringify({ msg: 'record without key', eventID: record.eventID }));
        continue;
      }
      const audit = {
        eventID: record.eventID,
        eventName: record.eventName,
        orderId,
        timestamp,
        newImage: record.dynamodb.NewImage ? unmarshall(record.dynamodb.NewImage) : null,
        oldImage: record.dynamodb.OldImage ? unmarshall(record.dynamodb.OldImage) : null,
        auditedAt: new Date().toISOString(),
      };
      await s3.send(new PutObjectCommand({
        Bucket: BUCKET,
        Key: `orders/${orderId}/${timestamp}.json`,
        Body: JSON.stringify(audit),
        ContentType: 'application/json',
      }));
      if (audit.newImage && audit.newImage.status === 'FAILED') {
        await sns.send(new PublishCommand({
          TopicArn: TOPIC,
          Subject: `Order ${orderId} failed`,
          Message: JSON.stringify({ orderId, timestamp, status: 'FAILED', eventName: record.eventName }),
        }));
      }
      console.log(JSON.stringify({ msg: 'audited', orderId, timestamp, eventName: record.eventName }));
    } catch (err) {
      console.error(JSON.stringify({ msg: 'audit failed', eventID: record.eventID, error: String(err) }));
      failures.push({ itemIdentifier: record.dynamodb && record.dynamodb.SequenceNumber });
    }
  }
  // Partial batch response: only the failed records are retried.
  return { batchItemFailures: failures };
};
