/** The ratios the facade has to reach (issue 6), checked against one run's results. */
import type { ScenarioResult } from './runner.js';
import type { VariantId } from './scenario.js';

export interface Target {
  description: string;
  scenario: string;
  variant: VariantId;
  against: VariantId;
  metric: string;
  /** The ratio variant/against must be at least (`>=`) or at most (`<=`) `value`. */
  bound: { op: '>=' | '<='; value: number };
}

export interface TargetResult extends Target {
  /** Undefined when the run did not measure it. */
  ratio: number | undefined;
  met: boolean;
}

const atLeast = (value: number) => ({ op: '>=' as const, value });
const atMost = (value: number) => ({ op: '<=' as const, value });

export const TARGETS: Target[] = [
  { description: 'publish with confirms, persistent: facade vs raw', scenario: 'publish-persistent', variant: 'facade', against: 'raw', metric: 'msgPerSec', bound: atLeast(0.95) },
  { description: 'publish with confirms, transient: facade vs raw', scenario: 'publish-transient', variant: 'facade', against: 'raw', metric: 'msgPerSec', bound: atLeast(0.95) },
  { description: 'consume, prefetch 100: facade vs raw', scenario: 'consume-prefetch-100', variant: 'facade', against: 'raw', metric: 'msgPerSec', bound: atLeast(0.95) },
  { description: 'consume, prefetch 1000: facade vs raw', scenario: 'consume-prefetch-1000', variant: 'facade', against: 'raw', metric: 'msgPerSec', bound: atLeast(0.95) },
  { description: 'RPC sequential p50: facade vs raw', scenario: 'rpc-sequential', variant: 'facade', against: 'raw', metric: 'p50Ms', bound: atMost(1.1) },
  { description: 'publish with confirms: facade vs amqp-connection-manager', scenario: 'publish-persistent', variant: 'facade', against: 'acm', metric: 'msgPerSec', bound: atLeast(1) },
  { description: 'publish with confirms: facade vs rascal', scenario: 'publish-persistent', variant: 'facade', against: 'rascal', metric: 'msgPerSec', bound: atLeast(1) },
];

export function checkTargets(results: ScenarioResult[]): TargetResult[] {
  return TARGETS.map((target) => {
    const ratio = results
      .find((result) => result.id === target.scenario)
      ?.ratios.find((r) => r.variant === target.variant && r.against === target.against && r.metric === target.metric)?.value;
    const met = ratio !== undefined && (target.bound.op === '>=' ? ratio >= target.bound.value : ratio <= target.bound.value);
    return { ...target, ratio, met };
  });
}
