/**
 * Changes to the broker objects and operations of the contract: exchanges, routing keys, RPCs,
 * consumer queues and who publishes, consumes, calls and serves what.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UnverifiedOriginPolicy } from '../../runtime/definition.js';
import type { EventChannel, Exchange, Model, Queue, Rpc } from '../model/types.js';
import { jsonPointer, type ContractChange } from './change.js';
import { channelParties, listParties, rpcParties } from './parties.js';

const BROKER_REFUSES =
  'the broker refuses to redeclare an existing object with other settings (406 PRECONDITION_FAILED): every service that declares it fails to start until it is deleted, with whatever it holds';

function byName<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** Pairs items of two lists by key: removed (base only), added (current only), kept (both). */
function pair<T>(base: readonly T[], current: readonly T[], key: (item: T) => string) {
  const before = byName(base, key);
  const after = byName(current, key);
  return {
    removed: [...before.values()].filter((item) => !after.has(key(item))),
    added: [...after.values()].filter((item) => !before.has(key(item))),
    kept: [...before.values()].flatMap((item) => {
      const now = after.get(key(item));
      return now === undefined ? [] : [{ before: item, after: now }];
    }),
  };
}

function exchangePointer(model: Model, exchange: string): string {
  const channel = model.channels.find((candidate) => candidate.exchange === exchange);
  return channel === undefined ? jsonPointer('components', 'x-exchanges') : jsonPointer('channels', channel.id, 'bindings', 'amqp', 'exchange');
}

function exchangeSettings(exchange: Exchange) {
  return { type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete };
}

function exchangeChanges(base: Model, current: Model): ContractChange[] {
  const { removed, added, kept } = pair(base.exchanges, current.exchanges, (exchange) => exchange.name);
  return [
    ...removed.map((exchange) => ({
      kind: 'exchange-removed' as const,
      pointer: exchangePointer(base, exchange.name),
      breaking: true,
      what: `exchange "${exchange.name}" was removed or renamed`,
      why: `producers on the base contract publish to an exchange that no longer exists, and its bindings no longer route to consumers`,
    })),
    ...added.map((exchange) => ({
      kind: 'exchange-added' as const,
      pointer: exchangePointer(current, exchange.name),
      breaking: false,
      what: `exchange "${exchange.name}" was added`,
      why: 'nobody on the base contract uses it',
    })),
    ...kept
      .filter(({ before, after }) => !isDeepStrictEqual(exchangeSettings(before), exchangeSettings(after)))
      .map(({ before, after }) => ({
        kind: 'exchange-settings-changed' as const,
        pointer: exchangePointer(current, after.name),
        breaking: true,
        what: `exchange "${after.name}" settings ${JSON.stringify(exchangeSettings(before))} became ${JSON.stringify(exchangeSettings(after))}`,
        why: BROKER_REFUSES,
      })),
  ];
}

function address(channel: EventChannel): string {
  return `"${channel.routingKey}" on "${channel.exchange}"`;
}

function channelChanges(base: Model, current: Model): ContractChange[] {
  const { removed, added, kept } = pair(base.channels, current.channels, (channel) => channel.id);
  return [
    ...removed.map((channel) => ({
      kind: 'routing-key-removed' as const,
      pointer: jsonPointer('channels', channel.id),
      breaking: true,
      what: `routing key ${address(channel)} (channel ${channel.id}) was removed`,
      why: `${listParties(channelParties(base, channel.id).consumers, 'consumers')} no longer receive it, and ${listParties(channelParties(base, channel.id).producers, 'producers')} lose their publish method`,
    })),
    ...added.map((channel) => ({
      kind: 'routing-key-added' as const,
      pointer: jsonPointer('channels', channel.id),
      breaking: false,
      what: `routing key ${address(channel)} (channel ${channel.id}) was added`,
      why: 'a new message: nobody on the base contract sends or expects it',
    })),
    ...kept
      .filter(({ before, after }) => before.routingKey !== after.routingKey || before.exchange !== after.exchange)
      .map(({ before, after }) => ({
        kind: 'routing-key-changed' as const,
        pointer: jsonPointer('channels', after.id, 'address'),
        breaking: true,
        what: `channel ${after.id} moved from ${address(before)} to ${address(after)}`,
        why: `${listParties(channelParties(base, after.id).producers, 'producers')} on the base contract publish to the old address and ${listParties(channelParties(base, after.id).consumers, 'consumers')} on the new contract bind the new one: messages go unroutable or unseen`,
      })),
  ];
}

