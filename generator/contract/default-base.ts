/**
 * The breaking check's default base, by semver: the current spec must be backward compatible
 * with the first spec of its major version. The walk reads every committed version of the spec
 * (after the working tree's, when it differs from HEAD) and takes the oldest whose `info.version`
 * has the current major, wherever it lies in history. When the current spec is itself the first
 * of its major (the major was just bumped), the base is the newest version before it, whose
 * breaking changes the bump allows. An earlier version of a higher major is the base instead:
 * the major went backwards, and the check refuses that (1.0.0 -> 2.0.0 -> 1.0.0 would otherwise
 * compare a 1.x with whatever 1.x came first and forget the 2.0.0 in between). So no sequence of
 * commits, and no way of pushing them, can hide a breaking change within a major.
 *
 * Versions without a readable `info.version` belong to no major and are passed over. A shallow
 * clone whose history holds no version before the current major cannot show that major's first
 * spec: no base then, and the check fails. The walk parses YAML only; the base is the one model
 * it loads.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isCommit } from '../git.js';
import type { BaseSpec } from './base-spec.js';
import { majorOf } from './classify.js';
import { committedSpecs, isShallowClone, specVersion, type CommittedSpec } from './spec-history.js';

function majorName(version: string | undefined): string {
  const major = majorOf(version ?? '');
  return major === undefined ? `version ${JSON.stringify(version ?? '')}` : `major ${major}`;
}

function baseAt(file: string, spec: CommittedSpec, role: string): BaseSpec {
  return { text: spec.text, label: `${file} at ${spec.commit}`, role };
}

export async function defaultBaseSpec(specPath: string): Promise<BaseSpec> {
  const dir = dirname(specPath);
  const file = basename(specPath);
  if (!(await isCommit(dir, 'HEAD'))) return { none: `${dir} has no git history` };
  const currentText = await readFile(specPath, 'utf8');
  const currentVersion = specVersion(currentText);
  const major = majorOf(currentVersion ?? '');
  const earlier = await earlierVersions(dir, file, currentText);
  const higher = major === undefined ? undefined : earlier.find((spec) => (majorOf(spec.version ?? '') ?? -1) > major);
  if (higher !== undefined)
    return baseAt(
      file,
      higher,
      `an earlier version of ${majorName(higher.version)}, above the current ${majorName(currentVersion)}`,
    );
  const oldestOfMajor = earlier.filter((spec) => majorOf(spec.version ?? '') === major).at(-1);
  const beforeMajor = earlier.find((spec) => majorOf(spec.version ?? '') !== major);
  const firstOfMajor = `the first version of ${majorName(currentVersion)}`;
  if (beforeMajor === undefined && (await isShallowClone(dir))) {
    return {
      unreachable: `this clone is shallow and its history of ${file} may end before ${firstOfMajor}: fetch the full history (git fetch --unshallow) or pass --base <ref>`,
    };
  }
  if (oldestOfMajor !== undefined) return baseAt(file, oldestOfMajor, firstOfMajor);
  if (beforeMajor !== undefined)
    return baseAt(file, beforeMajor, `the last version before ${majorName(currentVersion)}`);
  return { none: `${file} has no earlier version` };
}

/** Every committed version with an `info.version`, newest first, without the current spec when HEAD holds it unchanged. */
async function earlierVersions(dir: string, file: string, currentText: string): Promise<CommittedSpec[]> {
  const versions: CommittedSpec[] = [];
  let newest = true;
  for await (const committed of committedSpecs(dir, file)) {
    const isCurrent = newest && committed.text === currentText;
    newest = false;
    if (!isCurrent && committed.version !== undefined) versions.push(committed);
  }
  return versions;
}
