import type { ConnectOptions } from '../../runtime/index.js';
import type { ServiceContext } from './service.js';
import { traceObserver } from './trace.js';

/** The connect options every service passes: its URL, instance id, logger, and the trace of every message. */
export function busOptions({ config, rootLogger, logger }: ServiceContext): ConnectOptions {
  return {
    ...(config.rabbitmqUrl && { url: config.rabbitmqUrl }),
    instanceId: config.instanceId,
    logger: rootLogger,
    observer: traceObserver(logger),
  };
}
