/**
 * The type-level tests in test/types must hold, and each `// @ts-expect-error <reason>` must fail
 * for the reason it states: without the directive, the next line has an error containing it.
 * (A bare `@ts-expect-error` passes for any error, including a typo in the test itself.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, typeCheck } from './typecheck.js';

const TYPES_DIR = resolve(import.meta.dirname, '../types');
const DIRECTIVE = /^(\s*)\/\/ @ts-expect-error (.+)$/;

interface Expectation {
  /** 1-based line that must fail. */
  line: number;
  reason: string;
}

function expectations(text: string): Expectation[] {
  return text.split('\n').flatMap((line, index) => {
    const match = DIRECTIVE.exec(line);
    return match?.[2] === undefined ? [] : [{ line: index + 2, reason: match[2] }];
  });
}

/** The file with each directive turned into a plain comment, lines kept where they were. */
function withoutDirectives(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(DIRECTIVE, '$1// expected: $2'))
    .join('\n');
}

function lineOf(diagnostic: ts.Diagnostic): number {
  if (diagnostic.file === undefined || diagnostic.start === undefined) return 0;
  return diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
}

const files = readdirSync(TYPES_DIR)
  .filter((name) => name.endsWith('.test-d.ts'))
  .map((name) => join(TYPES_DIR, name));

describe.each(files)('%s', (file) => {
  const text = readFileSync(file, 'utf8');

  it('type-checks as written', () => {
    expect(formatDiagnostics(typeCheck([file]))).toEqual([]);
  });

  it('fails on exactly the expected lines, each for its stated reason', () => {
    const wanted = expectations(text);
    expect(wanted.length).toBeGreaterThan(0);
    const diagnostics = typeCheck([file], new Map([[file, withoutDirectives(text)]])).filter(
      (d) => d.file?.fileName === file,
    );
    const messages = (line: number) =>
      diagnostics.filter((d) => lineOf(d) === line).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    for (const { line, reason } of wanted) {
      expect(messages(line).join('\n'), `line ${line} should fail with: ${reason}`).toContain(reason);
    }
    const unexpected = diagnostics.filter((d) => !wanted.some(({ line }) => line === lineOf(d)));
    expect(formatDiagnostics(unexpected)).toEqual([]);
  });
});
