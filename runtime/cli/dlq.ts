/**
 * Dead letters: `npm run dlq -- list <queue>` shows each message in a dead-letter queue with the
 * reason headers; `npm run dlq -- replay <queue>` puts each back into the queue it failed in (see
 * `replay.ts`) and removes it only once the broker confirmed the republish. Connects the way the
 * runtime does (`RABBITMQ_URL`, TLS from `RABBITMQ_CA_FILE` / `RABBITMQ_CERT_FILE` /
 * `RABBITMQ_KEY_FILE`, the password masked in every message); warnings go to stderr.
 */
import type { ConfirmChannel, GetMessage } from 'amqplib';
import { resolveConfig } from '../config.js';
import type { ConnectionManager } from '../connection.js';
import { describeError } from '../errors.js';
import { DEAD_LETTER_HEADERS, Header } from '../headers.js';
import { undecodableHeaders } from '../header-frame-guard.js';
import { connectToBroker, explainBrokerError } from './broker-connection.js';
import { replay } from './replay.js';
import { CliError, ExitCode, runCli, UsageError } from './run-cli.js';

const LISTED_HEADERS = [
  ...DEAD_LETTER_HEADERS,
  Header.originalExchange,
  Header.originalRoutingKey,
  Header.originalUserId,
  Header.trimmedHeaders,
];
const BODY_PREVIEW_CHARS = 500;
/** A CLI gives up on an unreachable broker sooner than a service does. */
const CONNECT_TIMEOUT_MS = 10_000;
const DEAD_LETTER_SUFFIX = '.dlq';

const HELP = `usage: npm run dlq -- list <queue> | replay <queue>
  list <queue>    show each message of the dead-letter queue with why it was dead-lettered; takes nothing off it
  replay <queue>  put each message back into the queue it failed in, removing it only once the broker confirmed
<queue> is a dead-letter queue: the consumer queue's name plus ".dlq" (matching.user_events.dlq).
environment:
  RABBITMQ_URL        the broker (default amqp://localhost:5672, as the local guest user; a password is never printed)
  RABBITMQ_CA_FILE, RABBITMQ_CERT_FILE, RABBITMQ_KEY_FILE  TLS, as for the services
  LOG_LEVEL           connection warnings on stderr (default silent)
exit codes: 0 done, 1 a message could not be replayed (it stays in the queue) or the queue does not exist,
  2 bad usage, 3 the broker is unreachable or refused, or an unexpected error`;

async function main(argv: string[]): Promise<number> {
  const [command, queue, ...rest] = argv;
  if (command !== 'list' && command !== 'replay')
    throw new UsageError(command === undefined ? 'give a command: list or replay' : `unknown command "${command}"`);
  if (!queue || rest.length > 0)
    throw new UsageError(`${command} takes one queue, the dead-letter queue (e.g. matching.user_events.dlq)`);
  if (!queue.endsWith(DEAD_LETTER_SUFFIX)) {
    console.error(
      `hint: "${queue}" is not a dead-letter queue; the dead letters of a consumer queue are in "${queue}${DEAD_LETTER_SUFFIX}"`,
    );
  }
  let connection: ConnectionManager | undefined;
  try {
    const config = resolveConfig('dlq-cli', { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    connection = await connectToBroker(config);
    const channel = await connection.current!.createConfirmChannel();
    // A refused operation (no such queue) also rejects, and is reported from there; unheard, this event would take the connection down.
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(queue).catch((error: unknown) => {
      throw isNotFound(error)
        ? new CliError(
            `queue "${queue}" does not exist`,
            `dead-letter queues are named after their consumer queue plus "${DEAD_LETTER_SUFFIX}"; check the name and RABBITMQ_URL's vhost`,
          )
        : error;
    });
    const work =
      command === 'list' ? list(channel, queue, messageCount) : replayAll(channel, queue, messageCount, config.user);
    const status = await work.catch((error: unknown) => {
      // The broker closed the channel mid-way (a refused replay): what was not taken off stays in the queue.
      throw new CliError(
        `${command} of "${queue}" stopped: ${describeError(error)}`,
        'nothing is lost: every message not yet listed or replayed stays in the queue',
        ExitCode.failed,
      );
    });
    // amqplib sends connection.close ahead of frames still queued on a channel: close the channel first or the last acks are lost.
    await channel.close();
    return status;
  } finally {
    await connection?.close();
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 404;
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

async function replayAll(
  channel: ConfirmChannel,
  queue: string,
  count: number,
  user: string | undefined,
): Promise<number> {
  const { replayed, left } = await replay(channel, queue, count, user);
  console.log(`${queue}: replayed ${replayed}, left ${left}`);
  return left === 0 ? 0 : 1;
}

function describeMessage(position: number, message: GetMessage): string {
  const headers = message.properties.headers ?? {};
  const reasons = LISTED_HEADERS.filter((name) => headers[name] !== undefined).map(
    (name) => `  ${name}: ${String(headers[name])}`,
  );
  const headersDropped = undecodableHeaders(message.properties);
  if (headersDropped) reasons.push(`  headers left out: ${headersDropped}`);
  const body = message.content.toString('utf8');
  return [
    `#${position} message_id=${message.properties.messageId ?? '-'} correlation_id=${message.properties.correlationId ?? '-'} user_id=${message.properties.userId ?? '-'}`,
    ...reasons,
    `  body: ${body.length > BODY_PREVIEW_CHARS ? `${body.slice(0, BODY_PREVIEW_CHARS)}...` : body}`,
  ].join('\n');
}

runCli({ name: 'dlq', help: HELP, main, explain: explainBrokerError });
