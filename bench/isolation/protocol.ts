/** What the bench process and a variant process say to each other over the IPC channel. */
import type { Mode } from '../scenarios/index.js';
import type { BenchBrokerAddress } from '../support/broker.js';
import type { Sample, VariantId } from '../scenario.js';

/** Which variant a variant process runs: passed in its environment as JSON. */
export interface VariantAssignment {
  broker: BenchBrokerAddress;
  mode: Mode;
  scenario: string;
  variant: VariantId;
}

export const ASSIGNMENT_VARIABLE = 'BENCH_VARIANT';

export type ToVariant = { type: 'run' };

export type FromVariant = { type: 'ready' } | { type: 'sample'; sample: Sample } | { type: 'failed'; error: string };
