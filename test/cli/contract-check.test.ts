/**
 * `npm run contract:check` as CI runs it, on a throwaway git repository holding a copy of
 * asyncapi.yaml: a required field added to user.created fails the breaking check, the same edit
 * with a major version bump passes, and the default base is the first spec of the current major
 * however the history runs. The real repository is never touched. The generated/ and type checks
 * are skipped here (they need the whole project; CI runs them on the real one).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addRequiredField,
  bumpMajor,
  editDescription,
  editedSpec as editedContract,
  type Spec,
} from '../unit/contract/spec-edits.js';

const REPO = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let dir: string;
let spec: string;

async function contractCheckOf(specPath: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const argv = [join(REPO, 'generator/contract/cli.ts'), '--spec', specPath, '--skip', 'generated,types', ...args];
  try {
    const { stdout, stderr } = await run(join(REPO, 'node_modules/.bin/tsx'), argv, { cwd: REPO });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const contractCheck = (...args: string[]) => contractCheckOf(spec, ...args);

function git(...args: string[]): void {
  execFileSync('git', ['-C', dir, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    stdio: 'pipe',
  });
}

function commitSpec(text: string, message: string): void {
  writeFileSync(spec, text);
  git('add', 'asyncapi.yaml');
  git('commit', '-q', '-m', message);
}

/** A clone of the throwaway repository holding only its last `depth` commits; returns its spec's path. */
function shallowClone(depth: number): string {
  const clone = join(dir, 'shallow');
  execFileSync('git', ['clone', '-q', '--depth', String(depth), `file://${dir}`, clone], { stdio: 'pipe' });
  return join(clone, 'asyncapi.yaml');
}

/** The real contract as version 1.0.0 (whatever its version now), so the history below reads the same. */
const editedSpec = (edit: (spec: Spec) => void) =>
  editedContract((spec) => {
    spec.info.version = '1.0.0';
    edit(spec);
  });

