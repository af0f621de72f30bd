/**
 * Dead letters: `npm run dlq -- list <queue>` shows each message in a dead-letter queue with the
 * reason headers; `npm run dlq -- replay <queue>` republishes each to its original exchange and
 * routing key and removes it from the queue only once the broker confirmed the republish.
 * Connects to `RABBITMQ_URL`.
 */
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { maskUrl } from '../config.js';
import { Header, withoutBrokerDeathHeaders } from '../headers.js';

const REASON_HEADERS = [
  Header.deadLetterReason,
  Header.error,
  Header.attempts,
  Header.originalExchange,
  Header.originalRoutingKey,
  Header.originalQueue,
  Header.deadLetteredBy,
  Header.deadLetteredAt,
];
/** Dead-letter bookkeeping that must not follow a replayed message back into its queue. */
const DROPPED_ON_REPLAY = [...REASON_HEADERS, Header.attempt, Header.lastError];
const BODY_PREVIEW_CHARS = 500;

async function main(argv: string[]): Promise<number> {
  const [command, queue] = argv;
  if ((command !== 'list' && command !== 'replay') || !queue) {
    console.error('usage: npm run dlq -- list <queue> | replay <queue>');
    return 2;
  }
  const url = process.env.RABBITMQ_URL ?? 'amqp://localhost:5672';
  let connection: ChannelModel;
  try {
    connection = await connect(url, { noDelay: true, clientProperties: { connection_name: `dlq-cli@${process.pid}` } });
  } catch (error) {
    console.error(`cannot connect to ${maskUrl(url)}: ${(error as Error).message}`);
    return 1;
  }
  try {
    const channel = await connection.createConfirmChannel();
    const { messageCount } = await channel.checkQueue(queue);
    const status = command === 'list' ? await list(channel, queue, messageCount) : await replay(channel, queue, messageCount);
    // amqplib sends connection.close ahead of frames still queued on a channel: close the channel first or the last acks are lost.
    await channel.close();
    return status;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Takes every message without acking it; closing the channel puts them all back in order. */
async function list(channel: ConfirmChannel, queue: string, count: number): Promise<number> {
  console.log(`${queue}: ${count} message(s)`);
  for (let i = 0; i < count; i++) {
    const message = await channel.get(queue, { noAck: false });
    if (!message) break;
    console.log(describeMessage(i + 1, message));
  }
  return 0;
}

async function replay(channel: ConfirmChannel, queue: string, count: number): Promise<number> {
  let replayed = 0;
  const skipped: GetMessage[] = [];
  for (let i = 0; i < count; i++) {
    const message = await channel.get(queue, { noAck: false });
    if (!message) break;
    const headers = message.properties.headers ?? {};
    const exchange = headers[Header.originalExchange];
    const routingKey = headers[Header.originalRoutingKey];
    if (typeof exchange !== 'string' || typeof routingKey !== 'string') {
      skipped.push(message); // held unacked, so the loop does not get it again
      console.error(`#${i + 1} ${message.properties.messageId ?? ''}: no original exchange/routing key, left in ${queue}`);
      continue;
    }
    try {
      await publishConfirmed(channel, exchange, routingKey, message);
    } catch (error) {
      skipped.push(message);
      console.error(`#${i + 1} ${message.properties.messageId ?? ''}: replay to ${exchange} / ${routingKey} failed (${(error as Error).message}), left in ${queue}`);
      continue;
    }
    channel.ack(message);
    replayed++;
  }
  for (const message of skipped) channel.nack(message, false, true);
  console.log(`${queue}: replayed ${replayed}, left ${skipped.length}`);
  return skipped.length === 0 ? 0 : 1;
}

function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, message: GetMessage): Promise<void> {
  const { properties } = message;
  const headers = withoutBrokerDeathHeaders(properties.headers ?? {});
  for (const name of DROPPED_ON_REPLAY) delete headers[name];
  const messageId: string = properties.messageId ?? randomUUID();
  return new Promise((resolve, reject) => {
    let returned = false;
    const onReturn = (back: { properties: { messageId?: unknown } }) => {
      if (back.properties.messageId === messageId) returned = true;
    };
    channel.on('return', onReturn);
    channel.publish(
      exchange,
      routingKey,
      message.content,
      {
        contentType: properties.contentType,
        correlationId: properties.correlationId,
        messageId,
        timestamp: properties.timestamp,
        type: properties.type,
        persistent: true,
        mandatory: true,
        headers,
      },
      (error: unknown) => {
        channel.off('return', onReturn);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else if (returned) reject(new Error('unroutable: no queue is bound for it'));
        else resolve();
      },
    );
  });
}

function describeMessage(position: number, message: GetMessage): string {
  const headers = message.properties.headers ?? {};
  const reasons = REASON_HEADERS.filter((name) => headers[name] !== undefined).map((name) => `  ${name}: ${String(headers[name])}`);
  const body = message.content.toString('utf8');
  return [
    `#${position} message_id=${message.properties.messageId ?? '-'} correlation_id=${message.properties.correlationId ?? '-'}`,
    ...reasons,
    `  body: ${body.length > BODY_PREVIEW_CHARS ? `${body.slice(0, BODY_PREVIEW_CHARS)}...` : body}`,
  ].join('\n');
}

process.exitCode = await main(process.argv.slice(2));
