import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import {
  createTestVhost,
  getMessages,
  queueState,
  waitFor,
  type BrokerMessage,
  type TestVhost,
} from '../../support/broker.js';
import { connectService, type ConsumeContext, type ServiceConnection } from '../../../runtime/index.js';
import {
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  ORDERS_QUEUE,
  RETRY_DELAYS_MS,
  ordersDefinition,
  retryQueueName,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

interface Handled {
  payload: OrderPlaced;
  context: ConsumeContext;
}

let vhost: TestVhost;
let bus: ServiceConnection;
let raw: ChannelModel;
let rawChannel: Channel;
const handled: Handled[] = [];
const failuresLeft = new Map<string, number>();

function handledFor(orderId: string): Handled[] {
  return handled.filter((h) => h.payload.order_id === orderId);
}

async function onOrder(payload: OrderPlaced, context: ConsumeContext): Promise<void> {
  handled.push({ payload, context });
  if (payload.order_id === 'poison') throw new Error('poison order cannot be billed');
  const left = failuresLeft.get(payload.order_id) ?? 0;
  if (left > 0) {
    failuresLeft.set(payload.order_id, left - 1);
    throw new Error(`transient failure, ${left - 1} to go`);
  }
  if (payload.order_id === 'chain') {
    await bus.publish('orderPlaced', { order_id: 'chained' }, { order_id: 'chained', amount: 1 });
  }
}

async function drainDeadLetters(count: number): Promise<BrokerMessage[]> {
  await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages >= count, {
    timeoutMs: 10_000,
    what: `${count} dead letters`,
  });
  return getMessages(vhost.name, DEAD_LETTER_QUEUE, count);
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-consume');
  bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
  raw = await connect(vhost.url);
  rawChannel = await raw.createChannel();
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await vhost?.dispose();
});

