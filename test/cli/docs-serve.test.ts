/**
 * `npm run docs -- --serve` as a user runs it: a save of the spec rebuilds the pages and tells
 * the open pages to reload; a save with a mistake prints the diagnostics and leaves the site.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_RELOAD_PATH } from '../../generator/docs/serve-site.js';

const REPO = resolve(import.meta.dirname, '../..');
const SPEC = readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8');
const DESCRIPTION = 'description: A user account was created.';

let dir: string;
let child: ChildProcess;
let url: string;
const lines: string[] = [];
const waiters: { pattern: RegExp; from: number; resolve: (line: string) => void }[] = [];

/** The first line matching `pattern` printed after line `from`. */
function printed(pattern: RegExp, from = lines.length): Promise<string> {
  const seen = lines.slice(from).find((line) => pattern.test(line));
  return seen !== undefined
    ? Promise.resolve(seen)
    : new Promise((resolve) => waiters.push({ pattern, from, resolve }));
}

/** Reload events pushed to one open page. */
async function listenForReloads(): Promise<{ reloads: () => number; close: () => void }> {
  const abort = new AbortController();
  const response = await fetch(new URL(LIVE_RELOAD_PATH, url), { signal: abort.signal });
  let count = 0;
  void (async () => {
    for await (const chunk of response.body!)
      count += (
        Buffer.from(chunk)
          .toString()
          .match(/^data: reload$/gm) ?? []
      ).length;
  })().catch(() => undefined);
  return { reloads: () => count, close: () => abort.abort() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'docs-serve-'));
  writeFileSync(join(dir, 'asyncapi.yaml'), SPEC);
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO, 'generator/docs/cli.ts'),
      '--serve',
      '--port',
      '0',
      '--spec',
      join(dir, 'asyncapi.yaml'),
      '--out',
      join(dir, 'site'),
    ],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (lines.length > waiter.from && waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`docs --serve exited with code ${code}:\n${lines.join('\n')}`))),
  );
  const serving = await Promise.race([printed(/^Serving .* at (http:\S+);/), exited]);
  url = /at (http:\S+);/.exec(serving)![1]!;
}, 180_000);

afterAll(() => {
  child?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

const page = async (path: string) => (await fetch(new URL(path, url))).text();

describe('npm run docs -- --serve', () => {
  it('serves pages that listen for reloads', async () => {
    expect(await page('/')).toContain(LIVE_RELOAD_PATH);
    expect(readFileSync(join(dir, 'site', 'index.html'), 'utf8')).not.toContain(LIVE_RELOAD_PATH);
  });

  it('on a save, rebuilds the pages, reloads the open ones, then rebuilds the reference and reloads them again', async () => {
    const open = await listenForReloads();
    const from = lines.length;
    writeFileSync(
      join(dir, 'asyncapi.yaml'),
      SPEC.replace(DESCRIPTION, 'description: Edited while the docs were served.'),
    );
    await printed(/changed: pages rebuilt/, from);
    expect(await page('/services/user-service.html')).toContain('Edited while the docs were served.');
    await printed(/changed: reference rebuilt/, from);
    expect(await page('/reference/index.html')).toContain('Edited while the docs were served.');
    await expect.poll(open.reloads).toBe(2);
    open.close();
  });

  it('on a save with a mistake, prints the diagnostics and leaves the site as it was', async () => {
    const before = readFileSync(join(dir, 'site', 'services', 'user-service.html'), 'utf8');
    const from = lines.length;
    writeFileSync(join(dir, 'asyncapi.yaml'), SPEC.replace('x-service: user-service', 'x-servce: user-service'));
    await printed(/problem\(s\); the site is left as it was/, from);
    expect(lines.slice(from).join('\n')).toMatch(/error unknown-extension: unknown key "x-servce"/);
    expect(readFileSync(join(dir, 'site', 'services', 'user-service.html'), 'utf8')).toBe(before);
  });
});
