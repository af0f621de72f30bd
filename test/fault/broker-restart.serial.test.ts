/**
 * A broker restart (`rabbitmqctl stop_app`, then `start_app`: seconds without a broker) in the
 * middle of a tick stream, with the echo RPC served throughout. The counter is held back from tick
 * HOLD_FROM on until the broker is back, so at the restart it has handlers in flight and a backlog
 * waits in the queue. The consumer and the RPC server must resume by themselves, ticks published
 * during the outage must wait and go through, and no tick may be lost (duplicates are allowed and
 * reported).
 *
 * It stops the whole broker, so it must not run beside other test files: `*.serial.test.ts` files
 * run alone, after the parallel suite (vitest.serial.config.ts). It always leaves the broker running.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { brokerAnswers, createTestVhost, queueState, rabbitmqctl, waitFor, type TestVhost } from '../support/broker.js';
import {
  DeliveryCounter,
  ECHO_QUEUE,
  TICKS_DEAD_LETTER_QUEUE,
  TICKS_QUEUE,
  connectTickServices,
  publishTicks,
} from './tick-services.js';
import type { ServiceConnection } from '../../runtime/index.js';

const TOTAL = 5_000;
const HOLD_FROM = 1_000;
const RESTART_AT = 2_000;

/** Starts the broker app (a no-op when it runs) and waits until AMQP and the management API answer. */
async function ensureBrokerRunning(): Promise<void> {
  await rabbitmqctl('start_app');
  await waitFor(brokerAnswers, {
    timeoutMs: 60_000,
    what: 'the broker and its management API to answer after start_app',
    intervalMs: 250,
  });
}

let vhost: TestVhost;
const services: ServiceConnection[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('fault-broker-restart');
});
afterAll(async () => {
  // Also here, in case the test itself was cut short by its timeout.
  await ensureBrokerRunning();
  await Promise.all(services.map((service) => service.close()));
  await vhost.dispose();
});

it('resumes consuming and serving RPCs by itself after a broker restart mid-stream, losing nothing', async () => {
  const counter = new DeliveryCounter();
  let releaseHeldTicks!: () => void;
  const heldTicks = new Promise<void>((resolve) => (releaseHeldTicks = resolve));
  const { ticker, counterService } = await connectTickServices(
    async (tick, context) => {
      if (tick.seq >= HOLD_FROM) await heldTicks;
      counter.record(tick.seq, context.redelivered);
    },
    // Long enough for publishes and calls to wait out the restart; the defaults are tuned for blips.
    { url: vhost.url, publishTimeoutMs: 60_000, rpcTimeoutMs: 30_000 },
  );
  services.push(ticker, counterService);
  await expect(ticker.call('echo', { seq: 0 })).resolves.toEqual({ seq: 0 });

  let backlogAtRestart = 0;
  let startApp: Promise<unknown> | undefined;
  const restartBroker = async (): Promise<void> => {
    backlogAtRestart = (await queueState(vhost.name, TICKS_QUEUE)).messages;
    await rabbitmqctl('stop_app');
    // Ticks keep being published (into the runtime's outage buffer) while the broker comes back.
    startApp = rabbitmqctl('start_app');
  };
  try {
    await publishTicks(ticker, { total: TOTAL, inFlight: 200, interruptions: new Map([[RESTART_AT, restartBroker]]) });
    await startApp;
  } finally {
    await ensureBrokerRunning();
    releaseHeldTicks();
  }

  await waitFor(() => counter.distinct === TOTAL, {
    timeoutMs: 60_000,
    what: `all ${TOTAL} ticks to be consumed (${counter.distinct} so far)`,
  });
  await waitFor(async () => (await queueState(vhost.name, ECHO_QUEUE)).consumers === 1, {
    timeoutMs: 30_000,
    what: 'the echo RPC server to consume again',
  });
  await expect(ticker.call('echo', { seq: TOTAL })).resolves.toEqual({ seq: TOTAL });
  console.log(`${counter.report('broker restart', TOTAL)}; ${backlogAtRestart} ticks were queued at the restart`);
  expect(backlogAtRestart).toBeGreaterThan(0);
  expect(counter.missing(TOTAL)).toEqual([]);
  expect(await queueState(vhost.name, TICKS_QUEUE)).toEqual({ messages: 0, consumers: 1 });
  expect(await queueState(vhost.name, TICKS_DEAD_LETTER_QUEUE)).toEqual({ messages: 0, consumers: 0 });
});
