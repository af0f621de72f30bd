/**
 * An operator deletes a dead-letter queue or a retry queue while the service runs. The next message
 * that needs it must not loop (handed back to the broker once a second until a reconnect): the
 * queue is declared again from the topology and the message goes there, none lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createTestVhost, getMessages, management, queueNames, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import {
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  RETRY_DELAYS_MS,
  ordersDefinition,
  retryQueueName,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

let vhost: TestVhost;
let bus: ServiceConnection;
let raw: ChannelModel;
let rawChannel: Channel;
const attempts = new Map<string, number>();

async function deleteQueue(name: string): Promise<void> {
  await management('DELETE', `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(name)}`);
  expect(await queueNames(vhost.name)).not.toContain(name);
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-missing-queues');
  const onOrder = (payload: OrderPlaced): void => {
    const attempt = (attempts.get(payload.order_id) ?? 0) + 1;
    attempts.set(payload.order_id, attempt);
    if (payload.order_id === 'fails-once' && attempt === 1) throw new Error('first attempt fails');
  };
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

it('declares a deleted dead-letter queue again and dead-letters into it', async () => {
  await deleteQueue(DEAD_LETTER_QUEUE);
  rawChannel.publish(EXCHANGE, 'order.cancelled', Buffer.from('not json'), { messageId: 'poison-after-dlq-deleted' });

  await waitFor(async () => (await queueNames(vhost.name)).includes(DEAD_LETTER_QUEUE), {
    timeoutMs: 10_000,
    what: 'the dead-letter queue to be declared again',
  });
  let dead: Awaited<ReturnType<typeof getMessages>> = [];
  await waitFor(async () => (dead = await getMessages(vhost.name, DEAD_LETTER_QUEUE, 1)).length === 1, {
    timeoutMs: 10_000,
    what: 'the dead letter',
  });
  expect(dead[0]?.properties).toMatchObject({
    message_id: 'poison-after-dlq-deleted',
    headers: { 'x-dead-letter-reason': 'malformed_json' },
  });
});

it('declares a deleted retry queue again, with its delay, and the retry is handled', async () => {
  const retryQueue = retryQueueName(RETRY_DELAYS_MS[0]!);
  await deleteQueue(retryQueue);
  await bus.publish('orderPlaced', { order_id: 'fails-once' }, { order_id: 'fails-once', amount: 1 });

  await waitFor(() => attempts.get('fails-once') === 2, { timeoutMs: 10_000, what: 'the retried attempt' });
  const declared = (await (
    await management('GET', `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(retryQueue)}`)
  ).json()) as { arguments: Record<string, unknown> };
  expect(declared.arguments).toMatchObject({ 'x-message-ttl': RETRY_DELAYS_MS[0] });
});
