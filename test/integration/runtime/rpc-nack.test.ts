/**
 * An RPC request the broker nacks is sent again on a fresh channel within its call's deadline, and
 * the call is answered once the broker takes it. On a cluster, a quorum queue whose leader was
 * elected as the caller reconnected refuses that caller's channel for good (docs/cluster.md): the
 * requests were lost in silence and every later call timed out. Here a full request queue with
 * `x-overflow: reject-publish` makes the one broker nack, which is the same signal.
 */
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import { pricingClientDefinition, quoteRpc } from './_fixtures.js';
import { capturingLogger } from '../../support/definitions.js';

const FULL_QUEUE = 'price.quote.full';

let vhost: TestVhost;
let raw: ChannelModel;
let server: ConfirmChannel;
let caller: ServiceConnection;
const { logger, lines: logLines } = capturingLogger('warn');
/** Deliveries the hand-written server holds unacked while the queue is meant to stay full. */
const held: ConsumeMessage[] = [];
let answering = false;

function answer(message: ConsumeMessage): void {
  const { replyTo, correlationId } = message.properties as { replyTo?: string; correlationId?: string };
  if (replyTo)
    server.sendToQueue(replyTo, Buffer.from(JSON.stringify({ sku: 'a', price: 42 })), {
      correlationId,
      contentType: 'application/json',
    });
  server.ack(message);
}

/** Puts a message that is not a request in the queue, confirmed. */
async function fill(): Promise<void> {
  server.sendToQueue(FULL_QUEUE, Buffer.from('filler'));
  await server.waitForConfirms();
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-rpc-nack');
  raw = await connect(vhost.url);
  server = await raw.createConfirmChannel();
  // Holds one ready message; the broker nacks every publish beyond it.
  await server.assertQueue(FULL_QUEUE, {
    durable: true,
    arguments: { 'x-queue-type': 'classic', 'x-max-length': 1, 'x-overflow': 'reject-publish' },
  });
  await server.prefetch(1);
  await server.consume(FULL_QUEUE, (message) => {
    if (!message) return;
    if (answering) answer(message);
    else held.push(message);
  });
  caller = await connectService(
    pricingClientDefinition({ ...quoteRpc, queue: FULL_QUEUE }),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger },
  );
});

afterAll(async () => {
  await caller?.close();
  await raw?.close();
  await vhost?.dispose();
});

it('sends a nacked request again on a fresh channel, and the call gets its reply once the broker takes the request', async () => {
  // The server holds one filler unacked (prefetch 1), so the next one stays ready and the queue is full.
  await fill();
  await waitFor(() => held.length === 1, { timeoutMs: 10_000, what: 'the server to hold the first filler' });
  await fill();

  let settled: string | undefined;
  const call = caller.call('quotePrice', { sku: 'a' }, { timeoutMs: 30_000 }).then(
    (reply) => {
      settled = 'answered';
      return reply;
    },
    (error: Error) => {
      settled = error.name;
      return error;
    },
  );
  await waitFor(() => logLines.some((line) => line.includes('the broker refused an RPC quotePrice request (nack)')), {
    timeoutMs: 10_000,
    what: 'the request nacked and the channel replaced',
  });
  expect(settled).toBeUndefined();

  // The server frees the queue and answers from now on: the request sent again gets in.
  answering = true;
  for (const message of held.splice(0)) answer(message);
  expect(await call).toEqual({ sku: 'a', price: 42 });
});
