import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type ChannelModel } from 'amqplib';
import { createTestVhost, getMessages, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { ConfigError, openService, type ServiceConnection, type ServiceDefinition } from '../../../runtime/index.js';
import { plainDurableQueue } from '../../support/definitions.js';
import {
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  ORDERS_QUEUE,
  ordersDefinition,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

// Start-up in two steps: open connects and declares the topology, consuming waits for start(), so
// a handler that publishes is made with the connection open returned, and nothing is consumed before.
const SHIPPED_QUEUE = 'observer.shipped';
const WAITING = ['w-1', 'w-2', 'w-3'];

let vhost: TestVhost;
let raw: ChannelModel;
let bus: ServiceConnection | undefined;

beforeEach(async () => {
  vhost = await createTestVhost('runtime-start-handlers');
  raw = await connect(vhost.url);
  const channel = await raw.createConfirmChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(ORDERS_QUEUE, { durable: true });
  await channel.bindQueue(ORDERS_QUEUE, EXCHANGE, 'order.*.placed');
  await channel.assertQueue(SHIPPED_QUEUE, { durable: true });
  await channel.bindQueue(SHIPPED_QUEUE, EXCHANGE, 'order.shipped');
  for (const order_id of WAITING)
    channel.publish(EXCHANGE, `order.${order_id}.placed`, Buffer.from(JSON.stringify({ order_id, amount: 1 })));
  // Confirmed: a quorum queue counts a message once it is committed.
  await channel.waitForConfirms();
  await channel.close();
});

afterEach(async () => {
  await bus?.close();
  bus = undefined;
  await raw?.close();
  await vhost?.dispose();
});

describe('opening a service, then starting its handlers', () => {
  it('consumes nothing before start, then hands the waiting messages to handlers made with the open connection', async () => {
    const connection = await openService(ordersDefinition(), { url: vhost.url, logger: testLogger() });
    bus = connection;
    await connection.publish('orderShipped', {}, { order_id: 'before-start', amount: 1 });
    await waitFor(async () => (await queueState(vhost.name, SHIPPED_QUEUE)).messages === 1, {
      timeoutMs: 10_000,
      what: 'the publish made before start',
    });
    expect((await queueState(vhost.name, ORDERS_QUEUE)).messages).toBe(WAITING.length);

    const ship = (order: unknown) => connection.publish('orderShipped', {}, order);
    await connection.start({ consumers: { onOrderPlaced: ship, onOrderCancelled: ship }, rpcServers: {} });

    await waitFor(async () => (await queueState(vhost.name, SHIPPED_QUEUE)).messages === WAITING.length + 1, {
      timeoutMs: 10_000,
      what: 'a shipment per waiting order',
    });
    const shipped = await getMessages(vhost.name, SHIPPED_QUEUE, WAITING.length + 1);
    expect(shipped.map((message) => (JSON.parse(message.body) as OrderPlaced).order_id).sort()).toEqual([
      'before-start',
      ...WAITING,
    ]);
    expect((await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages).toBe(0);
  });

  it('refuses a handler set without a handler for a consumer, and a second start', async () => {
    const connection = await openService(ordersDefinition(), { url: vhost.url, logger: testLogger() });
    bus = connection;
    const ignore = () => undefined;
    await expect(connection.start({ consumers: { onOrderPlaced: ignore }, rpcServers: {} })).rejects.toThrow(
      new ConfigError('no handler for consumer "onOrderCancelled"'),
    );
    await connection.start({ consumers: { onOrderPlaced: ignore, onOrderCancelled: ignore }, rpcServers: {} });
    await expect(
      connection.start({ consumers: { onOrderPlaced: ignore, onOrderCancelled: ignore }, rpcServers: {} }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('undoes a start that failed (a queue deleted under it), having handled nothing, and starts once the queue is back', async () => {
    const connection = await openService(ordersAndShipments(), { url: vhost.url, logger: testLogger() });
    bus = connection;
    const channel = await raw.createChannel();
    await channel.deleteQueue(SHIPPED_QUEUE);
    const handled: string[] = [];
    const record = (order: unknown) => void handled.push((order as OrderPlaced).order_id);
    const handlers = {
      consumers: { onOrderPlaced: record, onOrderCancelled: record, onOrderShipped: record },
      rpcServers: {},
    };

    await expect(connection.start(handlers)).rejects.toThrow(`NOT_FOUND - no queue '${SHIPPED_QUEUE}'`);
    expect(handled).toEqual([]);
    // Handed back to the queue with the failed start's channel.
    await waitFor(async () => (await queueState(vhost.name, ORDERS_QUEUE)).messages === WAITING.length, {
      timeoutMs: 10_000,
      what: 'the waiting orders back in their queue',
    });
    expect((await queueState(vhost.name, ORDERS_QUEUE)).consumers).toBe(0);

    await channel.assertQueue(SHIPPED_QUEUE, { durable: true });
    await channel.bindQueue(SHIPPED_QUEUE, EXCHANGE, 'order.shipped');
    await connection.start(handlers);
    await waitFor(() => handled.length === WAITING.length, { timeoutMs: 10_000, what: 'the waiting orders' });
    expect(handled.sort()).toEqual(WAITING);
    expect((await queueState(vhost.name, ORDERS_QUEUE)).consumers).toBe(1);
    expect((await queueState(vhost.name, SHIPPED_QUEUE)).consumers).toBe(1);
  });
});

/** The orders service, also consuming the shipments it publishes (from a queue of their own, consumed after the orders'). */
function ordersAndShipments(): ServiceDefinition {
  const orders = ordersDefinition();
  const [placed] = orders.consumers;
  return {
    ...orders,
    topology: {
      ...orders.topology,
      queues: [...orders.topology.queues, plainDurableQueue(SHIPPED_QUEUE, 'consumer')],
      bindings: [...orders.topology.bindings, { exchange: EXCHANGE, queue: SHIPPED_QUEUE, pattern: 'order.shipped' }],
    },
    consumers: [
      ...orders.consumers,
      { ...placed!, name: 'onOrderShipped', routingKey: 'order.shipped', parameters: [], queue: SHIPPED_QUEUE },
    ],
  };
}
