/**
 * A memory alarm (`rabbitmqctl set_vm_memory_high_watermark 0`: the broker blocks every connection
 * that publishes) while a service that both publishes and consumes has a backlog to drain: ticks
 * for its consumer and requests for its RPC server. Both must drain during the alarm (the consume
 * connection never publishes, RPC replies included, so the broker keeps reading its acks) while
 * the service's publishes and RPC calls wait on the blocked publish connection; a publish or call
 * whose timeout runs out during the alarm fails with its typed timeout error; after the alarm every
 * other publish is confirmed, the ticks they carried are consumed, the replies held back arrive, and
 * publishing and calling work again. No tick may be lost. And `close()` during an alarm finishes
 * (no channel close waits for a broker that reads nothing from a blocked connection).
 *
 * An alarm blocks every publisher on the broker, so this runs alone, after the parallel suite
 * (`*.serial.test.ts`). The watermark is restored in `finally` and the test waits for the alarm to
 * clear whatever happens. To develop it against a private node instead of the machine's broker,
 * set TEST_BROKER_AMQP_PORT, TEST_BROKER_MANAGEMENT_PORT and TEST_BROKER_NODE (test/support/broker.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type ChannelModel } from 'amqplib';
import { Registry } from 'prom-client';
import {
  brokerConnections,
  createTestVhost,
  queueState,
  rabbitmqctl,
  waitFor,
  type TestVhost,
} from '../support/broker.js';
import { DeliveryCounter, ECHO_QUEUE, TICKS_QUEUE, connectTickerCounter, type Tick } from './tick-services.js';
import { MessagingError, PublishTimeoutError, RpcTimeoutError, type ServiceConnection } from '../../runtime/index.js';

const BACKLOG = 5_000;
/** Publishes issued during the alarm with the default (long) timeout: confirmed once it clears. */
const DURING_ALARM = 50;
const SHORT_TIMEOUT_MS = 1_000;
/** Echo requests queued for the service's RPC server before the alarm, by a plain amqplib caller. */
const REQUESTS = 20;
const REPLY_QUEUE = 'alarm.test.replies';
const INSTANCE = 'alarm-test';

let vhost: TestVhost;
let service: ServiceConnection | undefined;
let closedDuringAlarm: ServiceConnection | undefined;
let caller: ChannelModel | undefined;

beforeAll(async () => {
  vhost = await createTestVhost('fault-resource-alarm');
});
afterAll(async () => {
  await clearAlarm();
  await caller?.close();
  await service?.close();
  await closedDuringAlarm?.close();
  await vhost.dispose();
});

/** The watermark found before the test, to restore; a 0 is one a killed run left behind, and the default replaces it. */
let watermark: string[] | undefined;

async function raiseMemoryAlarm(): Promise<void> {
  const current = (await rabbitmqctl('-q', 'eval', 'vm_memory_monitor:get_vm_memory_high_watermark().')).trim();
  const absolute = /^\{absolute,(\d+)\}$/.exec(current);
  watermark = absolute ? ['absolute', absolute[1]!] : Number(current) > 0 ? [current] : ['0.4'];
  await rabbitmqctl('set_vm_memory_high_watermark', '0');
}

/** Restores the watermark (if this test changed it) and waits until the broker reports no alarm. */
async function clearAlarm(): Promise<void> {
  if (watermark) await rabbitmqctl('set_vm_memory_high_watermark', ...watermark);
  await waitFor(async () => (await rabbitmqctl('-q', 'eval', 'rabbit_alarm:get_alarms().')).trim() === '[]', {
    timeoutMs: 30_000,
    what: 'the broker to clear its resource alarm',
    intervalMs: 250,
  });
}

/** `messaging_connection_blocked` of one of the service's connections, as the service exports it. */
async function blockedGauge(registry: Registry, connection: 'publish' | 'consume'): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('messaging_connection_blocked')?.get();
  return metric?.values.find((value) => value.labels.connection === connection)?.value;
}

async function connectionState(name: string): Promise<string | undefined> {
  return (await brokerConnections(vhost)).find((connection) => connection.connectionName === name)?.state;
}

