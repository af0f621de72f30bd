/** bench/report.ts: what latest.md says about the toolchain beside (or without) the messaging. */
import { describe, expect, it } from 'vitest';
import type { GridResult } from '../../../bench/grid.js';
import { renderMarkdown, type BenchReport } from '../../../bench/report.js';

const codegen = [
  {
    spec: 'asyncapi.yaml',
    channels: 14,
    files: 11,
    coldTotalMs: 2000,
    median: { loadMs: 800, emitMs: 150, writeMs: 8, totalMs: 960 },
    runs: 3,
  },
];

function report(overrides: Partial<BenchReport>): BenchReport {
  return {
    date: '2026-12-03T14:00:00.000Z',
    mode: 'full',
    durationSeconds: 40,
    machine: {
      cpus: 2,
      cpu: 'test cpu',
      memoryGb: 8,
      node: 'v24.22.3',
      loadAverage1m: 0.1,
      loadAverage1mAtStart: 0.1,
      rabbitmq: 'not used',
    },
    settings: { rounds: 3 },
    scenarios: [],
    grids: [],
    targets: [],
    codegen,
    watchLoop: { status: 'measured', coldMs: 9000, regenerateMs: 1100, specErrorMs: 220, edits: 5 },
    docs: { status: 'measured', ms: 8000 },
    docsServe: { status: 'measured', buildMs: 30000, pagesMs: 600, referenceMs: 4200, saves: 5 },
    npmCi: { status: 'measured', ms: 30000 },
    ...overrides,
  };
}

describe('renderMarkdown, the toolchain', () => {
  it('reports codegen, the watch loop, the docs build, its rebuild under --serve and npm ci', () => {
    const markdown = renderMarkdown(report({}));
    expect(markdown).toContain('| asyncapi.yaml | 14 | 11 | 800 | 150 | 8 | 960 | 2000 |');
    expect(markdown).toContain(
      "median of 5 saves of each kind): save to regenerated and type-checked 1100 ms, save to the spec's diagnostics 220 ms; first cycle (generate, cold full type check) 9000 ms.",
    );
    expect(markdown).toContain('Docs build (`npm run docs`, one run): 8000 ms.');
    expect(markdown).toContain(
      'Docs rebuild (`npm run docs -- --serve`, median of 5 saves): save to our pages rebuilt 600 ms, save to the official reference rebuilt too 4200 ms; first full build 30000 ms.',
    );
    expect(markdown).toContain("`npm ci` (one run in a scratch directory, from npm's local cache): 30000 ms.");
  });

  it('says why a measure did not run', () => {
    const markdown = renderMarkdown(
      report({
        codegen: [],
        watchLoop: { status: 'skipped', note: 'not run with --quick' },
        docsServe: { status: 'skipped', note: 'not run with --quick' },
        npmCi: { status: 'failed', note: '`npm ci` exited 1: ERESOLVE' },
      }),
    );
    expect(markdown).toContain('Watch loop: skipped (not run with --quick).');
    expect(markdown).toContain('Docs rebuild under `--serve`: skipped (not run with --quick).');
    expect(markdown).toContain('`npm ci`: failed (`npm ci` exited 1: ERESOLVE).');
    expect(markdown).not.toContain('| codegen |');
  });

  it('a toolchain-only run (--only codegen) has no messaging tables and names no broker', () => {
    const markdown = renderMarkdown(report({}));
    expect(markdown).toContain('`full` mode (toolchain only, 40 s)');
    expect(markdown).not.toContain('RabbitMQ');
    expect(markdown).not.toContain('| target |');
    expect(markdown).not.toContain('| scenario |');
  });
});

const grid: GridResult = {
  id: 'fanout-scaling',
  title: 'Fan-out per instance as instances grow',
  measures: '200 sessions',
  columns: ['instances', 'binding'],
  metrics: [
    { key: 'deliveriesPerEdit', label: 'deliveries per edit', better: 'lower', decimals: 2 },
    { key: 'confirmedPerSec', label: 'confirmed edits/s', better: 'higher' },
  ],
  cells: [
    {
      id: '2-wildcard',
      labels: ['2', 'wildcard'],
      samples: [],
      median: { deliveriesPerEdit: 2, confirmedPerSec: 10234.4 },
    },
    {
      id: '2-per-session',
      labels: ['2', 'per-session'],
      samples: [],
      median: { deliveriesPerEdit: 1, confirmedPerSec: 15001 },
    },
  ],
  comparisons: [
    {
      description: '2 instances: per-session / wildcard',
      cell: '2-per-session',
      against: '2-wildcard',
      metric: 'confirmedPerSec',
      value: 1.4657,
    },
  ],
  checks: [{ description: "the broker's count equals the instances'", passed: false, detail: '10 routed, 9 received' }],
};

describe('renderMarkdown, a grid', () => {
  it('shows each cell with its labels and medians, the comparisons as ratios and the checks', () => {
    const markdown = renderMarkdown(report({ grids: [grid] }));
    expect(markdown).toContain(
      '**Fan-out per instance as instances grow** (`fanout-scaling`): 200 sessions. Medians over the rounds.',
    );
    expect(markdown).toContain('| instances | binding | deliveries per edit | confirmed edits/s |');
    expect(markdown).toContain('| 2 | wildcard | 2.00 | 10,234 |');
    expect(markdown).toContain('| 2 | per-session | 1.00 | 15,001 |');
    expect(markdown).toContain('| 2 instances: per-session / wildcard | confirmed edits/s | 1.47x |');
    expect(markdown).toContain("Check: the broker's count equals the instances': **failed** (10 routed, 9 received).");
  });

  it('a run of grids alone (--only fanout-scaling) names its rounds and the broker', () => {
    const markdown = renderMarkdown(report({ grids: [grid], machine: { ...report({}).machine, rabbitmq: '3.10.8' } }));
    expect(markdown).toContain('`full` mode (3 interleaved rounds, 40 s)');
    expect(markdown).toContain('RabbitMQ 3.10.8 on the same machine');
  });
});
