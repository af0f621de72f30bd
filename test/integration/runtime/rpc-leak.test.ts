/**
 * 200 RPC calls, one in ten held by the server until the caller has timed out (its reply then comes
 * late and is dropped): the caller's vhost has exactly the queues it had before (direct reply-to
 * declares none) and the caller's connection has exactly as many channels open as before.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectionChannels, createTestVhost, queueNames, type TestVhost } from '../../support/broker.js';
import { connectService, RpcTimeoutError, type ServiceConnection } from '../../../runtime/index.js';
import { RPC_QUEUE, deferred, pricingClientDefinition, pricingServerDefinition, testLogger } from './_fixtures.js';

const CALLS = 200;
const CONCURRENT = 20;
/** Every this many calls, one is held by the server past the caller's timeout. */
const HELD_EVERY = 10;
const CALLER_INSTANCE = 'leak-check';

let vhost: TestVhost;
let server: ServiceConnection;
let client: ServiceConnection;
/** Per held call: resolved once the caller has timed out, which lets the server answer (too late). */
const timedOut = new Map<string, ReturnType<typeof deferred<void>>>();
const timedOutFor = (sku: string): ReturnType<typeof deferred<void>> => {
  if (!timedOut.has(sku)) timedOut.set(sku, deferred());
  return timedOut.get(sku)!;
};

async function quote({ sku }: { sku: string }): Promise<{ sku: string; price: number }> {
  if (sku.startsWith('held-')) await timedOutFor(sku).promise;
  return { sku, price: sku.length };
}

/** Channels on the caller's publish connection, where its RPC channel and its server probes live. */
async function callerChannels(): Promise<number[]> {
  const connections = await connectionChannels(vhost);
  return connections
    .filter((connection) => connection.connectionName === `checkout@${CALLER_INSTANCE}/publish`)
    .map((connection) => connection.channels);
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-rpc-leak');
  server = await connectService(
    pricingServerDefinition(),
    { consumers: {}, rpcServers: { quotePrice: quote as never } },
    { url: vhost.url, logger: testLogger() },
  );
  client = await connectService(
    pricingClientDefinition(),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger: testLogger(), instanceId: CALLER_INSTANCE },
  );
});

afterAll(async () => {
  for (const held of timedOut.values()) held.resolve();
  await client?.close();
  await server?.close();
  await vhost?.dispose();
});

it(`leaves no queue and no channel behind after ${CALLS} calls, timeouts included`, async () => {
  await expect(client.call('quotePrice', { sku: 'warm-up' })).resolves.toEqual({ sku: 'warm-up', price: 7 });
  const queuesBefore = await queueNames(vhost.name);
  const channelsBefore = await callerChannels();
  expect(queuesBefore).toEqual([RPC_QUEUE]);
  expect(channelsBefore).toHaveLength(1);

  const outcomes: unknown[] = [];
  for (let round = 0; round < CALLS / CONCURRENT; round++) {
    const calls = Array.from({ length: CONCURRENT }, (_, i) => {
      const n = round * CONCURRENT + i;
      if (n % HELD_EVERY === 0) {
        const sku = `held-${n}`;
        return client.call('quotePrice', { sku }, { timeoutMs: 100 }).catch((error: unknown) => {
          timedOutFor(sku).resolve();
          return error;
        });
      }
      return client.call('quotePrice', { sku: `sku-${n}` });
    });
    outcomes.push(...(await Promise.all(calls)));
  }

  expect(outcomes.filter((outcome) => outcome instanceof RpcTimeoutError)).toHaveLength(CALLS / HELD_EVERY);
  expect(outcomes.filter((outcome) => !(outcome instanceof RpcTimeoutError))).toEqual(
    Array.from({ length: CALLS }, (_, n) => `sku-${n}`)
      .filter((_, n) => n % HELD_EVERY !== 0)
      .map((sku) => ({ sku, price: sku.length })),
  );
  const queuesAfter = await queueNames(vhost.name);
  const channelsAfter = await callerChannels();
  console.log(
    `[rpc leak] queues ${queuesBefore.length} -> ${queuesAfter.length}, caller channels ${channelsBefore.join()} -> ${channelsAfter.join()}`,
  );
  expect(queuesAfter).toEqual(queuesBefore);
  expect(channelsAfter).toEqual(channelsBefore);
});
