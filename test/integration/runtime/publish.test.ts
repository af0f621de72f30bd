import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import {
  connectService,
  RoutingKeyError,
  UnroutableError,
  ValidationError,
  type ServiceConnection,
  type ServiceDefinition,
} from '../../../runtime/index.js';
import { EXCHANGE, ordersDefinition, testLogger } from './_fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSPECT_QUEUE = 'inspect.placed';

/** The orders service as a pure publisher: its exchange only, and a queue of ours to look at what arrives. */
function publisherDefinition(): ServiceDefinition {
  const full = ordersDefinition();
  return { ...full, topology: { exchanges: full.topology.exchanges, queues: [], bindings: [] }, consumers: [] };
}

let vhost: TestVhost;
let raw: ChannelModel;
let channel: Channel;
let bus: ServiceConnection;
const received: ConsumeMessage[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('runtime-publish');
  bus = await connectService(
    publisherDefinition(),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
  raw = await connect(vhost.url);
  channel = await raw.createChannel();
  await channel.assertQueue(INSPECT_QUEUE, { durable: false });
  await channel.bindQueue(INSPECT_QUEUE, EXCHANGE, 'order.*.placed');
  await channel.consume(INSPECT_QUEUE, (message) => message && received.push(message), { noAck: true });
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await vhost?.dispose();
});

describe('publish', () => {
  it('resolves once confirmed and delivers the message with the contract properties', async () => {
    const before = Math.floor(Date.now() / 1000);
    await expect(
      bus.publish('orderPlaced', { order_id: 'o-1' }, { order_id: 'o-1', amount: 12.5 }),
    ).resolves.toBeUndefined();
    await waitFor(() => received.length === 1, { timeoutMs: 5_000, what: 'the published message' });
    const message = received[0]!;
    expect(message.fields.exchange).toBe(EXCHANGE);
    expect(message.fields.routingKey).toBe('order.o-1.placed');
    expect(JSON.parse(message.content.toString())).toEqual({ order_id: 'o-1', amount: 12.5 });
    expect(message.properties.contentType).toBe('application/json');
    expect(message.properties.messageId).toMatch(UUID);
    expect(message.properties.correlationId).toMatch(UUID);
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.properties.timestamp).toBeGreaterThanOrEqual(before);
    expect(message.properties.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('keeps caller-chosen ids and headers', async () => {
    received.length = 0;
    await bus.publish(
      'orderPlaced',
      { order_id: 'o-2' },
      { order_id: 'o-2', amount: 1 },
      { messageId: 'm-2', correlationId: 'c-2', headers: { tenant: 'acme' } },
    );
    await waitFor(() => received.length === 1, { timeoutMs: 5_000, what: 'the published message' });
    expect(received[0]!.properties).toMatchObject({
      messageId: 'm-2',
      correlationId: 'c-2',
      headers: { tenant: 'acme' },
    });
  });

  it('pipelines many concurrent publishes, each confirmed', async () => {
    received.length = 0;
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        bus.publish('orderPlaced', { order_id: `bulk-${i}` }, { order_id: `bulk-${i}`, amount: i }),
      ),
    );
    await waitFor(() => received.length === 500, { timeoutMs: 10_000, what: '500 messages' });
    expect(new Set(received.map((m) => m.fields.routingKey)).size).toBe(500);
  });

  it('rejects an unroutable mandatory message with UnroutableError', async () => {
    const publishing = bus.publish('orderShipped', {}, { order_id: 'o-3', amount: 3 });
    await expect(publishing).rejects.toBeInstanceOf(UnroutableError);
    await expect(publishing).rejects.toThrow(/order\.shipped/);
  });

  it('rejects exactly the unroutable sends among concurrent ones that share a message id', async () => {
    // As outbox retries and dead-letter replays do: one id, alternately a routable and an unroutable destination.
    const sends = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? bus.publish(
            'orderPlaced',
            { order_id: `shared-${i}` },
            { order_id: 'shared', amount: i },
            { messageId: 'shared-id' },
          )
        : bus.publish('orderShipped', {}, { order_id: 'shared', amount: i }, { messageId: 'shared-id' }),
    );
    const outcomes = await Promise.allSettled(sends);
    const rejected = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(
      outcomes.filter((outcome) => outcome.status === 'rejected' && !(outcome.reason instanceof UnroutableError)),
    ).toEqual([]);
  });

  it('sends nothing for a payload that breaks its schema and lists every violation', async () => {
    await channel.purgeQueue(INSPECT_QUEUE);
    const error = await bus
      .publish('orderPlaced', { order_id: 'o-4' }, { order_id: 4, amount: -1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const violations = (error as ValidationError).violations.map((v) => v.instancePath).sort();
    expect(violations).toEqual(['/amount', '/order_id']);
    // Prove the channel is still fine and nothing went out before it: the next message is the only one queued.
    received.length = 0;
    await bus.publish('orderPlaced', { order_id: 'after' }, { order_id: 'after', amount: 0 });
    await waitFor(() => received.length === 1, { timeoutMs: 5_000, what: 'the follow-up message' });
    expect(received.map((m) => m.fields.routingKey)).toEqual(['order.after.placed']);
  });

  it('refuses routing-key parameters that are empty or contain a dot', async () => {
    await expect(bus.publish('orderPlaced', { order_id: '' }, { order_id: 'x', amount: 1 })).rejects.toBeInstanceOf(
      RoutingKeyError,
    );
    await expect(bus.publish('orderPlaced', { order_id: 'a.b' }, { order_id: 'x', amount: 1 })).rejects.toThrow(
      /order_id.*'\.'/,
    );
    await expect(bus.publish('orderPlaced', {}, { order_id: 'x', amount: 1 })).rejects.toThrow(/order_id/);
  });
});
