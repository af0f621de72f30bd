/** Docs build time: one run of `npm run docs`, when the project has that script. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { timeCommand } from '../support/time-command.js';
import type { Outcome } from './outcome.js';

const REPO = resolve(import.meta.dirname, '../..');

export type DocsResult = Outcome<{ ms: number }>;

export async function measureDocsBuild(): Promise<DocsResult> {
  const scripts =
    (JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
    {};
  if (!scripts['docs']) return { status: 'not available', note: 'the project has no `npm run docs` script yet' };
  const { ms, code, tail } = await timeCommand('npm', ['run', 'docs'], REPO);
  if (code !== 0) return { status: 'failed', note: `\`npm run docs\` exited ${code}: ${tail}` };
  return { status: 'measured', ms };
}