function rpcChanges(base: Model, current: Model): ContractChange[] {
  const { removed, added, kept } = pair(base.rpcs, current.rpcs, (rpc) => rpc.id);
  const callers = (rpc: Rpc) => listParties(rpcParties(base, rpc.id).callers, 'callers');
  return [
    ...removed.map((rpc) => ({
      kind: 'rpc-removed' as const,
      pointer: jsonPointer('channels', rpc.id),
      breaking: true,
      what: `RPC "${rpc.queue}" (channel ${rpc.id}) was removed`,
      why: `${callers(rpc)} send requests nobody serves: they are unroutable or time out`,
    })),
    ...added.map((rpc) => ({
      kind: 'rpc-added' as const,
      pointer: jsonPointer('channels', rpc.id),
      breaking: false,
      what: `RPC "${rpc.queue}" (channel ${rpc.id}) was added`,
      why: 'nobody on the base contract calls it',
    })),
    ...kept
      .filter(({ before, after }) => before.queue !== after.queue)
      .map(({ before, after }) => ({
        kind: 'rpc-renamed' as const,
        pointer: jsonPointer('channels', after.id, 'bindings', 'amqp', 'queue', 'name'),
        breaking: true,
        what: `RPC ${after.id} moved from queue "${before.queue}" to "${after.queue}"`,
        why: `${callers(before)} on the base contract send to "${before.queue}", which the server on the new contract no longer reads`,
      })),
  ];
}

/** Where a queue is written: the x-queue of an operation that reads it, or an RPC channel's queue binding. */
function queuePointer(model: Model, queue: Queue): string {
  for (const service of model.services) {
    const consumer = service.consumes.find((subscription) => subscription.queue === queue.name);
    if (consumer !== undefined) return jsonPointer('operations', consumer.operationId, 'x-queue');
  }
  const rpc = model.rpcs.find((candidate) => candidate.queue === queue.name);
  return rpc === undefined ? jsonPointer('operations') : jsonPointer('channels', rpc.id, 'bindings', 'amqp', 'queue');
}

/** What the broker compares when a queue is declared again. */
function brokerSettings(queue: Queue) {
  return { type: queue.queueType, durable: queue.durable, exclusive: queue.exclusive, autoDelete: queue.autoDelete, arguments: queue.arguments };
}

/** Shared consumer and RPC queues: per-instance queues are new on every connection, retry and dead-letter queues follow their consumer queue. */
function isLongLived(queue: Queue): boolean {
  return (queue.role === 'consumer' || queue.role === 'rpc') && !queue.perInstance;
}

function queueChanges(base: Model, current: Model): ContractChange[] {
  const { removed, kept } = pair(base.queues.filter(isLongLived), current.queues.filter(isLongLived), (queue) => queue.name);
  return [
    ...removed
      .filter((queue) => queue.role === 'consumer')
      .map((queue) => ({
        kind: 'queue-removed' as const,
        pointer: queuePointer(base, queue),
        breaking: true,
        what: `consumer queue "${queue.name}" of ${queue.owner} was removed or renamed`,
        why: `messages waiting in it are stranded, and ${queue.owner} on the base contract reads a queue nothing is routed to any more`,
      })),
    ...kept
      .filter(({ before, after }) => !isDeepStrictEqual(brokerSettings(before), brokerSettings(after)))
      .map(({ before, after }) => ({
        kind: 'queue-settings-changed' as const,
        pointer: queuePointer(current, after),
        breaking: true,
        what: `queue "${after.name}" settings ${JSON.stringify(brokerSettings(before))} became ${JSON.stringify(brokerSettings(after))}`,
        why: before.queueType === after.queueType ? BROKER_REFUSES : `${BROKER_REFUSES}; docs/cluster.md says how to move a queue to another type`,
      })),
  ];
}

/** The vhost's default queue type decides what a plain declaration (a Python peer's) creates and accepts. */
function defaultQueueTypeChanges(base: Model, current: Model): ContractChange[] {
  if (base.defaultQueueType === current.defaultQueueType) return [];
  return [
    {
      kind: 'default-queue-type-changed' as const,
      pointer: jsonPointer('operations'),
      breaking: true,
      what: `the vhost's default queue type ${base.defaultQueueType} became ${current.defaultQueueType}`,
      why: `peers that declare queues with no arguments (the Python services) are refused (406) on every existing ${base.defaultQueueType} queue until it is migrated (docs/cluster.md)`,
    },
  ];
}

interface OperationRef {
  service: string;
  operationId: string;
  verb: 'publishes' | 'consumes' | 'calls' | 'serves';
  target: string;
}

function operationsOf(model: Model): OperationRef[] {
  return model.services.flatMap((service) => [
    ...service.publishes.map((use) => ({ service: service.name, operationId: use.operationId, verb: 'publishes' as const, target: use.channel.id })),
    ...service.consumes.map((use) => ({ service: service.name, operationId: use.operationId, verb: 'consumes' as const, target: use.channel.id })),
    ...service.calls.map((use) => ({ service: service.name, operationId: use.operationId, verb: 'calls' as const, target: use.rpc.id })),
    ...service.serves.map((use) => ({ service: service.name, operationId: use.operationId, verb: 'serves' as const, target: use.rpc.id })),
  ]);
}

