/**
 * `npm run bench [-- --quick] [--only <scenario id>] [--out <dir>]`
 *
 * Runs every messaging scenario against the local broker (127.0.0.1:5672, in a vhost of its own
 * that is deleted afterwards), raw amqplib (bare, and sending what the facades send) against the
 * generated PeerPrep facades (and the peer libraries where they take part), interleaved over
 * several rounds, each variant in a process of its own (isolation/isolate.ts); then the grids
 * (grid.ts: fan-out per instance as instances grow; replication on the local cluster only with
 * `--only cluster-replication`, which starts the cluster if it is not up and stops it after); then
 * the toolchain: codegen, the `--watch` loop, the docs build, its rebuild under `--serve` and `npm ci`
 * (scenarios/toolchain.ts).
 * `--only` takes a messaging scenario's id, a grid's or a toolchain measure's. Writes `latest.json`
 * and `latest.md` into bench/results (or `--out`). Not a test.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeReport, type BenchReport } from './report.js';
import { runGrid, type Grid, type GridResult } from './grid.js';
import { runInterleaved, type ScenarioResult } from './runner.js';
import { CLUSTER_VHOST_LABEL, clusterReplicationGrid } from './scenarios/cluster-replication.js';
import { fanoutScalingGrid } from './scenarios/fanout-scaling.js';
import { fanoutScalingSizes, messagingScenarios, SIZES, type Mode } from './scenarios/index.js';
import { PUBLISH_WINDOW } from './scenarios/publish.js';
import { RPC_CONCURRENCY } from './scenarios/rpc.js';
import { DOCS_SERVE_SAVES, isToolchainMeasure, measureToolchain, WATCH_LOOP_EDITS } from './scenarios/toolchain.js';
import { isolated } from './isolation/isolate.js';
import { openBenchBroker, type BenchBroker } from './support/broker.js';
import { withLocalCluster } from './support/cluster.js';
import { describeMachine } from './support/machine.js';
import { EVENT_BYTES } from './support/payloads.js';
import { checkTargets } from './targets.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: resolve(import.meta.dirname, 'results') },
  },
});
const mode: Mode = values.quick ? 'quick' : 'full';
const sizes = SIZES[mode];

const progress = (line: string) => console.log(`  ${line}`);

function runAnnounced(grid: Grid): Promise<GridResult> {
  console.log(`\n${grid.title}: ${grid.measures}`);
  return runGrid(grid, sizes.rounds, progress);
}

/** The grids `--only` asks for: by default fan-out scaling; the cluster one only when named. */
async function runGrids(broker: BenchBroker): Promise<GridResult[]> {
  const grids: GridResult[] = [];
  if (values.only === undefined || values.only === 'fanout-scaling')
    grids.push(await runAnnounced(fanoutScalingGrid(broker, fanoutScalingSizes(mode))));
  if (values.only === 'cluster-replication') {
    grids.push(
      await withLocalCluster(
        CLUSTER_VHOST_LABEL,
        (line) => console.log(line),
        async () => runAnnounced(await clusterReplicationGrid(sizes.clusterMessages)),
      ),
    );
  }
  return grids;
}

async function runMessaging(): Promise<{ results: ScenarioResult[]; grids: GridResult[]; rabbitmq: string }> {
  const broker = await openBenchBroker();
  const dispose = () => void broker.dispose().finally(() => process.exit(130));
  process.once('SIGINT', dispose);
  try {
    const results: ScenarioResult[] = [];
    for (const scenario of messagingScenarios(broker, mode, values.only).map((scenario) =>
      isolated(scenario, broker, mode),
    )) {
      console.log(`\n${scenario.title}: ${scenario.measures}`);
      results.push(await runInterleaved(scenario, sizes.rounds, progress));
    }
    return { results, grids: await runGrids(broker), rabbitmq: broker.rabbitmqVersion };
  } finally {
    process.off('SIGINT', dispose);
    await broker.dispose();
  }
}

const startedAt = performance.now();
const date = new Date().toISOString();
const loadAverage1mAtStart = Number((loadavg()[0] ?? 0).toFixed(2));
console.log(
  `npm run bench, ${mode} mode: ${sizes.rounds} rounds, ${sizes.messages} messages per publish run, ${sizes.consumeMessages} per consume run`,
);

// `--only` one messaging scenario is for profiling: the toolchain would only add noise and time; and
// `--only` one toolchain measure needs no broker.
const toolchainOnly = isToolchainMeasure(values.only);
const { results, grids, rabbitmq } = toolchainOnly
  ? { results: [], grids: [], rabbitmq: 'not used' }
  : await runMessaging();
const toolchain = await measureToolchain(mode, sizes.codegenRuns, values.only, (measure) =>
  console.log(`\n${measure}`),
);

const report: BenchReport = {
  date,
  mode,
  durationSeconds: Math.round((performance.now() - startedAt) / 1000),
  machine: { ...describeMachine(), rabbitmq, loadAverage1mAtStart },
  settings: {
    rounds: sizes.rounds,
    messages: sizes.messages,
    consumeMessages: sizes.consumeMessages,
    fanoutMessages: sizes.fanoutMessages,
    scalingSessions: sizes.scalingSessions,
    scalingEditsPerSecond: sizes.scalingEditsPerSecond,
    scalingPacedEdits: sizes.scalingPacedEdits,
    scalingBurstEdits: sizes.scalingBurstEdits,
    clusterMessages: sizes.clusterMessages,
    rpcSequentialCalls: sizes.rpcSequentialCalls,
    rpcConcurrentCalls: sizes.rpcConcurrentCalls,
    rpcConcurrency: RPC_CONCURRENCY,
    publishWindow: PUBLISH_WINDOW,
    eventBytes: EVENT_BYTES,
    codegenRuns: sizes.codegenRuns,
    watchLoopEdits: WATCH_LOOP_EDITS,
    docsServeSaves: DOCS_SERVE_SAVES,
  },
  scenarios: results,
  grids,
  targets: checkTargets(results),
  ...toolchain,
};
writeReport(values.out, report);
console.log(`\nWrote ${values.out}/latest.json and latest.md in ${report.durationSeconds} s.`);
for (const target of report.targets.filter((t) => t.ratio !== undefined)) {
  const bare = target.bareRatio === undefined ? '' : `; bare ${target.bareRatio.toFixed(3)}`;
  console.log(
    `  ${target.met ? 'met   ' : 'MISSED'} ${target.description}: ${target.ratio?.toFixed(3)} (want ${target.bound.op} ${target.bound.value})${bare}`,
  );
}
