/**
 * A consumer process killed with SIGKILL in the middle of a tick stream, with deliveries in flight
 * (one of them held by a handler that never returns, so at least one is in flight for certain),
 * while the ticker keeps publishing; a new consumer process starts later. Every tick must be
 * processed: what the killed process had not acked is redelivered to the new one. Duplicates (ticks
 * processed whose ack died with the process) are allowed and reported; losses fail the test.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestVhost, queueState, waitFor, type TestVhost } from '../support/broker.js';
import { DeliveryCounter, TICKS_DEAD_LETTER_QUEUE, TICKS_QUEUE, connectTicker, publishTicks } from './tick-services.js';
import type { HandledTickLine } from './tick-consumer.js';
import type { ServiceConnection } from '../../runtime/index.js';

const TOTAL = 5_000;
/** The first consumer process never finishes this tick. */
const STALL_AT = 1_000;
/** Publishing waits here until the first consumer, well past STALL_AT, has been killed... */
const KILL_AT = 2_500;
const KILL_ONCE_HANDLED = 2_000;
/** ...and here until a new consumer process consumes; ticks in between wait in the queue. */
const RESTART_AT = 3_750;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ConsumerProcess {
  /** SIGKILL; resolves with the signal that ended it once its output has been read to the end. */
  kill(): Promise<NodeJS.Signals | null>;
}

function startConsumerProcess(env: Record<string, string>, onTick: (line: HandledTickLine) => void): ConsumerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fault/tick-consumer.ts'], {
    cwd: ROOT,
    env: { ...process.env, RABBITMQ_URL: vhost.url, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // 'close' comes after the output ends: every tick the process printed has been counted by then.
  const closed = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('close', (_code, signal) => resolve(signal)),
  );
  createInterface({ input: child.stdout }).on('line', (text) => onTick(JSON.parse(text) as HandledTickLine));
  return {
    kill() {
      child.kill('SIGKILL');
      return closed;
    },
  };
}

/** Until the first consumer process has declared the tick queue, it does not exist: no consumer yet. */
async function tickConsumers(): Promise<number> {
  try {
    return (await queueState(vhost.name, TICKS_QUEUE)).consumers;
  } catch (error) {
    if (String(error).includes('NOT_FOUND')) return 0;
    throw error;
  }
}

async function waitForConsumer(what: string): Promise<void> {
  await waitFor(async () => (await tickConsumers()) === 1, { timeoutMs: 30_000, what });
}

let vhost: TestVhost;
let ticker: ServiceConnection | undefined;
const consumers: ConsumerProcess[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('fault-killed-consumer');
});
afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.kill()));
  await ticker?.close();
  await vhost.dispose();
});

it('processes every tick after a consumer process is killed (SIGKILL) with deliveries in flight and a new one starts', async () => {
  const counter = new DeliveryCounter();
  let stalledTickRedelivered = false;
  const onTick = ({ seq, redelivered }: HandledTickLine): void => {
    counter.record(seq, redelivered);
    if (seq === STALL_AT && redelivered) stalledTickRedelivered = true;
  };

  consumers.push(startConsumerProcess({ STALL_AT_SEQ: String(STALL_AT) }, onTick));
  await waitForConsumer('the first consumer process to consume');
  ticker = await connectTicker({ url: vhost.url });

  let killedBy: NodeJS.Signals | null = null;
  const killFirstConsumer = async (): Promise<void> => {
    await waitFor(() => counter.distinct >= KILL_ONCE_HANDLED, {
      timeoutMs: 30_000,
      what: `the first consumer to handle ${KILL_ONCE_HANDLED} ticks`,
    });
    killedBy = await consumers[0]!.kill();
  };
  const startSecondConsumer = async (): Promise<void> => {
    expect(await tickConsumers()).toBe(0);
    consumers.push(startConsumerProcess({}, onTick));
    await waitForConsumer('the new consumer process to consume');
  };
  await publishTicks(ticker, {
    total: TOTAL,
    inFlight: 100,
    interruptions: new Map([
      [KILL_AT, killFirstConsumer],
      [RESTART_AT, startSecondConsumer],
    ]),
  });

  await waitFor(() => counter.distinct === TOTAL, { timeoutMs: 60_000, what: `all ${TOTAL} ticks to be processed` });
  console.log(counter.report('a consumer process killed (SIGKILL) mid-stream, then a new one started', TOTAL));
  expect(killedBy).toBe('SIGKILL');
  expect(counter.missing(TOTAL)).toEqual([]);
  expect(stalledTickRedelivered).toBe(true);
  expect(await queueState(vhost.name, TICKS_QUEUE)).toEqual({ messages: 0, consumers: 1 });
  expect(await queueState(vhost.name, TICKS_DEAD_LETTER_QUEUE)).toEqual({ messages: 0, consumers: 0 });
});
