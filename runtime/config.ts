/** Turns `ConnectOptions` into the settings the runtime works with; the only place that reads the URL. */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { credentials, type SocketOptions } from 'amqplib';
import type { ConnectOptions } from './api.js';
import { type Endpoint, entryName, urlEntries } from './endpoints.js';
import { ConfigError, describeError } from './errors.js';
import { tlsSocketOptions } from './tls.js';
import { HEADER_TABLE_LIMIT } from './wire-limits.js';

export interface RuntimeConfig {
  /** The broker, or the nodes of a cluster, in the order configured. */
  endpoints: Endpoint[];
  /** The broker user every node is given (decoded); undefined when the URL names none (the broker's default). */
  user: string | undefined;
  /** Every URL as it may appear in logs and errors, comma-separated. */
  displayUrl: string;
  instanceId: string;
  /** `<service>@<instance>`; each connection appends its role (`/publish`, `/consume`). */
  connectionName: string;
  prefetchOverride: number | undefined;
  connectTimeoutMs: number;
  publishTimeoutMs: number;
  rpcTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** How many operations may wait for the connection during an outage. */
  outageBufferLimit: number;
  /** Largest message body sent or accepted; a larger one delivered is dead-lettered unparsed (`too_large`). */
  maxMessageBytes: number;
}

const DEFAULT_URL = 'amqp://localhost:5672';
const DEFAULT_HEARTBEAT_SECONDS = 15;
/** A header table at amqplib's limit, with room for the other properties. */
const MIN_FRAME_MAX = HEADER_TABLE_LIMIT + 4_096;
/** RabbitMQ 4's default `max_message_size`: far above any contract payload, far below what would strain a consumer. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How long one node may take to accept and open a connection before the next is tried (a node that black-holes packets). */
const NODE_CONNECT_TIMEOUT_MS = 5_000;

export function resolveConfig(service: string, options: ConnectOptions = {}): RuntimeConfig {
  const source = options.url === undefined ? 'RABBITMQ_URL' : 'the url option';
  const entries = urlEntries(options.url ?? process.env.RABBITMQ_URL ?? DEFAULT_URL, source);
  const instanceId = options.instanceId ?? defaultInstanceId();
  const connectionName = `${service}@${instanceId}`;
  const endpoints = entries.map((entry, index): Endpoint => {
    const url = checkedUrl(entry, entryName(source, index, entries.length));
    const parsed = new URL(url);
    return {
      url,
      displayUrl: maskUrl(url),
      node: parsed.host,
      socketOptions: {
        noDelay: true,
        timeout: NODE_CONNECT_TIMEOUT_MS,
        ...loginOf(parsed),
        ...tlsSocketOptions(parsed, options.tls, process.env),
      },
    };
  });
  const user = sameUserEverywhere(endpoints, source);
  return {
    endpoints,
    user,
    displayUrl: endpoints.map((endpoint) => endpoint.displayUrl).join(','),
    instanceId,
    connectionName,
    prefetchOverride: positive('prefetch', options.prefetch),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs) ?? 30_000,
    publishTimeoutMs: positive('publishTimeoutMs', options.publishTimeoutMs) ?? 10_000,
    rpcTimeoutMs: positive('rpcTimeoutMs', options.rpcTimeoutMs) ?? 5_000,
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs) ?? 10_000,
    outageBufferLimit: 10_000,
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes) ?? DEFAULT_MAX_MESSAGE_BYTES,
  };
}

/** A process has one broker identity: its messages carry it as `user_id`, whichever node it is on. Returns that user. */
function sameUserEverywhere(endpoints: readonly Endpoint[], source: string): string | undefined {
  // Compared decoded: `user%2Dservice` is `user-service` (checkedUrl made sure each decodes).
  const users = endpoints.map((endpoint) => decodeURIComponent(new URL(endpoint.url).username));
  const other = users.findIndex((user) => user !== users[0]);
  if (other > 0) {
    throw new ConfigError(
      `${source}: entry ${other + 1} of ${users.length} logs in as "${users[other]}", entry 1 as "${users[0]}": every node must be given the same user (the user is the service's identity, see docs/security.md)`,
    );
  }
  return users[0] === '' ? undefined : users[0];
}

