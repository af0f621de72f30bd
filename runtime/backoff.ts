/** Exponential back-off with jitter: attempt 1 waits about `initialMs`, doubling up to `maxMs`. */
export function backoffDelay(attempt: number, initialMs = 100, maxMs = 5_000): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": never less than half the base, so a crowd of clients spreads out but still backs off.
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
