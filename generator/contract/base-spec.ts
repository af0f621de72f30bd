/**
 * The base contract the breaking check compares with: a file (`--base-spec`), the spec as
 * committed at a git ref (`--base`), or by default the one `defaultBaseSpec` picks
 * (default-base.ts).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { UsageError } from '../../runtime/cli/run-cli.js';
import { git, isCommit } from '../git.js';

export type BaseSpec =
  /** A spec to compare with; `role` says why the default picked it. */
  | { text: string; label: string; role?: string }
  /** Nothing to compare with, rightly (the spec has no earlier version): the check passes, saying why. */
  | { none: string }
  /** An earlier version exists but cannot be read here: the check fails, saying what to do. */
  | { unreachable: string };

export async function readBaseSpecFile(path: string): Promise<BaseSpec> {
  return { text: await readFile(path, 'utf8'), label: path };
}

/** The spec as committed at `ref`. Throws when `ref` does not resolve to a commit. */
export async function readBaseSpecAtRef(specPath: string, ref: string): Promise<BaseSpec> {
  const dir = dirname(specPath);
  const file = basename(specPath);
  if (!(await isCommit(dir, ref)))
    throw new UsageError(
      `--base ${ref}: no such commit in ${dir}`,
      'name a commit, branch or tag of this repository (git log --oneline)',
    );
  const text = await git(dir, ['show', `${ref}:./${file}`]);
  return text === undefined ? { none: `${ref} has no ${file}` } : { text, label: `${file} at ${ref}` };
}
