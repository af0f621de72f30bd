/**
 * The daily loop under `npm run generate -- --watch`: from saving asyncapi.yaml to the watcher's
 * verdict (the spec's diagnostics, or generated/ rewritten and the project type-checked). Runs the
 * watcher in this process on a copy of the project (spec, runtime, services, generated), so the
 * repository is not touched. The first cycle (a cold, full type check) is reported apart.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { watchSpec, type WatchCycle } from '../../generator/watch/watch-spec.js';
import { median } from '../support/stats.js';

const REPO = resolve(import.meta.dirname, '../..');
const PROJECT_PARTS = ['runtime', 'services', 'generated'];

/** A change that alters generated code (a doc comment of a facade method) and one that breaks the spec. */
const EDITS = {
  regenerate: (spec: string, run: number) =>
    spec.replace('description: A user account was created.', `description: A user account was created (edit ${run}).`),
  specError: (spec: string) => spec.replace('x-service: user-service', 'x-servce: user-service'),
};

export interface WatchLoopResult {
  /** The first cycle: generation plus a cold, full type check. */
  coldMs: number;
  /** Save to verdict, median over `edits` saves that regenerate and re-check. */
  regenerateMs: number;
  /** Save to the spec's diagnostics, median over `edits` saves with a mistake. */
  specErrorMs: number;
  edits: number;
}

export async function measureWatchLoop(edits: number): Promise<WatchLoopResult> {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'bench-watch-'));
  try {
    for (const part of PROJECT_PARTS) cpSync(join(REPO, part), join(dir, part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    const tsconfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')) as object;
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: PROJECT_PARTS }));
    const specPath = join(dir, 'asyncapi.yaml');
    const spec = readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8');
    writeFileSync(specPath, spec);

    let onCycle: ((cycle: WatchCycle) => void) | undefined;
    const nextCycle = () => new Promise<WatchCycle>((done) => (onCycle = done));
    const first = nextCycle();
    const startedAt = performance.now();
    const watcher = watchSpec(
      { specPath, outDir: join(dir, 'generated'), project: join(dir, 'tsconfig.json') },
      (cycle) => onCycle?.(cycle),
    );
    try {
      const cold = await first;
      const coldMs = performance.now() - startedAt;
      if (cold.kind !== 'generated' || cold.typeErrors.length > 0)
        throw new Error(`the watch loop did not start clean: ${JSON.stringify(cold)}`);
      const timed = async (text: string, expected: WatchCycle['kind']): Promise<number> => {
        const cycle = nextCycle();
        const savedAt = performance.now();
        writeFileSync(specPath, text);
        const verdict = await cycle;
        if (verdict.kind !== expected) throw new Error(`expected a ${expected} cycle, got ${JSON.stringify(verdict)}`);
        return performance.now() - savedAt;
      };
      const regenerate: number[] = [];
      const specError: number[] = [];
      for (let run = 0; run < edits; run++) {
        regenerate.push(await timed(EDITS.regenerate(spec, run), 'generated'));
        specError.push(await timed(EDITS.specError(spec), 'spec-errors'));
      }
      return {
        coldMs: Math.round(coldMs),
        regenerateMs: Math.round(median(regenerate)),
        specErrorMs: Math.round(median(specError)),
        edits,
      };
    } finally {
      watcher.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
