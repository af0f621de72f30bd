/**
 * The life of a service process: read the environment, start (connect the bus, open stores, build
 * the HTTP app), listen, and on SIGTERM/SIGINT close in order: the HTTP server first (no new work,
 * in-flight requests finish), then what the service lists (its bus last but one, its store last).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MessagingError, closeOnSignals } from '../../runtime/index.js';
import { readServiceConfig, type ServiceConfig } from './config.js';
import { createRootLogger, serviceLogger } from './logger.js';

export interface ServiceContext {
  config: ServiceConfig;
  /** Hand this one to the bus: the runtime adds `service` and `instanceId` itself. */
  rootLogger: Logger;
  logger: Logger;
}

export interface Closer {
  name: string;
  close(): Promise<void> | void;
}

export interface StartedService {
  http: FastifyInstance;
  /** Closed in this order, after the HTTP server. */
  closers: Closer[];
}

export function runService(
  service: string,
  defaultPort: number,
  start: (context: ServiceContext) => Promise<StartedService>,
): void {
  let config: ServiceConfig;
  try {
    config = readServiceConfig(service, defaultPort);
  } catch (error) {
    console.error(`${service}: ${(error as Error).message}`);
    process.exit(1);
  }
  const rootLogger = createRootLogger(config);
  const logger = serviceLogger(rootLogger, config);
  start({ config, rootLogger, logger })
    .then(async ({ http, closers }) => {
      await http.listen({ host: config.host, port: config.port });
      const { port } = http.server.address() as AddressInfo;
      logger.info({ host: config.host, port }, 'listening');
      closeOnSignals({
        close: () => closeInOrder(logger, [{ name: 'http server', close: () => http.close() }, ...closers]),
      });
    })
    .catch((error: unknown) => {
      // The runtime's own errors say what is wrong and what to do: one line, no stack trace.
      if (error instanceof MessagingError) logger.fatal({ code: error.code }, `could not start: ${error.message}`);
      else logger.fatal({ err: error }, 'could not start');
      process.exit(1);
    });
}

async function closeInOrder(logger: Logger, closers: Closer[]): Promise<void> {
  for (const closer of closers) {
    logger.info(`closing ${closer.name}`);
    await closer.close();
  }
  logger.info('stopped');
}
