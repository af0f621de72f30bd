/**
 * `npm run generate -- --watch`: on each save of the spec, regenerate and type-check the project
 * incrementally. A cycle ends with either the spec's diagnostics (generated/ left unchanged) or
 * the compiler's errors, i.e. what the services must now implement or change.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { generate } from '../generate.js';
import { IncrementalTypeCheck } from './incremental-type-check.js';

export interface WatchOptions {
  specPath: string;
  outDir: string;
  /** The tsconfig.json whose project is type-checked after each successful generation. */
  project: string;
}

export type WatchCycle =
  | { kind: 'spec-errors'; diagnostics: Diagnostic[]; ms: number }
  | { kind: 'generated'; files: number; changed: number; typeErrors: string[]; ms: number }
  /** Not the spec's fault: e.g. the output directory could not be written. */
  | { kind: 'failed'; error: unknown; ms: number };

export interface SpecWatcher {
  close(): void;
}

/** Editors save in bursts (truncate, write, rename): one cycle per burst. */
const SETTLE_MS = 30;

/** Runs a first cycle at once, then one per change of `specPath`; `onCycle` hears each result. */
export function watchSpec(options: WatchOptions, onCycle: (cycle: WatchCycle) => void): SpecWatcher {
  const typeCheck = new IncrementalTypeCheck(options.project);
  let running = false;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;

  const cycle = async (): Promise<WatchCycle> => {
    const started = performance.now();
    const result = await generate({ specPath: options.specPath, outDir: options.outDir, check: false });
    if (!result.ok) return { kind: 'spec-errors', diagnostics: result.diagnostics, ms: performance.now() - started };
    const changed = result.diff.stale.length + result.diff.missing.length + result.diff.extra.length;
    const { errors } = typeCheck.check();
    return { kind: 'generated', files: result.files, changed, typeErrors: errors, ms: performance.now() - started };
  };

  const run = async (): Promise<void> => {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      do {
        pending = false;
        const started = performance.now();
        onCycle(await cycle().catch((error: unknown): WatchCycle => ({ kind: 'failed', error, ms: performance.now() - started })));
      } while (pending);
    } finally {
      running = false;
    }
  };

  const file = basename(options.specPath);
  // The directory, not the file: an editor that saves by renaming replaces the file being watched.
  const watcher: FSWatcher = watch(dirname(options.specPath), (_event, changed) => {
    if (changed !== null && changed !== file) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), SETTLE_MS);
  });
  void run();
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
