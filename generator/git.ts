/** Runs git for the generator's history readers (contract:check's base, the docs site's history). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `git -C dir ...args`: its stdout, or undefined when git fails (no repository, unknown ref, no such file at a commit). */
export async function git(dir: string, args: string[]): Promise<string | undefined> {
  try {
    return (await run('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch {
    return undefined;
  }
}

/** Whether `ref` names a commit in `dir`'s repository. */
export async function isCommit(dir: string, ref: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) !== undefined;
}
