/**
 * Handlers that return nothing (no promise) take the consumer's synchronous path: the message is
 * acked as soon as the handler returns, a synchronous throw is retried and dead-lettered exactly
 * like a rejection, and both show in the service's Prometheus metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, getMessages, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import {
  DEAD_LETTER_QUEUE,
  ORDERS_QUEUE,
  RETRY_DELAYS_MS,
  ordersDefinition,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

let vhost: TestVhost;
let bus: ServiceConnection;
const calls: string[] = [];

function onOrderSynchronously(payload: OrderPlaced): void {
  calls.push(payload.order_id);
  if (payload.order_id.startsWith('bad')) throw new Error(`cannot bill ${payload.order_id}`);
}

/** The value of one sample line in the Prometheus text, e.g. `messaging_consumed_total{service="orders",operation="onOrderPlaced"}`. */
async function sample(series: string): Promise<number> {
  const text = await bus.metrics.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const consumed = 'messaging_consumed_total{service="orders",operation="onOrderPlaced"}';
const failed = 'messaging_handler_failures_total{service="orders",operation="onOrderPlaced"}';
const handlerCount = 'messaging_handler_duration_seconds_count{service="orders",operation="onOrderPlaced"}';
const handlerUnder5s = 'messaging_handler_duration_seconds_bucket{le="5",service="orders",operation="onOrderPlaced"}';
const published = 'messaging_published_total{service="orders",operation="orderPlaced"}';

beforeAll(async () => {
  vhost = await createTestVhost('runtime-sync-handlers');
  bus = await connectService(
    ordersDefinition(),
    {
      consumers: { onOrderPlaced: onOrderSynchronously as never, onOrderCancelled: onOrderSynchronously as never },
      rpcServers: {},
    },
    { url: vhost.url, logger: testLogger() },
  );
});

afterAll(async () => {
  await bus?.close();
  await vhost?.dispose();
});

describe('synchronous handlers', () => {
  it('acks each message when the handler returns, and counts it as published, consumed and timed', async () => {
    const ids = ['ok-1', 'ok-2', 'ok-3'];
    for (const id of ids) await bus.publish('orderPlaced', { order_id: id }, { order_id: id, amount: 1 });
    await waitFor(() => ids.every((id) => calls.includes(id)), { timeoutMs: 5_000, what: 'three orders handled' });
    await waitFor(async () => (await queueState(vhost.name, ORDERS_QUEUE)).messages === 0, {
      timeoutMs: 5_000,
      what: 'the orders queue to be empty (all acked)',
    });

    expect(await sample(published)).toBe(3);
    expect(await sample(consumed)).toBe(3);
    expect(await sample(handlerCount)).toBe(3);
    expect(await sample(handlerUnder5s)).toBe(3);
    expect(await sample(failed)).toBe(0);
    const text = await bus.metrics.metrics();
    expect(text).toContain('# TYPE messaging_handler_duration_seconds histogram');
    expect(text).toContain('# TYPE messaging_consumed_total counter');
  });

  it('retries a synchronous throw after each delay, then dead-letters it with the error', async () => {
    const consumedBefore = await sample(consumed);
    await bus.publish('orderPlaced', { order_id: 'bad-1' }, { order_id: 'bad-1', amount: 1 });
    await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 1, {
      timeoutMs: 10_000,
      what: 'the order to be dead-lettered',
    });

    expect(calls.filter((id) => id === 'bad-1')).toHaveLength(RETRY_DELAYS_MS.length + 1);
    const [dead] = await getMessages(vhost.name, DEAD_LETTER_QUEUE, 1);
    expect(dead?.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'handler_failed',
      'x-error': 'cannot bill bad-1',
      'x-attempts': RETRY_DELAYS_MS.length + 1,
    });
    expect(await sample(failed)).toBe(RETRY_DELAYS_MS.length + 1);
    expect(await sample(consumed)).toBe(consumedBefore);
  });
});
