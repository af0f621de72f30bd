/** Writes one run's results as `latest.json` and a Markdown table, `latest.md`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GridResult } from './grid.js';
import type { NotMeasured } from './scenarios/outcome.js';
import type { ToolchainResults } from './scenarios/toolchain.js';
import type { Machine } from './support/machine.js';
import type { ScenarioResult } from './runner.js';
import { VARIANT_NAMES, type Metric, type VariantId } from './scenario.js';
import type { TargetResult } from './targets.js';

export interface BenchReport extends ToolchainResults {
  date: string;
  mode: 'full' | 'quick';
  durationSeconds: number;
  machine: Machine & { rabbitmq: string; loadAverage1mAtStart: number };
  settings: Record<string, number>;
  scenarios: ScenarioResult[];
  /** The table-shaped measures (grid.ts). */
  grids: GridResult[];
  targets: TargetResult[];
}

/** A run is flagged as noisy when other work kept the cores busier than this (load average per core). */
const BUSY_LOAD_PER_CORE = 0.5;
const MAIN_VARIANTS: VariantId[] = ['raw', 'raw-like', 'facade'];
const PEERS: VariantId[] = ['acm', 'acm-like', 'rascal'];

export function writeReport(outDir: string, report: BenchReport): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), renderMarkdown(report));
}

export function renderMarkdown(report: BenchReport): string {
  const messaging = report.scenarios.length === 0 ? [] : [...messagingTable(report), '', ...targetsTable(report), ''];
  const grids = report.grids.flatMap((grid) => [...gridTables(grid), '']);
  const codegen = report.codegen.length === 0 ? [] : [...codegenTable(report), ''];
  return [...header(report), '', ...messaging, ...grids, ...codegen, ...toolchainLines(report), ''].join('\n');
}

function header(report: BenchReport): string[] {
  const { machine } = report;
  const brokerUsed = report.scenarios.length + report.grids.length > 0;
  const rounds = brokerUsed ? `${report.settings['rounds']} interleaved rounds` : 'toolchain only';
  const lines = [
    `Run of ${report.date.slice(0, 16).replace('T', ' ')} UTC, \`${report.mode}\` mode (${rounds}, ${report.durationSeconds} s), ` +
      `on ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}` +
      `${brokerUsed ? `, RabbitMQ ${machine.rabbitmq} on the same machine` : ''}. ` +
      `Load average ${machine.loadAverage1mAtStart} at the start, ${machine.loadAverage1m} at the end.`,
  ];
  const busiest = Math.max(machine.loadAverage1mAtStart, machine.loadAverage1m);
  if (busiest > machine.cpus * BUSY_LOAD_PER_CORE) {
    lines.push(
      '',
      `> **Noisy run:** other work shared the ${machine.cpus} cores (load average up to ${busiest}). The ratios, taken within interleaved rounds, hold; the absolute figures do not.`,
    );
  }
  return lines;
}

function messagingTable(report: BenchReport): string[] {
  const rows = report.scenarios.flatMap((scenario) =>
    scenario.metrics.map((metric) => {
      const value = (id: VariantId) => scenario.variants.find((variant) => variant.id === id)?.median[metric.key];
      const ratio = (variant: VariantId, against: VariantId) =>
        scenario.ratios.find((r) => r.variant === variant && r.against === against && r.metric === metric.key)?.value;
      /** The variant's figure with a ratio in brackets; empty where the variant did not take part. */
      const annotated = (id: VariantId, note: string) => {
        const measured = value(id);
        return measured === undefined ? '' : `${figure(measured, metric)} (${note})`;
      };
      // Consume has no `raw-like` variant: its one raw consumer takes the facade's messages already.
      const singleRaw = value('raw-like') === undefined;
      const cells = [
        figure(value('raw'), metric),
        singleRaw ? 'same as bare' : annotated('raw-like', `${times(ratio('raw-like', 'raw'))} bare`),
        figure(value('facade'), metric),
        `**${times(ratio('facade', singleRaw ? 'raw' : 'raw-like'))}**`,
        times(ratio('facade', 'raw')),
        ...PEERS.map((peer) => annotated(peer, `ours ${times(ratio('facade', peer))}`)),
      ];
      return `| ${scenario.title} | ${metric.label} | ${cells.join(' | ')} |`;
    }),
  );
  return [
    'Medians over the rounds; ratios are medians of the per-round ratios (ours / other). For msg/s and calls/s higher is better, for latencies lower.',
    '',
    `| scenario | metric | ${MAIN_VARIANTS.map((id) => VARIANT_NAMES[id]).join(' | ')} | ours / raw like-for-like | ours / raw bare | ${PEERS.map((peer) => VARIANT_NAMES[peer]).join(' | ')} |`,
    `|---|---|${'---:|'.repeat(MAIN_VARIANTS.length + 2 + PEERS.length)}`,
    ...rows,
    '',
    '*Raw bare* is expert amqplib sending bare messages (content type and delivery mode only); *raw like-for-like* is the same code sending exactly ' +
      'what the facade sends (mandatory, uuid message and correlation ids, timestamp, type; RPC requests: a uuid, mandatory, expiration), so ' +
      '"ours / raw like-for-like" is what the facade\'s own work costs, and "ours / raw bare" adds what the richer message costs the broker ' +
      "(the like-for-like column shows its own ratio to bare). Consume has one raw consumer, taking the same messages (with the facade's properties) as the facade. " +
      'amqp-connection-manager publishes both ways too.',
  ];
}

