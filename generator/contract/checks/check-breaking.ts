/** Check 5: no breaking change against the base contract, unless info.version's major was bumped. */
import semver from 'semver';
import { loadModelFromText } from '../../load/load-model.js';
import type { Model } from '../../model/types.js';
import type { BaseSpec } from '../base-spec.js';
import type { ContractChange } from '../change.js';
import { judgeCompatibility } from '../classify.js';
import type { CheckResult } from './check-result.js';

export function describeChange(change: ContractChange): string[] {
  return [`${change.breaking ? 'BREAKING' : 'compatible'} ${change.kind} at ${change.pointer}`, `  ${change.what}`, `  ${change.why}`];
}

export async function checkBreaking(current: Model, base: BaseSpec): Promise<CheckResult> {
  if ('missing' in base) return { name: 'breaking', ok: true, summary: `no base to compare with: ${base.missing}`, details: [] };
  const loaded = await loadModelFromText(base.text, base.label);
  if ('diagnostics' in loaded) {
    return { name: 'breaking', ok: true, summary: `not compared: the base (${base.label}) does not load with this generator (${loaded.diagnostics.length} problem(s))`, details: [] };
  }
  const verdict = judgeCompatibility(loaded.model, current);
  const versions = `${loaded.model.version} -> ${current.version}`;
  const details = [...verdict.breaking, ...verdict.changes.filter((change) => !change.breaking)].flatMap(describeChange);
  if (verdict.changes.length === 0) return { name: 'breaking', ok: true, summary: `no change against ${base.label}`, details };
  const counts = `${verdict.breaking.length} breaking, ${verdict.changes.length - verdict.breaking.length} compatible change(s) against ${base.label} (${versions})`;
  if (verdict.breaking.length === 0) return { name: 'breaking', ok: true, summary: counts, details };
  if (verdict.majorBumped) return { name: 'breaking', ok: true, summary: `${counts}: accepted, the major version was bumped`, details };
  return {
    name: 'breaking',
    ok: false,
    summary: `${counts}: bump info.version's major (to ${nextMajor(loaded.model.version)}) to release them, or make them compatible`,
    details,
  };
}

function nextMajor(version: string): string {
  const parsed = semver.coerce(version);
  return parsed === null ? 'a new major' : (semver.inc(parsed, 'major') ?? 'a new major');
}
