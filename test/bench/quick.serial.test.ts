/**
 * `npm run bench -- --quick` runs end to end against the local broker and writes well-formed
 * results: every scenario with every variant (both raw baselines where the facade publishes or
 * calls) measured in every round in a rotating order, positive numbers, the ratios (against bare
 * raw, and the facade's against like-for-like raw and the peers) and targets, the fan-out grid
 * (as many copies of each edit as the bindings route, as the broker counted them too; the cluster
 * grid is not in the default run), codegen times and the Markdown table. Benchmarks are not tests:
 * nothing here looks at how fast anything was. Serial: the run loads both cores for a minute or two.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/report.js';

const REPO = resolve(import.meta.dirname, '../..');
const SCENARIOS: Record<string, string[]> = {
  'publish-persistent': ['raw', 'raw-like', 'facade', 'acm', 'acm-like', 'rascal'],
  'publish-transient': ['raw', 'raw-like', 'facade'],
  'consume-prefetch-100': ['raw', 'facade', 'acm', 'rascal'],
  'consume-prefetch-1000': ['raw', 'facade'],
  'rpc-sequential': ['raw', 'raw-like', 'facade'],
  'rpc-concurrent-50': ['raw', 'raw-like', 'facade'],
  'fanout-10': ['raw', 'raw-like', 'facade'],
};

const INSTANCE_COUNTS = [1, 2, 4, 8];
const FANOUT_CELLS = INSTANCE_COUNTS.flatMap((instances) => [`${instances}-wildcard`, `${instances}-per-session`]);

let outDir: string;
let exitCode: number | null;
let output = '';
let report: BenchReport;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'bench-quick-'));
  exitCode = await new Promise<number | null>((done) => {
    const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', outDir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', done);
  });
  if (exitCode === 0) report = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchReport;
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('npm run bench -- --quick', () => {
  it('exits 0', () => {
    expect(exitCode, output).toBe(0);
  });

  it('describes the run and the machine', () => {
    expect(report.mode).toBe('quick');
    expect(Number.isNaN(Date.parse(report.date))).toBe(false);
    expect(report.machine.rabbitmq).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.machine.node).toBe(process.version);
    for (const key of ['cpus', 'memoryGb'] as const) expect(positive(report.machine[key]), key).toBe(true);
    expect(report.settings['rounds']).toBeGreaterThanOrEqual(2);
  });

  it('measures every scenario with every variant in every round, all numbers positive', () => {
    expect(Object.fromEntries(report.scenarios.map((s) => [s.id, s.variants.map((v) => v.id)]))).toEqual(SCENARIOS);
    for (const scenario of report.scenarios) {
      for (const variant of scenario.variants) {
        expect(variant.samples, `${scenario.id} ${variant.id}`).toHaveLength(report.settings['rounds'] as number);
        for (const sample of [...variant.samples, variant.median]) {
          for (const metric of scenario.metrics)
            expect(positive(sample[metric.key]), `${scenario.id} ${variant.id} ${metric.key}`).toBe(true);
        }
      }
      const pairs = [
        ...scenario.variants.filter((v) => v.id !== 'raw').map((v) => [v.id, 'raw']),
        ...scenario.variants
          .filter((v) => ['raw-like', 'acm', 'acm-like', 'rascal'].includes(v.id))
          .map((v) => ['facade', v.id]),
      ];
      for (const [variant, against] of pairs) {
        for (const metric of scenario.metrics) {
          const ratio = scenario.ratios.find(
            (r) => r.variant === variant && r.against === against && r.metric === metric.key,
          );
          expect(positive(ratio?.value), `${scenario.id} ${variant}/${against} ${metric.key}`).toBe(true);
        }
      }
    }
  });

  it('runs the variants in a rotating order', () => {
    const rounds = report.settings['rounds'] as number;
    const published = [...output.matchAll(/^ {2}publish-transient round (\d+)\/\d+ (.+?): /gm)].map(
      ([, round, name]) => [Number(round), name],
    );
    const names = ['raw amqplib, bare', 'raw amqplib, like-for-like', 'generated facade'];
    const expected = Array.from({ length: rounds }, (_, round) =>
      [...names.slice(round % 3), ...names.slice(0, round % 3)].map((name) => [round + 1, name]),
    );
    expect(published).toEqual(expected.flat());
  });

  it('measures fan-out per instance for 1, 2, 4 and 8 instances: a copy of each edit per instance with the wildcard, one with per-session bindings, as the broker counted', () => {
    expect(report.grids.map((grid) => grid.id)).toEqual(['fanout-scaling']);
    const [grid] = report.grids;
    expect(grid?.cells.map((cell) => cell.id)).toEqual(FANOUT_CELLS);
    for (const cell of grid?.cells ?? []) {
      const [instances, binding] = cell.labels;
      expect(cell.samples, cell.id).toHaveLength(report.settings['rounds'] as number);
      for (const sample of cell.samples) {
        expect(sample['deliveriesPerEdit'], cell.id).toBe(binding === 'wildcard' ? Number(instances) : 1);
        for (const key of ['inboundPerInstance', 'confirmedPerSec'])
          expect(positive(sample[key]), `${cell.id} ${key}`).toBe(true);
      }
    }
    for (const comparison of grid?.comparisons ?? [])
      expect(positive(comparison.value), comparison.description).toBe(true);
    expect(grid?.checks.map((check) => [check.description, check.passed, check.detail])).toEqual([
      [expect.stringContaining('routed copies'), true, expect.any(String)],
    ]);
  });

  it('checks every target against a measured ratio, like-for-like ones with the bare ratio beside', () => {
    expect(report.targets.length).toBeGreaterThan(0);
    for (const target of report.targets) {
      expect(positive(target.ratio), target.description).toBe(true);
      if (target.against === 'raw-like' || target.against === 'acm-like')
        expect(positive(target.bareRatio), `${target.description} (bare)`).toBe(true);
    }
    expect(report.targets.filter((t) => t.against === 'raw-like').map((t) => t.scenario)).toEqual([
      'publish-persistent',
      'publish-transient',
      'rpc-sequential',
    ]);
  });

  it('times codegen for the PeerPrep spec and the synthetic 500-channel spec', () => {
    expect(report.codegen.map((r) => [r.spec, r.channels])).toEqual([
      ['asyncapi.yaml', expect.any(Number)],
      ['synthetic-500', 500],
    ]);
    for (const result of report.codegen)
      expect(positive(result.median.totalMs) && positive(result.coldTotalMs), result.spec).toBe(true);
  });

  it('writes the Markdown table with the date, machine and ratios', () => {
    const markdown = readFileSync(join(outDir, 'latest.md'), 'utf8');
    expect(markdown).toContain(report.date.slice(0, 10));
    expect(markdown).toContain(`RabbitMQ ${report.machine.rabbitmq}`);
    expect(markdown).toContain(
      '| scenario | metric | raw amqplib, bare | raw amqplib, like-for-like | generated facade | ours / raw like-for-like | ours / raw bare |',
    );
    expect(markdown).toContain('| target | wanted | measured | against the same code sending bare messages |');
    for (const scenario of report.scenarios) expect(markdown).toContain(`| ${scenario.title} |`);
    expect(markdown).toContain('**Fan-out per instance as instances grow** (`fanout-scaling`)');
    expect(markdown).toContain('| instances | binding | deliveries per edit |');
    for (const measure of ['Watch loop', 'Docs build', 'Docs rebuild under `--serve`', '`npm ci`'])
      expect(markdown).toContain(`${measure}: skipped (not run with --quick).`);
  });
});
