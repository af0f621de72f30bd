/** Runs the contract checks in order; a check that needs the model is skipped when the spec does not load. */
import { loadModel } from '../load/load-model.js';
import { readBaseSpecAtRef, readBaseSpecFile, type BaseSpec } from './base-spec.js';
import { checkBreaking } from './checks/check-breaking.js';
import { checkGenerated } from './checks/check-generated.js';
import { skipped, type CheckName, type CheckResult } from './checks/check-result.js';
import { checkExamples, checkSpec } from './checks/check-spec.js';
import { checkTypes } from './checks/check-types.js';
import { defaultBaseSpec } from './default-base.js';

export interface ContractCheckOptions {
  specPath: string;
  outDir: string;
  /** tsconfig for the type check. */
  project: string;
  /** Compare with the spec at this git ref (default: the first spec of the current major, see default-base.ts). */
  baseRef?: string;
  /** Compare with this file instead of a git ref. */
  baseSpecPath?: string;
  skip: ReadonlySet<CheckName>;
}

function readBaseSpec(options: ContractCheckOptions): Promise<BaseSpec> {
  if (options.baseSpecPath !== undefined) return readBaseSpecFile(options.baseSpecPath);
  if (options.baseRef !== undefined) return readBaseSpecAtRef(options.specPath, options.baseRef);
  return defaultBaseSpec(options.specPath);
}

export async function runContractChecks(options: ContractCheckOptions): Promise<CheckResult[]> {
  const loaded = await loadModel(options.specPath);
  const model = 'model' in loaded ? loaded.model : undefined;
  const unloaded = (name: CheckName) => skipped(name, 'the spec does not load');
  const steps: Record<CheckName, () => CheckResult | Promise<CheckResult>> = {
    spec: () => checkSpec(loaded),
    examples: () => checkExamples(loaded),
    generated: () => (model === undefined ? unloaded('generated') : checkGenerated(model, options.outDir)),
    types: () => checkTypes(options.project),
    breaking: async () =>
      model === undefined ? unloaded('breaking') : checkBreaking(model, await readBaseSpec(options)),
  };
  const results: CheckResult[] = [];
  for (const [name, step] of Object.entries(steps) as [CheckName, () => CheckResult | Promise<CheckResult>][]) {
    results.push(options.skip.has(name) ? skipped(name, '--skip') : await step());
  }
  return results;
}

/** The report as printed: one line per check, its details indented below it, a verdict at the end. */
export function formatReport(specPath: string, results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = [`contract:check ${specPath}`];
  for (const result of results) {
    lines.push(`  ${result.ok ? 'ok  ' : 'FAIL'} ${result.name.padEnd(width)}  ${result.summary}`);
    lines.push(...result.details.map((detail) => `         ${detail}`));
  }
  const failed = results.filter((result) => !result.ok).map((result) => result.name);
  lines.push(failed.length === 0 ? 'contract:check passed.' : `contract:check failed: ${failed.join(', ')}.`);
  return lines.join('\n');
}
