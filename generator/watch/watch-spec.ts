/**
 * `npm run generate -- --watch`: on each save of the spec, regenerate and type-check the project
 * incrementally. A cycle ends with either the spec's diagnostics (generated/ left unchanged) or
 * the compiler's errors, i.e. what the services must now implement or change.
 */
import type { Diagnostic } from '../diagnostics.js';
import { generate } from '../generate.js';
import { IncrementalTypeCheck } from './incremental-type-check.js';
import { onSave, type SaveWatcher } from './on-save.js';

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

/** Runs a first cycle at once, then one per save of `specPath`; `onCycle` hears each result (never throws). */
export function watchSpec(options: WatchOptions, onCycle: (cycle: WatchCycle) => void): SaveWatcher {
  const typeCheck = new IncrementalTypeCheck(options.project);

  const cycle = async (): Promise<WatchCycle> => {
    const started = performance.now();
    try {
      const result = await generate({ specPath: options.specPath, outDir: options.outDir, check: false });
      if (!result.ok) return { kind: 'spec-errors', diagnostics: result.diagnostics, ms: performance.now() - started };
      const changed = result.diff.stale.length + result.diff.missing.length + result.diff.extra.length;
      const { errors } = typeCheck.check();
      return { kind: 'generated', files: result.files, changed, typeErrors: errors, ms: performance.now() - started };
    } catch (error) {
      return { kind: 'failed', error, ms: performance.now() - started };
    }
  };

  return onSave(options.specPath, async () => onCycle(await cycle()), { runNow: true });
}
