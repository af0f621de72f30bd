/**
 * Dead letters: `npm run dlq -- list <queue>` shows each message in a dead-letter queue with the
 * reason headers; `npm run dlq -- replay <queue>` puts each back into the queue it failed in (see
 * `replay.ts`) and removes it only once the broker confirmed the republish. Connects the way the
 * runtime does (`RABBITMQ_URL`, TLS from `RABBITMQ_CA_FILE` / `RABBITMQ_CERT_FILE` /
 * `RABBITMQ_KEY_FILE`, the password masked in every message); warnings go to stderr.
 */
import type { ConfirmChannel, GetMessage } from 'amqplib';
import { pino } from 'pino';
import { resolveConfig, type RuntimeConfig } from '../config.js';
import { identityOf } from '../origin.js';
import { ConnectionManager } from '../connection.js';
import { describe } from '../errors.js';
import { DEAD_LETTER_HEADERS, Header } from '../headers.js';
import { replay } from './replay.js';

const LISTED_HEADERS = [...DEAD_LETTER_HEADERS, Header.originalExchange, Header.originalRoutingKey, Header.originalUserId, Header.trimmedHeaders];
const BODY_PREVIEW_CHARS = 500;
/** A CLI gives up on an unreachable broker sooner than a service does. */
const CONNECT_TIMEOUT_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const [command, queue] = argv;
  if ((command !== 'list' && command !== 'replay') || !queue) {
    console.error('usage: npm run dlq -- list <queue> | replay <queue>');
    return 2;
  }
  let connection: ConnectionManager | undefined;
  try {
    const config = resolveConfig('dlq-cli', { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    connection = await connectToBroker(config);
    const channel = await connection.current!.createConfirmChannel();
    // A refused operation (no such queue) also rejects, and is reported from there; unheard, this event would take the connection down.
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(queue);
    const status = command === 'list' ? await list(channel, queue, messageCount) : await replayAll(channel, queue, messageCount, identityOf(config.endpoints[0]!.url, 'dlq-cli').user);
    // amqplib sends connection.close ahead of frames still queued on a channel: close the channel first or the last acks are lost.
    await channel.close();
    return status;
  } catch (error) {
    console.error(describe(error));
    return 1;
  } finally {
    await connection?.close();
  }
}

/** The runtime's connection (config resolution, TLS, masking) with nothing to set up on it. */
async function connectToBroker(config: RuntimeConfig): Promise<ConnectionManager> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const connection = new ConnectionManager(config, logger, { role: 'cli', setup: async () => undefined });
  await connection.start();
  return connection;
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

async function replayAll(channel: ConfirmChannel, queue: string, count: number, user: string | undefined): Promise<number> {
  const { replayed, left } = await replay(channel, queue, count, user);
  console.log(`${queue}: replayed ${replayed}, left ${left}`);
  return left === 0 ? 0 : 1;
}

function describeMessage(position: number, message: GetMessage): string {
  const headers = message.properties.headers ?? {};
  const reasons = LISTED_HEADERS.filter((name) => headers[name] !== undefined).map((name) => `  ${name}: ${String(headers[name])}`);
  const body = message.content.toString('utf8');
  return [
    `#${position} message_id=${message.properties.messageId ?? '-'} correlation_id=${message.properties.correlationId ?? '-'} user_id=${message.properties.userId ?? '-'}`,
    ...reasons,
    `  body: ${body.length > BODY_PREVIEW_CHARS ? `${body.slice(0, BODY_PREVIEW_CHARS)}...` : body}`,
  ].join('\n');
}

process.exitCode = await main(process.argv.slice(2));
