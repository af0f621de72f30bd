/**
 * The base contract to compare against: a file, or the spec as committed at a git ref. By
 * default the ref is the commit before the spec's latest change: `HEAD` when the working tree
 * changes the spec, else the parent of the last commit that touched it. So commits that do not
 * touch the spec never hide a breaking change made just before them.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type BaseSpec = { text: string; label: string } | { missing: string; label: string };

export async function readBaseSpecFile(path: string): Promise<BaseSpec> {
  return { text: await readFile(path, 'utf8'), label: path };
}

async function git(dir: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

async function resolves(dir: string, ref: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) !== undefined;
}

/** The default base ref, or why there is none. */
async function defaultRef(dir: string, file: string): Promise<{ ref: string } | { missing: string }> {
  if (!(await resolves(dir, 'HEAD'))) return { missing: `${dir} has no git history` };
  const changedInWorkTree = (await git(dir, ['diff', '--quiet', 'HEAD', '--', file])) === undefined;
  if (changedInWorkTree) return { ref: 'HEAD' };
  const lastChange = (await git(dir, ['log', '-1', '--format=%H', '--', file]))?.trim();
  if (lastChange === undefined || lastChange === '') return { ref: 'HEAD' };
  const parent = `${lastChange.slice(0, 12)}~1`;
  if (!(await resolves(dir, parent))) return { missing: `${file} was added in ${lastChange.slice(0, 12)}, the first commit here: there is no earlier version` };
  return { ref: parent };
}

/**
 * The spec at `ref` (or the default ref). Throws when an explicit `ref` does not resolve; says
 * so (`missing`) when there is no base to compare with.
 */
export async function readBaseSpecFromGit(specPath: string, ref?: string): Promise<BaseSpec> {
  const dir = dirname(specPath);
  const file = basename(specPath);
  if (ref !== undefined && !(await resolves(dir, ref))) throw new Error(`--base ${ref}: no such commit in ${dir}`);
  const chosen = ref === undefined ? await defaultRef(dir, file) : { ref };
  if ('missing' in chosen) return { missing: chosen.missing, label: 'no base' };
  const label = `${file} at ${chosen.ref}`;
  const text = await git(dir, ['show', `${chosen.ref}:./${file}`]);
  return text === undefined ? { missing: `${chosen.ref} has no ${file}`, label } : { text, label };
}