/**
 * An operation removed while its channel or RPC stays: a consumer or caller may stop whenever it
 * likes, but the last publisher or server leaving strands whoever still listens or calls.
 */
function operationChanges(base: Model, current: Model): ContractChange[] {
  const key = (operation: OperationRef) => `${operation.service} ${operation.verb} ${operation.target}`;
  const { removed, added } = pair(operationsOf(base), operationsOf(current), key);
  const stillThere = new Set([...current.channels.map((channel) => channel.id), ...current.rpcs.map((rpc) => rpc.id)]);
  const remaining = operationsOf(current);
  const abandons = (operation: OperationRef) =>
    (operation.verb === 'publishes' || operation.verb === 'serves') &&
    !remaining.some((other) => other.verb === operation.verb && other.target === operation.target);
  return [
    ...removed
      .filter((operation) => stillThere.has(operation.target))
      .map((operation) => ({
        kind: 'operation-removed' as const,
        pointer: jsonPointer('operations', operation.operationId),
        breaking: abandons(operation),
        what: `${operation.service} no longer ${operation.verb} ${operation.target} (operation ${operation.operationId})`,
        why: abandons(operation)
          ? `it was the last service that ${operation.verb} ${operation.target}: ${operation.verb === 'serves' ? 'its callers time out' : 'its consumers receive nothing'}`
          : operation.verb === 'publishes' || operation.verb === 'serves'
            ? `another service still ${operation.verb} it`
            : 'a consumer or caller may stop on its own',
      })),
    ...added.map((operation) => ({
      kind: 'operation-added' as const,
      pointer: jsonPointer('operations', operation.operationId),
      breaking: false,
      what: `${operation.service} now ${operation.verb} ${operation.target} (operation ${operation.operationId})`,
      why: 'a new operation changes nothing for the others',
    })),
  ];
}

interface Receiver {
  key: string;
  operationId: string;
  service: string;
  policy: UnverifiedOriginPolicy;
}

function receiversOf(model: Model): Receiver[] {
  return model.services.flatMap((service) =>
    [...service.consumes, ...service.serves].map((use) => ({ key: `${service.name} ${use.operationId}`, operationId: use.operationId, service: service.name, policy: use.unverifiedOrigin })),
  );
}

/** `x-unverified-origin` made `refuse`: a sender without a service identity (a Python peer, a shared user) that was served is refused from now on. */
function originPolicyChanges(base: Model, current: Model): ContractChange[] {
  const { kept } = pair(receiversOf(base), receiversOf(current), (receiver) => receiver.key);
  return kept
    .filter(({ before, after }) => before.policy !== after.policy)
    .map(({ before, after }) => {
      const breaking = after.policy === 'refuse';
      return {
        kind: 'origin-policy-changed' as const,
        pointer: jsonPointer('operations', after.operationId, 'x-unverified-origin'),
        breaking,
        what: `${after.service}'s unverified-origin policy for operation ${after.operationId} went from ${before.policy} to ${after.policy}`,
        why: breaking
          ? `senders without a service identity (no user_id: the Python services, a shared user) are refused from now on (unauthorized_origin); give each its own identity first, and bump the major version`
          : 'what was handled is still handled',
      };
    });
}

interface Described {
  pointer: string;
  text: string | undefined;
}

function descriptionsOf(model: Model): Described[] {
  return [
    { pointer: jsonPointer('info', 'description'), text: model.description },
    ...model.services.map((service) => ({ pointer: jsonPointer('x-services', service.name, 'description'), text: service.description })),
    ...model.channels.map((channel) => ({ pointer: jsonPointer('channels', channel.id, 'description'), text: channel.description })),
    ...model.rpcs.map((rpc) => ({ pointer: jsonPointer('channels', rpc.id, 'description'), text: rpc.description })),
    ...model.messages.map((message) => ({
      pointer: jsonPointer('components', 'messages', message.name, 'description'),
      text: `${message.title ?? ''}\n${message.description ?? ''}`,
    })),
  ];
}

function descriptionChanges(base: Model, current: Model): ContractChange[] {
  const before = byName(descriptionsOf(base), (described) => described.pointer);
  return descriptionsOf(current)
    .filter((described) => before.has(described.pointer) && before.get(described.pointer)?.text !== described.text)
    .map((described) => ({
      kind: 'description-changed' as const,
      pointer: described.pointer,
      breaking: false,
      what: 'description changed',
      why: 'documentation only: nothing on the wire changes',
    }));
}

export function topologyChanges(base: Model, current: Model): ContractChange[] {
  return [
    ...exchangeChanges(base, current),
    ...channelChanges(base, current),
    ...rpcChanges(base, current),
    ...queueChanges(base, current),
    ...defaultQueueTypeChanges(base, current),
    ...operationChanges(base, current),
    ...originPolicyChanges(base, current),
    ...descriptionChanges(base, current),
  ];
}
