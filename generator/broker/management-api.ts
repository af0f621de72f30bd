/**
 * Reads a vhost's exchanges, queues and bindings from the RabbitMQ management HTTP API.
 * Configuration from the environment, with local defaults:
 * `RABBITMQ_MANAGEMENT_URL` (http://127.0.0.1:15672), `RABBITMQ_MANAGEMENT_USER` / `_PASSWORD`
 * (guest / guest), `RABBITMQ_VHOST` (/). Credentials are sent, never printed.
 */
import { CliError, ExitCode } from '../../runtime/cli/run-cli.js';
import type { BindingObject, BrokerObjects } from './broker-objects.js';
import { managementRefusal } from '../../runtime/cli/management-refusal.js';

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
  /** Absent until the broker has collected the queue's statistics once. */
  messages?: number;
  consumers?: number;
}

interface ApiBinding {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  properties_key: string;
}

function request(config: ManagementConfig, method: 'GET' | 'DELETE', path: string): Promise<Response> {
  return fetch(`${config.url}/api/${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` },
  }).catch((error: unknown) => {
    throw new CliError(
      `cannot reach the RabbitMQ management API at ${config.url} (${networkReason(error)})`,
      'start RabbitMQ with its management plugin (bash scripts/ensure-broker.sh), or point RABBITMQ_MANAGEMENT_URL at it',
      ExitCode.unavailable,
    );
  });
}

async function get<T>(config: ManagementConfig, kind: 'exchanges' | 'queues' | 'bindings'): Promise<T[]> {
  const path = `${kind}/${encodeURIComponent(config.vhost)}`;
  const response = await request(config, 'GET', path);
  if (!response.ok)
    throw refusal(
      config,
      response.status,
      `GET ${config.url}/api/${path} answered ${response.status} ${response.statusText}`,
    );
  return (await response.json()) as T[];
}

function refusal(config: ManagementConfig, status: number, answer: string): CliError {
  const refused = managementRefusal(
    status,
    config.url,
    config.user,
    'RABBITMQ_MANAGEMENT_USER and RABBITMQ_MANAGEMENT_PASSWORD',
  );
  if (refused !== undefined) return refused;
  // Every vhost-scoped listing answers 404 for a vhost that does not exist.
  if (status === 404) {
    return new CliError(
      `vhost "${config.vhost}" does not exist at ${config.url}`,
      'name an existing vhost with --vhost or RABBITMQ_VHOST, or create it: npm run broker:provision -- --vhost <name>',
      ExitCode.unavailable,
    );
  }
  return new CliError(
    `the management API ${answer}`,
    'check the broker (its management UI at the same URL) and try again',
    ExitCode.unavailable,
  );
}

/** `fetch failed` hides the reason in `cause`: ECONNREFUSED, ENOTFOUND... */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Removes a binding read from the broker (it needs the binding's `propertiesKey`); one already gone counts as removed. */
export async function deleteBinding(config: ManagementConfig, binding: BindingObject): Promise<void> {
  if (binding.propertiesKey === undefined)
    throw new Error(`binding ${binding.exchange} -> ${binding.queue} was not read from the broker`);
  const path = ['bindings', config.vhost, 'e', binding.exchange, 'q', binding.queue, binding.propertiesKey]
    .map(encodeURIComponent)
    .join('/');
  const response = await request(config, 'DELETE', path);
  if (!response.ok && response.status !== 404)
    throw new Error(
      `DELETE binding ${binding.exchange} -> ${binding.queue} (${binding.routingKey}) answered ${response.status} ${await response.text()}`,
    );
}

/** What a queue holds and who reads it, read live over AMQP (the management API's figures lag by seconds). */
export type QueueUse = () => Promise<{ messageCount: number; consumerCount: number } | undefined>;

/**
 * Deletes a queue only if it holds no message and has no consumer. For a classic queue the broker
 * checks both and deletes in one step (`if-empty`, `if-unused`), so nothing that arrives in between
 * is lost. Quorum queues refuse those flags (RabbitMQ 3.10: "not supported by quorum queues"): one
 * is read live over AMQP (`use`) just before an unconditional delete, so a message published
 * straight to it in that moment would go with it (its bindings are already gone: stop the previous
 * contract's producers first); without `use` it is kept. Resolves with why the queue was kept, or
 * undefined once it is gone.
 */
export async function deleteIdleQueue(
  config: ManagementConfig,
  name: string,
  use?: QueueUse,
): Promise<string | undefined> {
  const path = `queues/${encodeURIComponent(config.vhost)}/${encodeURIComponent(name)}`;
  const conditional = await request(config, 'DELETE', `${path}?if-empty=true&if-unused=true`);
  if (conditional.ok || conditional.status === 404) return undefined;
  const answer = await conditional.text();
  if (conditional.status !== 400) throw new Error(`DELETE queue ${name} answered ${conditional.status} ${answer}`);
  if (!answer.includes('not supported by quorum queues'))
    return answer.includes('not empty') ? 'it is not empty' : 'a consumer still reads it';
  if (use === undefined)
    return 'a quorum queue is deleted only once it is read empty and unused over AMQP: set RABBITMQ_URL to the AMQP URL of this vhost';
  const live = await use();
  if (live === undefined) return undefined;
  if (live.messageCount > 0) return 'it is not empty';
  if (live.consumerCount > 0) return 'a consumer still reads it';
  const deleted = await request(config, 'DELETE', path);
  if (deleted.ok || deleted.status === 404) return undefined;
  throw new Error(`DELETE queue ${name} answered ${deleted.status} ${await deleted.text()}`);
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
      ...(queue.messages === undefined ? {} : { messages: queue.messages }),
      ...(queue.consumers === undefined ? {} : { consumers: queue.consumers }),
    })),
    bindings: bindings
      .filter((binding) => binding.destination_type === 'queue')
      .map((binding) => ({
        exchange: binding.source,
        queue: binding.destination,
        routingKey: binding.routing_key,
        propertiesKey: binding.properties_key,
      })),
  };
}
