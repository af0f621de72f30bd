import type { Topology } from './definition.js';

/**
 * The part of the contract's topology one service declares: the named exchanges and queues, and
 * the bindings of those queues. Generated facades name their part instead of repeating it.
 */
export function pickTopology(topology: Topology, names: { exchanges: string[]; queues: string[] }): Topology {
  const queues = new Set(names.queues);
  return {
    exchanges: names.exchanges.map((name) => named(topology.exchanges, name, 'exchange')),
    queues: names.queues.map((name) => named(topology.queues, name, 'queue')),
    bindings: topology.bindings.filter((binding) => queues.has(binding.queue)),
  };
}

function named<T extends { name: string }>(objects: T[], name: string, kind: string): T {
  const found = objects.find((object) => object.name === name);
  if (found === undefined)
    throw new Error(`the contract's topology has no ${kind} named "${name}": regenerate with npm run generate`);
  return found;
}
