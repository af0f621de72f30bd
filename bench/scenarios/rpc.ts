/**
 * RPC round trips over direct reply-to: matching-service calls `user.profile.get`, user-service
 * answers, each on its own connection in this process. Sequential: one call at a time. Concurrent:
 * `RPC_CONCURRENCY` callers, each awaiting its reply before the next call. Both servers take up to
 * `SERVER_PREFETCH` requests at once. Raw amqplib: `noDelay`, no timers, no validation; bare, its
 * requests carry a counter as correlation id; like-for-like, what the facade's carry (a uuid,
 * `mandatory`, `expiration`: support/wire-properties.ts), and a returned request fails its call.
 * The facades validate request and reply on both sides and time out. Replies are alike everywhere.
 */
import { connect, type Channel, type Message } from 'amqplib';
import * as matchingService from '../../generated/services/matching-service.js';
import * as userService from '../../generated/services/user-service.js';
import type { UserProfileRequest } from '../../generated/payloads.js';
import { handlersFor, started } from '../../test/support/handlers.js';
import { facadeOptions } from '../support/facade-options.js';
import { profile, profileRequest } from '../support/payloads.js';
import { percentile } from '../support/stats.js';
import { secondsSince } from '../support/timing.js';
import { requestProperties } from '../support/wire-properties.js';
import {
  CALLS_PER_SEC,
  P50,
  P99,
  RAW_BASELINES,
  type RawBaseline,
  type Sample,
  type Scenario,
  type Variant,
} from '../scenario.js';

export const RPC_CONCURRENCY = 50;
const SERVER_PREFETCH = 100;
/** Calls before the clock starts, so that neither side is measured cold. */
const WARM_UP_CALLS = 200;
const RPC_QUEUE = 'user.profile.get';
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** The facade caller's timeout, set explicitly so that raw like-for-like requests expire alike. */
const CALL_TIMEOUT_MS = 5_000;

type Call = () => Promise<unknown>;

/** Makes `total` calls, `concurrency` at a time; calls/s and latency percentiles. */
async function measureCalls(call: Call, total: number, concurrency: number): Promise<Sample> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  const latencies: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next++ < total) {
      const startedAt = performance.now();
      await call();
      latencies.push(performance.now() - startedAt);
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return {
    callsPerSec: total / secondsSince(startedAt),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const answer = (request: UserProfileRequest) => ({ ...profile, user_id: request.user_id });

async function serveRaw(channel: Channel): Promise<void> {
  await channel.prefetch(SERVER_PREFETCH);
  await channel.consume(RPC_QUEUE, (message) => {
    if (!message) return;
    const reply = answer(JSON.parse(message.content.toString('utf8')) as UserProfileRequest);
    channel.sendToQueue(message.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), {
      correlationId: message.properties.correlationId as string,
      contentType: 'application/json',
    });
    channel.ack(message);
  });
}

async function rawCaller(channel: Channel, baseline: RawBaseline): Promise<Call> {
  const pending = new Map<string, { resolve(reply: unknown): void; reject(error: Error): void }>();
  const settle = (message: Message) => {
    const id = message.properties.correlationId as string;
    const call = pending.get(id);
    pending.delete(id);
    return call;
  };
  channel.on('return', (message: Message) => settle(message)?.reject(new Error(`no queue ${RPC_QUEUE}`)));
  await channel.consume(
    DIRECT_REPLY_TO,
    (message) => {
      if (message) settle(message)?.resolve(JSON.parse(message.content.toString('utf8')));
    },
    { noAck: true },
  );
  const nextProperties = requestProperties(baseline, { replyTo: DIRECT_REPLY_TO, timeoutMs: CALL_TIMEOUT_MS });
  return () =>
    new Promise((resolve, reject) => {
      const properties = nextProperties();
      pending.set(properties.correlationId, { resolve, reject });
      channel.sendToQueue(RPC_QUEUE, Buffer.from(JSON.stringify(profileRequest)), properties);
    });
}

function rawRpc(baseline: RawBaseline, url: string, total: number, concurrency: number): Variant {
  return {
    id: baseline,
    async run() {
      const server = await connect(url, { noDelay: true });
      const client = await connect(url, { noDelay: true });
      try {
        await serveRaw(await server.createChannel());
        return await measureCalls(await rawCaller(await client.createChannel(), baseline), total, concurrency);
      } finally {
        await client.close();
        await server.close();
      }
    },
  };
}

function facadeRpc(url: string, total: number, concurrency: number): Variant {
  return {
    id: 'facade',
    async run() {
      const server = await started(
        userService.connect({ ...facadeOptions(url, SERVER_PREFETCH) }),
        handlersFor<userService.UserServiceHandlers>(userService.userServiceDefinition, { userProfileGet: answer }),
      );
      const client = await started(
        matchingService.connect({
          ...facadeOptions(url),
          rpcTimeoutMs: CALL_TIMEOUT_MS,
        }),
        handlersFor<matchingService.MatchingServiceHandlers>(matchingService.matchingServiceDefinition),
      );
      try {
        return await measureCalls(() => client.call.userProfileGet(profileRequest), total, concurrency);
      } finally {
        await client.close();
        await server.close();
      }
    },
  };
}

export function rpcScenarios(url: string, sequentialCalls: number, concurrentCalls: number): Scenario[] {
  const metrics = [CALLS_PER_SEC, P50, P99];
  return [
    {
      id: 'rpc-sequential',
      title: 'RPC, sequential',
      measures: `${sequentialCalls} calls one after another (after ${WARM_UP_CALLS} untimed), direct reply-to`,
      metrics,
      variants: [
        ...RAW_BASELINES.map((baseline) => rawRpc(baseline, url, sequentialCalls, 1)),
        facadeRpc(url, sequentialCalls, 1),
      ],
    },
    {
      id: `rpc-concurrent-${RPC_CONCURRENCY}`,
      title: `RPC, ${RPC_CONCURRENCY} concurrent callers`,
      measures: `${concurrentCalls} calls from ${RPC_CONCURRENCY} callers at once, direct reply-to`,
      metrics,
      variants: [
        ...RAW_BASELINES.map((baseline) => rawRpc(baseline, url, concurrentCalls, RPC_CONCURRENCY)),
        facadeRpc(url, concurrentCalls, RPC_CONCURRENCY),
      ],
    },
  ];
}
