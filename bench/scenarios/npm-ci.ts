/**
 * Install time: one `npm ci` of the project's package.json and package-lock.json in a scratch
 * directory (the repository's node_modules is not touched), from npm's local cache as a
 * developer's second install or a CI runner with a kept cache has it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timeCommand } from '../support/time-command.js';
import type { Outcome } from './outcome.js';

const REPO = resolve(import.meta.dirname, '../..');

export type NpmCiResult = Outcome<{ ms: number }>;

export async function measureNpmCi(): Promise<NpmCiResult> {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'bench-npm-ci-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, file), join(dir, file));
    const { ms, code, tail } = await timeCommand('npm', ['ci', '--no-audit', '--no-fund'], dir);
    if (code !== 0) return { status: 'failed', note: `\`npm ci\` exited ${code}: ${tail}` };
    return { status: 'measured', ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
