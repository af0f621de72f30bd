/**
 * 1,000 bad messages (bodies that are not JSON, JSON that fails the schema, routing keys no handler
 * matches) interleaved with 1,000 valid ones on one queue: the consumer survives, dead-letters each
 * bad one at once with the reason for its kind, handles every valid one exactly once as published,
 * and keeps consuming afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { createTestVhost, getMessages, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import type { DeadLetterReason } from '../../../runtime/headers.js';
import {
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  ORDERS_QUEUE,
  ordersDefinition,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

const VALID = 1_000;
const BAD = 1_000;

/** How each kind of bad message is made, and the reason it must be dead-lettered with. */
const BAD_KINDS: { reason: DeadLetterReason; routingKey(id: string): string; body(id: string): string }[] = [
  { reason: 'malformed_json', routingKey: (id) => `order.${id}.placed`, body: (id) => `{"order_id": "${id}", ` },
  {
    reason: 'schema_invalid',
    routingKey: (id) => `order.${id}.placed`,
    body: (id) => JSON.stringify({ order_id: id, amount: 'lots' }),
  },
  // Bound below (as a stale binding would be), but no consumer of the queue handles it.
  {
    reason: 'no_handler',
    routingKey: (id) => `order.${id}.refunded`,
    body: (id) => JSON.stringify({ order_id: id, amount: 1 }),
  },
];

let vhost: TestVhost;
let bus: ServiceConnection;
let raw: ChannelModel;
let publisher: ConfirmChannel;
const handled = new Map<string, OrderPlaced[]>();

beforeAll(async () => {
  vhost = await createTestVhost('runtime-poison-flood');
  const onOrder = (payload: OrderPlaced): void => {
    handled.set(payload.order_id, [...(handled.get(payload.order_id) ?? []), payload]);
  };
  bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
  raw = await connect(vhost.url);
  publisher = await raw.createConfirmChannel();
  await publisher.bindQueue(ORDERS_QUEUE, EXCHANGE, 'order.*.refunded');
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await vhost?.dispose();
});

it('dead-letters 1,000 bad messages among 1,000 valid ones, each with its reason, and handles every valid one exactly once', async () => {
  const published = new Map<string, OrderPlaced>();
  const expectedReasons = new Map<string, DeadLetterReason>();
  for (let i = 0; i < Math.max(VALID, BAD); i++) {
    if (i < VALID) {
      const order = { order_id: `valid-${i}`, amount: i };
      published.set(order.order_id, order);
      publisher.publish(EXCHANGE, `order.${order.order_id}.placed`, Buffer.from(JSON.stringify(order)), {
        persistent: true,
        mandatory: true,
      });
    }
    if (i < BAD) {
      const kind = BAD_KINDS[i % BAD_KINDS.length]!;
      const id = `bad-${i}`;
      expectedReasons.set(kind.routingKey(id), kind.reason);
      publisher.publish(EXCHANGE, kind.routingKey(id), Buffer.from(kind.body(id)), {
        persistent: true,
        mandatory: true,
      });
    }
  }
  await publisher.waitForConfirms();

  await waitFor(
    async () => handled.size === VALID && (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages >= BAD,
    {
      timeoutMs: 60_000,
      what: `${VALID} valid messages handled and ${BAD} dead letters`,
    },
  );

  // Still consuming after the flood.
  await bus.publish('orderPlaced', { order_id: 'after-flood' }, { order_id: 'after-flood', amount: 1 });
  await waitFor(() => handled.has('after-flood'), {
    timeoutMs: 10_000,
    what: 'a message published after the flood to be handled',
  });
  expect(await queueState(vhost.name, ORDERS_QUEUE)).toEqual({ messages: 0, consumers: 1 });

  // close() lets every delivery in flight finish: nothing can reach either queue after it.
  await bus.close();
  const deadLetters = await queueState(vhost.name, DEAD_LETTER_QUEUE);
  expect(deadLetters.messages).toBe(BAD);
  const dead = await getMessages(vhost.name, DEAD_LETTER_QUEUE, BAD);
  const actualReasons = new Map(
    dead.map((message) => [
      message.properties.headers?.['x-original-routing-key'],
      message.properties.headers?.['x-dead-letter-reason'],
    ]),
  );
  expect(actualReasons).toEqual(expectedReasons);

  handled.delete('after-flood');
  const duplicated = [...handled].filter(([, deliveries]) => deliveries.length !== 1).map(([id]) => id);
  expect(duplicated).toEqual([]);
  expect(new Map([...handled].map(([id, [payload]]) => [id, payload]))).toEqual(published);
});
