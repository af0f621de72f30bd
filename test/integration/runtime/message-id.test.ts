/**
 * `ctx.messageId` is what consumers de-duplicate by (a publish that timed out may still have been
 * delivered, and at-least-once delivery redelivers), so it must stay the same for one message
 * whatever path it takes back to a handler: a retry through the delay queues, a redelivery after
 * a lost connection, a replay from the dead-letter queue.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from 'amqplib';
import { createTestVhost, killConnections, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ConsumeContext, type ServiceConnection } from '../../../runtime/index.js';
import { replay } from '../../../runtime/cli/replay.js';
import { DEAD_LETTER_QUEUE, RETRY_DELAYS_MS, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

interface Seen {
  messageId: string | undefined;
  attempt: number;
  redelivered: boolean;
}

let vhost: TestVhost;
let bus: ServiceConnection;
const seen = new Map<string, Seen[]>();
const failing = new Set<string>();
let releaseHeld: () => void = () => undefined;

function seenFor(orderId: string): Seen[] {
  return seen.get(orderId) ?? [];
}

async function onOrder(payload: OrderPlaced, context: ConsumeContext): Promise<void> {
  const deliveries = seenFor(payload.order_id);
  seen.set(payload.order_id, [
    ...deliveries,
    { messageId: context.messageId, attempt: context.attempt, redelivered: context.redelivered },
  ]);
  if (payload.order_id === 'held' && deliveries.length === 0)
    await new Promise<void>((resolve) => (releaseHeld = resolve));
  if (failing.has(payload.order_id)) throw new Error('fails for now');
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-message-id');
  bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
});

afterAll(async () => {
  releaseHeld();
  await bus?.close();
  await vhost?.dispose();
});

it('keeps the message id across retries and a replay from the dead-letter queue', async () => {
  failing.add('again');
  await bus.publish(
    'orderPlaced',
    { order_id: 'again' },
    { order_id: 'again', amount: 1 },
    { messageId: 'order-again-1' },
  );
  await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 1, {
    timeoutMs: 15_000,
    what: 'the dead letter',
  });

  failing.delete('again');
  const replayer = await connect(vhost.url);
  try {
    expect(await replay(await replayer.createConfirmChannel(), DEAD_LETTER_QUEUE, 1, vhost.user)).toMatchObject({
      replayed: 1,
      left: 0,
    });
  } finally {
    await replayer.close();
  }
  await waitFor(() => seenFor('again').length === RETRY_DELAYS_MS.length + 2, {
    timeoutMs: 10_000,
    what: 'the replayed delivery',
  });

  expect(seenFor('again')).toEqual([
    { messageId: 'order-again-1', attempt: 1, redelivered: false },
    { messageId: 'order-again-1', attempt: 2, redelivered: false },
    { messageId: 'order-again-1', attempt: 3, redelivered: false },
    { messageId: 'order-again-1', attempt: 1, redelivered: false },
  ]);
});

it('keeps the message id when the broker redelivers after a lost connection', async () => {
  await bus.publish('orderPlaced', { order_id: 'held' }, { order_id: 'held', amount: 1 });
  await waitFor(() => seenFor('held').length === 1, { timeoutMs: 10_000, what: 'the first delivery' });
  await killConnections(vhost, 'message-id test: force a redelivery');
  releaseHeld();

  await waitFor(() => seenFor('held').length === 2, { timeoutMs: 30_000, what: 'the redelivery' });
  const [first, again] = seenFor('held');
  expect(first?.messageId).toMatch(/^[0-9a-f-]{36}$/);
  expect(again).toEqual({ messageId: first?.messageId, attempt: 1, redelivered: true });
});
