import { pino, type Logger } from 'pino';

/** The service's child logger: under the caller's logger if given, else a new one at `LOG_LEVEL` (default info). */
export function createLogger(service: string, instanceId: string, given?: Logger): Logger {
  const root = given ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  return root.child({ service, instanceId });
}
