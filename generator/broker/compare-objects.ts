/**
 * Compares a broker's objects with the contract's: what is missing, what is extra, and what
 * differs in settings or arguments. Objects the broker owns (the default exchange, `amq.*`
 * exchanges and server-named `amq.*` queues) are ignored. A queue named `<name>.<suffix>` where
 * `<name>` is a per-instance queue of the contract is an instance of it: compared with it and
 * bound like it, never extra; no instance at all is fine (no such process runs).
 */
import { isDeepStrictEqual } from 'node:util';
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

function bindingName(binding: BindingObject): string {
  return `${binding.exchange} -> ${binding.queue} (${binding.routingKey})`;
}

/** Each setting that differs: `durable: contract true, broker false`, `argument x-message-ttl: contract 1000, broker 1500`. */
function settingDifferences(expected: ExchangeObject | QueueObject, actual: ExchangeObject | QueueObject): string[] {
  const { arguments: expectedArguments, ...expectedSettings } = expected;
  const { arguments: actualArguments, ...actualSettings } = actual;
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));
  const differences = Object.entries(expectedSettings)
    .filter(([key, value]) => key !== 'name' && !isDeepStrictEqual(value, actualSettings[key as keyof typeof actualSettings]))
    .map(([key, value]) => `${key}: contract ${show(value)}, broker ${show(actualSettings[key as keyof typeof actualSettings])}`);
  const argumentKeys = [...new Set([...Object.keys(expectedArguments), ...Object.keys(actualArguments)])].sort();
  for (const key of argumentKeys) {
    if (!isDeepStrictEqual(expectedArguments[key], actualArguments[key])) {
      differences.push(`argument ${key}: contract ${show(expectedArguments[key])}, broker ${show(actualArguments[key])}`);
    }
  }
  return differences;
}

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
    if (ownedByBroker(item.name)) continue;
    const contractName = contractNameOf(item.name);
    const twin = contractName === undefined ? undefined : wanted.get(contractName);
    if (contractName === undefined || twin === undefined) {
      found.push({ problem: 'extra', object, name: `${object} ${item.name}` });
      continue;
    }
    seen.add(contractName);
    for (const detail of settingDifferences(twin, item)) found.push({ problem: 'mismatch', object, name: `${object} ${item.name}`, detail });
  }
  for (const item of expected) {
    if (!seen.has(item.name) && !optional.has(item.name)) found.push({ problem: 'missing', object, name: `${object} ${item.name}` });
  }
  return found;
}

export function compareObjects(contract: BrokerObjects, broker: BrokerObjects, perInstance: readonly string[]): Discrepancy[] {
  const contractQueues = new Set(contract.queues.map((queue) => queue.name));
  const queueInContract = (name: string): string | undefined =>
    contractQueues.has(name) ? name : perInstance.find((base) => name.startsWith(`${base}.`) && name.length > base.length + 1);
  const exchanges = compareNamed('exchange', contract.exchanges, broker.exchanges, (name) => name, new Set());
  const queues = compareNamed('queue', contract.queues, broker.queues, queueInContract, new Set(perInstance));
  return [...exchanges, ...queues, ...compareBindings(contract, broker, queueInContract, perInstance)];
}

function compareBindings(
  contract: BrokerObjects,
  broker: BrokerObjects,
  queueInContract: (name: string) => string | undefined,
  perInstance: readonly string[],
): Discrepancy[] {
  const instancesOf = (base: string) => broker.queues.map((queue) => queue.name).filter((name) => name !== base && queueInContract(name) === base);
  // A binding to a per-instance queue is expected once per instance the broker has.
  const expected = contract.bindings.flatMap((binding) =>
    perInstance.includes(binding.queue) ? instancesOf(binding.queue).map((queue) => ({ ...binding, queue })) : [binding],
  );
  const actual = broker.bindings.filter((binding) => !ownedByBroker(binding.exchange) && !ownedByBroker(binding.queue));
  const expectedNames = new Set(expected.map(bindingName));
  const actualNames = new Set(actual.map(bindingName));
  return [
    ...expected.filter((binding) => !actualNames.has(bindingName(binding))).map((binding) => ({ problem: 'missing' as const, object: 'binding' as const, name: `binding ${bindingName(binding)}` })),
    ...actual.filter((binding) => !expectedNames.has(bindingName(binding))).map((binding) => ({ problem: 'extra' as const, object: 'binding' as const, name: `binding ${bindingName(binding)}` })),
  ];
}
