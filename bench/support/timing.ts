/** Pacing and clocks shared by the scenarios. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps up to `window` operations in flight until `total` have completed: how an application
 * pipelines promise-returning publishes (or calls) instead of awaiting each one in turn.
 * Rejects with the first failure.
 */
export async function inWindow(
  total: number,
  window: number,
  operation: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, total) }, lane));
}

/** How often a paced publisher catches up with its schedule. */
const PACING_TICK_MS = 10;

/**
 * Starts `total` operations at `perSecond` (those due are started together every 10 ms), without
 * waiting for one to finish before the next is due: a steady offered load, as from many users.
 * Resolves when all have completed; rejects with the first failure.
 */
export async function paced(
  total: number,
  perSecond: number,
  operation: (index: number) => Promise<unknown>,
): Promise<void> {
  const started: Promise<unknown>[] = [];
  // Caught as they happen: a failure must not go unhandled while later operations are still due.
  let failure: { error: unknown } | undefined;
  const startedAt = performance.now();
  while (started.length < total && !failure) {
    const due = Math.min(total, Math.floor(secondsSince(startedAt) * perSecond) + 1);
    while (started.length < due)
      started.push(operation(started.length).catch((error: unknown) => (failure ??= { error })));
    if (started.length < total) await sleep(PACING_TICK_MS);
  }
  await Promise.all(started);
  if (failure) throw failure.error;
}

/** Seconds elapsed since `startedAt` (a `performance.now()` reading). */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

export interface Countdown {
  /** Call once per message handled; the clock starts at the first call. */
  tick(): void;
  /** Seconds from the first tick to the `total`-th; rejects if they do not all come within `limitMs`. */
  readonly finished: Promise<number>;
}

/** Times the handling of `total` messages, from the first delivery to the last. */
export function countdown(total: number, limitMs: number, what: string): Countdown {
  let count = 0;
  let startedAt = 0;
  let finish: (seconds: number) => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<number>((resolve, reject) => {
    finish = resolve;
    timer = setTimeout(() => reject(new Error(`${what}: ${count} of ${total} messages after ${limitMs} ms`)), limitMs);
  });
  return {
    tick() {
      if (count === 0) startedAt = performance.now();
      if (++count === total) {
        clearTimeout(timer);
        finish(secondsSince(startedAt));
      }
    },
    finished,
  };
}
