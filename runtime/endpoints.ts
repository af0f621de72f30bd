/**
 * The brokers a connection may use: one URL, or the nodes of a cluster as a list (`RABBITMQ_URL`
 * comma-separated, or `connect({ url: [...] })`). Each instance tries the nodes in an order of its
 * own (shuffled by its instance id, so instances spread over the nodes and a restarted instance
 * starts where it was); after a loss it moves on to the next node that answers. Which node a
 * connection is on shows in its logs and in the `messaging_connected_node` gauge.
 */
import { createHash } from 'node:crypto';
import type { SocketOptions } from 'amqplib';
import { Gauge, type Registry } from 'prom-client';
import {
  ConfigError,
  CredentialsRefusedError,
  TlsVerificationError,
  VhostRefusedError,
  describeError,
} from './errors.js';

export interface Endpoint {
  /** The real URL, password included: hand it only to amqplib. */
  url: string;
  /** The URL as it may appear in logs and errors. */
  displayUrl: string;
  /** `host:port`: how logs and the gauge name the node. */
  node: string;
  socketOptions: SocketOptions;
}

/** Where a URL starts: a scheme and `//`. */
const SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * The entries of a URL list, trimmed. An empty entry, or a later one that does not start with a
 * scheme, is an error naming its position: a stray comma, or a comma inside a password, which must
 * be percent-encoded (`%2C`). Every entry is checked before any is parsed, and such an entry is
 * never shown: the pieces of a password split at its comma would show it (`amqp://u:Head`, `Tail@host`).
 */
export function urlEntries(value: string | readonly string[], source: string): string[] {
  const entries = (typeof value === 'string' ? value.split(',') : [...value]).map((entry) => entry.trim());
  if (entries.length === 0) throw new ConfigError(`${source} names no broker`);
  entries.forEach((entry, index) => {
    const name = entryName(source, index, entries.length);
    if (entry === '') throw new ConfigError(`${name} is empty (a stray comma, or a comma in a password: write it %2C)`);
    if (index > 0 && !SCHEME.test(entry)) {
      throw new ConfigError(
        `${name} is not a URL: it does not start with a scheme (amqp:// or amqps://); a comma in a password must be written %2C (the entry is not shown: it may hold part of a password)`,
      );
    }
  });
  return entries;
}

/** "RABBITMQ_URL" for a single URL, "RABBITMQ_URL entry 2 of 3" in a list. */
export function entryName(source: string, index: number, count: number): string {
  return count === 1 ? source : `${source} entry ${index + 1} of ${count}`;
}

/** The same order for the same instance id, a different one (usually) for another. */
export function shuffledFor<T>(items: readonly T[], instanceId: string): T[] {
  const order = [...items];
  const seed = createHash('sha256').update(instanceId).digest();
  for (let i = order.length - 1; i > 0; i--) {
    const j = seed.readUInt16BE((2 * i) % (seed.length - 1)) % (i + 1);
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

/** One connection's way through the nodes, and the gauge that says where it is. */
export class EndpointRotation {
  private readonly order: Endpoint[];
  private next = 0;
  private connected: Endpoint | undefined;
  private readonly gauge: Gauge<'connection' | 'node'>;

  constructor(
    endpoints: readonly Endpoint[],
    instanceId: string,
    private readonly connectionName: string,
    registry: Registry,
  ) {
    this.order = shuffledFor(endpoints, instanceId);
    this.gauge = connectedNodeGauge(registry);
  }

  /** The node the connection is on, if it is connected. */
  get current(): Endpoint | undefined {
    return this.connected;
  }

  /** Every node, in this instance's order. */
  get all(): readonly Endpoint[] {
    return this.order;
  }

  /**
   * Tries each node once, starting after the one last connected to, and resolves with the first
   * that answers. If none does, rejects with the reason of each (a refusal that retrying will not
   * help, on every node: TLS verification, credentials, vhost, as itself).
   */
  async connect<T>(open: (endpoint: Endpoint) => Promise<T>): Promise<{ endpoint: Endpoint; connection: T }> {
    const failures: { endpoint: Endpoint; error: unknown }[] = [];
    for (let tried = 0; tried < this.order.length; tried++) {
      const index = (this.next + tried) % this.order.length;
      const endpoint = this.order[index] as Endpoint;
      try {
        const connection = await open(endpoint);
        this.next = (index + 1) % this.order.length;
        return { endpoint, connection };
      } catch (error) {
        failures.push({ endpoint, error });
      }
    }
    const [first] = failures;
    if (failures.length === 1 || failures.every(({ error }) => isRefusal(error))) throw first?.error;
    throw new Error(
      `no broker node answered: ${failures.map(({ endpoint, error }) => `${endpoint.node} (${describeError(error)})`).join('; ')}`,
      { cause: first?.error },
    );
  }

  /** The connection to `endpoint` is ready for use. */
  markConnected(endpoint: Endpoint): void {
    this.markLost();
    this.connected = endpoint;
    this.gauge.set({ connection: this.connectionName, node: endpoint.node }, 1);
  }

  markLost(): void {
    if (this.connected) this.gauge.remove({ connection: this.connectionName, node: this.connected.node });
    this.connected = undefined;
  }
}

function isRefusal(error: unknown): boolean {
  return (
    error instanceof TlsVerificationError ||
    error instanceof CredentialsRefusedError ||
    error instanceof VhostRefusedError
  );
}

function connectedNodeGauge(registry: Registry): Gauge<'connection' | 'node'> {
  const name = 'messaging_connected_node';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'connection' | 'node'>;
  return new Gauge({
    name,
    help: 'The broker node each connection is on (1 while connected)',
    labelNames: ['connection', 'node'],
    registers: [registry],
  });
}
