import type { ChannelMap, EventChannelInfo, RpcChannelInfo } from './channels.js';
import type { UnverifiedOriginPolicy } from '../../runtime/definition.js';
import { readOwner, readUnverifiedOrigin, type QueueOptions } from './extensions.js';
import { entriesOf, isObject, optionalString, type JsonObject } from './json.js';
import type { DefinitionReader, JsonPath, Problems } from './problem.js';

interface OperationBase {
  id: string;
  path: JsonPath;
  owner: string;
  description?: string;
}

export interface PublishOperation extends OperationBase {
  kind: 'publish';
  channel: EventChannelInfo;
  mandatory: boolean;
  persistent: boolean;
}

export interface ConsumeOperation extends OperationBase {
  kind: 'consume';
  channel: EventChannelInfo;
  queue: QueueOptions;
  unverifiedOrigin: UnverifiedOriginPolicy;
}

/** `call`: the send side of a request/reply; `serve`: the receive side. */
export interface RpcOperation extends OperationBase {
  kind: 'call' | 'serve';
  channel: RpcChannelInfo;
  replyMessage: string;
  /** `serve` only. */
  unverifiedOrigin?: UnverifiedOriginPolicy;
}

export type OperationInfo = PublishOperation | ConsumeOperation | RpcOperation;

/** Classifies every operation by its action and its channel's kind; the unusable ones are reported and left out. */
export function readOperations(
  operations: unknown,
  channels: ChannelMap,
  serviceNames: readonly string[],
  readQueue: DefinitionReader<QueueOptions>,
  problems: Problems,
): OperationInfo[] {
  return entriesOf(operations).flatMap(([id, operation]) => {
    if (!isObject(operation)) return [];
    const info = readOperation(id, operation, { channels, serviceNames, readQueue }, problems);
    return info === undefined ? [] : [info];
  });
}

interface OperationContext {
  channels: ChannelMap;
  serviceNames: readonly string[];
  readQueue: DefinitionReader<QueueOptions>;
}

function readOperation(
  id: string,
  operation: JsonObject,
  context: OperationContext,
  problems: Problems,
): OperationInfo | undefined {
  const path = ['operations', id];
  const owner = readOwner(operation['x-service'], path, context.serviceNames, problems);
  if (!context.channels.has(operation['channel'])) {
    problems.add(
      [...path, 'channel'],
      'invalid-channel-reference',
      `operation "${id}" must reference a channel under channels`,
      "write channel: { $ref: '#/channels/<id>' }",
    );
    return undefined;
  }
  const channel = context.channels.get(operation['channel']);
  if (channel === undefined) return undefined; // Its own problems are already reported.
  if (channel.kind === 'unbound') {
    problems.add(
      [...path, 'channel'],
      'channel-without-binding',
      `operation "${id}" uses channel "${channel.id}", which has no bindings.amqp`,
      'add bindings.amqp with is: routingKey and an exchange (events) or is: queue (RPC)',
    );
    return undefined;
  }
  const receives = operation['action'] === 'receive';
  if (operation['x-queue'] !== undefined && !(receives && channel.kind === 'event')) {
    const where = receives
      ? "a receive operation on an RPC channel (its queue is the channel's queue binding)"
      : 'a send operation';
    problems.add(
      [...path, 'x-queue'],
      'misplaced-extension',
      `x-queue is not allowed on ${where}: operation "${id}"`,
      'x-queue belongs only on receive operations of channels with bindings.amqp.is: routingKey',
    );
  }
  if (operation['x-unverified-origin'] !== undefined && !receives) {
    problems.add(
      [...path, 'x-unverified-origin'],
      'misplaced-extension',
      `x-unverified-origin is not allowed on a send operation: operation "${id}"`,
      'x-unverified-origin says what a receiver does with a message of unverified origin: put it on the receive operation (consumer or RPC server)',
    );
  }
  const description = optionalString(operation['description']);
  const base = { id, path, owner, ...(description === undefined ? {} : { description }) };
  return channel.kind === 'event'
    ? readEventOperation({ ...base, channel }, operation, receives, context, problems)
    : readRpcOperation({ ...base, channel }, operation, receives, context, problems);
}

