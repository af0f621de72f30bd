/** Docs build time: one run of `npm run docs`, when the project has that script. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

export type DocsResult =
  | { status: 'measured'; ms: number }
  | { status: 'not available' | 'failed' | 'skipped'; note: string };

export async function measureDocsBuild(): Promise<DocsResult> {
  const scripts = (JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  if (!scripts['docs']) return { status: 'not available', note: 'the project has no `npm run docs` script yet' };
  const startedAt = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn('npm', ['run', 'docs'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (exitCode) => done({ code: exitCode, output }));
  });
  const ms = Math.round(performance.now() - startedAt);
  if (code !== 0) return { status: 'failed', note: `\`npm run docs\` exited ${code}: ${output.trim().split('\n').slice(-3).join(' / ')}` };
  return { status: 'measured', ms };
}
