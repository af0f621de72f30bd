/**
 * A poison message with a header table of about 64 KB lands in matching-service's queue: not JSON,
 * so it is dead-lettered, and the dead-letter headers we add push the table past what amqplib can
 * encode. matching-service (a real process) must dead-letter it with the peer's largest header
 * trimmed and go on publishing: its next events are confirmed (the HTTP request that publishes
 * answers 201, not 503 after a confirm timeout) and consumed, and it keeps consuming user events.
 */
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { expectStatus, request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import type { User } from '../../services/user-service/users.js';
import { createTestVhost, getMessages, queueState, type BrokerMessage, type TestVhost } from '../support/broker.js';

const USER_EVENTS_QUEUE = 'matching.user_events';
const DEAD_LETTER_QUEUE = 'matching.user_events.dlq';
/** With the headers dead-lettering adds, past amqplib's 65,536-byte limit for a header table. */
const PEER_HEADER_BYTES = 65_300;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let vhost: TestVhost;
let cluster: Cluster;
let raw: ChannelModel;
const tapped: ConsumeMessage[] = [];

async function signUp(username: string): Promise<User> {
  const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
    username,
    email: `${username}@example.com`,
  });
  const matching = cluster.instance('matching');
  await poll(
    async () => ((await request('GET', matching.url(`/profiles/${user.user_id}`))).status === 200 ? true : undefined),
    `matching-service to know ${username}`,
  );
  return user;
}

beforeAll(async () => {
  vhost = await createTestVhost('fault-poison-headers');
  cluster = await Cluster.start(vhost.url, [
    { name: 'user-service', instanceId: 'user' },
    { name: 'matching-service', instanceId: 'matching' },
  ]);
  raw = await connect(vhost.url);
  const channel = await raw.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'matching.events', '#');
  await channel.consume(queue, (message) => message && tapped.push(message), { noAck: true });
}, 120_000);

afterAll(async () => {
  await raw?.close();
  await cluster?.stop();
  await vhost?.dispose();
});

it('dead-letters a 64 KB-header poison message and matching-service goes on publishing and consuming', async () => {
  const ada = await signUp('ada');

  const poisonChannel = await raw.createConfirmChannel();
  poisonChannel.publish('user.events', 'user.created', Buffer.from('{"user_id": "not json'), {
    messageId: 'poison-64k',
    headers: { 'x-peer-padding': 'p'.repeat(PEER_HEADER_BYTES), 'peer-note': 'kept', traceparent: TRACEPARENT },
  });
  await poisonChannel.waitForConfirms();

  let dead: BrokerMessage[] = [];
  await poll(
    async () => ((dead = await getMessages(vhost.name, DEAD_LETTER_QUEUE, 1)).length === 1 ? true : undefined),
    'the poison message in the dead-letter queue',
  );
  expect(dead[0]?.properties.message_id).toBe('poison-64k');
  expect(dead[0]?.properties.headers).toMatchObject({
    'x-dead-letter-reason': 'malformed_json',
    'x-dead-lettered-by': 'matching-service',
    'x-trimmed-headers': `x-peer-padding (${1 + 'x-peer-padding'.length + 1 + 4 + PEER_HEADER_BYTES} bytes)`,
    'peer-note': 'kept',
    traceparent: TRACEPARENT,
  });

  // Publishing: the request answers once match.requested is confirmed, and the event reaches a queue.
  const matchRequest = await expectStatus<{ request_id: string }>(
    201,
    'POST',
    cluster.instance('matching').url('/match-requests'),
    { user_id: ada.user_id, difficulty: 'medium', topics: ['arrays'] },
  );
  await poll(
    () =>
      tapped.some(
        (message) =>
          message.fields.routingKey === 'match.requested' &&
          message.content.toString().includes(matchRequest.request_id),
      )
        ? true
        : undefined,
    'match.requested to be consumed',
  );

  // Consuming: a user created after the poison message still gets a profile.
  await signUp('grace');
  expect(await queueState(vhost.name, USER_EVENTS_QUEUE)).toMatchObject({ messages: 0 });
  expect(await queueState(vhost.name, DEAD_LETTER_QUEUE)).toMatchObject({ messages: 0 });
}, 120_000);
