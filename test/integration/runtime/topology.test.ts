import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ChannelModel } from 'amqplib';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, TopologyConflictError, type ServiceDefinition } from '../../../runtime/index.js';
import { EXCHANGE, ORDERS_QUEUE, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

let vhost: TestVhost;
let raw: ChannelModel;

/** Declares something as another client would have, on a throwaway channel. */
async function predeclare(
  declare: (channel: Awaited<ReturnType<ChannelModel['createChannel']>>) => Promise<unknown>,
): Promise<void> {
  const channel = await raw.createChannel();
  await declare(channel);
  await channel.close();
}

function connectOrders(
  definition: ServiceDefinition = ordersDefinition(),
  onOrder: (payload: OrderPlaced) => void = () => undefined,
) {
  return connectService(
    definition,
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    { url: vhost.url, logger: testLogger(), connectTimeoutMs: 5_000 },
  );
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-topology');
  raw = await connect(vhost.url);
});

afterEach(async () => {
  await predeclare(async (channel) => {
    await channel.deleteQueue(ORDERS_QUEUE);
    await channel.deleteExchange(EXCHANGE);
  });
});

afterAll(async () => {
  await raw?.close();
  await vhost?.dispose();
});

describe('topology', () => {
  it('names the queue and the differing setting when the queue exists with other arguments', async () => {
    // The vhost's default queue type is quorum (the contract's), so ours, declared with no type, is quorum.
    await predeclare((channel) =>
      channel.assertQueue(ORDERS_QUEUE, { durable: true, arguments: { 'x-queue-type': 'classic' } }),
    );
    const error = await connectOrders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyConflictError);
    expect(error).toMatchObject({ objectKind: 'queue', objectName: ORDERS_QUEUE });
    expect((error as TopologyConflictError).differences.join()).toMatch(/x-queue-type/);
    expect((error as Error).message).toMatch(/billing\.orders.*x-queue-type/);
  });

  it('names the exchange and its type when the exchange exists with another type', async () => {
    await predeclare((channel) => channel.assertExchange(EXCHANGE, 'direct', { durable: true }));
    const error = await connectOrders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyConflictError);
    expect(error).toMatchObject({ objectKind: 'exchange', objectName: EXCHANGE });
    expect((error as TopologyConflictError).differences.join()).toMatch(
      /type: we declare 'topic', the broker has 'direct'/,
    );
  });

  it('shares a consumer queue that a Python service declared plainly, and consumes from it', async () => {
    await predeclare(async (channel) => {
      await channel.assertExchange(EXCHANGE, 'topic', { durable: true, autoDelete: false });
      await channel.assertQueue(ORDERS_QUEUE, { durable: true, exclusive: false, autoDelete: false });
      await channel.bindQueue(ORDERS_QUEUE, EXCHANGE, 'order.*.placed');
    });
    const handled: string[] = [];
    const bus = await connectOrders(undefined, (payload) => handled.push(payload.order_id));
    try {
      await bus.publish('orderPlaced', { order_id: 'shared' }, { order_id: 'shared', amount: 1 });
      await waitFor(() => handled.includes('shared'), { timeoutMs: 5_000, what: 'the message on the shared queue' });
    } finally {
      await bus.close();
    }
  });

  it('gives each instance its own exclusive queue for a per-instance consumer queue', async () => {
    const definition = ordersDefinition();
    const queue = definition.topology.queues.find((q) => q.name === ORDERS_QUEUE)!;
    Object.assign(queue, { perInstance: true, exclusive: true, autoDelete: true });
    const a: string[] = [];
    const b: string[] = [];
    const busA = await connectService(
      definition,
      {
        consumers: {
          onOrderPlaced: ((p: OrderPlaced) => a.push(p.order_id)) as never,
          onOrderCancelled: () => undefined,
        },
        rpcServers: {},
      },
      { url: vhost.url, logger: testLogger(), instanceId: 'a' },
    );
    const busB = await connectService(
      definition,
      {
        consumers: {
          onOrderPlaced: ((p: OrderPlaced) => b.push(p.order_id)) as never,
          onOrderCancelled: () => undefined,
        },
        rpcServers: {},
      },
      { url: vhost.url, logger: testLogger(), instanceId: 'b' },
    );
    try {
      await busA.publish('orderPlaced', { order_id: 'fan' }, { order_id: 'fan', amount: 1 });
      await waitFor(() => a.includes('fan') && b.includes('fan'), {
        timeoutMs: 5_000,
        what: 'both instances to get the message',
      });
    } finally {
      await Promise.all([busA.close(), busB.close()]);
    }
  });
});
