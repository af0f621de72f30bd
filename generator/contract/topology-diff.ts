/**
 * Changes to the broker objects and operations of the contract: exchanges, routing keys, RPCs,
 * consumer queues and who publishes, consumes, calls and serves what.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UnverifiedOriginPolicy } from '../../runtime/definition.js';
import type { Binding, EventChannel, Exchange, Model, Queue, Rpc } from '../model/types.js';
import { jsonPointer, type ContractChange } from './change.js';
import { channelParties, listParties, rpcParties } from './parties.js';
import { show } from './schema-diff.js';

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
  return channel === undefined
    ? jsonPointer('components', 'x-exchanges')
    : jsonPointer('channels', channel.id, 'bindings', 'amqp', 'exchange');
}

function exchangeSettings(exchange: Exchange) {
  return { type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete };
}

/** The binding as the broker lists it, for consequence lines. */
function bindingLabel(binding: Binding): string {
  return `binding ${binding.exchange} -> ${binding.queue} (${binding.pattern})`;
}

const bindingKey = (binding: Binding) => `${binding.exchange}\0${binding.queue}\0${binding.pattern}`;

/**
 * Consequence lines for the base bindings `matches` selects that the current contract no longer
 * has: the broker keeps a binding until `npm run broker:migrate` removes it.
 */
function bindingsLeft(base: Model, current: Model, matches: (binding: Binding) => boolean): string[] {
  const kept = new Set(current.bindings.map(bindingKey));
  return base.bindings
    .filter((binding) => matches(binding) && !kept.has(bindingKey(binding)))
    .map(
      (binding) =>
        `${bindingLabel(binding)} is no longer in the contract: the broker keeps routing copies to "${binding.queue}" until \`npm run broker:migrate\` removes it`,
    );
}

/**
 * Exchanges paired by name. A removed exchange whose channels all moved to one added exchange was
 * renamed: one change, with the moved channels and their bindings as its consequences.
 */
function exchangeRenames(
  base: Model,
  current: Model,
  removed: readonly Exchange[],
  added: readonly Exchange[],
): Map<string, string> {
  const renames = new Map<string, string>();
  const addedNames = new Set(added.map((exchange) => exchange.name));
  for (const exchange of removed) {
    const targets = new Set(
      base.channels
        .filter((channel) => channel.exchange === exchange.name)
        .flatMap((channel) => current.channels.filter((now) => now.id === channel.id).map((now) => now.exchange)),
    );
    const [target] = targets;
    if (targets.size === 1 && target !== undefined && addedNames.has(target) && ![...renames.values()].includes(target))
      renames.set(exchange.name, target);
  }
  return renames;
}

function exchangeChanges(base: Model, current: Model, renames: ReadonlyMap<string, string>): ContractChange[] {
  const { removed, added, kept } = pair(base.exchanges, current.exchanges, (exchange) => exchange.name);
  const renamedTo = new Set(renames.values());
  const movedChannels = (from: string, to: string) =>
    base.channels
      .filter((channel) => channel.exchange === from)
      .map((channel) => `channel ${channel.id} ("${channel.routingKey}") moves from "${from}" to "${to}"`);
  return [
    ...removed.map((exchange) => {
      const to = renames.get(exchange.name);
      const channels =
        to === undefined
          ? base.channels
              .filter(
                (channel) =>
                  channel.exchange === exchange.name && !current.channels.some((now) => now.id === channel.id),
              )
              .map((channel) => `channel ${channel.id} ("${channel.routingKey}") goes with it`)
          : movedChannels(exchange.name, to);
      const consequences = [
        ...channels,
        ...bindingsLeft(base, current, (binding) => binding.exchange === exchange.name),
      ];
      return to === undefined
        ? {
            kind: 'exchange-removed' as const,
            pointer: exchangePointer(base, exchange.name),
            breaking: true,
            what: `exchange "${exchange.name}" was removed`,
            why: `producers on the base contract publish to an exchange that no longer exists, and its bindings no longer route to consumers`,
            consequences,
          }
        : {
            kind: 'exchange-renamed' as const,
            pointer: exchangePointer(current, to),
            breaking: true,
            what: `exchange "${exchange.name}" was renamed "${to}"`,
            why: `producers on the base contract publish to "${exchange.name}", which consumers on the new contract no longer bind, and producers on the new contract publish to "${to}", which consumers on the base contract never bound: messages go unroutable or unseen`,
            consequences,
          };
    }),
    ...added
      .filter((exchange) => !renamedTo.has(exchange.name))
      .map((exchange) => ({
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
        what: `exchange "${after.name}" settings ${show(exchangeSettings(before))} became ${show(exchangeSettings(after))}`,
        why: BROKER_REFUSES,
      })),
  ];
}

