/**
 * The generator's model: a plain, fully resolved description of the contract. The model builder
 * is the only code that reads the AsyncAPI document; every emitter reads only this.
 * All lists are sorted (by name) so that emitted output is deterministic.
 */
import type { ExchangeType, UnverifiedOriginPolicy } from '../../runtime/definition.js';

/** A JSON Schema (draft 07) object without the parser's `x-parser-*` keys. */
export type JsonSchema = { [key: string]: unknown };

/** A named schema of the contract (`components.schemas.<name>`) that a message payload uses. */
export interface SchemaComponent {
  /** The contract's key, PascalCase; the TypeScript type name: `Difficulty`. */
  name: string;
  /** Its schema, each named schema inside it a `$ref: '#/components/schemas/<name>'`. */
  schema: JsonSchema;
}

export interface Message {
  /** The contract's message name (`components.messages.<key>.name`), PascalCase: `UserCreated`. */
  name: string;
  /** TypeScript type name of the payload; equal to `name`. */
  typeName: string;
  title?: string;
  description?: string;
  contentType: 'application/json';
  /** The payload schema, each named schema a `$ref: '#/components/schemas/<name>'` (the payload itself too, when it is one). */
  payload: JsonSchema;
  /** The payload schema with every named schema inlined: what a payload of this message must match. */
  schema: JsonSchema;
  examples: { name: string; payload: unknown }[];
}

export interface Exchange {
  name: string;
  type: ExchangeType;
  durable: boolean;
  autoDelete: boolean;
}

export interface RetryPolicy {
  /** Deliveries in all, the first included: 1 means no retry. */
  maxAttempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  /** Derived: the delay before attempt n+1 is `delaysMs[n-1]`, capped at `maxDelayMs`. */
  delaysMs: number[];
}

export interface Queue {
  name: string;
  role: 'consumer' | 'rpc' | 'retry' | 'dead-letter';
  queueType: 'classic' | 'quorum';
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  /** One queue per process instance; the runtime appends the instance id to `name`. */
  perInstance: boolean;
  /** Bound per subscribed routing-key parameter value at run time, not by the topology (`x-queue bindings: per-subscription`). */
  perSubscription: boolean;
  arguments: Record<string, string | number | boolean>;
  /** Consumer queues only. */
  retry?: RetryPolicy;
  /** Consumer queues only: the name of its dead-letter queue, when it has one. */
  deadLetterQueue?: string;
  /** Consumer queues only: names of its retry delay queues, in attempt order. */
  retryQueues?: string[];
  /** Consumer queues only: the largest body its consumers accept, when the contract says. */
  maxMessageBytes?: number;
  prefetch: number;
  /** The service that declares and reads it. */
  owner: string;
}

/** A binding the topology declares; per-subscription consumers have none (see `Subscription.perSubscription`). */
export interface Binding {
  exchange: string;
  queue: string;
  /** Routing-key pattern: `{param}` segments become `*`. */
  pattern: string;
}

export interface Parameter {
  name: string;
  description?: string;
}

/** A channel on an exchange, addressed by routing key. */
export interface EventChannel {
  /** The channel's key in the document, camelCase: `codeUpdated`. */
  id: string;
  description?: string;
  exchange: string;
  /** Routing-key template as written: `session.{session_id}.code_updated`. */
  routingKey: string;
  /** Parameter names in the order they appear in the routing key. */
  parameters: Parameter[];
  /** Binding pattern: `session.*.code_updated`. */
  pattern: string;
  message: string;
}

/** A request/reply pair served on a queue through the default exchange. */
export interface Rpc {
  /** The request channel's key: `userProfileGet`. */
  id: string;
  description?: string;
  /** The request queue: `user.profile.get`. */
  queue: string;
  requestMessage: string;
  replyMessage: string;
}

export interface Publication {
  operationId: string;
  /** Facade method name (the channel id): `publish.codeUpdated(...)`. */
  methodName: string;
  description?: string;
  channel: EventChannel;
  mandatory: boolean;
  persistent: boolean;
}

export interface Subscription {
  operationId: string;
  /** Handler name (the channel id): `handlers.userCreated`. */
  methodName: string;
  description?: string;
  channel: EventChannel;
  queue: string;
  /** What the consumer does with a message no service identity vouches for (`x-unverified-origin`). */
  unverifiedOrigin: UnverifiedOriginPolicy;
  /**
   * `x-queue bindings: per-subscription`: the queue is bound to one routing key per subscribed
   * parameter value at run time (`bus.subscribe`), never with the wildcard `channel.pattern`.
   */
  perSubscription: boolean;
}

export interface RpcUse {
  operationId: string;
  /** Facade method / handler name (the rpc id): `call.userProfileGet(...)`. */
  methodName: string;
  description?: string;
  rpc: Rpc;
}

/** The serving side of an RPC. */
export interface RpcServe extends RpcUse {
  /** What the server does with a request no service identity vouches for (`x-unverified-origin`). */
  unverifiedOrigin: UnverifiedOriginPolicy;
}

export interface Service {
  /** kebab-case: `matching-service`. */
  name: string;
  description?: string;
  publishes: Publication[];
  consumes: Subscription[];
  calls: RpcUse[];
  serves: RpcServe[];
}

export interface Model {
  title: string;
  version: string;
  description?: string;
  services: Service[];
  exchanges: Exchange[];
  /** Every queue: consumer, rpc, retry and dead-letter queues. */
  queues: Queue[];
  /** The vhost's default queue type, so that plain declarations of the shared queues are accepted. */
  defaultQueueType: 'classic' | 'quorum';
  bindings: Binding[];
  channels: EventChannel[];
  rpcs: Rpc[];
  messages: Message[];
  /** Every named schema the payloads use, once each. */
  schemas: SchemaComponent[];
}
