// Order processor: SQS -> validate and process -> DynamoDB status record, with partial batch failures.
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

function log(level, message, fields) {
  console[level](JSON.stringify({ level, message, ...fields }));
}

async function record(orderId, status, detail) {
  await db.send(new PutCommand({
    TableName: TABLE,
    Item: { orderId, processedAt: Date.now(), status, detail },
  }));
}

function validate(order) {
  if (!order || typeof order.orderId !== 'string' || order.orderId.length === 0) {
    throw new Error('orderId is required');
  }
  if (!Array.isArray(order.items) || order.items.length === 0) {
    throw new Error('an order needs at least one item');
  }
  const total = order.items.reduce((sum, i) => sum + Number(i.price) * Number(i.quantity), 0);
  if (!(total > 0)) {
    throw new Error('order total must be positive');
  }
  return total;
}

exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const message of event.Records || []) {
    let order;
    try {
      order = JSON.parse(message.body);
      const total = validate(order);
      await record(order.orderId, 'PROCESSED', `total ${total.toFixed(2)}`);
      log('info', 'order processed', { orderId: order.orderId, messageId: message.messageId, total });
    } catch (err) {
      log('error', 'order failed', { messageId: message.messageId, orderId: order && order.orderId, error: err.message });
      try {
        if (order && order.orderId) {
          await record(order.orderId, 'FAILED', err.message);
        }
      } catch (writeErr) {
        log('error', 'could not record failure', { messageId: message.messageId, error: writeErr.message });
      }
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
};
