/**
 * Generates code from several contracts into `.tmp/compile-<name>/generated` (beside a link to
 * the real runtime, so `../../runtime/index.js` resolves as it does in the repository) and
 * type-checks it strict under NodeNext with the project's TypeScript.
 */
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../generator/diagnostics.js';
import { generate } from '../../generator/generate.js';
import { makeSyntheticSpec } from '../fixtures/specs/synthetic.js';
import { anyKeywords, createProgram, formatDiagnostics, typeScriptFiles } from './typecheck.js';

const REPO = resolve(import.meta.dirname, '../..');
const VALID_SPECS = join(REPO, 'test/fixtures/specs/valid');

interface SpecCase {
  name: string;
  /** Writes the spec if needed; returns its path. */
  spec: (dir: string) => string;
}

const cases: SpecCase[] = [
  { name: 'peerprep', spec: () => join(REPO, 'asyncapi.yaml') },
  ...readdirSync(VALID_SPECS)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => ({ name: file.replace(/\.yaml$/, ''), spec: () => join(VALID_SPECS, file) })),
  {
    name: 'synthetic-500',
    spec: (dir: string) => {
      const path = join(dir, 'asyncapi.yaml');
      writeFileSync(path, makeSyntheticSpec(500));
      return path;
    },
  },
];

function scratchDir(name: string): string {
  const dir = join(REPO, '.tmp', `compile-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(REPO, 'runtime'), join(dir, 'runtime'), 'dir');
  return dir;
}

describe.each(cases)('code generated from $name', ({ name, spec }) => {
  it('type-checks strict under NodeNext and never says any', async () => {
    const dir = scratchDir(name);
    const outDir = join(dir, 'generated');
    const result = await generate({ specPath: spec(dir), outDir, check: false });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const files = typeScriptFiles(outDir);
    expect(files).toContain(join(outDir, 'payloads.ts'));
    expect(files.some((file) => file.includes('/services/'))).toBe(true);

    const program = createProgram(files);
    const inGenerated = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(outDir));
    expect(formatDiagnostics(inGenerated)).toEqual([]);
    expect(anyKeywords(program, files)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
