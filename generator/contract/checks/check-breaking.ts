/** Check 5: no breaking change against the base contract, unless info.version's major was bumped. */
import semver from 'semver';
import { formatDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { loadModelFromText } from '../../load/load-model.js';
import type { Model } from '../../model/types.js';
import type { BaseSpec } from '../base-spec.js';
import type { ContractChange } from '../change.js';
import { isMajorRegression, judgeCompatibility } from '../classify.js';
import type { CheckResult } from './check-result.js';

/** How many of an unloadable base's diagnostics the report lists. */
const SHOWN_DIAGNOSTICS = 5;

export function describeChange(change: ContractChange): string[] {
  return [
    `${change.breaking ? 'BREAKING' : 'compatible'} ${change.kind} at ${change.pointer}`,
    `  ${change.what}`,
    `  ${change.why}`,
    ...(change.consequences ?? []).map((consequence) => `    - ${consequence}`),
  ];
}

function unloadableBase(base: string, diagnostics: readonly Diagnostic[]): CheckResult {
  const shown = diagnostics
    .slice(0, SHOWN_DIAGNOSTICS)
    .flatMap((diagnostic) => formatDiagnostic(diagnostic).split('\n'));
  const hidden = diagnostics.length - SHOWN_DIAGNOSTICS;
  return {
    name: 'breaking',
    ok: false,
    summary: `the base (${base}) does not load with this generator (${diagnostics.length} problem(s)), so nothing was compared: pass another base (--base <ref> or --base-spec <file>)`,
    details: hidden > 0 ? [...shown, `... and ${hidden} more`] : shown,
  };
}

export async function checkBreaking(current: Model, base: BaseSpec): Promise<CheckResult> {
  if ('none' in base)
    return { name: 'breaking', ok: true, summary: `no base to compare with: ${base.none}`, details: [] };
  if ('unreachable' in base)
    return { name: 'breaking', ok: false, summary: `no base to compare with: ${base.unreachable}`, details: [] };
  const against = base.role === undefined ? base.label : `${base.label}, ${base.role}`;
  const loaded = await loadModelFromText(base.text, base.label);
  if ('diagnostics' in loaded) return unloadableBase(against, loaded.diagnostics);
  const versions = `${loaded.model.version} -> ${current.version}`;
  if (isMajorRegression(loaded.model.version, current.version)) {
    return {
      name: 'breaking',
      ok: false,
      summary: `info.version went back from ${loaded.model.version} (${against}) to ${current.version}: a major never goes down; release the change as ${nextMajor(loaded.model.version)} or later`,
      details: [],
    };
  }
  const verdict = judgeCompatibility(loaded.model, current);
  const details = [...verdict.breaking, ...verdict.changes.filter((change) => !change.breaking)].flatMap(
    describeChange,
  );
  if (verdict.changes.length === 0)
    return { name: 'breaking', ok: true, summary: `no change against ${against}`, details };
  const counts = `${verdict.breaking.length} breaking, ${verdict.changes.length - verdict.breaking.length} compatible change(s) against ${against} (${versions})`;
  if (verdict.breaking.length === 0) return { name: 'breaking', ok: true, summary: counts, details };
  if (verdict.majorBumped)
    return { name: 'breaking', ok: true, summary: `${counts}: allowed, the major version was bumped`, details };
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
