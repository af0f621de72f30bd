/**
 * A peer publishes a user event whose header table is nested 8,000 levels deep (56 KB, within the
 * broker's frame_max; RabbitMQ passes it) among ordinary user events to matching-service's queue,
 * with no operator policy on the vhost. amqplib alone overflows its stack decoding that header and
 * closes the consume connection, and the redelivered message closes every new one. matching-service
 * (a real process) must dead-letter it with the reason, handle every other event, and keep the one
 * consume connection it started with.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import { ServiceProcess, type LogLine } from '../../demo/service-process.js';
import { createTestVhost, getMessages, queueState, type BrokerMessage, type TestVhost } from '../support/broker.js';
import { OVERFLOWING_DEPTH, OVERFLOW_REASON, publishWithNestedHeader } from '../support/deep-header.js';

const USER_EVENTS_QUEUE = 'matching.user_events';
const DEAD_LETTER_QUEUE = 'matching.user_events.dlq';
const CONSUME_CONNECTION = 'matching-service@matching/consume';
/** Ordinary user events published before the deep one, and as many after it. */
const EVENTS_AROUND = 20;

let vhost: TestVhost;
let dataDir: string;
let matching: ServiceProcess;
let raw: ChannelModel;
const lines: LogLine[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('fault-deep-headers');
  dataDir = await mkdtemp(join(tmpdir(), 'deep-headers-'));
  matching = await ServiceProcess.start({
    name: 'matching-service',
    instanceId: 'matching',
    rabbitmqUrl: vhost.url,
    dataDir,
    onLine: (line) => lines.push(line),
  });
  raw = await connect(vhost.url);
}, 60_000);

afterAll(async () => {
  await raw?.close();
  await matching?.stop();
  await vhost?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function userCreated(userId: string): {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: { messageId: string; contentType: string };
} {
  const event = {
    user_id: userId,
    username: `user-${userId.slice(0, 8)}`,
    email: `${userId.slice(0, 8)}@example.com`,
    timestamp: new Date().toISOString(),
  };
  return {
    exchange: 'user.events',
    routingKey: 'user.created',
    content: Buffer.from(JSON.stringify(event)),
    options: { messageId: userId, contentType: 'application/json' },
  };
}

function publishUsers(channel: ConfirmChannel, userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    const { exchange, routingKey, content, options } = userCreated(userId);
    channel.publish(exchange, routingKey, content, options);
  }
  return channel.waitForConfirms();
}

/** The consume connection's log lines saying it (re)connected or was lost. */
function consumeConnectionEvents(): string[] {
  return lines
    .filter((line) => line.connection === CONSUME_CONNECTION && /connected to broker|connection lost/.test(line.msg))
    .map((line) => line.msg);
}

it('dead-letters a message whose headers nest too deep to decode, and matching-service consumes on, on the same connection', async () => {
  const before = Array.from({ length: EVENTS_AROUND }, () => randomUUID());
  const after = Array.from({ length: EVENTS_AROUND }, () => randomUUID());
  const channel = await raw.createConfirmChannel();

  await publishUsers(channel, before);
  const deep = userCreated(randomUUID());
  await publishWithNestedHeader(
    raw,
    channel,
    { ...deep, options: { ...deep.options, messageId: 'deep-headers' } },
    'x-peer-nesting',
    OVERFLOWING_DEPTH,
  );
  await publishUsers(channel, after);

  let dead: BrokerMessage[] = [];
  await poll(
    async () => ((dead = await getMessages(vhost.name, DEAD_LETTER_QUEUE, 1)).length === 1 ? true : undefined),
    'the deep-header message in the dead-letter queue',
  );
  expect(dead[0]?.properties.message_id).toBe('deep-headers');
  expect(dead[0]?.properties.headers).toMatchObject({
    'x-dead-letter-reason': 'undecodable_headers',
    'x-error': OVERFLOW_REASON,
    'x-dead-lettered-by': 'matching-service',
    'x-original-queue': USER_EVENTS_QUEUE,
  });
  expect(dead[0]?.properties.headers).not.toHaveProperty('x-peer-nesting');

  for (const userId of [...before, ...after]) {
    await poll(
      async () => ((await request('GET', matching.url(`/profiles/${userId}`))).status === 200 ? true : undefined),
      `matching-service's profile of user ${userId}`,
    );
  }
  expect(await queueState(vhost.name, USER_EVENTS_QUEUE)).toMatchObject({ messages: 0, consumers: 1 });
  expect(consumeConnectionEvents()).toEqual(['connected to broker']);
}, 90_000);
