/**
 * One deadline per RPC call, counted from the call: time spent waiting for a channel (an outage)
 * is not given again once the request is sent. The client runs on a real connection; only its
 * clock and timers are fake, so "600 ms of outage" is exact and nothing depends on machine speed.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { createTestVhost, type TestVhost } from '../../support/broker.js';
import { testLogger } from '../../support/definitions.js';
import { RpcTimeoutError } from '../../../runtime/index.js';
import { RpcClient } from '../../../runtime/rpc-client.js';
import { Metrics } from '../../../runtime/metrics.js';
import { MetricsObserver } from '../../../runtime/metrics-observer.js';
import type { ConnectionManager } from '../../../runtime/connection.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../runtime/config.js';
import { RPC_QUEUE, deferred, quoteRpc } from './_fixtures.js';

const TIMEOUT_MS = 1_000;
const OUTAGE_MS = 600;

let vhost: TestVhost;
let server: ChannelModel;
let clientConnection: ChannelModel;
/** Requests reach this server, which never answers. */
const requestReceived = deferred<ConsumeMessage>();

beforeAll(async () => {
  vhost = await createTestVhost('runtime-rpc-deadline');
  server = await connect(vhost.url);
  const channel = await server.createChannel();
  await channel.assertQueue(RPC_QUEUE, { durable: false });
  await channel.consume(RPC_QUEUE, (message) => message && requestReceived.resolve(message), { noAck: true });
  clientConnection = await connect(vhost.url);
});

afterEach(() => vi.useRealTimers());

afterAll(async () => {
  await clientConnection?.close();
  await server?.close();
  await vhost?.dispose();
});

it('times out at the deadline counted from the call, however long the call waited for a channel', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  // No reconnects happen here, so the connection manager is never asked.
  const client = new RpcClient(
    'checkout',
    [quoteRpc],
    undefined as unknown as ConnectionManager,
    testLogger(),
    TIMEOUT_MS,
    10,
    DEFAULT_MAX_MESSAGE_BYTES,
    undefined,
    (operation) => new MetricsObserver(new Metrics(), operation),
  );
  let outcome: unknown;
  void client.call('quotePrice', { sku: 'a' }, { timeoutMs: TIMEOUT_MS }).catch((error: unknown) => (outcome = error));

  await vi.advanceTimersByTimeAsync(OUTAGE_MS);
  await client.slot.attach(clientConnection);
  const request = await requestReceived.promise;
  expect(request.properties.expiration).toBe(String(TIMEOUT_MS - OUTAGE_MS));

  await vi.advanceTimersByTimeAsync(TIMEOUT_MS - OUTAGE_MS);
  expect(outcome).toBeInstanceOf(RpcTimeoutError);
  expect((outcome as RpcTimeoutError).timeoutMs).toBe(TIMEOUT_MS);
  await client.close();
});
