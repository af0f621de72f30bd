/**
 * Codegen time: asyncapi.yaml and a synthetic 500-channel spec, load (parse, validate, build the
 * model), emit and write, each the median of several runs in one process; the first run (cold:
 * modules and JIT not warmed) is reported apart. Prints a table, writes bench/results/codegen.json.
 * Not a test: `npx tsx bench/codegen.ts [runs]`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../generator/diagnostics.js';
import { emitAll } from '../generator/emit/index.js';
import { loadModelFromText } from '../generator/load/load-model.js';
import { writeTree } from '../generator/write.js';
import { parse as parseYaml } from 'yaml';
import { makeSyntheticSpec } from '../test/fixtures/specs/synthetic.js';

const REPO = resolve(import.meta.dirname, '..');
const SCRATCH = join(REPO, '.tmp', 'bench-codegen');
const RUNS = Number(process.argv[2] ?? 5);

interface Timing {
  loadMs: number;
  emitMs: number;
  writeMs: number;
  totalMs: number;
  files: number;
}

async function timeOnce(name: string, file: string, text: string): Promise<Timing> {
  const outDir = join(SCRATCH, name);
  rmSync(outDir, { recursive: true, force: true });
  const started = performance.now();
  const loaded = await loadModelFromText(text, file);
  if ('diagnostics' in loaded) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  const loadedAt = performance.now();
  const files = await emitAll(loaded.model);
  const emittedAt = performance.now();
  await writeTree(outDir, files);
  const writtenAt = performance.now();
  return {
    loadMs: loadedAt - started,
    emitMs: emittedAt - loadedAt,
    writeMs: writtenAt - emittedAt,
    totalMs: writtenAt - started,
    files: files.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (ms: number) => Math.round(ms);

async function bench(name: string, file: string, text: string, channels: number) {
  const first = await timeOnce(name, file, text);
  const runs: Timing[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await timeOnce(name, file, text));
  const of = (key: keyof Timing) => round(median(runs.map((timing) => timing[key])));
  return {
    spec: name,
    channels,
    files: first.files,
    coldTotalMs: round(first.totalMs),
    median: { loadMs: of('loadMs'), emitMs: of('emitMs'), writeMs: of('writeMs'), totalMs: of('totalMs') },
    runs: RUNS,
  };
}

const peerprep = readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8');
const channelCount = Object.keys(parseYaml(peerprep).channels as object).length;
const results = [
  await bench('asyncapi.yaml', 'asyncapi.yaml', peerprep, channelCount),
  await bench('synthetic-500', 'synthetic-500.yaml', makeSyntheticSpec(500), 500),
];
rmSync(SCRATCH, { recursive: true, force: true });

console.log(`codegen, median of ${RUNS} warm runs (cold = first run in the process)\n`);
console.log('| spec | channels | files | load ms | emit ms | write ms | total ms | cold total ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.spec} | ${r.channels} | ${r.files} | ${r.median.loadMs} | ${r.median.emitMs} | ${r.median.writeMs} | ${r.median.totalMs} | ${r.coldTotalMs} |`);
}

mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
// The 1-minute load average at the end: codegen shares the cores with whatever else runs.
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadAverage1m: Number(loadavg()[0]?.toFixed(2)) };
writeFileSync(join(REPO, 'bench', 'results', 'codegen.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
