import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  brokerConnections,
  createTestVhost,
  killConnections,
  killNamedConnection,
  listConnections,
  management,
  waitFor,
  type TestVhost,
} from '../../support/broker.js';
import { connectService, type ServiceConnection, type ServiceDefinition } from '../../../runtime/index.js';
import {
  ordersDefinition,
  pricingClientDefinition,
  pricingServerDefinition,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

/** The orders service also serving the price RPC, so one kill takes down a consumer and an RPC server. */
function ordersWithRpcServer(): ServiceDefinition {
  const orders = ordersDefinition();
  const pricing = pricingServerDefinition();
  return {
    ...orders,
    topology: { ...orders.topology, queues: [...orders.topology.queues, ...pricing.topology.queues] },
    rpcServers: pricing.rpcServers,
  };
}

let vhost: TestVhost;
let server: ServiceConnection;
let client: ServiceConnection;
const handled: string[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('runtime-reconnect');
  const onOrder = (payload: OrderPlaced): void => {
    handled.push(payload.order_id);
  };
  server = await connectService(
    ordersWithRpcServer(),
    {
      consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never },
      rpcServers: { quotePrice: ((r: { sku: string }) => ({ sku: r.sku, price: 1 })) as never },
    },
    { url: vhost.url, logger: testLogger(), instanceId: 'reconnect-test' },
  );
  client = await connectService(
    pricingClientDefinition(),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await vhost?.dispose();
});

describe('reconnect', () => {
  it('names its two connections after the service, the instance and what each is for', async () => {
    // The management API lists connection details from its statistics, which lag by up to 5 s.
    const names = async (): Promise<unknown[]> => {
      const response = await management('GET', `/vhosts/${encodeURIComponent(vhost.name)}/connections`);
      return ((await response.json()) as { user_provided_name?: string }[]).map((c) => c.user_provided_name);
    };
    const named = async (): Promise<boolean> => {
      const current = await names();
      return current.includes('orders@reconnect-test/publish') && current.includes('orders@reconnect-test/consume');
    };
    await waitFor(named, { timeoutMs: 15_000, what: 'the named publish and consume connections', intervalMs: 250 });
  });

  it('resumes consuming, serving and calling after its connections are killed', async () => {
    await server.publish('orderPlaced', { order_id: 'before' }, { order_id: 'before', amount: 1 });
    await waitFor(() => handled.includes('before'), { timeoutMs: 5_000, what: 'the first message' });

    await killConnections(vhost, 'reconnect test');
    // Published during the outage: waits for the new connection, then is confirmed.
    await server.publish('orderPlaced', { order_id: 'during' }, { order_id: 'during', amount: 1 });
    await waitFor(() => handled.includes('during'), {
      timeoutMs: 15_000,
      what: 'the message published during the outage',
    });
    await expect(client.call('quotePrice', { sku: 'again' }, { timeoutMs: 15_000 })).resolves.toEqual({
      sku: 'again',
      price: 1,
    });

    await killConnections(vhost, 'reconnect test, second cut');
    // Two connections each (publish, consume), each recovering on its own.
    await waitFor(async () => (await listConnections(vhost)).length === 4, {
      timeoutMs: 15_000,
      what: 'both services to reconnect',
    });
    await server.publish('orderPlaced', { order_id: 'after' }, { order_id: 'after', amount: 1 });
    await waitFor(() => handled.includes('after'), { timeoutMs: 15_000, what: 'the message after the second cut' });
    // At-least-once: a message whose ack was cut off with the connection may come again, but none is lost.
    expect(new Set(handled)).toEqual(new Set(['before', 'during', 'after']));
  });

  it('recovers each of its connections on its own, the other one carrying on', async () => {
    const PUBLISH = 'orders@reconnect-test/publish';
    const CONSUME = 'orders@reconnect-test/consume';
    /** The broker's name of the connection the server named `connectionName`: a new one after a reconnect. */
    const brokerNameOf = async (connectionName: string): Promise<string | undefined> =>
      (await brokerConnections(vhost)).find((connection) => connection.connectionName === connectionName)?.name;
    await waitFor(
      async () => (await brokerNameOf(PUBLISH)) !== undefined && (await brokerNameOf(CONSUME)) !== undefined,
      { timeoutMs: 15_000, what: 'both connections of the server' },
    );

    const consumeBefore = await brokerNameOf(CONSUME);
    await killNamedConnection(vhost, PUBLISH, 'reconnect test: publish connection only');
    // Waits for the new publish connection; the consumer, on the connection that was not cut, handles it.
    await server.publish('orderPlaced', { order_id: 'publish-cut' }, { order_id: 'publish-cut', amount: 1 });
    await waitFor(() => handled.includes('publish-cut'), {
      timeoutMs: 15_000,
      what: 'the message published after the publish connection was cut',
    });
    await expect(client.call('quotePrice', { sku: 'publish-cut' }, { timeoutMs: 15_000 })).resolves.toEqual({
      sku: 'publish-cut',
      price: 1,
    });
    expect(await brokerNameOf(CONSUME)).toBe(consumeBefore);

    const publishBefore = await brokerNameOf(PUBLISH);
    await killNamedConnection(vhost, CONSUME, 'reconnect test: consume connection only');
    // Confirmed at once on the publish connection, which was not cut; consumed once the consumer is back.
    await server.publish('orderPlaced', { order_id: 'consume-cut' }, { order_id: 'consume-cut', amount: 1 });
    expect(await brokerNameOf(PUBLISH)).toBe(publishBefore);
    await waitFor(() => handled.includes('consume-cut'), {
      timeoutMs: 15_000,
      what: 'the consumer to come back on a new consume connection',
    });
    await expect(client.call('quotePrice', { sku: 'consume-cut' }, { timeoutMs: 15_000 })).resolves.toEqual({
      sku: 'consume-cut',
      price: 1,
    });
  });
});