it('drains its consumer queue during a memory alarm while its own publishes wait, then publishes again', async () => {
  const counter = new DeliveryCounter();
  const registry = new Registry();
  let releaseHandlers!: () => void;
  const handlersHeld = new Promise<void>((resolve) => (releaseHandlers = resolve));
  let echoed = 0;
  service = await connectTickerCounter(
    async (tick, context) => {
      await handlersHeld;
      counter.record(tick.seq, context.redelivered);
    },
    { url: vhost.url, registry, instanceId: INSTANCE, publishTimeoutMs: 120_000 },
    async (request) => {
      await handlersHeld;
      echoed += 1;
      return request;
    },
  );
  const bus = service;

  // The backlog: confirmed before the alarm, held in the queues by the held handlers.
  await Promise.all(Array.from({ length: BACKLOG }, (_, seq) => bus.publish('tick', {}, { seq })));
  expect((await queueState(vhost.name, TICKS_QUEUE)).messages).toBeGreaterThan(0);
  caller = await connect(vhost.url, { clientProperties: { connection_name: 'plain-caller' } });
  const callerChannel = await caller.createConfirmChannel();
  await callerChannel.assertQueue(REPLY_QUEUE, { exclusive: true });
  const replies: string[] = [];
  await callerChannel.consume(
    REPLY_QUEUE,
    (message) => message && replies.push(message.properties.correlationId as string),
    { noAck: true },
  );
  for (let seq = 0; seq < REQUESTS; seq++) {
    callerChannel.sendToQueue(ECHO_QUEUE, Buffer.from(JSON.stringify({ seq } satisfies Tick)), {
      replyTo: REPLY_QUEUE,
      correlationId: `request-${seq}`,
      contentType: 'application/json',
    });
  }
  await callerChannel.waitForConfirms();
  expect((await queueState(vhost.name, ECHO_QUEUE)).messages).toBeGreaterThan(0);

  let duringAlarm: PromiseSettledResult<void>[];
  let alarmMs: number;
  try {
    await raiseMemoryAlarm();
    const alarmRaisedAt = Date.now();
    const publishes = Array.from({ length: DURING_ALARM }, (_, i) => bus.publish('tick', {}, { seq: BACKLOG + i }));
    let settledDuringAlarm = 0;
    for (const publish of publishes)
      publish.then(
        () => (settledDuringAlarm += 1),
        () => (settledDuringAlarm += 1),
      );
    // Caught at once: they are expected to fail while the test is still waiting for other things.
    const shortPublish = bus
      .publish('tick', {}, { seq: BACKLOG + DURING_ALARM }, { timeoutMs: SHORT_TIMEOUT_MS })
      .catch((error: unknown) => error);
    const shortCall = bus.call('echo', { seq: 0 }, { timeoutMs: SHORT_TIMEOUT_MS }).catch((error: unknown) => error);
    await waitFor(async () => (await brokerConnections(vhost)).some((connection) => connection.state === 'blocked'), {
      timeoutMs: 30_000,
      what: 'the broker to block the connection the service published on',
    });

    releaseHandlers();
    await waitFor(() => counter.distinct === BACKLOG && echoed === REQUESTS, {
      timeoutMs: 60_000,
      what: `the backlog of ${BACKLOG} ticks and ${REQUESTS} requests to drain during the alarm`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${counter.distinct} ticks and ${echoed} requests handled`);
    });
    expect(await queueState(vhost.name, TICKS_QUEUE)).toEqual({ messages: 0, consumers: 1 });
    expect(await queueState(vhost.name, ECHO_QUEUE)).toEqual({ messages: 0, consumers: 1 });
    // Still in the alarm: the publishes wait, the short ones failed with their typed timeouts.
    expect(settledDuringAlarm).toBe(0);
    expect(await shortPublish).toBeInstanceOf(PublishTimeoutError);
    expect(await shortCall).toBeInstanceOf(RpcTimeoutError);
    expect(await connectionState(`ticker-counter@${INSTANCE}/publish`)).toBe('blocked');
    expect(await connectionState(`ticker-counter@${INSTANCE}/consume`)).not.toBe('blocked');
    expect(await blockedGauge(registry, 'publish')).toBe(1);
    expect(await blockedGauge(registry, 'consume')).toBe(0);

    await clearAlarm();
    alarmMs = Date.now() - alarmRaisedAt;
    duringAlarm = await Promise.allSettled(publishes);
  } finally {
    releaseHandlers();
    await clearAlarm();
  }

  // Each publish of the alarm is confirmed, or failed with its typed timeout; every confirmed tick is consumed.
  const failed = duringAlarm.filter((outcome) => outcome.status === 'rejected');
  expect(failed.filter((outcome) => !(outcome.reason instanceof PublishTimeoutError))).toEqual([]);
  const confirmed = new Set(duringAlarm.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [BACKLOG + i] : [])));
  const lost = (): number[] =>
    counter.missing(BACKLOG + DURING_ALARM).filter((seq) => seq < BACKLOG || confirmed.has(seq));
  await waitFor(() => lost().length === 0, { timeoutMs: 30_000, what: 'every confirmed tick to be consumed' });
  await waitFor(async () => (await blockedGauge(registry, 'publish')) === 0, {
    timeoutMs: 10_000,
    what: 'the publish connection to be reported unblocked',
  });

  // Publishing and calling work again.
  const after = BACKLOG + DURING_ALARM + 1;
  await bus.publish('tick', {}, { seq: after });
  await waitFor(() => !counter.missing(after + 1).includes(after), {
    timeoutMs: 10_000,
    what: 'the tick published after the alarm to be consumed',
  });
  await expect(bus.call('echo', { seq: 1 })).resolves.toEqual({ seq: 1 });
  // The replies to the requests served during the alarm waited on the publish connection and went out after it.
  await waitFor(() => replies.length === REQUESTS, {
    timeoutMs: 10_000,
    what: `the ${REQUESTS} replies held back by the alarm`,
  });
  expect(new Set(replies)).toEqual(new Set(Array.from({ length: REQUESTS }, (_, seq) => `request-${seq}`)));
  console.log(
    `${counter.report('memory alarm, backlog drained during it', BACKLOG)}; of ${DURING_ALARM} publishes issued during the alarm ` +
      `${confirmed.size} were confirmed after it, ${failed.length} timed out; the alarm lasted ${alarmMs} ms`,
  );
});

it('closes during a memory alarm, with a publish blocked, within its shutdown deadline', async () => {
  const bus = await connectTickerCounter(() => undefined, {
    url: vhost.url,
    registry: new Registry(),
    instanceId: 'closed-during-alarm',
    shutdownTimeoutMs: 1_000,
    publishTimeoutMs: 2_000,
  });
  closedDuringAlarm = bus;
  await expect(bus.call('echo', { seq: 0 })).resolves.toEqual({ seq: 0 });
  try {
    await raiseMemoryAlarm();
    const blockedPublish = bus.publish('tick', {}, { seq: 0 }).catch((error: unknown) => error);
    await waitFor(async () => (await connectionState('ticker-counter@closed-during-alarm/publish')) === 'blocked', {
      timeoutMs: 30_000,
      what: 'the broker to block the publish connection',
    });
    // An upper bound for a failing test (a close that hangs), not a performance threshold.
    const outcome = await Promise.race([
      bus.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 30_000, 'still closing after 30 s')),
    ]);
    expect(outcome).toBe('closed');
    expect(await blockedPublish).toBeInstanceOf(MessagingError);
    expect(await connectionState('ticker-counter@closed-during-alarm/consume')).toBeUndefined();
  } finally {
    await clearAlarm();
  }
  // The broker reads nothing from a blocked connection, its end included: it notices once the alarm clears.
  await waitFor(async () => (await connectionState('ticker-counter@closed-during-alarm/publish')) === undefined, {
    timeoutMs: 30_000,
    what: 'the broker to drop the publish connection closed during the alarm',
  });
});
