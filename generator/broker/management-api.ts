/**
 * Reads a vhost's exchanges, queues and bindings from the RabbitMQ management HTTP API.
 * Configuration from the environment, with local defaults:
 * `RABBITMQ_MANAGEMENT_URL` (http://127.0.0.1:15672), `RABBITMQ_MANAGEMENT_USER` / `_PASSWORD`
 * (guest / guest), `RABBITMQ_VHOST` (/). Credentials are sent, never printed.
 */
import { CliError, ExitCode } from '../../runtime/cli/run-cli.js';
import type { BrokerObjects } from './broker-objects.js';
import { managementRefusal } from './management-refusal.js';

export interface ManagementConfig {
  /** Base URL without credentials: `http://127.0.0.1:15672`. */
  url: string;
  user: string;
  password: string;
  vhost: string;
}

export function managementConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ManagementConfig {
  return {
    url: (env['RABBITMQ_MANAGEMENT_URL'] ?? 'http://127.0.0.1:15672').replace(/\/+$/, ''),
    user: env['RABBITMQ_MANAGEMENT_USER'] ?? 'guest',
    password: env['RABBITMQ_MANAGEMENT_PASSWORD'] ?? 'guest',
    vhost: env['RABBITMQ_VHOST'] ?? '/',
  };
}

interface ApiExchange {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  arguments: Record<string, unknown>;
}

interface ApiQueue {
  name: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive: boolean;
  arguments: Record<string, unknown>;
}

interface ApiBinding {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
}

async function get<T>(config: ManagementConfig, kind: 'exchanges' | 'queues' | 'bindings'): Promise<T[]> {
  const url = `${config.url}/api/${kind}/${encodeURIComponent(config.vhost)}`;
  const response = await fetch(url, {
    headers: { authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` },
  }).catch((error: unknown) => {
    throw new CliError(
      `cannot reach the RabbitMQ management API at ${config.url} (${networkReason(error)})`,
      'start RabbitMQ with its management plugin (bash scripts/ensure-broker.sh), or point RABBITMQ_MANAGEMENT_URL at it',
      ExitCode.unavailable,
    );
  });
  if (!response.ok) throw refusal(config, response.status, `GET ${url} answered ${response.status} ${response.statusText}`);
  return (await response.json()) as T[];
}

function refusal(config: ManagementConfig, status: number, answer: string): CliError {
  const refused = managementRefusal(status, config.url, config.user, 'RABBITMQ_MANAGEMENT_USER and RABBITMQ_MANAGEMENT_PASSWORD');
  if (refused !== undefined) return refused;
  // Every vhost-scoped listing answers 404 for a vhost that does not exist.
  if (status === 404) {
    return new CliError(`vhost "${config.vhost}" does not exist at ${config.url}`, 'name an existing vhost with --vhost or RABBITMQ_VHOST, or create it: npm run broker:provision -- --vhost <name>', ExitCode.unavailable);
  }
  return new CliError(`the management API ${answer}`, 'check the broker (its management UI at the same URL) and try again', ExitCode.unavailable);
}

/** `fetch failed` hides the reason in `cause`: ECONNREFUSED, ENOTFOUND... */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export async function readBrokerObjects(config: ManagementConfig): Promise<BrokerObjects> {
  const [exchanges, queues, bindings] = await Promise.all([
    get<ApiExchange>(config, 'exchanges'),
    get<ApiQueue>(config, 'queues'),
    get<ApiBinding>(config, 'bindings'),
  ]);
  return {
    exchanges: exchanges.map((exchange) => ({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.durable,
      autoDelete: exchange.auto_delete,
      arguments: exchange.arguments,
    })),
    queues: queues.map((queue) => ({
      name: queue.name,
      durable: queue.durable,
      autoDelete: queue.auto_delete,
      exclusive: queue.exclusive,
      arguments: queue.arguments,
    })),
    bindings: bindings
      .filter((binding) => binding.destination_type === 'queue')
      .map((binding) => ({ exchange: binding.source, queue: binding.destination, routingKey: binding.routing_key })),
  };
}