const original = editedSpec(() => {});
const requiredFieldAdded = editedSpec((document) => addRequiredField(document, 'UserCreated', 'display_name'));
const requiredFieldAddedWithBump = editedSpec((document) => {
  addRequiredField(document, 'UserCreated', 'display_name');
  bumpMajor(document);
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'contract-check-'));
  spec = join(dir, 'asyncapi.yaml');
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README'), 'a repository before the contract\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'start');
  commitSpec(original, 'contract 1.0.0');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('contract:check breaking-change gate', () => {
  it('passes an unchanged spec', async () => {
    const { code, output } = await contractCheck('--base', 'HEAD');
    expect(output).toContain('ok   breaking   no change against asyncapi.yaml at HEAD');
    expect(code).toBe(0);
  });

  it('passes, saying why, when the spec has no earlier version', async () => {
    const { code, output } = await contractCheck();
    expect(output).toContain('ok   breaking   no base to compare with: asyncapi.yaml has no earlier version');
    expect(code).toBe(0);
  });

  it('fails a required field added to user.created (uncommitted), naming the change, its pointer and who breaks', async () => {
    writeFileSync(spec, requiredFieldAdded);
    const { code, output } = await contractCheck();
    expect(code).toBe(1);
    expect(output).toContain('FAIL breaking   1 breaking');
    expect(output).toMatch(/asyncapi.yaml at [0-9a-f]{12}, the first version of major 1 \(1.0.0 -> 1.0.0\)/);
    expect(output).toContain(
      'BREAKING required-property-added at /components/messages/UserCreated/payload/properties/display_name',
    );
    expect(output).toContain('breaks producers (user-service)');
    expect(output).toContain("bump info.version's major (to 2.0.0)");
    expect(output).toContain('contract:check failed: breaking.');
  });

  it('still fails once the edit is committed and other commits follow it', async () => {
    commitSpec(requiredFieldAdded, 'display_name required');
    writeFileSync(join(dir, 'README'), 'an unrelated change\n');
    git('commit', '-q', '-am', 'unrelated');
    const { code, output } = await contractCheck();
    expect(code).toBe(1);
    expect(output).toContain('BREAKING required-property-added');
  });

  it('still fails when a later commit touches the spec compatibly (a description edit)', async () => {
    commitSpec(requiredFieldAdded, 'display_name required');
    commitSpec(
      editedSpec((document) => {
        addRequiredField(document, 'UserCreated', 'display_name');
        editDescription(document);
      }),
      'description edited',
    );
    const { code, output } = await contractCheck();
    expect(code).toBe(1);
    expect(output).toContain('BREAKING required-property-added');
  });

  it('passes the same edit with a major version bump, reporting it as allowed', async () => {
    commitSpec(requiredFieldAddedWithBump, 'display_name required, 2.0.0');
    const { code, output } = await contractCheck();
    expect(output).toMatch(
      /against asyncapi.yaml at [0-9a-f]{12}, the last version before major 2 \(1.0.0 -> 2.0.0\): allowed, the major version was bumped/,
    );
    expect(output).toContain('BREAKING required-property-added');
    expect(code).toBe(0);
  });

  it('after a major bump, fails a later breaking change within the new major', async () => {
    commitSpec(requiredFieldAddedWithBump, 'display_name required, 2.0.0');
    commitSpec(
      editedSpec((document) => {
        addRequiredField(document, 'UserCreated', 'display_name');
        bumpMajor(document);
        addRequiredField(document, 'UserCreated', 'avatar_url');
      }),
      'avatar_url required, still 2.0.0',
    );
    const { code, output } = await contractCheck();
    expect(code).toBe(1);
    expect(output).toMatch(/against asyncapi.yaml at [0-9a-f]{12}, the first version of major 2 \(2.0.0 -> 2.0.0\)/);
    expect(output).toContain(
      'BREAKING required-property-added at /components/messages/UserCreated/payload/properties/avatar_url',
    );
    expect(output).not.toContain('properties/display_name');
  });

  it('fails a major that goes back down (1.0.0 -> 2.0.0 -> 1.0.0 keeping the break)', async () => {
    commitSpec(requiredFieldAddedWithBump, 'display_name required, 2.0.0');
    commitSpec(requiredFieldAdded, 'back to 1.0.0, display_name still required');
    const { code, output } = await contractCheck();
    expect(output).toMatch(
      /FAIL breaking {3}info.version went back from 2.0.0 \(asyncapi.yaml at [0-9a-f]{12}, an earlier version of major 2, above the current major 1\) to 1.0.0/,
    );
    expect(code).toBe(1);
  });

  it('fails in a shallow clone whose history stops inside the current major, saying how to fetch the rest', async () => {
    commitSpec(editedSpec(editDescription), 'description edited');
    const { code, output } = await contractCheckOf(shallowClone(1));
    expect(output).toContain('FAIL breaking   no base to compare with: this clone is shallow');
    expect(output).toContain('git fetch --unshallow');
    expect(code).toBe(1);
  });

  it('needs no more history in a shallow clone that reaches the major bump', async () => {
    commitSpec(requiredFieldAddedWithBump, 'display_name required, 2.0.0');
    const { code, output } = await contractCheckOf(shallowClone(2));
    expect(output).toContain('allowed, the major version was bumped');
    expect(code).toBe(0);
  });

  it('fails when the base spec does not load, listing its problems', async () => {
    const unloadable = editedSpec((document) => {
      bumpMajor(document);
      document.info['x-bogus'] = true;
    });
    commitSpec(unloadable, '2.0.0, with an unknown extension');
    commitSpec(editedSpec(bumpMajor), '2.0.0, fixed');
    const byDefault = await contractCheck();
    expect(byDefault.output).toMatch(
      /FAIL breaking {3}the base \(asyncapi.yaml at [0-9a-f]{12}, the first version of major 2\) does not load/,
    );
    expect(byDefault.output).toContain('error unknown-extension: unknown key "x-bogus" on info');
    expect(byDefault.code).toBe(1);
    const baseFile = join(dir, 'base.yaml');
    writeFileSync(baseFile, unloadable);
    const explicit = await contractCheck('--base-spec', baseFile);
    expect(explicit.output).toContain('error unknown-extension');
    expect(explicit.code).toBe(1);
  });

  it('compares with an explicit --base ref and with a --base-spec file', async () => {
    commitSpec(requiredFieldAdded, 'display_name required');
    expect((await contractCheck('--base', 'HEAD')).code).toBe(0);
    expect((await contractCheck('--base', 'HEAD~1')).code).toBe(1);
    const baseFile = join(dir, 'base.yaml');
    writeFileSync(baseFile, original);
    expect((await contractCheck('--base-spec', baseFile)).code).toBe(1);
  });

  it('says so and passes when the base has no spec; refuses a ref that does not exist', async () => {
    const noSpec = await contractCheck('--base', 'HEAD~1');
    expect(noSpec.output).toContain('no base to compare with: HEAD~1 has no asyncapi.yaml');
    expect(noSpec.code).toBe(0);
    const unknown = await contractCheck('--base', 'no-such-ref');
    expect(unknown.output).toContain('--base no-such-ref: no such commit');
    expect(unknown.code).toBe(2);
  });
});
