/**
 * The seam between generated code and the runtime.
 *
 * A generated service facade builds one `ServiceDefinition` (plain data plus the ahead-of-time
 * compiled validators, typed by its interfaces) and hands it to `serviceFacade`. Everything the runtime knows about a
 * service comes from here: the runtime itself knows nothing of PeerPrep. Keep this file small
 * and stable: a change here means a regeneration of every facade.
 */

/** One schema violation, as ajv reports it (ajv's `ErrorObject`, reduced to what we read). */
export interface SchemaViolation {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** An ahead-of-time compiled ajv validator (ajv standalone code): a type guard for the payload type it checks. */
export type Validator<Payload = unknown> = ((data: unknown) => data is Payload) & { errors?: SchemaViolation[] | null };

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export interface ExchangeSpec {
  name: string;
  type: ExchangeType;
  durable: boolean;
  autoDelete: boolean;
}

export interface QueueSpec {
  /** Base name. For a per-instance queue the runtime appends `.<instanceId>`. */
  name: string;
  /** Why the queue exists; the runtime declares them all the same way. */
  role: 'consumer' | 'rpc' | 'retry' | 'dead-letter';
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  /** One queue per process instance (real-time fan-out): exclusive, gone with the connection. */
  perInstance: boolean;
  /** Queue arguments exactly as declared (`x-queue-type`, `x-message-ttl`, ...). */
  arguments: Record<string, string | number | boolean>;
}

export interface BindingSpec {
  exchange: string;
  /** Base queue name (see `QueueSpec.name`). */
  queue: string;
  /** Binding key; for topic exchanges a pattern such as `session.*.code_updated`. */
  pattern: string;
}

/** What one service declares on (re)connect: only the objects it publishes to or consumes from. */
export interface Topology {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
  bindings: BindingSpec[];
}

/** Broker-driven retry of a failed handler. */
export interface RetrySpec {
  /** Deliveries in all, the first included: 1 means no retry. */
  maxAttempts: number;
  /**
   * The delay queue to park a message in before attempt n+1, for n = 1 .. maxAttempts-1
   * (`delayQueues[n-1]`). Each has an `x-message-ttl` and dead-letters back to the consumer queue.
   */
  delayQueues: { queue: string; delayMs: number }[];
}

/** A message routed by routing key on an exchange: `{param}` segments are filled from parameters. */
export interface EventRoute {
  exchange: string;
  /** Routing-key template, e.g. `session.{session_id}.code_updated`. */
  routingKey: string;
  /** Parameter names in template order. */
  parameters: string[];
}

export interface PublisherSpec<Name extends string = string, Payload = unknown> extends EventRoute {
  /** Facade method name; also used in logs, metrics and errors. */
  name: Name;
  /** The contract's message name, e.g. `UserCreated`. */
  message: string;
  /** Unroutable is an error (AMQP `mandatory`). */
  mandatory: boolean;
  /** delivery_mode 2. */
  persistent: boolean;
  validate: Validator<Payload>;
}

/**
 * What a consumer or RPC server does with a message no service identity vouches for (no
 * `user_id`, or one that is not `<prefix><service>`): handle it, handle it and note it (log line,
 * metric, `context.origin.verified === false`), or refuse it (`unauthorized_origin`).
 */
export type UnverifiedOriginPolicy = 'accept' | 'flag' | 'refuse';

export interface ConsumerSpec<Name extends string = string, Payload = unknown> extends EventRoute {
  name: Name;
  message: string;
  /** Base name of the queue this consumer reads; several consumers may share one queue. */
  queue: string;
  validate: Validator<Payload>;
  retry: RetrySpec;
  /** Where a message goes when it cannot be processed; undefined: nowhere (logged and dropped, only for per-instance real-time queues). */
  deadLetterQueue?: string;
  /** Default prefetch from the contract; `ConnectOptions.prefetch` overrides it. */
  prefetch: number;
  /** The services that publish on this channel; one proven to come from another service is refused. Omitted: any service. */
  publishers?: string[];
  /** Default `accept`. */
  unverifiedOrigin?: UnverifiedOriginPolicy;
  /** The largest body this consumer accepts, from the contract; unset: `ConnectOptions.maxMessageBytes`. */
  maxMessageBytes?: number;
  /**
   * `x-queue bindings: per-subscription`: the topology does not bind the queue; the service binds it
   * per parameter value with `subscribe` and releases it with `unsubscribe`. Unset: wildcard-bound.
   */
  perSubscription?: boolean;
}

export interface RpcSpec<Name extends string = string, Request = unknown, Reply = unknown> {
  name: Name;
  /** The request queue, reached through the default exchange. */
  queue: string;
  requestMessage: string;
  replyMessage: string;
  /** What the service sends is validated strictly, what it receives as a tolerant reader (unknown properties ignored): a caller's spec checks the request strictly, a server's the reply. */
  validateRequest: Validator<Request>;
  validateReply: Validator<Reply>;
  /** Served RPCs: the services that call it; a request proven to come from another service is refused. Omitted: any service. */
  callers?: string[];
  /** Served RPCs; default `accept`. */
  unverifiedOrigin?: UnverifiedOriginPolicy;
}

/** The specs of a service's definition: what it publishes, consumes, calls and serves. */
export interface ServiceSpecs {
  publishers: PublisherSpec[];
  consumers: ConsumerSpec[];
  /** RPCs this service calls. */
  rpcClients: RpcSpec[];
  /** RPCs this service answers. */
  rpcServers: RpcSpec[];
}

/**
 * A service's typed operations, as its generated facade declares them: the interfaces of the
 * handlers it implements (one method per consumer and per served RPC), what it publishes, calls
 * and subscribes to (a group the service does not have is left out), and `specs`, the type of each
 * spec of its definition: a tuple per group, one spec per method in the definition's order, named
 * after the method, its validators type guards of the method's payload types. The generator
 * writes `specs` from the same operations as the interfaces; deriving it from their signatures in
 * conditional types made the type check of a large contract several times slower.
 */
export interface ServiceApi {
  handlers?: object;
  publish?: object;
  call?: object;
  subscribe?: object;
  specs: ServiceSpecs;
}

export interface ServiceDefinition extends ServiceSpecs {
  service: string;
  /** Every service of the contract: a `user_id` of `<prefix><service>` proves that service sent a message. Omitted: none is recognised. */
  services?: string[];
  topology: Topology;
}

/**
 * A generated facade's definition, its specs typed by `Api['specs']`: a spec with another name, a
 * validator of another message, or a spec too many or too few does not compile.
 */
export interface TypedServiceDefinition<Api extends ServiceApi> extends ServiceDefinition {
  publishers: Api['specs']['publishers'];
  consumers: Api['specs']['consumers'];
  rpcClients: Api['specs']['rpcClients'];
  rpcServers: Api['specs']['rpcServers'];
}
