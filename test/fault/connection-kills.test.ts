/**
 * 10,000 ticks published while every connection of both services is killed three times through
 * the management API (as an operator or a network cut would). The runtime must reconnect, resend
 * what the broker did not confirm and resume consuming by itself: every tick is consumed at least
 * once. Duplicates are allowed (at-least-once delivery) and reported; losses fail the test.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestVhost,
  killConnections,
  listConnections,
  queueState,
  waitFor,
  type TestVhost,
} from '../support/broker.js';
import {
  DeliveryCounter,
  TICKS_DEAD_LETTER_QUEUE,
  TICKS_QUEUE,
  connectTickServices,
  publishTicks,
} from './tick-services.js';
import type { ServiceConnection } from '../../runtime/index.js';

const TOTAL = 10_000;
const KILL_POINTS = [2_500, 5_000, 7_500];

let vhost: TestVhost;
const services: ServiceConnection[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('fault-connection-kills');
});
afterAll(async () => {
  await Promise.all(services.map((service) => service.close()));
  await vhost.dispose();
});

/** Connections the kills closed: each kill must find both services connected. */
const killedConnections: string[] = [];

/** Waits until both services are connected (again), then kills all their connections. */
function killBothServices(kill: number): () => Promise<void> {
  return async () => {
    let connections: string[] = [];
    await waitFor(
      async () => {
        connections = (await listConnections(vhost)).map((connection) => connection.name);
        return connections.length === 4; // a publish and a consume connection each
      },
      { timeoutMs: 30_000, what: `both services to be connected before kill ${kill}` },
    );
    await killConnections(vhost, `fault test: kill ${kill} of ${KILL_POINTS.length}`);
    killedConnections.push(...connections);
  };
}

it('consumes every one of 10,000 ticks while all client connections are killed three times', async () => {
  const counter = new DeliveryCounter();
  const { ticker, counterService } = await connectTickServices(
    (tick, context) => counter.record(tick.seq, context.redelivered),
    { url: vhost.url },
  );
  services.push(ticker, counterService);

  await publishTicks(ticker, {
    total: TOTAL,
    inFlight: 200,
    interruptions: new Map(KILL_POINTS.map((point, index) => [point, killBothServices(index + 1)])),
  });

  await waitFor(() => counter.distinct === TOTAL, {
    timeoutMs: 60_000,
    what: `all ${TOTAL} ticks to be consumed (${counter.distinct} so far)`,
  });
  console.log(counter.report(`${KILL_POINTS.length} connection kills`, TOTAL));
  expect(new Set(killedConnections).size).toBe(4 * KILL_POINTS.length);
  expect(counter.missing(TOTAL)).toEqual([]);
  expect(await queueState(vhost.name, TICKS_QUEUE)).toEqual({ messages: 0, consumers: 1 });
  expect(await queueState(vhost.name, TICKS_DEAD_LETTER_QUEUE)).toEqual({ messages: 0, consumers: 0 });
});
