/**
 * Readers for the contract's own objects: the `x-` extensions (docs/contract-extensions.md) and
 * the AMQP binding objects the AsyncAPI parser does not check key by key. Each validates and
 * applies the documented defaults.
 */
import type { ExchangeType, UnverifiedOriginPolicy } from '../../runtime/definition.js';
import { didYouMean } from '../did-you-mean.js';
import { entriesOf, isObject } from './json.js';
import { ObjectReader } from './object-reader.js';
import type { JsonPath, Problems } from './problem.js';

export interface RetryOptions {
  attempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

export type QueueType = 'classic' | 'quorum';

/** How a consumer queue is bound: once with `*` for every parameter, or per parameter value at run time. */
export type BindingMode = 'wildcard' | 'per-subscription';

/** An `x-queue` with every default applied. */
export interface QueueOptions {
  name: string;
  type: QueueType;
  durable: boolean;
  exclusive: boolean;
  retry: RetryOptions;
  deadLetter: boolean;
  prefetch: number;
  /** Largest body the consumer accepts; unset: the runtime's `maxMessageBytes`. */
  maxMessageBytes?: number;
  bindings: BindingMode;
}

export interface ExchangeOptions {
  name: string;
  type: ExchangeType;
  durable: boolean;
  autoDelete: boolean;
}

export interface RpcQueueOptions {
  name: string | undefined;
  type: QueueType;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
}

export interface ServiceDeclaration {
  name: string;
  description?: string;
}

export const DEFAULT_PREFETCH = 10;
const NO_RETRY: RetryOptions = { attempts: 1, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 };
const QUEUE_KEYS = [
  'name',
  'type',
  'durable',
  'exclusive',
  'retry',
  'deadLetter',
  'prefetch',
  'maxMessageBytes',
  'bindings',
] as const;
const BINDING_MODES: readonly BindingMode[] = ['wildcard', 'per-subscription'];
const RETRY_KEYS = ['attempts', 'initialDelayMs', 'multiplier', 'maxDelayMs'] as const;
const EXCHANGE_KEYS = ['name', 'type', 'durable', 'autoDelete', 'vhost'] as const;
const RPC_QUEUE_KEYS = ['name', 'x-type', 'durable', 'exclusive', 'autoDelete', 'vhost'] as const;
const QUEUE_TYPES = ['classic', 'quorum'] as const;
const QUORUM_HINT =
  'a quorum queue is replicated: it must be durable, not exclusive and not auto-delete; leave out the type or say classic';
const EXCHANGE_TYPES = ['topic', 'direct', 'fanout', 'headers'] as const;
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const UNVERIFIED_ORIGIN_POLICIES: readonly UnverifiedOriginPolicy[] = ['accept', 'flag', 'refuse'];
/** Until a contract says otherwise, publishers that set no `user_id` (the Python services) keep working. */
export const DEFAULT_UNVERIFIED_ORIGIN: UnverifiedOriginPolicy = 'accept';

export function readQueueOptions(value: unknown, path: JsonPath, problems: Problems): QueueOptions | undefined {
  const reader = ObjectReader.open(value, path, 'x-queue', QUEUE_KEYS, problems);
  if (reader === undefined) return undefined;
  const name = reader.string('name', { required: true });
  const exclusive = reader.boolean('exclusive') ?? false;
  const durable = reader.boolean('durable');
  // Durable service queues are replicated unless the contract says otherwise.
  const type = reader.oneOf('type', QUEUE_TYPES) ?? (exclusive || durable === false ? 'classic' : 'quorum');
  const deadLetter = reader.boolean('deadLetter');
  const prefetch = reader.integer('prefetch', 1) ?? DEFAULT_PREFETCH;
  const maxMessageBytes = reader.integer('maxMessageBytes', 1);
  const retry = reader.has('retry') ? readRetryOptions(reader.raw('retry'), [...path, 'retry'], problems) : NO_RETRY;
  let bindings = reader.oneOf('bindings', BINDING_MODES) ?? 'wildcard';
  if (bindings === 'per-subscription' && !exclusive) {
    // Read as the default once reported, so that no diagnostic follows from this one.
    bindings = 'wildcard';
    reader.report(
      'bindings',
      'invalid-value',
      'x-queue "bindings: per-subscription" needs an exclusive x-queue (one per instance)',
      'add exclusive: true: the bindings of a shared queue would outlive the instance that subscribed and serve every instance at once; a shared queue takes bindings: wildcard',
    );
  }

  if (exclusive) {
    const perInstanceHint =
      'an exclusive queue is per instance and gone with its connection: it cannot keep, retry or dead-letter messages';
    if (durable === true)
      reader.report('durable', 'invalid-value', 'an exclusive x-queue cannot be durable', perInstanceHint);
    if (type === 'quorum')
      reader.report('type', 'invalid-value', 'an exclusive x-queue cannot be a quorum queue', perInstanceHint);
    if (reader.has('retry'))
      reader.report('retry', 'invalid-value', 'an exclusive x-queue cannot have a retry policy', perInstanceHint);
    if (deadLetter === true)
      reader.report(
        'deadLetter',
        'invalid-value',
        'an exclusive x-queue cannot have a dead-letter queue',
        perInstanceHint,
      );
  } else if (durable === false && type === 'quorum') {
    reader.report('type', 'invalid-value', 'a quorum x-queue cannot be non-durable', QUORUM_HINT);
  }
  if (name === undefined || retry === undefined) return undefined;
  return {
    name,
    type,
    durable: durable ?? !exclusive,
    exclusive,
    retry,
    deadLetter: deadLetter ?? !exclusive,
    prefetch,
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    bindings,
  };
}

function readRetryOptions(value: unknown, path: JsonPath, problems: Problems): RetryOptions | undefined {
  const reader = ObjectReader.open(value, path, 'x-queue retry', RETRY_KEYS, problems);
  if (reader === undefined) return undefined;
  const attempts = reader.integer('attempts', 1, { required: true });
  if (attempts === undefined) return undefined;
  if (attempts === 1) return NO_RETRY;
  const initialDelayMs = reader.integer('initialDelayMs', 1, { required: true });
  const multiplier = reader.number('multiplier', 1, { required: true });
  const maxDelayMs = reader.integer('maxDelayMs', 1, { required: true });
  if (initialDelayMs === undefined || multiplier === undefined || maxDelayMs === undefined) return undefined;
  if (maxDelayMs < initialDelayMs) {
    reader.report(
      'maxDelayMs',
      'invalid-value',
      `x-queue retry "maxDelayMs" (${maxDelayMs}) is below "initialDelayMs" (${initialDelayMs})`,
      'maxDelayMs caps the growing delay, so it must be at least initialDelayMs',
    );
    return undefined;
  }
  return { attempts, initialDelayMs, multiplier, maxDelayMs };
}

/**
 * The AMQP binding's `vhost`. The deployment chooses the vhost (the connection URL, the broker
 * tools' --vhost, the target of a definitions import), so a contract cannot place its objects in
 * one: only `/`, the binding's default, is accepted, and it places nothing.
 */
function checkVhost(reader: ObjectReader, label: string): void {
  const vhost = reader.raw('vhost');
  if (vhost === undefined || vhost === '/') return;
  reader.report(
    'vhost',
    'unsupported-vhost',
    `${label} "vhost" is ${JSON.stringify(vhost)}: a contract cannot choose the vhost, and the runtime would declare it in the vhost of its connection URL instead`,
    'the vhost comes from the deployment (RABBITMQ_URL, and RABBITMQ_VHOST or --vhost for the broker tools): remove the key, or write vhost: /',
  );
}

/** A channel's `bindings.amqp.exchange` (often a `$ref` to `components.x-exchanges`). */
export function readExchangeOptions(value: unknown, path: JsonPath, problems: Problems): ExchangeOptions | undefined {
  const reader = ObjectReader.open(value, path, 'exchange', EXCHANGE_KEYS, problems);
  if (reader === undefined) return undefined;
  checkVhost(reader, 'exchange');
  const name = reader.string('name', { required: true });
  const type = reader.oneOf('type', EXCHANGE_TYPES) ?? 'topic';
  const durable = reader.boolean('durable') ?? true;
  const autoDelete = reader.boolean('autoDelete') ?? false;
  return name === undefined ? undefined : { name, type, durable, autoDelete };
}

/** An RPC channel's `bindings.amqp.queue`; every key is optional. */
export function readRpcQueueBinding(value: unknown, path: JsonPath, problems: Problems): RpcQueueOptions | undefined {
  const reader = ObjectReader.open(value ?? {}, path, 'queue binding', RPC_QUEUE_KEYS, problems);
  if (reader === undefined) return undefined;
  checkVhost(reader, 'queue binding');
  const durable = reader.boolean('durable') ?? true;
  const exclusive = reader.boolean('exclusive') ?? false;
  const autoDelete = reader.boolean('autoDelete') ?? false;
  const replicable = durable && !exclusive && !autoDelete;
  const type = reader.oneOf('x-type', QUEUE_TYPES) ?? (replicable ? 'quorum' : 'classic');
  if (type === 'quorum' && !replicable)
    reader.report(
      'x-type',
      'invalid-value',
      'a quorum RPC queue must be durable, not exclusive and not auto-delete',
      QUORUM_HINT,
    );
  return { name: reader.string('name'), type, durable, exclusive, autoDelete };
}

/** The root `x-services` map. */
export function readServiceDeclarations(value: unknown, problems: Problems): ServiceDeclaration[] {
  const path = ['x-services'];
  if (value === undefined) return [];
  if (!isObject(value)) {
    problems.add(
      path,
      'invalid-value',
      'x-services must be a mapping of service name to { description }',
      'e.g. x-services: { user-service: { description: ... } }',
    );
    return [];
  }
  return entriesOf(value).flatMap(([name, entry]) => {
    const reader = ObjectReader.open(
      entry ?? {},
      [...path, name],
      `x-services entry "${name}"`,
      ['description'],
      problems,
    );
    if (!KEBAB_CASE.test(name)) {
      problems.add(
        [...path, name],
        'invalid-name',
        `service name "${name}" is not kebab-case`,
        'use lower-case words joined by "-", e.g. "matching-service"',
      );
    }
    if (reader === undefined) return [];
    const description = reader.string('description');
    return [description === undefined ? { name } : { name, description }];
  });
}

/** An operation's `x-service`: exactly one service named in `x-services`. */
export function readOwner(
  value: unknown,
  operationPath: JsonPath,
  serviceNames: readonly string[],
  problems: Problems,
): string | undefined {
  const operationId = String(operationPath[operationPath.length - 1]);
  const path = [...operationPath, 'x-service'];
  const known = `Services in x-services: ${serviceNames.join(', ') || '(none)'}`;
  if (value === undefined) {
    problems.add(
      operationPath,
      'operation-without-owner',
      `operation "${operationId}" has no owner`,
      `add x-service: <service> to it. ${known}`,
      { missingKey: 'x-service' },
    );
    return undefined;
  }
  if (Array.isArray(value) && value.length > 1) {
    problems.add(
      path,
      'operation-with-several-owners',
      `operation "${operationId}" has ${value.length} owners (${value.join(', ')})`,
      'an operation belongs to exactly one service: split it into one operation per service',
    );
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.add(path, 'invalid-value', `x-service of operation "${operationId}" must be a service name`, known);
    return undefined;
  }
  if (!serviceNames.includes(value)) {
    problems.add(
      path,
      'unknown-service',
      `operation "${operationId}" is owned by "${value}", which is not declared in x-services`,
      `${didYouMean(value, serviceNames)}${known}`,
    );
    return undefined;
  }
  return value;
}

/**
 * A receive operation's `x-unverified-origin`: what it does with a message no service identity
 * vouches for. A bad value is reported and read as the default, so the operation's other problems
 * are still found and none follows from this one.
 */
export function readUnverifiedOrigin(
  value: unknown,
  operationPath: JsonPath,
  problems: Problems,
): UnverifiedOriginPolicy {
  if (value === undefined) return DEFAULT_UNVERIFIED_ORIGIN;
  if (typeof value === 'string' && (UNVERIFIED_ORIGIN_POLICIES as readonly string[]).includes(value))
    return value as UnverifiedOriginPolicy;
  const operationId = String(operationPath[operationPath.length - 1]);
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  const guess = typeof value === 'string' ? didYouMean(value, UNVERIFIED_ORIGIN_POLICIES) : '';
  problems.add(
    [...operationPath, 'x-unverified-origin'],
    'invalid-value',
    `x-unverified-origin of operation "${operationId}" must be accept, flag or refuse, got ${shown}`,
    `${guess}accept handles a message no service identity vouches for, flag handles and reports it, refuse dead-letters it (unauthorized_origin)`,
  );
  return DEFAULT_UNVERIFIED_ORIGIN;
}