function targetsTable(report: BenchReport): string[] {
  return [
    '| target | wanted | measured | against the same code sending bare messages | |',
    '|---|---:|---:|---:|---|',
    ...report.targets.map(
      (target) =>
        `| ${target.description} | ${target.bound.op} ${target.bound.value} | ${times(target.ratio)} | ${target.bareRatio === undefined ? '' : times(target.bareRatio)} | ${target.met ? 'met' : '**missed**'} |`,
    ),
  ];
}

/** A grid: its cells' medians, its comparisons, its checks. */
export function gridTables(grid: GridResult): string[] {
  return [
    `**${grid.title}** (\`${grid.id}\`): ${grid.measures}. Medians over the rounds.`,
    '',
    `| ${[...grid.columns, ...grid.metrics.map((metric) => metric.label)].join(' | ')} |`,
    `|${'---|'.repeat(grid.columns.length)}${'---:|'.repeat(grid.metrics.length)}`,
    ...grid.cells.map(
      (cell) =>
        `| ${[...cell.labels, ...grid.metrics.map((metric) => figure(cell.median[metric.key], metric))].join(' | ')} |`,
    ),
    '',
    '| comparison | metric | ratio (median of the per-round ratios) |',
    '|---|---|---:|',
    ...grid.comparisons.map(
      (comparison) =>
        `| ${comparison.description} | ${grid.metrics.find((metric) => metric.key === comparison.metric)?.label ?? comparison.metric} | ${times(comparison.value)} |`,
    ),
    ...grid.checks.flatMap((check) => [
      '',
      `Check: ${check.description}: ${check.passed ? 'passed' : '**failed**'} (${check.detail}).`,
    ]),
  ];
}

function codegenTable(report: BenchReport): string[] {
  return [
    '| codegen | channels | files | load ms | emit ms | write ms | total ms (median) | cold total ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.codegen.map(
      (r) =>
        `| ${r.spec} | ${r.channels} | ${r.files} | ${r.median.loadMs} | ${r.median.emitMs} | ${r.median.writeMs} | ${r.median.totalMs} | ${r.coldTotalMs} |`,
    ),
  ];
}

/** The watch loop, the docs build, its rebuild under `--serve` and `npm ci`, one line each. */
function toolchainLines(report: BenchReport): string[] {
  const { watchLoop, docs, docsServe, npmCi } = report;
  const notMeasured = (what: string, outcome: NotMeasured) => `${what}: ${outcome.status} (${outcome.note}).`;
  return [
    watchLoop.status === 'measured'
      ? `Watch loop (\`npm run generate -- --watch\`, median of ${watchLoop.edits} saves of each kind): save to regenerated and type-checked ` +
        `${watchLoop.regenerateMs} ms, save to the spec's diagnostics ${watchLoop.specErrorMs} ms; first cycle (generate, cold full type check) ${watchLoop.coldMs} ms.`
      : notMeasured('Watch loop', watchLoop),
    '',
    docs.status === 'measured'
      ? `Docs build (\`npm run docs\`, one run): ${docs.ms} ms.`
      : notMeasured('Docs build', docs),
    '',
    docsServe.status === 'measured'
      ? `Docs rebuild (\`npm run docs -- --serve\`, median of ${docsServe.saves} saves): save to our pages rebuilt ` +
        `${docsServe.pagesMs} ms, save to the official reference rebuilt too ${docsServe.referenceMs} ms; first full build ${docsServe.buildMs} ms.`
      : notMeasured('Docs rebuild under `--serve`', docsServe),
    '',
    npmCi.status === 'measured'
      ? `\`npm ci\` (one run in a scratch directory, from npm's local cache): ${npmCi.ms} ms.`
      : notMeasured('`npm ci`', npmCi),
  ];
}

function figure(value: number | undefined, metric: Metric): string {
  if (value === undefined || Number.isNaN(value)) return '';
  const decimals = metric.decimals ?? (metric.key.endsWith('Ms') ? 2 : 0);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function times(ratio: number | undefined): string {
  return ratio === undefined || Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`;
}