/** What every operation has before its kind is known; the owner is missing when it was wrong. */
type OperationStart<C> = Omit<OperationBase, 'owner'> & { owner: string | undefined; channel: C };

function readEventOperation(
  base: OperationStart<EventChannelInfo>,
  operation: JsonObject,
  receives: boolean,
  { readQueue }: OperationContext,
  problems: Problems,
): PublishOperation | ConsumeOperation | undefined {
  if (operation['reply'] !== undefined) {
    problems.add(
      [...base.path, 'reply'],
      'unsupported-reply',
      `operation "${base.id}" has a reply on the routing-key channel "${base.channel.id}"`,
      'request/reply needs a channel with bindings.amqp.is: queue; drop the reply to publish an event',
    );
    return undefined;
  }
  const { owner } = base;
  if (owner === undefined) return undefined;
  if (!receives) return { ...base, owner, kind: 'publish', ...readPublishOptions(operation) };
  if (operation['x-queue'] === undefined) {
    problems.add(
      base.path,
      'consumer-without-queue',
      `receive operation "${base.id}" on channel "${base.channel.id}" has no x-queue`,
      'add x-queue: { name: <service>.<purpose> } (or a $ref to components.x-queues) to say which queue it reads',
    );
    return undefined;
  }
  const queue = readQueue(operation['x-queue'], [...base.path, 'x-queue']);
  const unverifiedOrigin = readUnverifiedOrigin(operation['x-unverified-origin'], base.path, problems);
  if (queue?.bindings === 'per-subscription' && base.channel.channel.parameters.length === 0) {
    problems.add(
      [...base.path, 'x-queue'],
      'invalid-value',
      `operation "${base.id}" reads queue "${queue.name}" with "bindings: per-subscription", but channel "${base.channel.id}" (${base.channel.channel.routingKey}) has no routing-key parameter to subscribe by`,
      'per-subscription bindings bind one value of a {parameter} at a time: use a channel with parameters, or a queue with bindings: wildcard',
    );
    return undefined;
  }
  return queue === undefined ? undefined : { ...base, owner, kind: 'consume', queue, unverifiedOrigin };
}

function readRpcOperation(
  base: OperationStart<RpcChannelInfo>,
  operation: JsonObject,
  receives: boolean,
  { channels }: OperationContext,
  problems: Problems,
): RpcOperation | undefined {
  const reply = operation['reply'];
  if (reply === undefined) {
    problems.add(
      base.path,
      'rpc-without-reply',
      `operation "${base.id}" ${receives ? 'receives from' : 'sends to'} the RPC queue channel "${base.channel.id}" but has no reply`,
      "add reply: { address: { location: '$message.header#/replyTo' }, channel: { $ref: '#/channels/<reply channel>' } }",
    );
    return undefined;
  }
  const replyMessage = readReplyMessage(base.id, reply, [...base.path, 'reply'], channels, problems);
  const { owner } = base;
  if (owner === undefined || replyMessage === undefined) return undefined;
  if (!receives) return { ...base, owner, kind: 'call', replyMessage };
  return {
    ...base,
    owner,
    kind: 'serve',
    replyMessage,
    unverifiedOrigin: readUnverifiedOrigin(operation['x-unverified-origin'], base.path, problems),
  };
}

/** Operation `bindings.amqp`: `mandatory` (default true), `deliveryMode` 1 transient / 2 persistent (default 2). */
function readPublishOptions(operation: JsonObject): { mandatory: boolean; persistent: boolean } {
  const amqp =
    isObject(operation['bindings']) && isObject(operation['bindings']['amqp']) ? operation['bindings']['amqp'] : {};
  return { mandatory: amqp['mandatory'] !== false, persistent: amqp['deliveryMode'] !== 1 };
}

function readReplyMessage(
  id: string,
  reply: unknown,
  path: JsonPath,
  channels: ChannelMap,
  problems: Problems,
): string | undefined {
  const channel = isObject(reply) ? channels.get(reply['channel']) : undefined;
  if (channel?.message === undefined) {
    problems.add(
      path,
      'invalid-reply',
      `the reply of operation "${id}" does not name a channel that carries exactly one message`,
      "point reply.channel at a channel (address: null) with one message: { $ref: '#/channels/<reply channel>' }",
    );
    return undefined;
  }
  return channel.message;
}