describe('consume', () => {
  it('hands the handler the typed payload and its context, dispatching by routing key', async () => {
    await bus.publish(
      'orderPlaced',
      { order_id: 'ctx-1' },
      { order_id: 'ctx-1', amount: 5 },
      { correlationId: 'corr-ctx-1' },
    );
    await waitFor(() => handledFor('ctx-1').length === 1, { timeoutMs: 5_000, what: 'the order to be handled' });
    const { context } = handledFor('ctx-1')[0]!;
    expect(context).toMatchObject({
      exchange: EXCHANGE,
      routingKey: 'order.ctx-1.placed',
      queue: ORDERS_QUEUE,
      params: { order_id: 'ctx-1' },
      attempt: 1,
      redelivered: false,
      correlationId: 'corr-ctx-1',
    });
    expect(context.messageId).toBeTypeOf('string');

    rawChannel.publish(EXCHANGE, 'order.cancelled', Buffer.from(JSON.stringify({ order_id: 'ctx-2', amount: 0 })));
    await waitFor(() => handledFor('ctx-2').length === 1, { timeoutMs: 5_000, what: 'the cancellation to be handled' });
    expect(handledFor('ctx-2')[0]!.context).toMatchObject({ routingKey: 'order.cancelled', params: {} });
  });

  it('accepts what the Python client sends: transient, headers {}, a bogus timestamp, naive ISO dates', async () => {
    const body = '{"order_id": "py-1", "amount": 3, "placed_at": "2026-11-29T10:15:00.123456"}';
    rawChannel.publish(EXCHANGE, 'order.py-1.placed', Buffer.from(body), {
      contentType: 'application/json',
      messageId: '5b0c1f9e-4f55-4a52-9f5e-1d2c3b4a5f60',
      deliveryMode: 1,
      priority: 0,
      headers: {},
      timestamp: 12345,
    });
    await waitFor(() => handledFor('py-1').length === 1, { timeoutMs: 5_000, what: 'the Python-style message' });
    expect(handledFor('py-1')[0]!.payload).toMatchObject({ order_id: 'py-1', placed_at: '2026-11-29T10:15:00.123456' });
  });

  it('carries the correlation id and trace headers of the handled message into what the handler publishes', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    rawChannel.publish(EXCHANGE, 'order.chain.placed', Buffer.from(JSON.stringify({ order_id: 'chain', amount: 1 })), {
      correlationId: 'corr-chain',
      headers: { traceparent },
    });
    await waitFor(() => handledFor('chained').length === 1, { timeoutMs: 5_000, what: 'the chained message' });
    const { context } = handledFor('chained')[0]!;
    expect(context.correlationId).toBe('corr-chain');
    expect(context.headers.traceparent).toBe(traceparent);
  });

  it('retries a failing handler through the delay queues, each longer, and succeeds on the third attempt', async () => {
    failuresLeft.set('flaky', 2);
    await bus.publish('orderPlaced', { order_id: 'flaky' }, { order_id: 'flaky', amount: 9 });
    await waitFor(() => handledFor('flaky').length === 3, { timeoutMs: 10_000, what: 'three attempts' });
    const attempts = handledFor('flaky');
    expect(attempts.map((a) => a.context.attempt)).toEqual([1, 2, 3]);
    // Each retry came back out of the delay queue for its attempt (TTLs 100 ms, then 200 ms).
    const parkedIn = attempts.slice(1).map((a) => (a.context.headers['x-death'] as { queue: string }[])[0]!.queue);
    expect(parkedIn).toEqual(RETRY_DELAYS_MS.map(retryQueueName));
    expect(attempts.every((a) => a.context.routingKey === 'order.flaky.placed')).toBe(true);
    expect(attempts[2]!.context.headers['x-last-error']).toBe('transient failure, 0 to go');
    await waitFor(async () => (await queueState(vhost.name, ORDERS_QUEUE)).messages === 0, {
      timeoutMs: 5_000,
      what: 'the queue to empty',
    });
    expect((await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages).toBe(0);
  });

  it('dead-letters an always-failing message after the last attempt, with its reason, while the messages behind it flow', async () => {
    await bus.publish('orderPlaced', { order_id: 'poison' }, { order_id: 'poison', amount: 1 });
    const behind = Array.from({ length: 20 }, (_, i) => `behind-${i}`);
    await Promise.all(behind.map((id) => bus.publish('orderPlaced', { order_id: id }, { order_id: id, amount: 1 })));
    await waitFor(() => behind.every((id) => handledFor(id).length === 1), {
      timeoutMs: 10_000,
      what: 'the messages behind the poison one',
    });

    const [dead] = await drainDeadLetters(1);
    expect(handledFor('poison').map((h) => h.context.attempt)).toEqual([1, 2, 3]);
    expect(JSON.parse(dead!.body)).toEqual({ order_id: 'poison', amount: 1 });
    expect(dead!.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'handler_failed',
      'x-error': 'poison order cannot be billed',
      'x-attempts': 3,
      'x-original-exchange': EXCHANGE,
      'x-original-routing-key': 'order.poison.placed',
      'x-original-queue': ORDERS_QUEUE,
      'x-dead-lettered-by': 'orders',
    });
    expect(Date.parse(String(dead!.properties.headers?.['x-dead-lettered-at']))).not.toBeNaN();
  });

  it('dead-letters malformed, schema-invalid and smuggled (put straight into the queue) messages at once, and processes every valid one around them', async () => {
    const valid = Array.from({ length: 30 }, (_, i) => `mixed-${i}`);
    valid.forEach((id, i) => {
      rawChannel.publish(EXCHANGE, `order.${id}.placed`, Buffer.from(JSON.stringify({ order_id: id, amount: i })));
      if (i === 10) rawChannel.publish(EXCHANGE, 'order.bad-json.placed', Buffer.from('{"order_id": "bad-json", '));
      if (i === 20)
        rawChannel.publish(
          EXCHANGE,
          'order.bad-schema.placed',
          Buffer.from(JSON.stringify({ order_id: 'bad-schema', amount: 'lots' })),
        );
    });
    rawChannel.sendToQueue(ORDERS_QUEUE, Buffer.from(JSON.stringify({ order_id: 'no-route', amount: 1 })));
    await waitFor(() => valid.every((id) => handledFor(id).length === 1), {
      timeoutMs: 10_000,
      what: 'every valid message',
    });

    const dead = await drainDeadLetters(3);
    const reasons = Object.fromEntries(
      dead.map((m) => [m.properties.headers?.['x-original-routing-key'], m.properties.headers]),
    );
    expect(reasons['order.bad-json.placed']).toMatchObject({
      'x-dead-letter-reason': 'malformed_json',
      'x-attempts': 1,
    });
    expect(reasons['order.bad-schema.placed']).toMatchObject({ 'x-dead-letter-reason': 'schema_invalid' });
    expect(String(reasons['order.bad-schema.placed']?.['x-error'])).toMatch(/\/amount must be number/);
    expect(reasons[ORDERS_QUEUE]).toMatchObject({
      'x-dead-letter-reason': 'unauthorized_origin',
      'x-original-exchange': '',
    });
    expect(handled.filter((h) => ['bad-json', 'bad-schema', 'no-route'].includes(h.payload.order_id))).toEqual([]);
  });
});
