/**
 * Runs a scenario's variants interleaved over several rounds, the order rotating by one each round
 * (A B C, B C A, C A B, ...), so that drift in the machine's load hits every variant alike and none
 * always runs first; and summarises: the median of each metric, and each variant's ratio to bare
 * raw amqplib (and the facade's to the like-for-like raw baseline and to each peer) as the median
 * of the per-round ratios. (The table-shaped measures, grid.ts, share the rotation and the medians.)
 */
import { median } from './support/stats.js';
import { VARIANT_NAMES, type Metric, type Sample, type Scenario, type VariantId } from './scenario.js';

export interface VariantResult {
  id: VariantId;
  name: string;
  /** One per round, in round order. */
  samples: Sample[];
  median: Sample;
}

export interface Ratio {
  variant: VariantId;
  against: VariantId;
  metric: string;
  /** Median over rounds of variant / against, each pair from the same round. */
  value: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  measures: string;
  metrics: Metric[];
  variants: VariantResult[];
  ratios: Ratio[];
}

export type Progress = (line: string) => void;

export async function runInterleaved(scenario: Scenario, rounds: number, progress: Progress): Promise<ScenarioResult> {
  const samples = new Map<VariantId, Sample[]>(scenario.variants.map((variant) => [variant.id, []]));
  await scenario.setUp?.();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of inRotation(scenario.variants, round)) {
        await scenario.prepare?.();
        const sample = await variant.run();
        samples.get(variant.id)?.push(sample);
        progress(`${scenario.id} round ${round + 1}/${rounds} ${VARIANT_NAMES[variant.id]}: ${formatSample(sample)}`);
      }
    }
  } finally {
    await scenario.tearDown?.();
  }
  const variants = scenario.variants.map(({ id }): VariantResult => {
    const own = samples.get(id) ?? [];
    return { id, name: VARIANT_NAMES[id], samples: own, median: medianSample(own, scenario.metrics) };
  });
  return {
    id: scenario.id,
    title: scenario.title,
    measures: scenario.measures,
    metrics: scenario.metrics,
    variants,
    ratios: ratiosOf(variants, scenario.metrics),
  };
}

/** The items in the order of round `round`: rotated by one more each round. */
export function inRotation<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function medianSample(samples: Sample[], metrics: Metric[]): Sample {
  return Object.fromEntries(
    metrics.map(({ key }) => [key, median(samples.map((sample) => sample[key] ?? Number.NaN))]),
  );
}

/** What the facade is compared with beside bare raw amqplib. */
const FACADE_ALSO_AGAINST: VariantId[] = ['raw-like', 'acm', 'acm-like', 'rascal'];

/** Every variant against bare raw; the facade also against the like-for-like raw baseline and each peer. */
function ratiosOf(variants: VariantResult[], metrics: Metric[]): Ratio[] {
  const byId = new Map(variants.map((variant) => [variant.id, variant]));
  const pairs: [VariantId, VariantId][] = [
    ...variants.filter(({ id }) => id !== 'raw').map(({ id }): [VariantId, VariantId] => [id, 'raw']),
    ...variants
      .filter(({ id }) => FACADE_ALSO_AGAINST.includes(id))
      .map(({ id }): [VariantId, VariantId] => ['facade', id]),
  ];
  return pairs.flatMap(([variant, against]) => {
    const mine = byId.get(variant)?.samples ?? [];
    const theirs = byId.get(against)?.samples ?? [];
    if (mine.length === 0 || theirs.length === 0) return [];
    return metrics.map(({ key }) => ({ variant, against, metric: key, value: medianRatio(mine, theirs, key) }));
  });
}

/** The median over rounds of mine / theirs for `key`, each pair from the same round. */
export function medianRatio(mine: Sample[], theirs: Sample[], key: string): number {
  return median(mine.map((sample, round) => (sample[key] ?? Number.NaN) / (theirs[round]?.[key] ?? Number.NaN)));
}

export function formatSample(sample: Sample): string {
  return Object.entries(sample)
    .map(([key, value]) => `${key} ${value >= 100 ? Math.round(value) : value.toFixed(2)}`)
    .join(', ');
}
