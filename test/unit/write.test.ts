import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GeneratedFile } from '../../generator/emit/index.js';
import { diffTree, normaliseFiles, writeTree } from '../../generator/write.js';

let root: string;
let out: string;

beforeEach(() => {
  mkdirSync('.tmp', { recursive: true });
  root = mkdtempSync(join('.tmp', 'unit-write-'));
  out = join(root, 'generated');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const files: GeneratedFile[] = [
  { path: 'services/b.ts', content: 'export const b = 2;\r\n' },
  { path: 'a.ts', content: 'export const a = 1;' },
  { path: 'definitions.json', content: '{}\n\n' },
];

/** Every file under a directory, by relative path, with its contents. */
function snapshot(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    entries.map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return [path.slice(dir.length + 1), readFileSync(path, 'utf8')];
    }),
  );
}

describe('writeTree', () => {
  it('writes normalised files: LF endings and one trailing newline', async () => {
    await writeTree(out, files);
    expect(snapshot(out)).toEqual({
      'a.ts': 'export const a = 1;\n',
      'definitions.json': '{}\n',
      'services/b.ts': 'export const b = 2;\n',
    });
  });

  it('is deterministic: the same files in any order give byte-identical trees', async () => {
    await writeTree(out, files);
    const first = snapshot(out);
    const other = join(root, 'again');
    await writeTree(other, [...files].reverse());
    expect(snapshot(other)).toEqual(first);
  });

  it('touches nothing when the tree is already up to date', async () => {
    await writeTree(out, files);
    const before = statSync(join(out, 'a.ts')).mtimeMs;
    const diff = await writeTree(out, files);
    expect(diff).toEqual({ stale: [], missing: [], extra: [] });
    expect(statSync(join(out, 'a.ts')).mtimeMs).toBe(before);
  });

  it('removes files that are no longer generated and leaves no staging directory behind', async () => {
    await writeTree(out, files);
    const diff = await writeTree(
      out,
      files.filter((file) => file.path !== 'services/b.ts'),
    );
    expect(diff.extra).toEqual(['services/b.ts']);
    expect(Object.keys(snapshot(out))).toEqual(['a.ts', 'definitions.json']);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('is atomic: a run that fails half-way leaves the old tree exactly as it was', async () => {
    await writeTree(out, files);
    const before = snapshot(out);
    // `x` is a file, so writing `x/y.ts` fails after `a.ts` and `x` were written.
    const failing = [
      { path: 'a.ts', content: 'changed' },
      { path: 'x', content: 'file' },
      { path: 'x/y.ts', content: 'nested' },
    ];
    await expect(writeTree(out, failing)).rejects.toThrow();
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['generated']);
  });

  it('creates the output directory when it does not exist', async () => {
    await writeTree(join(root, 'deep', 'generated'), files);
    expect(Object.keys(snapshot(join(root, 'deep', 'generated')))).toHaveLength(3);
  });
});

describe('diffTree (check mode)', () => {
  it('reports a hand-edited file as stale, a deleted one as missing and a stray one as extra, writing nothing', async () => {
    await writeTree(out, files);
    writeFileSync(join(out, 'a.ts'), 'export const a = 42;\n');
    rmSync(join(out, 'definitions.json'));
    writeFileSync(join(out, 'services', 'old.ts'), 'stray\n');
    const before = snapshot(out);
    expect(await diffTree(out, files)).toEqual({
      stale: ['a.ts'],
      missing: ['definitions.json'],
      extra: ['services/old.ts'],
    });
    expect(snapshot(out)).toEqual(before);
  });

  it('reports every file missing when the directory does not exist', async () => {
    expect(await diffTree(join(root, 'nowhere'), files)).toEqual({
      stale: [],
      missing: ['a.ts', 'definitions.json', 'services/b.ts'],
      extra: [],
    });
  });

  it('compares normalised contents: CRLF in the generator output is not staleness', async () => {
    await writeTree(out, files);
    expect(await diffTree(out, files)).toEqual({ stale: [], missing: [], extra: [] });
  });
});

describe('normaliseFiles', () => {
  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a parent path', '../outside.ts'],
    ['a non-normal path', 'services/../a.ts'],
    ['a Windows path', 'services\\a.ts'],
    ['an empty path', ''],
  ])('rejects %s', (_case, path) => {
    expect(() => normaliseFiles([{ path, content: '' }])).toThrow(/relative, normalised and POSIX/);
  });

  it('rejects a path generated twice', () => {
    expect(() => normaliseFiles([files[1] as GeneratedFile, files[1] as GeneratedFile])).toThrow(
      /generated twice: a.ts/,
    );
  });
});
