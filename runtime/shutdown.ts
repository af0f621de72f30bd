import type { ServiceConnection } from './api.js';

/** Closes `bus` gracefully on SIGTERM/SIGINT, then exits. Returns a function that unhooks it. */
export function closeOnSignals(
  bus: Pick<ServiceConnection, 'close'>,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    unhook();
    bus.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`closing after ${signal} failed:`, error);
        process.exit(1);
      },
    );
  };
  const unhook = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  for (const signal of signals) process.once(signal, onSignal);
  return unhook;
}
