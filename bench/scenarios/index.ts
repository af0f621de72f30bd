/** Every messaging scenario, at the sizes of a mode: what the parent process runs and each variant process rebuilds. */
import type { BenchBroker } from '../support/broker.js';
import type { Scenario } from '../scenario.js';
import { consumeScenarios } from './consume.js';
import { fanoutScenario } from './fanout.js';
import { publishScenarios } from './publish.js';
import { rpcScenarios } from './rpc.js';
import { TOOLCHAIN_MEASURES } from './toolchain.js';

export type Mode = 'full' | 'quick';

/**
 * Consume runs take half the publish runs' messages: each run first preloads its queue (untimed,
 * but as long as a publish run), and 50k deliveries already take seconds to time.
 */
export const SIZES = {
  full: { rounds: 3, messages: 100_000, consumeMessages: 50_000, fanoutMessages: 20_000, rpcSequentialCalls: 5_000, rpcConcurrentCalls: 20_000, codegenRuns: 3 },
  quick: { rounds: 2, messages: 5_000, consumeMessages: 5_000, fanoutMessages: 1_000, rpcSequentialCalls: 500, rpcConcurrentCalls: 2_000, codegenRuns: 1 },
} satisfies Record<Mode, Record<string, number>>;

/** The scenarios of `mode`, or only the one with id `only`; an unknown id is an error that lists the known ones. */
export function messagingScenarios(broker: BenchBroker, mode: Mode, only?: string): Scenario[] {
  const sizes = SIZES[mode];
  const all = [
    ...publishScenarios(broker, sizes.messages),
    ...consumeScenarios(broker, sizes.consumeMessages),
    ...rpcScenarios(broker.url, sizes.rpcSequentialCalls, sizes.rpcConcurrentCalls),
    fanoutScenario(broker, sizes.fanoutMessages),
  ];
  const chosen = only === undefined ? all : all.filter((scenario) => scenario.id === only);
  if (chosen.length === 0) {
    throw new Error(`no scenario "${only}"; there are: ${all.map((s) => s.id).join(', ')}, and the toolchain measures ${TOOLCHAIN_MEASURES.join(', ')}`);
  }
  return chosen;
}
