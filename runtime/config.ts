/** Turns `ConnectOptions` into the settings the runtime works with; the only place that reads the URL. */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ConnectOptions } from './api.js';
import { type Endpoint, entryName, urlEntries } from './endpoints.js';
import { ConfigError } from './errors.js';
import { tlsSocketOptions } from './tls.js';

export interface RuntimeConfig {
  /** The broker, or the nodes of a cluster, in the order configured. */
  endpoints: Endpoint[];
  /** Every URL as it may appear in logs and errors, comma-separated. */
  displayUrl: string;
  instanceId: string;
  connectionName: string;
  prefetchOverride: number | undefined;
  connectTimeoutMs: number;
  publishTimeoutMs: number;
  rpcTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** How many operations may wait for the connection during an outage. */
  outageBufferLimit: number;
}

const DEFAULT_URL = 'amqp://localhost:5672';
const DEFAULT_HEARTBEAT_SECONDS = 15;
/** How long one node may take to accept and open a connection before the next is tried (a node that black-holes packets). */
const NODE_CONNECT_TIMEOUT_MS = 5_000;

export function resolveConfig(service: string, options: ConnectOptions = {}): RuntimeConfig {
  const source = options.url === undefined ? 'RABBITMQ_URL' : 'the url option';
  const entries = urlEntries(options.url ?? process.env.RABBITMQ_URL ?? DEFAULT_URL, source);
  const instanceId = options.instanceId ?? defaultInstanceId();
  const connectionName = `${service}@${instanceId}`;
  const endpoints = entries.map((entry, index): Endpoint => {
    const url = withHeartbeat(entry, entryName(source, index, entries.length));
    const parsed = new URL(url);
    return {
      url,
      displayUrl: maskUrl(url),
      node: parsed.host,
      socketOptions: {
        noDelay: true,
        timeout: NODE_CONNECT_TIMEOUT_MS,
        clientProperties: { connection_name: connectionName },
        ...tlsSocketOptions(parsed, options.tls, process.env),
      },
    };
  });
  return {
    endpoints,
    displayUrl: endpoints.map((endpoint) => endpoint.displayUrl).join(','),
    instanceId,
    connectionName,
    prefetchOverride: positive('prefetch', options.prefetch),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs) ?? 30_000,
    publishTimeoutMs: positive('publishTimeoutMs', options.publishTimeoutMs) ?? 10_000,
    rpcTimeoutMs: positive('rpcTimeoutMs', options.rpcTimeoutMs) ?? 5_000,
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs) ?? 10_000,
    outageBufferLimit: 10_000,
  };
}

/** `amqp://user:<password>@host/vhost` -> `amqp://user:***@host/vhost`; anything unparsable is hidden whole. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable RABBITMQ_URL>';
  }
}

function withHeartbeat(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${name} is not a URL: ${maskUrl(url)}`);
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new ConfigError(`${name} must use amqp:// or amqps://, got ${parsed.protocol}//`);
  }
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_SECONDS));
  return parsed.toString();
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got ${value}`);
  return value;
}

function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
