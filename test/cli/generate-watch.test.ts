/**
 * `npm run generate -- --watch` as a user runs it, on a copy of the project (spec, runtime,
 * services) so that its edits and the generated files it writes touch nothing of the repository.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const SPEC = readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8');
const CONSUMER = 'consumeUserDeleted:\n    action: receive\n    x-service: matching-service';
/** matching-service's consumer of user.deleted, whole: without it the service's handler is unasked for. */
const CONSUMER_BLOCK = /\n {2}consumeUserDeleted:\n(?: {4}.*\n)+/;

let dir: string;
let child: ChildProcess;
/** Every line the watcher printed, stdout and stderr together, in order. */
const lines: string[] = [];
let cyclesSeen = 0;
let cycleEnded: (() => void) | undefined;

/** Writes the spec and resolves with what the watcher printed for the cycle that change started. */
async function save(spec: string): Promise<string> {
  const from = lines.length;
  const ended = new Promise<void>((resolve) => (cycleEnded = resolve));
  writeFileSync(join(dir, 'asyncapi.yaml'), spec);
  await ended;
  return lines.slice(from).join('\n');
}

beforeAll(async () => {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(REPO, '.tmp', 'unit-watch-'));
  for (const part of ['runtime', 'services', 'generated'])
    cpSync(join(REPO, part), join(dir, part), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const tsconfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')) as { include: string[] };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ ...tsconfig, include: ['runtime', 'generated', 'services'] }),
  );
  writeFileSync(join(dir, 'asyncapi.yaml'), SPEC);
  child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'generator/cli.ts'), '--watch'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const first = new Promise<void>((resolve, reject) => {
    cycleEnded = resolve;
    child.once('exit', (code) =>
      reject(new Error(`the watcher exited with code ${code} before its first cycle:\n${lines.join('\n')}`)),
    );
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (line.endsWith('watching for changes.')) {
        cyclesSeen++;
        cycleEnded?.();
      }
    });
  }
  await first;
});

afterAll(() => {
  child?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run generate -- --watch', () => {
  it('generates and type-checks the project at start', () => {
    expect(lines.join('\n')).toMatch(
      /Generated 12 files into generated\/ from asyncapi\.yaml: already up to date; type check: no errors \(\d+ ms\); watching for changes\./,
    );
  });

  it('on a save with a mistake in the spec, prints its diagnostics and leaves generated/ as it was', async () => {
    const before = readFileSync(join(dir, 'generated/services/matching-service.ts'), 'utf8');
    const output = await save(SPEC.replace(CONSUMER, CONSUMER.replace('x-service', 'x-servce')));
    expect(output).toMatch(
      /asyncapi\.yaml:\d+:\d+ error unknown-extension: unknown key "x-servce" on operation "consumeUserDeleted"/,
    );
    expect(output).toMatch(/hint: did you mean "x-service"\?/);
    expect(output).toMatch(
      /asyncapi\.yaml: \d+ problem\(s\); generated\/ left unchanged \(\d+ ms\); watching for changes\./,
    );
    expect(readFileSync(join(dir, 'generated/services/matching-service.ts'), 'utf8')).toBe(before);
  });

  it('on a save that removes a consumer, regenerates and prints the compiler errors it causes in the service', async () => {
    expect(SPEC).toMatch(CONSUMER_BLOCK);
    const output = await save(SPEC.replace(CONSUMER_BLOCK, '\n'));
    expect(output).toMatch(/file\(s\) changed; type check: [1-9]\d* error\(s\)/);
    expect(output).toMatch(/services\/matching-service\/\S+\.ts\(\d+,\d+\): error TS\d+: .*userDeleted/);
  });

  it('recovers when the spec is fixed: regenerated, no type errors', async () => {
    const output = await save(SPEC);
    expect(output).toMatch(
      /Generated 12 files into generated\/ from asyncapi\.yaml: \d+ file\(s\) changed; type check: no errors/,
    );
    expect(readFileSync(join(dir, 'generated/services/matching-service.ts'), 'utf8')).toBe(
      readFileSync(join(REPO, 'generated/services/matching-service.ts'), 'utf8'),
    );
    expect(cyclesSeen).toBe(4);
  });
});
