/**
 * Compares a broker's objects with the contract's: what is missing, what is extra, and what
 * differs in settings or arguments. Objects the broker owns (the default exchange, `amq.*`
 * exchanges and server-named `amq.*` queues) are ignored. A queue named `<name>.<suffix>` where
 * `<name>` is a per-instance queue of the contract is an instance of it: compared with it and
 * bound like it, never extra; no instance at all is fine (no such process runs). A binding a
 * per-subscription consumer made (one parameter value, no wildcard) is expected, never extra.
 */
import { isDeepStrictEqual } from 'node:util';
import { routingKeyRegex } from '../model/permissions.js';
import type { BindingObject, BrokerObjects, ExchangeObject, QueueObject } from './broker-objects.js';

export interface Discrepancy {
  problem: 'missing' | 'extra' | 'mismatch';
  object: 'exchange' | 'queue' | 'binding';
  /** The object: `queue matching.user_events`, `binding user.events -> matching.user_events (user.created)`. */
  name: string;
  /** For a mismatch: what differs, contract value then broker value. */
  detail?: string;
}

function ownedByBroker(name: string): boolean {
  return name === '' || name.startsWith('amq.');
}

export function bindingName(binding: BindingObject): string {
  return `${binding.exchange} -> ${binding.queue} (${binding.routingKey})`;
}

/** Each setting that differs: `durable: contract true, broker false`, `argument x-message-ttl: contract 1000, broker 1500`. */
function settingDifferences(expected: ExchangeObject | QueueObject, actual: ExchangeObject | QueueObject): string[] {
  const { arguments: expectedArguments, ...expectedSettings } = expected;
  const { arguments: actualArguments, ...actualSettings } = actual;
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));
  const differences = Object.entries(expectedSettings)
    .filter(
      ([key, value]) => key !== 'name' && !isDeepStrictEqual(value, actualSettings[key as keyof typeof actualSettings]),
    )
    .map(
      ([key, value]) =>
        `${key}: contract ${show(value)}, broker ${show(actualSettings[key as keyof typeof actualSettings])}`,
    );
  const argumentKeys = [...new Set([...Object.keys(expectedArguments), ...Object.keys(actualArguments)])].sort();
  for (const key of argumentKeys) {
    if (!isDeepStrictEqual(expectedArguments[key], actualArguments[key])) {
      differences.push(
        `argument ${key}: contract ${show(expectedArguments[key])}, broker ${show(actualArguments[key])}`,
      );
    }
  }
  return differences;
}

/** Maps a broker queue name to the contract queue it is (itself, or an instance of a per-instance queue). */
type QueueResolver = (name: string) => string | undefined;

function queueResolver(contract: BrokerObjects, perInstance: readonly string[]): QueueResolver {
  const contractQueues = new Set(contract.queues.map((queue) => queue.name));
  return (name) =>
    contractQueues.has(name)
      ? name
      : perInstance.find((base) => name.startsWith(`${base}.`) && name.length > base.length + 1);
}

/** A contract object's settings against its broker twin, and the contract objects the broker lacks. */
function compareNamed<T extends ExchangeObject | QueueObject>(
  object: 'exchange' | 'queue',
  expected: readonly T[],
  actual: readonly T[],
  /** The contract's name for a broker object, or undefined when it has none. */
  contractNameOf: (name: string) => string | undefined,
  /** Contract objects that may be absent. */
  optional: ReadonlySet<string>,
): Discrepancy[] {
  const wanted = new Map(expected.map((item) => [item.name, item]));
  const seen = new Set<string>();
  const found: Discrepancy[] = [];
  for (const item of actual) {
    const contractName = contractNameOf(item.name);
    const twin = contractName === undefined ? undefined : wanted.get(contractName);
    if (contractName === undefined || twin === undefined) continue;
    seen.add(contractName);
    for (const detail of settingDifferences(twin, item))
      found.push({ problem: 'mismatch', object, name: `${object} ${item.name}`, detail });
  }
  for (const item of expected) {
    if (!seen.has(item.name) && !optional.has(item.name))
      found.push({ problem: 'missing', object, name: `${object} ${item.name}` });
  }
  return found;
}

