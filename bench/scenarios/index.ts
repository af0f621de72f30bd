/** Every messaging scenario, at the sizes of a mode: what the parent process runs and each variant process rebuilds. */
import type { BenchBroker } from '../support/broker.js';
import type { Scenario } from '../scenario.js';
import { consumeScenarios } from './consume.js';
import { fanoutScenario } from './fanout.js';
import type { FanoutScalingSizes } from './fanout-scaling.js';
import { publishScenarios } from './publish.js';
import { rpcScenarios } from './rpc.js';
import { TOOLCHAIN_MEASURES } from './toolchain.js';

export type Mode = 'full' | 'quick';

/**
 * Consume runs take half the publish runs' messages: each run first preloads its queue (untimed,
 * but as long as a publish run), and 50k deliveries already take seconds to time.
 */
export const SIZES = {
  full: {
    rounds: 3,
    messages: 100_000,
    consumeMessages: 50_000,
    fanoutMessages: 20_000,
    rpcSequentialCalls: 5_000,
    rpcConcurrentCalls: 20_000,
    codegenRuns: 3,
    scalingSessions: 200,
    scalingEditsPerSecond: 1_000,
    scalingPacedEdits: 3_000,
    scalingBurstEdits: 10_000,
    clusterMessages: 20_000,
  },
  quick: {
    rounds: 2,
    messages: 5_000,
    consumeMessages: 5_000,
    fanoutMessages: 1_000,
    rpcSequentialCalls: 500,
    rpcConcurrentCalls: 2_000,
    codegenRuns: 1,
    scalingSessions: 200,
    scalingEditsPerSecond: 400,
    scalingPacedEdits: 200,
    scalingBurstEdits: 400,
    clusterMessages: 5_000,
  },
} satisfies Record<Mode, Record<string, number>>;

/**
 * The table-shaped measures (grid.ts), run after the scenarios: `fanout-scaling` by default,
 * `cluster-replication` only when chosen with `--only` (it needs the local cluster).
 */
export const GRID_IDS = ['fanout-scaling', 'cluster-replication'] as const;
export type GridId = (typeof GRID_IDS)[number];

export function isGridId(id: string | undefined): id is GridId {
  return GRID_IDS.some((grid) => grid === id);
}

export function fanoutScalingSizes(mode: Mode): FanoutScalingSizes {
  const { scalingSessions, scalingEditsPerSecond, scalingPacedEdits, scalingBurstEdits } = SIZES[mode];
  return {
    sessions: scalingSessions,
    editsPerSecond: scalingEditsPerSecond,
    pacedEdits: scalingPacedEdits,
    burstEdits: scalingBurstEdits,
  };
}

/** The scenarios of `mode`, or only the one with id `only` (none for a grid's id); an unknown id is an error that lists the known ones. */
export function messagingScenarios(broker: BenchBroker, mode: Mode, only?: string): Scenario[] {
  if (isGridId(only)) return [];
  const sizes = SIZES[mode];
  const all = [
    ...publishScenarios(broker, sizes.messages),
    ...consumeScenarios(broker, sizes.consumeMessages),
    ...rpcScenarios(broker.url, sizes.rpcSequentialCalls, sizes.rpcConcurrentCalls),
    fanoutScenario(broker, sizes.fanoutMessages),
  ];
  const chosen = only === undefined ? all : all.filter((scenario) => scenario.id === only);
  if (chosen.length === 0) {
    throw new Error(
      `no scenario "${only}"; there are: ${all.map((s) => s.id).join(', ')}, the grids ${GRID_IDS.join(', ')}, and the toolchain measures ${TOOLCHAIN_MEASURES.join(', ')}`,
    );
  }
  return chosen;
}
