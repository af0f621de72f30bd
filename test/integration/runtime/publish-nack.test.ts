/**
 * A publish the broker nacks is sent again on a fresh channel within its deadline. On a cluster a
 * quorum queue nacks while its leader is elected, and the channel that met it stays refused (see
 * docs/cluster.md); here a full queue with `x-overflow: reject-publish` makes the broker nack on
 * one node, which is the same signal.
 */
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import {
  connectService,
  PublishFailedError,
  type ServiceConnection,
  type ServiceDefinition,
} from '../../../runtime/index.js';
import { EXCHANGE, ordersDefinition } from './_fixtures.js';
import { capturingLogger } from '../../support/definitions.js';

const FULL_QUEUE = 'orders.full';

let vhost: TestVhost;
let raw: ChannelModel;
let channel: Channel;
let bus: ServiceConnection;
const { logger, lines: logLines } = capturingLogger('warn');

function publisherDefinition(): ServiceDefinition {
  const full = ordersDefinition();
  return { ...full, topology: { exchanges: full.topology.exchanges, queues: [], bindings: [] }, consumers: [] };
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-publish-nack');
  bus = await connectService(publisherDefinition(), { consumers: {}, rpcServers: {} }, { url: vhost.url, logger });
  raw = await connect(vhost.url);
  channel = await raw.createChannel();
  // Holds one message; the broker nacks every publish beyond it (a classic queue counts exactly; a quorum queue's limit is soft).
  await channel.assertQueue(FULL_QUEUE, {
    durable: true,
    arguments: { 'x-queue-type': 'classic', 'x-max-length': 1, 'x-overflow': 'reject-publish' },
  });
  await channel.bindQueue(FULL_QUEUE, EXCHANGE, 'order.*.placed');
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await vhost?.dispose();
});

const order = (id: string) =>
  bus.publish('orderPlaced', { order_id: id }, { order_id: id, amount: 1 }, { timeoutMs: 30_000 });

it('sends a nacked message again on a fresh channel, and resolves once the broker takes it', async () => {
  await order('first');
  let settled: string | undefined;
  const second = order('second').then(
    () => (settled = 'confirmed'),
    (error: Error) => (settled = error.name),
  );
  await waitFor(() => logLines.some((line) => line.includes('the broker nacked a publish')), {
    timeoutMs: 10_000,
    what: 'the nack and the channel replaced',
  });
  expect(settled).toBeUndefined();

  const first = await channel.get(FULL_QUEUE, { noAck: true });
  expect(first && JSON.parse(first.content.toString())).toMatchObject({ order_id: 'first' });
  await second;
  expect(settled).toBe('confirmed');
  const taken = await channel.get(FULL_QUEUE, { noAck: true });
  expect(taken && JSON.parse(taken.content.toString())).toMatchObject({ order_id: 'second' });
});

it('rejects with PublishFailedError, not a timeout, when the broker refuses it until the deadline', async () => {
  await order('fills-it');
  const error = await bus
    .publish('orderPlaced', { order_id: 'refused' }, { order_id: 'refused', amount: 1 }, { timeoutMs: 1_500 })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PublishFailedError);
  expect((error as Error).message).toMatch(/refused it \(nack\) until the 1500 ms deadline/);
  await channel.purgeQueue(FULL_QUEUE);
});

it('fails alone: the sends beside a message the broker keeps nacking are confirmed, each delivered once', async () => {
  const tap = 'orders.shipped.tap';
  await channel.assertQueue(tap, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  await channel.bindQueue(tap, EXCHANGE, 'order.shipped');
  await order('fills-it-again');
  const refused = bus
    .publish(
      'orderPlaced',
      { order_id: 'refused-again' },
      { order_id: 'refused-again', amount: 1 },
      { timeoutMs: 3_000 },
    )
    .catch((e: unknown) => e);
  const beside = await Promise.allSettled(
    Array.from({ length: 500 }, (_, index) =>
      bus.publish('orderShipped', {}, { order_id: `c${index}`, amount: 1 }, { timeoutMs: 3_000 }),
    ),
  );

  expect(beside.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
  expect(await refused).toBeInstanceOf(PublishFailedError);
  const delivered: string[] = [];
  for (
    let message = await channel.get(tap, { noAck: true });
    message;
    message = await channel.get(tap, { noAck: true })
  )
    delivered.push((JSON.parse(message.content.toString()) as { order_id: string }).order_id);
  expect(delivered).toHaveLength(500);
  expect(new Set(delivered).size).toBe(500);
  await channel.purgeQueue(FULL_QUEUE);
});
