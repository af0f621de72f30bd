/**
 * The ratios the facade has to reach (issue 6), checked against one run's results: publish and RPC
 * against raw amqplib sending the same messages (like-for-like), with the ratio to bare raw beside
 * it; consume against the one raw consumer of the same messages; amqp-connection-manager sending
 * the same messages too (bare beside it); rascal as it is.
 */
import type { ScenarioResult } from './runner.js';
import { BARE_VARIANT_OF, type VariantId } from './scenario.js';

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
  /** For a target against a like-for-like variant: the same ratio against that code sending bare messages. */
  bareRatio: number | undefined;
  met: boolean;
}

const atLeast = (value: number) => ({ op: '>=' as const, value });
const atMost = (value: number) => ({ op: '<=' as const, value });

export const TARGETS: Target[] = [
  {
    description: 'publish with confirms, persistent: facade vs raw like-for-like',
    scenario: 'publish-persistent',
    variant: 'facade',
    against: 'raw-like',
    metric: 'msgPerSec',
    bound: atLeast(0.95),
  },
  {
    description: 'publish with confirms, transient: facade vs raw like-for-like',
    scenario: 'publish-transient',
    variant: 'facade',
    against: 'raw-like',
    metric: 'msgPerSec',
    bound: atLeast(0.95),
  },
  {
    description: 'consume, prefetch 100: facade vs raw (same messages)',
    scenario: 'consume-prefetch-100',
    variant: 'facade',
    against: 'raw',
    metric: 'msgPerSec',
    bound: atLeast(0.95),
  },
  {
    description: 'consume, prefetch 1000: facade vs raw (same messages)',
    scenario: 'consume-prefetch-1000',
    variant: 'facade',
    against: 'raw',
    metric: 'msgPerSec',
    bound: atLeast(0.95),
  },
  {
    description: 'RPC sequential p50: facade vs raw like-for-like',
    scenario: 'rpc-sequential',
    variant: 'facade',
    against: 'raw-like',
    metric: 'p50Ms',
    bound: atMost(1.1),
  },
  {
    description: 'publish with confirms: facade vs amqp-connection-manager like-for-like',
    scenario: 'publish-persistent',
    variant: 'facade',
    against: 'acm-like',
    metric: 'msgPerSec',
    bound: atLeast(1),
  },
  {
    description: 'publish with confirms: facade vs rascal',
    scenario: 'publish-persistent',
    variant: 'facade',
    against: 'rascal',
    metric: 'msgPerSec',
    bound: atLeast(1),
  },
];

export function checkTargets(results: ScenarioResult[]): TargetResult[] {
  return TARGETS.map((target) => {
    const ratioAgainst = (against: VariantId) =>
      results
        .find((result) => result.id === target.scenario)
        ?.ratios.find((r) => r.variant === target.variant && r.against === against && r.metric === target.metric)
        ?.value;
    const ratio = ratioAgainst(target.against);
    const bare = BARE_VARIANT_OF[target.against];
    const bareRatio = bare === undefined ? undefined : ratioAgainst(bare);
    const met =
      ratio !== undefined && (target.bound.op === '>=' ? ratio >= target.bound.value : ratio <= target.bound.value);
    return { ...target, ratio, bareRatio, met };
  });
}
