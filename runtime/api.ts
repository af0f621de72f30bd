/**
 * The runtime's public surface as generated facades and services see it. Implementations live
 * beside this file; this module holds only the shapes so that the generator, the facades and
 * the runtime agree on one definition.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { MessageOrigin } from './origin.js';
import type { ServiceApi, ServiceDefinition } from './definition.js';

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

/** A consumer's handler as the runtime calls it, with a payload its validator accepted. */
export type EventHandler = (payload: unknown, context: ConsumeContext) => Promise<void> | void;
/** An RPC server's handler as the runtime calls it, with a request its validator accepted. */
/** Returns the reply, or a promise of it. */
export type RpcHandler = (request: unknown, context: RpcContext) => unknown;

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
  /** Told of every message the service sends and receives (see `MessagingEvent`); tracing, logging and metrics hook in here. */
  observer?: MessagingObserver;
  /**
   * Largest message body this service sends or accepts, in bytes. A larger publish or RPC fails
   * with `MessageTooLargeError`; a larger delivery is dead-lettered unparsed (`too_large`).
   * Default 16 MiB.
   */
  maxMessageBytes?: number;
}

/**
 * What happens to a message, in the contract's names:
 *
 * - `publish`: an event goes out (validated, its routing key filled, its message id chosen).
 * - `consume`: a delivery is handed to its consumer's handler.
 * - `call`: an RPC request goes out. `reply`: the call settled (`outcome`, `durationMs`).
 * - `serve`: an RPC request is handed to its server's handler.
 * - `settle`: the service is done with a delivery or a served request (`outcome`, `durationMs`).
 */
export type MessagingEventKind = 'publish' | 'consume' | 'settle' | 'call' | 'serve' | 'reply';

export interface MessagingEvent {
  kind: MessagingEventKind;
  service: string;
  /** The operation's name in the facade (`matchFound`, `questionGet`); for a delivery no consumer matched, its queue's first consumer. */
  operation: string;
  /** The contract's message: the event, or the RPC's request. */
  message: string;
  /** '' is the default exchange, through which RPC requests go. */
  exchange: string;
  /** As published: parameters filled in; for an RPC, its queue. */
  routingKey: string;
  /** Where it is read from, for everything but `publish`. */
  queue?: string;
  messageId?: string;
  correlationId?: string;
  /**
   * `settle`: `ok` (acked, or answered), `retry` (parked for a later attempt), `requeue` (handed
   * back to the broker: the retry or dead letter could not be sent), or why it was dead-lettered,
   * dropped or answered with an error (`handler_failed`, `schema_invalid`, an RPC error code, ...).
   * `reply`: `ok` or the code the call failed with (for a remote error, the server's code).
   */
  outcome?: string;
  /** `settle`: how long the handler took (absent if none ran); `reply`: the call as the caller saw it. */
  durationMs?: number;
}

/** Called synchronously on the hot path: keep it cheap; a throw is logged and ignored. */
export type MessagingObserver = (event: MessagingEvent) => void;

/** The untyped engine a generated facade wraps. */
export interface ServiceConnection {
  publish(publisher: string, params: RoutingParams, payload: unknown, options?: PublishOptions): Promise<void>;
  call(rpc: string, request: unknown, options?: CallOptions): Promise<unknown>;
  /**
   * Starts consuming with these handlers: every consumer and RPC server of the definition needs one.
   * Once only, unless it rejects: a failed start handled nothing and left no consumer, and can be
   * called again.
   */
  start(handlers: ServiceHandlers): Promise<void>;
  /**
   * Binds a per-subscription consumer's queue to the routing key of `params` (counted: the first
   * subscription of a key binds it); resolves once bound. A parameter that is empty or holds `.`,
   * `*` or `#` is refused (`RoutingKeyError`): it would bind to more than its own key.
   */
  subscribe(consumer: string, params: RoutingParams): Promise<void>;
  /**
   * Releases one `subscribe` of `params` (the oldest, even one still binding); the last one
   * unbinds. Releasing what is not held does nothing; a `subscribe` that failed holds nothing.
   */
  unsubscribe(consumer: string, params: RoutingParams): Promise<void>;
  /**
   * Calls `listener` with the parameters of every subscription of a per-subscription consumer held
   * when its queue is new (the consume connection was lost, the queue with it): they are bound on
   * the new queue, and it is not consumed yet. What was published to them while there was no queue
   * never reaches it; a listener catches up from wherever the service keeps it. Synchronous:
   * consuming waits for it, and a throw is logged.
   */
  onResubscribed(consumer: string, listener: (held: RoutingParams[]) => void): void;
  /** Stop consuming, finish in-flight handlers, wait for confirms, close. Idempotent. */
  close(): Promise<void>;
  readonly metrics: Registry;
  readonly instanceId: string;
}

/** Registers a listener of a per-subscription consumer's re-subscriptions, typed by its parameters. */
export type ResubscribedListenerOf<Subscribe> = Subscribe extends (params: infer Params) => unknown
  ? (listener: (held: Params[]) => void) => void
  : never;

/** Implemented by `openService` in `service.ts`: connects, declares the topology; consuming waits for `start`. */
export type OpenService = (definition: ServiceDefinition, options?: ConnectOptions) => Promise<ServiceConnection>;

/**
 * A service's typed connection, as its generated facade's `connect` returns it: the contract's
 * operations of that service and nothing else. Handlers are attached with `start`, after
 * `connect`, so a handler that publishes or calls is simply made with this bus.
 */
export type ServiceBus<Api extends ServiceApi> = Pick<ServiceConnection, 'close' | 'metrics' | 'instanceId'> &
  (Api extends { publish: infer Publishers } ? { /** Publish an event. */ readonly publish: Publishers } : unknown) &
  (Api extends { call: infer Calls } ? { /** Call a remote procedure. */ readonly call: Calls } : unknown) &
  (Api extends { subscribe: infer Subscriptions }
    ? {
        /** Start receiving one parameter value of a per-subscription consumer; resolves once bound. */
        readonly subscribe: Subscriptions;
        /** Release one subscription; the last release of a value unbinds it. */
        readonly unsubscribe: Subscriptions;
        /**
         * Told every value held once they are bound on a new queue (after a lost connection),
         * before it is consumed: what was published to them meanwhile never reaches this instance.
         */
        readonly onResubscribed: { readonly [K in keyof Subscriptions]: ResubscribedListenerOf<Subscriptions[K]> };
      }
    : unknown) &
  (Api extends { handlers: infer Handlers }
    ? {
        /**
         * Starts consuming: from now on messages reach these handlers (one per consumer and per
         * served RPC; the type requires them all). Resolves once every consumer is running. Once
         * only, unless it rejects (then nothing was consumed: call it again once the cause is fixed).
         */
        start(handlers: Handlers): Promise<void>;
      }
    : unknown);
