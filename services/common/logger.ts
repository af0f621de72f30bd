import { pino, type Logger } from 'pino';
import type { ServiceConfig } from './config.js';

/**
 * The process's root logger (JSON lines on stdout). The runtime derives its own child with the same
 * `service` and `instanceId`, so hand it the root; the service's own lines use `serviceLogger`.
 */
export function createRootLogger(config: ServiceConfig): Logger {
  // Synchronous writes: the last lines before `process.exit` (`stopped`, a fatal start-up error)
  // reach stdout instead of being lost in an asynchronous buffer.
  return pino({ level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
}

export function serviceLogger(root: Logger, config: ServiceConfig): Logger {
  return root.child({ service: config.service, instanceId: config.instanceId });
}
