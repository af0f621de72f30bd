/** The broker connection of a command-line tool: the runtime's own (config, TLS, masking), quiet, and its failures told with a hint. */
import { pino } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { ConnectionManager } from '../connection.js';
import { MessagingError } from '../errors.js';
import { CliError, ExitCode } from './run-cli.js';

/** Connects as `config` says (from `resolveConfig`: `RABBITMQ_URL`, TLS...); retries quietly (LOG_LEVEL shows them) until its connect timeout. */
export async function connectToBroker(config: RuntimeConfig): Promise<ConnectionManager> {
  const logger = pino({ level: process.env.LOG_LEVEL || 'silent' }, pino.destination(2));
  const connection = new ConnectionManager(config, logger, { role: 'cli', setup: async () => undefined });
  await connection.start();
  return connection;
}

/** The runtime's connection errors, told the way the user can act on them. */
export function explainBrokerError(error: unknown): CliError | undefined {
  if (!(error instanceof MessagingError)) return undefined;
  // Errors that know what to do say it in their message, after "Hint:" (a refused login or vhost).
  const [message, ownHint] = error.message.split(/\.? Hint: /, 2) as [string, string | undefined];
  const hint =
    ownHint ??
    (error.code === 'connect_timeout'
      ? 'start RabbitMQ (bash scripts/ensure-broker.sh, or docker compose up -d rabbitmq) or point RABBITMQ_URL at it'
      : 'check RABBITMQ_URL and the broker');
  return new CliError(message, hint, ExitCode.unavailable);
}
