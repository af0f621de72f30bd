/** The breaking-change classifier: base model + current model -> every change, judged. */
import semver from 'semver';
import type { Model } from '../model/types.js';
import type { ContractChange } from './change.js';
import { payloadChanges } from './payload-changes.js';
import { topologyChanges } from './topology-diff.js';

export function classifyChanges(base: Model, current: Model): ContractChange[] {
  return [...topologyChanges(base, current), ...payloadChanges(base, current)];
}

export interface CompatibilityVerdict {
  changes: ContractChange[];
  breaking: ContractChange[];
  /** Breaking changes are allowed only with a major version bump. */
  majorBumped: boolean;
  ok: boolean;
}

/** The major of a version (`1.4.0` -> 1, leniently: `v2` -> 2); undefined when it holds no number. */
export function majorOf(version: string): number | undefined {
  return semver.coerce(version)?.major;
}

/** Whether `current`'s major version is above `base`'s (versions that are not semver never count as bumped). */
export function isMajorBump(baseVersion: string, currentVersion: string): boolean {
  const before = majorOf(baseVersion);
  const after = majorOf(currentVersion);
  return before !== undefined && after !== undefined && after > before;
}

/** Whether `current`'s major version is below `base`'s. */
export function isMajorRegression(baseVersion: string, currentVersion: string): boolean {
  const before = majorOf(baseVersion);
  const after = majorOf(currentVersion);
  return before !== undefined && after !== undefined && after < before;
}

export function judgeCompatibility(base: Model, current: Model): CompatibilityVerdict {
  const changes = classifyChanges(base, current);
  const breaking = changes.filter((change) => change.breaking);
  const majorBumped = isMajorBump(base.version, current.version);
  return { changes, breaking, majorBumped, ok: breaking.length === 0 || majorBumped };
}
