import type { ConnectOptions } from '../../runtime/index.js';
import type { ServiceContext } from './service.js';

/** The connect options every service passes: its URL, instance id and logger. */
export function busOptions({ config, rootLogger }: ServiceContext): ConnectOptions {
  return { ...(config.rabbitmqUrl && { url: config.rabbitmqUrl }), instanceId: config.instanceId, logger: rootLogger };
}
