/** What a benchmark scenario is: the same workload run by several implementations (variants). */

export type VariantId = 'raw' | 'raw-like' | 'facade' | 'acm' | 'acm-like' | 'rascal';

/**
 * Raw amqplib's two baselines, the same expert code: `raw` sends bare messages (content type and
 * delivery mode only), `raw-like` sends exactly what the facade sends (see support/wire-properties.ts).
 */
export type RawBaseline = Extract<VariantId, 'raw' | 'raw-like'>;
export const RAW_BASELINES: RawBaseline[] = ['raw', 'raw-like'];

/** The like-for-like variants (sending what the facade sends) and the same code sending bare messages. */
export const BARE_VARIANT_OF: Partial<Record<VariantId, VariantId>> = { 'raw-like': 'raw', 'acm-like': 'acm' };

export const VARIANT_NAMES: Record<VariantId, string> = {
  raw: 'raw amqplib, bare',
  'raw-like': 'raw amqplib, like-for-like',
  facade: 'generated facade',
  acm: 'amqp-connection-manager',
  'acm-like': 'amqp-connection-manager, like-for-like',
  rascal: 'rascal',
};

export interface Metric {
  key: string;
  /** Column heading, e.g. `msg/s`. */
  label: string;
  /** Which way is better: it decides how a ratio reads. */
  better: 'higher' | 'lower';
  /** Decimals shown in the report; default 2 for a latency (`...Ms`), else none. */
  decimals?: number;
}

/** One timed run of one variant: a value per metric key. */
export type Sample = Record<string, number>;

export interface Variant {
  id: VariantId;
  /** Connects, runs the workload (only the workload is timed), disconnects. */
  run(): Promise<Sample>;
}

export interface Scenario {
  id: string;
  title: string;
  /** One sentence: what is measured and how, for the report. */
  measures: string;
  metrics: Metric[];
  /** `raw` first: every variant is compared with it; the facade also with `raw-like` and the peers. */
  variants: Variant[];
  /** Untimed, once before the first round (declare queues the scenario needs). */
  setUp?(): Promise<void>;
  /** Untimed, before every run of every variant (purge, preload). */
  prepare?(): Promise<void>;
  /** Untimed, once after the last round. */
  tearDown?(): Promise<void>;
}

export const THROUGHPUT: Metric = { key: 'msgPerSec', label: 'msg/s', better: 'higher' };
export const CALLS_PER_SEC: Metric = { key: 'callsPerSec', label: 'calls/s', better: 'higher' };
export const P50: Metric = { key: 'p50Ms', label: 'p50 ms', better: 'lower' };
export const P99: Metric = { key: 'p99Ms', label: 'p99 ms', better: 'lower' };
