import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, killConnections, listConnections, management, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection, type ServiceDefinition } from '../../../runtime/index.js';
import { ordersDefinition, pricingClientDefinition, pricingServerDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

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
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: { quotePrice: ((r: { sku: string }) => ({ sku: r.sku, price: 1 })) as never } },
    { url: vhost.url, logger: testLogger(), instanceId: 'reconnect-test' },
  );
  client = await connectService(pricingClientDefinition(), { consumers: {}, rpcServers: {} }, { url: vhost.url, logger: testLogger() });
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
    await waitFor(() => handled.includes('during'), { timeoutMs: 15_000, what: 'the message published during the outage' });
    await expect(client.call('quotePrice', { sku: 'again' }, { timeoutMs: 15_000 })).resolves.toEqual({ sku: 'again', price: 1 });

    await killConnections(vhost, 'reconnect test, second cut');
    // Two connections each (publish, consume), each recovering on its own.
    await waitFor(async () => (await listConnections(vhost)).length === 4, { timeoutMs: 15_000, what: 'both services to reconnect' });
    await server.publish('orderPlaced', { order_id: 'after' }, { order_id: 'after', amount: 1 });
    await waitFor(() => handled.includes('after'), { timeoutMs: 15_000, what: 'the message after the second cut' });
    // At-least-once: a message whose ack was cut off with the connection may come again, but none is lost.
    expect(new Set(handled)).toEqual(new Set(['before', 'during', 'after']));
  });
});
