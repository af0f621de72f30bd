/**
 * The breaking check's default base, by semver: the current spec must be backward compatible
 * with the first spec of its major version. Walking back through the spec's committed versions
 * (after the working tree's, when it differs from HEAD), the run of versions whose
 * `info.version` has the current major ends at the first spec of that major: that is the base.
 * When the current spec is itself the first of its major (the major was just bumped), the base
 * is the version before the bump, whose breaking changes the bump allows. So no sequence of
 * commits, and no way of pushing them, can hide a breaking change within a major.
 *
 * Versions without a readable `info.version` belong to no major and are passed over. A shallow
 * clone whose history ends inside the current major cannot show that major's first spec: no
 * base then, and the check fails. The walk parses YAML only; the base is the one model it loads.
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
  const firstOfMajor = `the first version of ${majorName(currentVersion)}`;
  let oldestOfMajor: CommittedSpec | undefined;
  let newest = true;
  for await (const committed of committedSpecs(dir, file)) {
    const isCurrent = newest && committed.text === currentText;
    newest = false;
    if (isCurrent || committed.version === undefined) continue;
    if (majorOf(committed.version) === major) {
      oldestOfMajor = committed;
      continue;
    }
    return oldestOfMajor === undefined
      ? baseAt(file, committed, `the last version before ${majorName(currentVersion)}`)
      : baseAt(file, oldestOfMajor, firstOfMajor);
  }
  if (await isShallowClone(dir)) {
    return {
      unreachable: `this clone is shallow and its history of ${file} may end before ${firstOfMajor}: fetch the full history (git fetch --unshallow) or pass --base <ref>`,
    };
  }
  return oldestOfMajor === undefined ? { none: `${file} has no earlier version` } : baseAt(file, oldestOfMajor, firstOfMajor);
}
