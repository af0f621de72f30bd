import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ChannelModel } from 'amqplib';
import { createTestVhost, getMessages, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import { DEAD_LETTER_QUEUE, EXCHANGE, ORDERS_QUEUE, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

// Messages already queued are delivered while connectService is still running, before it has
// returned the connection. A handler that publishes gets the connection from the factory form.
const SHIPPED_QUEUE = 'observer.shipped';
const WAITING = ['w-1', 'w-2', 'w-3'];

let vhost: TestVhost;
let raw: ChannelModel;
let bus: ServiceConnection | undefined;

beforeAll(async () => {
  vhost = await createTestVhost('runtime-handler-factory');
  raw = await connect(vhost.url);
  const channel = await raw.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(ORDERS_QUEUE, { durable: true });
  await channel.bindQueue(ORDERS_QUEUE, EXCHANGE, 'order.*.placed');
  await channel.assertQueue(SHIPPED_QUEUE, { durable: true });
  await channel.bindQueue(SHIPPED_QUEUE, EXCHANGE, 'order.shipped');
  for (const order_id of WAITING) channel.publish(EXCHANGE, `order.${order_id}.placed`, Buffer.from(JSON.stringify({ order_id, amount: 1 })));
  await channel.close();
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await vhost?.dispose();
});

describe('handlers made from the connection', () => {
  it('lets handlers publish for messages delivered before connectService resolves', async () => {
    const madeWith: ServiceConnection[] = [];
    bus = await connectService(
      ordersDefinition(),
      (connection) => {
        madeWith.push(connection);
        const ship = (order: OrderPlaced) => connection.publish('orderShipped', {}, order);
        return { consumers: { onOrderPlaced: ship, onOrderCancelled: ship }, rpcServers: {} };
      },
      { url: vhost.url, logger: testLogger() },
    );

    expect(madeWith).toEqual([bus]);
    await waitFor(async () => (await queueState(vhost.name, SHIPPED_QUEUE)).messages === WAITING.length, { timeoutMs: 10_000, what: 'a shipment per waiting order' });
    const shipped = await getMessages(vhost.name, SHIPPED_QUEUE, WAITING.length);
    expect(shipped.map((message) => (JSON.parse(message.body) as OrderPlaced).order_id).sort()).toEqual(WAITING);
    expect((await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages).toBe(0);
  });
});
