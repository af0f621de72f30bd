/**
 * A measure that is a table rather than one workload run by rival clients: cells that differ in
 * their set-up (instances and binding mode, broker and queue type), each run once per round in a
 * rotating order as the scenarios' variants are (runner.ts), so that drift in the machine's load
 * hits every cell alike; the median of each metric per cell, the comparisons the grid names as
 * medians of per-round ratios, and the grid's own checks of the run (e.g. the broker's counts).
 * Cells run in the bench process, one after another.
 */
import { formatSample, inRotation, medianRatio, medianSample, type Progress } from './runner.js';
import type { Metric, Sample } from './scenario.js';

export interface Cell {
  /** Unique in the grid, e.g. `8-wildcard`: comparisons name cells by it. */
  id: string;
  /** One per column of the grid, e.g. `['8', 'wildcard']`. */
  labels: string[];
  /** Sets up, runs the workload (only the workload is timed), tears down. May add figures that are not metrics. */
  run(): Promise<Sample>;
}

/** A ratio the report shows: `cell` / `against` on `metric`, the median of the per-round ratios. */
export interface Comparison {
  description: string;
  cell: string;
  against: string;
  metric: string;
}

/** Something the grid verified about its own run, beside the figures. */
export interface Check {
  description: string;
  passed: boolean;
  detail: string;
}

export interface Grid {
  id: string;
  title: string;
  /** What is measured and how, for the report. */
  measures: string;
  /** Headings of the cells' labels. */
  columns: string[];
  metrics: Metric[];
  cells: Cell[];
  comparisons: Comparison[];
  /** Untimed, once before the first round. */
  setUp?(): Promise<unknown>;
  /** After the last round, with every cell's samples by cell id. */
  verify?(samples: ReadonlyMap<string, Sample[]>): Promise<Check[]>;
  /** Once, after the last round and the checks (also when a run failed). */
  tearDown?(): Promise<unknown>;
}

export interface GridCellResult {
  id: string;
  labels: string[];
  /** One per round, in round order. */
  samples: Sample[];
  median: Sample;
}

export interface GridResult {
  id: string;
  title: string;
  measures: string;
  columns: string[];
  metrics: Metric[];
  cells: GridCellResult[];
  comparisons: (Comparison & { value: number })[];
  checks: Check[];
}

export async function runGrid(grid: Grid, rounds: number, progress: Progress): Promise<GridResult> {
  const samples = new Map<string, Sample[]>(grid.cells.map((cell) => [cell.id, []]));
  let checks: Check[];
  try {
    await grid.setUp?.();
    for (let round = 0; round < rounds; round++) {
      for (const cell of inRotation(grid.cells, round)) {
        const sample = await cell.run();
        samples.get(cell.id)?.push(sample);
        progress(`${grid.id} round ${round + 1}/${rounds} ${cell.id}: ${formatSample(sample)}`);
      }
    }
    checks = (await grid.verify?.(samples)) ?? [];
  } finally {
    await grid.tearDown?.();
  }
  const samplesOf = (id: string) => samples.get(id) ?? [];
  return {
    id: grid.id,
    title: grid.title,
    measures: grid.measures,
    columns: grid.columns,
    metrics: grid.metrics,
    cells: grid.cells.map(({ id, labels }) => ({
      id,
      labels,
      samples: samplesOf(id),
      median: medianSample(samplesOf(id), grid.metrics),
    })),
    comparisons: grid.comparisons.map((comparison) => ({
      ...comparison,
      value: medianRatio(samplesOf(comparison.cell), samplesOf(comparison.against), comparison.metric),
    })),
    checks,
  };
}
