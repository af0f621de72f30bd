/**
 * The developer's side, measured beside the messaging: codegen, the `--watch` loop, the docs build,
 * the docs rebuild under `--serve` and `npm ci`. `--quick` keeps codegen only (the others take tens of seconds each); `--only <id>`
 * runs one of them alone, in either mode.
 */
import { measureCodegen, type CodegenResult } from './codegen.js';
import { measureDocsServe, type DocsServeResult } from './docs-serve.js';
import { measureDocsBuild, type DocsResult } from './docs.js';
import type { Mode } from './index.js';
import { measureNpmCi, type NpmCiResult } from './npm-ci.js';
import type { NotMeasured, Outcome } from './outcome.js';
import { measureWatchLoop, type WatchLoopResult } from './watch-loop.js';

export const TOOLCHAIN_MEASURES = ['codegen', 'watch-loop', 'docs', 'docs-serve', 'npm-ci'] as const;
export type ToolchainMeasure = (typeof TOOLCHAIN_MEASURES)[number];
/** Saves of each kind (regenerating, and breaking the spec) the watch loop is timed over. */
export const WATCH_LOOP_EDITS = 5;
/** Saves of the spec the docs rebuild under `--serve` is timed over. */
export const DOCS_SERVE_SAVES = 5;

export interface ToolchainResults {
  codegen: CodegenResult[];
  watchLoop: Outcome<WatchLoopResult>;
  docs: DocsResult;
  docsServe: Outcome<DocsServeResult>;
  npmCi: NpmCiResult;
}

export function isToolchainMeasure(id: string | undefined): id is ToolchainMeasure {
  return TOOLCHAIN_MEASURES.some((measure) => measure === id);
}

/** Runs the measures `mode` and `only` ask for, logging each as it starts; the others say why they did not run. */
export async function measureToolchain(
  mode: Mode,
  codegenRuns: number,
  only: string | undefined,
  log: (line: string) => void,
): Promise<ToolchainResults> {
  const skipped = (measure: ToolchainMeasure): NotMeasured | undefined => {
    if (only !== undefined && only !== measure) return { status: 'skipped', note: `not run with --only ${only}` };
    if (only === undefined && mode === 'quick' && measure !== 'codegen')
      return { status: 'skipped', note: 'not run with --quick' };
    log(measure);
    return undefined;
  };
  const codegen = skipped('codegen') ? [] : await measureCodegen(codegenRuns);
  const watchLoop = skipped('watch-loop') ?? {
    status: 'measured' as const,
    ...(await measureWatchLoop(WATCH_LOOP_EDITS)),
  };
  const docs = skipped('docs') ?? (await measureDocsBuild());
  const docsServe = skipped('docs-serve') ?? {
    status: 'measured' as const,
    ...(await measureDocsServe(DOCS_SERVE_SAVES)),
  };
  const npmCi = skipped('npm-ci') ?? (await measureNpmCi());
  return { codegen, watchLoop, docs, docsServe, npmCi };
}
