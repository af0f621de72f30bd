/**
 * Codegen time: asyncapi.yaml and a synthetic 500-channel spec, load (parse, validate, build the
 * model), emit and write, each the median of several runs in one process; the first run (cold:
 * modules and JIT not warmed) is reported apart.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatDiagnostic } from '../../generator/diagnostics.js';
import { emitAll } from '../../generator/emit/index.js';
import { loadModelFromText } from '../../generator/load/load-model.js';
import { writeTree } from '../../generator/write.js';
import { makeSyntheticSpec } from '../../test/fixtures/specs/synthetic.js';
import { median } from '../support/stats.js';

const REPO = resolve(import.meta.dirname, '../..');
const SCRATCH = join(REPO, '.tmp', 'bench-codegen');
export const SYNTHETIC_CHANNELS = 500;

interface Timing {
  loadMs: number;
  emitMs: number;
  writeMs: number;
  totalMs: number;
}

export interface CodegenResult {
  spec: string;
  channels: number;
  files: number;
  coldTotalMs: number;
  median: Timing;
  runs: number;
}

async function timeOnce(name: string, file: string, text: string): Promise<Timing & { files: number }> {
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

async function bench(name: string, file: string, text: string, channels: number, runs: number): Promise<CodegenResult> {
  const first = await timeOnce(name, file, text);
  const timings: Timing[] = [];
  for (let run = 0; run < runs; run++) timings.push(await timeOnce(name, file, text));
  const of = (key: keyof Timing) => Math.round(median(timings.map((timing) => timing[key])));
  return {
    spec: name,
    channels,
    files: first.files,
    coldTotalMs: Math.round(first.totalMs),
    median: { loadMs: of('loadMs'), emitMs: of('emitMs'), writeMs: of('writeMs'), totalMs: of('totalMs') },
    runs,
  };
}

/** Both specs, `runs` warm runs each after the cold one. */
export async function measureCodegen(runs: number): Promise<CodegenResult[]> {
  const peerprep = readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8');
  const channelCount = Object.keys((parseYaml(peerprep) as { channels: object }).channels).length;
  try {
    return [
      await bench('asyncapi.yaml', 'asyncapi.yaml', peerprep, channelCount, runs),
      await bench(
        `synthetic-${SYNTHETIC_CHANNELS}`,
        `synthetic-${SYNTHETIC_CHANNELS}.yaml`,
        makeSyntheticSpec(SYNTHETIC_CHANNELS),
        SYNTHETIC_CHANNELS,
        runs,
      ),
    ];
  } finally {
    rmSync(SCRATCH, { recursive: true, force: true });
  }
}