function address(channel: EventChannel): string {
  return `"${channel.routingKey}" on "${channel.exchange}"`;
}

/** Bindings of a base channel: its pattern on its exchange, to the queues of its consumers. */
function bindsChannel(base: Model, channel: EventChannel): (binding: Binding) => boolean {
  const queues = new Set(
    base.services.flatMap((service) =>
      service.consumes.filter((use) => use.channel.id === channel.id).map((use) => use.queue),
    ),
  );
  return (binding) =>
    binding.exchange === channel.exchange && binding.pattern === channel.pattern && queues.has(binding.queue);
}

function channelChanges(base: Model, current: Model, renames: ReadonlyMap<string, string>): ContractChange[] {
  const { removed, added, kept } = pair(base.channels, current.channels, (channel) => channel.id);
  const removedExchanges = new Set(
    base.exchanges
      .filter((exchange) => !current.exchanges.some((now) => now.name === exchange.name))
      .map((exchange) => exchange.name),
  );
  const parties = (channel: EventChannel) => channelParties(base, channel.id);
  return [
    // A channel that went with its exchange is a consequence of the exchange's removal.
    ...removed
      .filter((channel) => !removedExchanges.has(channel.exchange))
      .map((channel) => ({
        kind: 'routing-key-removed' as const,
        pointer: jsonPointer('channels', channel.id),
        breaking: true,
        what: `routing key ${address(channel)} (channel ${channel.id}) was removed`,
        why: `${listParties(parties(channel).consumers, 'consumers')} no longer receive it, and ${listParties(parties(channel).producers, 'producers')} lose their publish method`,
        consequences: bindingsLeft(base, current, bindsChannel(base, channel)),
      })),
    ...added.map((channel) => ({
      kind: 'routing-key-added' as const,
      pointer: jsonPointer('channels', channel.id),
      breaking: false,
      what: `routing key ${address(channel)} (channel ${channel.id}) was added`,
      why: 'a new message: nobody on the base contract sends or expects it',
    })),
    ...kept.flatMap(({ before, after }): ContractChange[] => {
      const sameExchange = before.exchange === after.exchange || renames.get(before.exchange) === after.exchange;
      if (before.routingKey === after.routingKey && sameExchange) return [];
      if (before.pattern === after.pattern && sameExchange) {
        return [
          {
            kind: 'routing-key-parameter-renamed',
            pointer: jsonPointer('channels', after.id, 'address'),
            breaking: false,
            what: `channel ${after.id}: routing key "${before.routingKey}" became "${after.routingKey}"`,
            why: `its binding pattern "${after.pattern}" is unchanged, so nothing on the wire changes: only the typed API does (the publish parameters and ctx.params of ${[...new Set([...parties(before).producers, ...parties(before).consumers])].join(', ')}), which the types check enforces`,
          },
        ];
      }
      return [
        {
          kind: 'routing-key-changed',
          pointer: jsonPointer('channels', after.id, 'address'),
          breaking: true,
          what: `channel ${after.id} moved from ${address(before)} to ${address(after)}`,
          why: `${listParties(parties(after).producers, 'producers')} on the base contract publish to the old address and ${listParties(parties(after).consumers, 'consumers')} on the new contract bind the new one: messages go unroutable or unseen`,
          consequences: bindingsLeft(base, current, bindsChannel(base, before)),
        },
      ];
    }),
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
  return {
    type: queue.queueType,
    durable: queue.durable,
    exclusive: queue.exclusive,
    autoDelete: queue.autoDelete,
    arguments: queue.arguments,
  };
}

/** Consumer and RPC queues; retry and dead-letter queues follow their consumer queue. */
function isReadQueue(queue: Queue): boolean {
  return queue.role === 'consumer' || queue.role === 'rpc';
}

/** Where each of a service's consumers reads, by `service channel`. */
function consumerQueues(
  model: Model,
): Map<string, { service: string; operationId: string; channel: EventChannel; queue: string }> {
  return new Map(
    model.services.flatMap((service) =>
      service.consumes.map(
        (use) =>
          [
            `${service.name} ${use.channel.id}`,
            { service: service.name, operationId: use.operationId, channel: use.channel, queue: use.queue },
          ] as const,
      ),
    ),
  );
}

/** Consumers that read another queue now, keyed by their base queue. */
function movedConsumers(base: Model, current: Model) {
  const now = consumerQueues(current);
  return [...consumerQueues(base).values()].flatMap((before) => {
    const after = now.get(`${before.service} ${before.channel.id}`);
    return after === undefined || after.queue === before.queue ? [] : [{ before, after }];
  });
}

const SHARING = {
  toShared:
    'every instance received every message on its own queue; now the instances share one queue and each message reaches one of them: the real-time fan-out stops',
  toPerInstance:
    'the instances shared one queue and each message reached one of them; now every instance receives every message (each handles it once more per instance), and what waits in the shared queue is stranded',
};

function queueChanges(base: Model, current: Model): ContractChange[] {
  const { removed, kept } = pair(
    base.queues.filter(isReadQueue),
    current.queues.filter(isReadQueue),
    (queue) => queue.name,
  );
  const moved = movedConsumers(base, current);
  return [
    ...removed
      .filter((queue) => queue.role === 'consumer' && !queue.perInstance)
      .map((queue) => ({
        kind: 'queue-removed' as const,
        pointer: queuePointer(base, queue),
        breaking: true,
        what: `consumer queue "${queue.name}" of ${queue.owner} was removed or renamed`,
        why: `messages waiting in it are stranded, and ${queue.owner} on the base contract reads a queue nothing is routed to any more`,
        consequences: [
          ...moved
            .filter(({ before }) => before.queue === queue.name)
            .map(({ after }) => `${after.service} now reads ${after.channel.id} from "${after.queue}"`),
          ...bindingsLeft(base, current, (binding) => binding.queue === queue.name),
          `the queue itself stays on the broker until \`npm run broker:migrate\` deletes it, once it is empty`,
        ],
      })),
    ...kept
      .filter(({ before, after }) => before.perInstance !== after.perInstance)
      .map(({ before, after }) => ({
        kind: 'queue-sharing-changed' as const,
        pointer: queuePointer(current, after),
        breaking: true,
        what: `queue "${after.name}" of ${after.owner} was ${before.perInstance ? 'one per instance' : 'shared'} and is now ${after.perInstance ? 'one per instance' : 'shared'}`,
        why: after.perInstance ? SHARING.toPerInstance : SHARING.toShared,
      })),
    ...kept
      .filter(({ before, after }) => before.perSubscription !== after.perSubscription)
      .map(({ after }) => bindingModeChange(current, after)),
    ...kept
      .filter(
        ({ before, after }) =>
          !before.perInstance &&
          !after.perInstance &&
          !isDeepStrictEqual(brokerSettings(before), brokerSettings(after)),
      )
      .map(({ before, after }) => ({
        kind: 'queue-settings-changed' as const,
        pointer: queuePointer(current, after),
        breaking: true,
        what: `queue "${after.name}" settings ${show(brokerSettings(before))} became ${show(brokerSettings(after))}`,
        why:
          before.queueType === after.queueType
            ? BROKER_REFUSES
            : `${BROKER_REFUSES}; docs/cluster.md says how to move a queue to another type`,
      })),
  ];
}

/**
 * A queue switched between wildcard and per-subscription bindings. Its own service only gains or
 * loses `bus.subscribe` (the type-check reports code that used it); a mandatory publisher of one of
 * its channels that no wildcard binding still takes loses the guarantee that every value routes.
 */
function bindingModeChange(current: Model, queue: Queue): ContractChange {
  const what = `queue "${queue.name}" of ${queue.owner} is now bound ${queue.perSubscription ? 'per subscribed parameter value (bindings: per-subscription)' : 'with wildcards (bindings: wildcard)'}`;
  const pointer = queuePointer(current, queue);
  if (!queue.perSubscription) {
    return {
      kind: 'queue-bindings-changed',
      pointer,
      breaking: false,
      what,
      why: 'every instance receives every value again: more traffic, and handlers must ignore values they host nothing for; code calling bus.subscribe stops compiling',
    };
  }
  const channels = current.services
    .flatMap((service) => service.consumes)
    .filter((use) => use.queue === queue.name)
    .map((use) => use.channel);
  const stillRouted = (channel: EventChannel) =>
    current.bindings.some((binding) => binding.exchange === channel.exchange && binding.pattern === channel.pattern);
  const exposed = channels.filter((channel) => !stillRouted(channel));
  const publishers = current.services
    .filter((service) =>
      service.publishes.some((use) => use.mandatory && exposed.some((channel) => channel.id === use.channel.id)),
    )
    .map((service) => service.name);
  const others = publishers.filter((service) => service !== queue.owner);
  if (others.length > 0) {
    return {
      kind: 'queue-bindings-changed',
      pointer,
      breaking: true,
      what,
      why: `${listParties(others, 'producers')} publish ${exposed.map((channel) => channel.id).join(', ')} with mandatory routing, and no other queue takes every value: a publish for a value no instance of ${queue.owner} subscribed to now fails as unroutable`,
    };
  }
  const why =
    publishers.length > 0
      ? `the only producer with mandatory routing is ${queue.owner} itself, deployed with the queue: it must subscribe to the values it publishes, or an unsubscribed value fails as unroutable`
      : 'every value still routes (another queue takes it, or nobody publishes it with mandatory routing)';
  return {
    kind: 'queue-bindings-changed',
    pointer,
    breaking: false,
    what,
    why: `${why}; ${queue.owner} receives only what it subscribes to`,
  };
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

/**
 * A consumer that reads its channel from another queue while its old queue stays in the contract:
 * operations are paired by (service, action, channel), so nothing else reports it. (When the old
 * queue is gone, `queue-removed` reports the move as its consequence.)
 */
function consumerMoves(base: Model, current: Model): ContractChange[] {
  const remaining = new Set(current.queues.map((queue) => queue.name));
  return movedConsumers(base, current)
    .filter(({ before }) => remaining.has(before.queue))
    .map(({ before, after }) => ({
      kind: 'consumer-moved' as const,
      pointer: jsonPointer('operations', after.operationId, 'x-queue'),
      breaking: true,
      what: `${after.service} now reads ${after.channel.id} from "${after.queue}" instead of "${before.queue}"`,
      why: `"${before.queue}" keeps its binding on the broker, so it keeps receiving copies of ${after.channel.id} that no handler there reads (dead-lettered as no_handler), and what it holds when the new contract is deployed is stranded`,
      consequences: bindingsLeft(
        base,
        current,
        (binding) =>
          binding.queue === before.queue &&
          binding.exchange === before.channel.exchange &&
          binding.pattern === before.channel.pattern,
      ),
    }));
}

interface OperationRef {
  service: string;
  operationId: string;
  verb: 'publishes' | 'consumes' | 'calls' | 'serves';
  target: string;
  /** Consumers only: the queue it reads. */
  queue?: string;
}

function operationsOf(model: Model): OperationRef[] {
  return model.services.flatMap((service) => [
    ...service.publishes.map((use) => ({
      service: service.name,
      operationId: use.operationId,
      verb: 'publishes' as const,
      target: use.channel.id,
    })),
    ...service.consumes.map((use) => ({
      service: service.name,
      operationId: use.operationId,
      verb: 'consumes' as const,
      target: use.channel.id,
      queue: use.queue,
    })),
    ...service.calls.map((use) => ({
      service: service.name,
      operationId: use.operationId,
      verb: 'calls' as const,
      target: use.rpc.id,
    })),
    ...service.serves.map((use) => ({
      service: service.name,
      operationId: use.operationId,
      verb: 'serves' as const,
      target: use.rpc.id,
    })),
  ]);
}

/**
 * An operation removed while its channel or RPC stays. A caller may stop whenever it likes, and so
 * may a consumer, unless it was the last one of an event published with mandatory routing: then
 * the producer's publishes have nowhere to go (`UnroutableError` on a fresh broker). The last
 * publisher or server leaving strands whoever still listens or calls.
 */
function operationChanges(base: Model, current: Model): ContractChange[] {
  const key = (operation: OperationRef) => `${operation.service} ${operation.verb} ${operation.target}`;
  const { removed, added } = pair(operationsOf(base), operationsOf(current), key);
  const stillThere = new Set([...current.channels.map((channel) => channel.id), ...current.rpcs.map((rpc) => rpc.id)]);
  const remaining = operationsOf(current);
  const isLast = (operation: OperationRef) =>
    !remaining.some((other) => other.verb === operation.verb && other.target === operation.target);
  const mandatoryPublishers = (channelId: string) =>
    current.services
      .filter((service) => service.publishes.some((use) => use.channel.id === channelId && use.mandatory))
      .map((service) => service.name);
  const judge = (operation: OperationRef): { breaking: boolean; why: string } => {
    if (operation.verb === 'calls') return { breaking: false, why: 'a caller may stop on its own' };
    if (operation.verb === 'consumes') {
      const publishers = mandatoryPublishers(operation.target);
      if (!isLast(operation)) return { breaking: false, why: 'other consumers still receive it' };
      return publishers.length > 0
        ? {
            breaking: true,
            why: `it was the last consumer, and ${listParties(publishers, 'producers')} publish ${operation.target} with mandatory routing: on a fresh broker every publish fails as unroutable, on an existing one it lands in a queue no handler reads`,
          }
        : {
            breaking: false,
            why: 'it was the last consumer, but nobody publishes it with mandatory routing: publishes are dropped by design',
          };
    }
    if (isLast(operation)) {
      return {
        breaking: true,
        why: `it was the last service that ${operation.verb} ${operation.target}: ${operation.verb === 'serves' ? 'its callers time out' : 'its consumers receive nothing'}`,
      };
    }
    return { breaking: false, why: `another service still ${operation.verb} it` };
  };
  return [
    ...removed
      .filter((operation) => stillThere.has(operation.target))
      .map((operation) => ({
        kind: 'operation-removed' as const,
        pointer: jsonPointer('operations', operation.operationId),
        ...judge(operation),
        what: `${operation.service} no longer ${operation.verb} ${operation.target} (operation ${operation.operationId})`,
        ...(operation.queue === undefined ? {} : { consequences: consumerBindingsLeft(base, current, operation) }),
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
    [...service.consumes, ...service.serves].map((use) => ({
      key: `${service.name} ${use.operationId}`,
      operationId: use.operationId,
      service: service.name,
      policy: use.unverifiedOrigin,
    })),
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

function consumerBindingsLeft(base: Model, current: Model, operation: OperationRef): string[] {
  const channel = base.channels.find((candidate) => candidate.id === operation.target);
  if (channel === undefined) return [];
  return bindingsLeft(
    base,
    current,
    (binding) =>
      binding.queue === operation.queue && binding.exchange === channel.exchange && binding.pattern === channel.pattern,
  );
}

interface Described {
  pointer: string;
  text: string | undefined;
}

function descriptionsOf(model: Model): Described[] {
  return [
    { pointer: jsonPointer('info', 'description'), text: model.description },
    ...model.services.map((service) => ({
      pointer: jsonPointer('x-services', service.name, 'description'),
      text: service.description,
    })),
    ...model.channels.map((channel) => ({
      pointer: jsonPointer('channels', channel.id, 'description'),
      text: channel.description,
    })),
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
  const { removed, added } = pair(base.exchanges, current.exchanges, (exchange) => exchange.name);
  const renames = exchangeRenames(base, current, removed, added);
  return [
    ...exchangeChanges(base, current, renames),
    ...channelChanges(base, current, renames),
    ...rpcChanges(base, current),
    ...queueChanges(base, current),
    ...defaultQueueTypeChanges(base, current),
    ...consumerMoves(base, current),
    ...operationChanges(base, current),
    ...originPolicyChanges(base, current),
    ...descriptionChanges(base, current),
  ];
}