/**
 * What the broker holds that the contract does not declare: exchanges, queues (an instance of a
 * per-instance queue counts as declared) and bindings, besides what the broker owns.
 */
export function brokerExtras(
  contract: BrokerObjects,
  broker: BrokerObjects,
  perInstance: readonly string[],
): BrokerObjects {
  const resolve = queueResolver(contract, perInstance);
  const exchangeNames = new Set(contract.exchanges.map((exchange) => exchange.name));
  const expectedNames = new Set(expectedBindings(contract, broker, resolve, perInstance).map(bindingName));
  const subscribed = subscribedBinding(contract, resolve);
  return {
    exchanges: broker.exchanges.filter(
      (exchange) => !ownedByBroker(exchange.name) && !exchangeNames.has(exchange.name),
    ),
    queues: broker.queues.filter((queue) => !ownedByBroker(queue.name) && resolve(queue.name) === undefined),
    bindings: actualBindings(broker).filter(
      (binding) => !expectedNames.has(bindingName(binding)) && !subscribed(binding),
    ),
  };
}

/** Whether a broker binding is one a per-subscription consumer made: its queue, one value (no wildcard) per parameter. */
function subscribedBinding(contract: BrokerObjects, resolve: QueueResolver): (binding: BindingObject) => boolean {
  const rules = (contract.subscribable ?? []).map((rule) => ({
    ...rule,
    key: new RegExp(`^${routingKeyRegex(rule.routingKey)}$`),
  }));
  return (binding) =>
    rules.some(
      (rule) =>
        rule.exchange === binding.exchange &&
        rule.queue === resolve(binding.queue) &&
        rule.key.test(binding.routingKey),
    );
}

export function compareObjects(
  contract: BrokerObjects,
  broker: BrokerObjects,
  perInstance: readonly string[],
): Discrepancy[] {
  const resolve = queueResolver(contract, perInstance);
  const extras = brokerExtras(contract, broker, perInstance);
  const actualNames = new Set(actualBindings(broker).map(bindingName));
  return [
    ...compareNamed('exchange', contract.exchanges, broker.exchanges, (name) => name, new Set()),
    ...extras.exchanges.map((exchange) => ({
      problem: 'extra' as const,
      object: 'exchange' as const,
      name: `exchange ${exchange.name}`,
    })),
    ...compareNamed('queue', contract.queues, broker.queues, resolve, new Set(perInstance)),
    ...extras.queues.map((queue) => ({
      problem: 'extra' as const,
      object: 'queue' as const,
      name: `queue ${queue.name}`,
    })),
    ...expectedBindings(contract, broker, resolve, perInstance)
      .filter((binding) => !actualNames.has(bindingName(binding)))
      .map((binding) => ({
        problem: 'missing' as const,
        object: 'binding' as const,
        name: `binding ${bindingName(binding)}`,
      })),
    ...extras.bindings.map((binding) => ({
      problem: 'extra' as const,
      object: 'binding' as const,
      name: `binding ${bindingName(binding)}`,
    })),
  ];
}

/** The contract's bindings; one to a per-instance queue is expected once per instance the broker has. */
function expectedBindings(
  contract: BrokerObjects,
  broker: BrokerObjects,
  resolve: QueueResolver,
  perInstance: readonly string[],
): BindingObject[] {
  const instancesOf = (base: string) =>
    broker.queues.map((queue) => queue.name).filter((name) => name !== base && resolve(name) === base);
  return contract.bindings.flatMap((binding) =>
    perInstance.includes(binding.queue)
      ? instancesOf(binding.queue).map((queue) => ({ ...binding, queue }))
      : [binding],
  );
}

function actualBindings(broker: BrokerObjects): BindingObject[] {
  return broker.bindings.filter((binding) => !ownedByBroker(binding.exchange) && !ownedByBroker(binding.queue));
}