/**
 * Everything between `//` and the last `@`, found in the raw text: a URL parser would take a
 * password holding `/`, `?` or `#` for the end of the host and show the rest as the path.
 */
const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)(.*)@/is;
/** Characters that end the user-info part of a URL: in a password they must be percent-encoded. */
const ENDS_USERINFO = /[/?#]/;

/**
 * `amqp://user:<password>@host/vhost` -> `amqp://user:***@host/vhost`. When the credentials are
 * not well formed (an unencoded `/` in the password, say) all of them are hidden:
 * `amqp://***@host/vhost`.
 */
export function maskUrl(url: string): string {
  const match = USERINFO.exec(url);
  if (!match) return url;
  const [whole, scheme, userinfo] = match as unknown as [string, string, string];
  const separator = userinfo.indexOf(':');
  const masked =
    ENDS_USERINFO.test(userinfo) || userinfo.includes('@')
      ? '***'
      : separator < 0
        ? userinfo
        : `${userinfo.slice(0, separator)}:***`;
  return `${scheme}${masked}@${url.slice(whole.length)}`;
}

/** One broker URL (`name` says which: "RABBITMQ_URL entry 2 of 3"), checked, with the runtime's default heartbeat. */
function checkedUrl(url: string, name: string): string {
  const userinfo = USERINFO.exec(url)?.[2];
  if (userinfo !== undefined && ENDS_USERINFO.test(userinfo)) {
    const character = ENDS_USERINFO.exec(userinfo)?.[0];
    throw new ConfigError(
      `${name} ${maskUrl(url)}: the user name or password holds "${character}", which ends the host part of a URL: percent-encode the password (encodeURIComponent: "/" is %2F, "?" is %3F, "#" is %23, "@" is %40, "," is %2C)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ConfigError(
      `${name} is not a URL (${describeError(error)}): ${maskUrl(url)}; expected amqp://user:password@host:port/vhost, with special characters in the password percent-encoded`,
    );
  }
  for (const [part, value] of [
    ['user name', parsed.username],
    ['password', parsed.password],
  ] as const) {
    if (decodedOrUndefined(value) === undefined) {
      throw new ConfigError(
        `${name} ${maskUrl(url)}: the ${part} holds a "%" that does not start a percent-encoded UTF-8 character: write "%" as %25`,
      );
    }
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new ConfigError(`${name} must use amqp:// or amqps://, got ${parsed.protocol}//`);
  }
  checkFrameMax(parsed.searchParams.get('frameMax'), url, name);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_SECONDS));
  return parsed.toString();
}

/**
 * The login, decoded as UTF-8 and handed to amqplib as such: from a URL, amqplib decodes the user
 * name and password with `unescape` (Latin-1), so any character outside ASCII, percent-encoded or
 * not, would log in as something else. A URL without either keeps amqplib's default account.
 */
function loginOf(url: URL): Pick<SocketOptions, 'credentials'> {
  if (url.username === '' && url.password === '') return {};
  return { credentials: credentials.plain(decodeURIComponent(url.username), decodeURIComponent(url.password)) };
}

function decodedOrUndefined(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * amqplib sends a message's properties in one frame, and a header table may encode to 64 KiB: with
 * a smaller frame the broker would close the whole connection on such a message. amqplib's default
 * (131072, RabbitMQ's too) is right; a lower `frameMax` in the URL is refused.
 */
function checkFrameMax(value: string | null, url: string, name: string): void {
  if (value === null) return;
  const frameMax = Number(value);
  if (!Number.isInteger(frameMax) || (frameMax !== 0 && frameMax < MIN_FRAME_MAX)) {
    throw new ConfigError(
      `${name} ${maskUrl(url)}: frameMax must be 0 (no limit) or at least ${MIN_FRAME_MAX} so that a message's headers (up to ${HEADER_TABLE_LIMIT} bytes) fit one frame, got "${value}"; leave it out for 131072`,
    );
  }
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got ${value}`);
  return value;
}

function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
