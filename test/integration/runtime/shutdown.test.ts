import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, listConnections, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { ConnectionClosedError, connectService, type ServiceConnection } from '../../../runtime/index.js';
import { ORDERS_QUEUE, deferred, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

const PUBLISHED = 25;
const PREFETCH = 10;

let vhost: TestVhost;

beforeAll(async () => {
  vhost = await createTestVhost('runtime-shutdown');
});

afterAll(async () => {
  await vhost?.dispose();
});

describe('close()', () => {
  it('stops consuming, lets the handlers in flight finish and ack, and loses nothing', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const release = deferred();
    const handler = async (payload: OrderPlaced): Promise<void> => {
      started.push(payload.order_id);
      await release.promise;
      finished.push(payload.order_id);
    };
    const bus: ServiceConnection = await connectService(
      ordersDefinition(),
      { consumers: { onOrderPlaced: handler as never, onOrderCancelled: handler as never }, rpcServers: {} },
      { url: vhost.url, logger: testLogger(), prefetch: PREFETCH },
    );
    await Promise.all(
      Array.from({ length: PUBLISHED }, (_, i) =>
        bus.publish('orderPlaced', { order_id: `o${i}` }, { order_id: `o${i}`, amount: i }),
      ),
    );
    await waitFor(() => started.length === PREFETCH, {
      timeoutMs: 5_000,
      what: 'a full prefetch window of handlers in flight',
    });

    const closing = bus.close();
    expect(bus.close()).toBe(closing);
    setTimeout(() => release.resolve(), 100);
    await closing;

    expect(finished.sort()).toEqual(started.sort());
    expect(started).toHaveLength(PREFETCH);
    // Every message is either handled (and acked: not back in the queue) or still waiting in the queue.
    expect((await queueState(vhost.name, ORDERS_QUEUE)).messages).toBe(PUBLISHED - PREFETCH);
    await expect(
      bus.publish('orderPlaced', { order_id: 'late' }, { order_id: 'late', amount: 1 }),
    ).rejects.toBeInstanceOf(ConnectionClosedError);
    await waitFor(async () => (await listConnections(vhost)).length === 0, {
      timeoutMs: 5_000,
      what: 'the connection to close',
    });
  });
});
