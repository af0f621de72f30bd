/** matching-service's own setting: how long a match request waits for a partner (`MATCH_TIMEOUT_MS`). */
export function readMatchTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.MATCH_TIMEOUT_MS;
  if (value === undefined || value === '') return 60_000;
  const timeoutMs = Number(value);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new Error(`MATCH_TIMEOUT_MS must be a positive integer (milliseconds), got "${value}"`);
  return timeoutMs;
}
