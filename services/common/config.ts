/** A service's settings from its environment; the only place that reads process.env for a service. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export interface ServiceConfig {
  service: string;
  /** undefined: the runtime's default (`amqp://localhost:5672`). */
  rabbitmqUrl: string | undefined;
  host: string;
  /** 0 asks the OS for a free port; the `listening` log line says which. */
  port: number;
  dataDir: string;
  logLevel: string;
  /** Names this process in logs, connection names and per-instance queues. */
  instanceId: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readServiceConfig(
  service: string,
  defaultPort: number,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  return {
    service,
    rabbitmqUrl: env.RABBITMQ_URL || undefined,
    host: env.HOST || '127.0.0.1',
    port: parsePort(env.PORT, defaultPort),
    dataDir: resolve(env.DATA_DIR || `data/${service}`),
    logLevel,
    instanceId: env.INSTANCE_ID || `${hostname()}-${process.pid}`,
  };
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be an integer from 0 to 65535, got "${value}"`);
  return port;
}
