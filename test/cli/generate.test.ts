/**
 * `npm run generate` as a user runs it: a child process, its exit code and what it prints.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function generate(...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(
      join(REPO, 'node_modules/.bin/tsx'),
      [join(REPO, 'generator/cli.ts'), ...args],
      { cwd: REPO },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every file under `dir` by relative path, with its contents. */
function tree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    files.map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return [relative(dir, path), readFileSync(path, 'utf8')];
    }),
  );
}

let dir: string;
let out: string;

beforeAll(() => {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(REPO, '.tmp', 'unit-cli-'));
  out = join(dir, 'generated');
  cpSync(join(REPO, 'generated'), out, { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run generate', () => {
  it('--check exits 0 on an up-to-date tree', async () => {
    const outcome = await generate('--check', '--out', out);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/is up to date with asyncapi\.yaml \(12 files, \d+ ms\)/);
  });

  it('--check exits 1 naming every stale, missing and extra file, with a hint, and writes nothing', async () => {
    writeFileSync(join(out, 'topology.ts'), '// edited by hand\n');
    rmSync(join(out, 'index.ts'));
    writeFileSync(join(out, 'services', 'retired-service.ts'), 'export {};\n');
    const before = tree(out);
    const outcome = await generate('--check', '--out', out);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/stale +\S+\/topology\.ts/);
    expect(outcome.stderr).toMatch(/missing +\S+\/index\.ts/);
    expect(outcome.stderr).toMatch(/extra +\S+\/services\/retired-service\.ts/);
    expect(outcome.stderr).toContain('Run `npm run generate` and commit the result.');
    expect(tree(out)).toEqual(before);
  });

  it('repairs the tree and prints a summary', async () => {
    const outcome = await generate('--out', out);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(
      /^Generated 12 files into \S+ from asyncapi\.yaml: 3 file\(s\) changed \(\d+ ms\)\.$/m,
    );
    expect(tree(out)).toEqual(tree(join(REPO, 'generated')));
  });

  it('on a bad spec prints every diagnostic as file:line:column, exits 1 and leaves the output untouched', async () => {
    const spec = join(dir, 'bad.yaml');
    writeFileSync(spec, 'asyncapi: 3.0.0\ninfo:\n  title: Bad\n  version: 1.0.0\nchannels:\n  a: [oops\n');
    const before = tree(out);
    const outcome = await generate('--spec', spec, '--out', out);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/bad\.yaml:\d+:\d+ error [a-z-]+: /);
    expect(outcome.stderr).toContain('left unchanged');
    expect(tree(out)).toEqual(before);
  });

  it('rejects an unknown option in one line with a hint and exit code 2', async () => {
    const outcome = await generate('--chek');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("Unknown option '--chek'");
    expect(outcome.stderr).toContain('hint: see --help');
  });
});
