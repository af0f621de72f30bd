import type { Diagnostic } from './diagnostics.js';
import { emitAll } from './emit/index.js';
import { loadModel } from './load/load-model.js';
import { diffTree, writeTree, type TreeDiff } from './write.js';

export interface GenerateOptions {
  specPath: string;
  outDir: string;
  /** Compare only; write nothing. */
  check: boolean;
}

export type GenerateResult = { ok: false; diagnostics: Diagnostic[] } | { ok: true; files: number; diff: TreeDiff };

/** Spec -> model -> files -> `outDir` (or, with `check`, the difference from `outDir`). */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const loaded = await loadModel(options.specPath);
  if ('diagnostics' in loaded) return { ok: false, diagnostics: loaded.diagnostics };
  const files = await emitAll(loaded.model);
  const diff = options.check ? await diffTree(options.outDir, files) : await writeTree(options.outDir, files);
  return { ok: true, files: files.length, diff };
}
