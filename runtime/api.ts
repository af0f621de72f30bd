/**
 * The runtime's public surface as generated facades and services see it. Implementations live
 * beside this file; this module holds only the shapes so that the generator, the facades and
 * the runtime agree on one definition.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { MessageOrigin } from './origin.js';

export type { MessageOrigin } from './origin.js';

/** Routing-key parameters of a consumed message, e.g. `{ session_id: 'abc' }`. */
export type RoutingParams = Record<string, string>;

/** What a handler learns about the message besides its payload. */
export interface ConsumeContext<Params extends RoutingParams = RoutingParams> {
  messageId: string | undefined;
  correlationId: string | undefined;
  /** The exchange the message was published to (not the retry queue's). */
  exchange: string;
  /** The routing key the message was published with (not the retry queue's). */
  routingKey: string;
  /** The queue it was read from, with the instance suffix of a per-instance queue. */
  queue: string;
  /** Parameters parsed out of the routing key. */
  params: Params;
  /** 1 on first delivery, counting broker-driven retries. */
  attempt: number;
  redelivered: boolean;
  headers: Record<string, unknown>;
  /** Who published it, as far as the broker vouches (see docs/security.md, "Message origins"). */
  origin: MessageOrigin;
}

export interface RpcContext {
  correlationId: string | undefined;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  /** Who called, as far as the broker vouches. */
  origin: MessageOrigin;
}

export type EventHandler = (payload: never, context: ConsumeContext<never>) => Promise<void> | void;
/** Returns the reply, or a promise of it. */
export type RpcHandler = (request: never, context: RpcContext) => unknown;

/** Handlers keyed by `ConsumerSpec.name` / `RpcSpec.name`. */
export interface ServiceHandlers {
  consumers: Record<string, EventHandler>;
  rpcServers: Record<string, RpcHandler>;
}

export interface PublishOptions {
  headers?: Record<string, string | number | boolean>;
  /** Defaults to the correlation id of the message being handled, if any, else a new one. */
  correlationId?: string;
  /** Defaults to a new uuid. */
  messageId?: string;
  /** How long to wait for the broker's confirm (and for a connection during an outage). */
  timeoutMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  headers?: Record<string, string | number | boolean>;
}

/**
 * TLS for `amqps://` URLs. Each field falls back to an environment variable: `RABBITMQ_CA_FILE`,
 * `RABBITMQ_CERT_FILE`, `RABBITMQ_KEY_FILE` (paths to PEM files) and `RABBITMQ_KEY_PASSPHRASE`.
 * Without a CA, Node's trusted roots verify the broker.
 */
export interface TlsOptions {
  /** PEM contents (not paths) of the CA(s) that signed the broker's certificate. */
  ca?: string | Buffer;
  /** PEM contents of the client certificate, for brokers that verify clients. */
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** Verify the broker's certificate and host name. Default true; false only for local experiments. */
  rejectUnauthorized?: boolean;
}

export interface ConnectOptions {
  /**
   * The broker, or the nodes of a cluster (an array, or the URLs comma-separated). Default:
   * `process.env.RABBITMQ_URL` (also comma-separated), else `amqp://localhost:5672`.
   */
  url?: string | readonly string[];
  /** Only with an `amqps://` URL; see `TlsOptions` for the environment variables it falls back to. */
  tls?: TlsOptions;
  /** Distinguishes instances of one service (per-instance queues, connection name). Default: host-pid-random. */
  instanceId?: string;
  /** Overrides the contract's prefetch for every consumer queue. */
  prefetch?: number;
  logger?: Logger;
  /** Metrics go here; default: a new registry, exposed as `connection.metrics`. */
  registry?: Registry;
  /** How long to keep retrying the first connection before giving up. Default 30 s. */
  connectTimeoutMs?: number;
  /** Default publish confirm timeout. Default 10 s. */
  publishTimeoutMs?: number;
  /** Default RPC timeout. Default 5 s. */
  rpcTimeoutMs?: number;
  /** Bound on waiting for in-flight handlers and confirms in `close()`. Default 10 s. */
  shutdownTimeoutMs?: number;
  /**
   * Largest message body this service sends or accepts, in bytes. A larger publish or RPC fails
   * with `MessageTooLargeError`; a larger delivery is dead-lettered unparsed (`too_large`).
   * Default 16 MiB.
   */
  maxMessageBytes?: number;
}

/** The untyped engine a generated facade wraps. */
export interface ServiceConnection {
  publish(publisher: string, params: RoutingParams, payload: unknown, options?: PublishOptions): Promise<void>;
  call(rpc: string, request: unknown, options?: CallOptions): Promise<unknown>;
  /** Stop consuming, finish in-flight handlers, wait for confirms, close. Idempotent. */
  close(): Promise<void>;
  readonly metrics: Registry;
  readonly instanceId: string;
}

/** Implemented by `connectService` in `service.ts`; re-exported from `runtime/index.ts`. */
export type ConnectService = (
  definition: import('./definition.js').ServiceDefinition,
  /**
   * The handlers, or a function that makes them from the connection: consuming starts before
   * `connectService` resolves, so a handler that publishes or calls needs the connection this way.
   */
  handlers: ServiceHandlers | ((connection: ServiceConnection) => ServiceHandlers),
  options?: ConnectOptions,
) => Promise<ServiceConnection>;
