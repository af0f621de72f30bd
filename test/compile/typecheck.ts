/**
 * Type-checks files with the project's TypeScript and the repository's compiler options (strict,
 * NodeNext): what `npx tsc --noEmit` would say about them.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const REPO = resolve(import.meta.dirname, '../..');

function repoCompilerOptions(): ts.CompilerOptions {
  const configPath = join(REPO, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, REPO, undefined, configPath).options;
}

const options = repoCompilerOptions();

/** Every `.ts` file under a directory. */
export function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(dir, path))
    .sort();
}

export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return `TS${diagnostic.code}: ${text}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName}:${line + 1}:${character + 1} TS${diagnostic.code}: ${text}`;
  });
}

/**
 * Diagnostics for `rootNames` (and what they import). `overrides` replaces the text of files by
 * absolute path, so that a variant of a file can be checked without writing it.
 */
export function typeCheck(rootNames: string[], overrides: ReadonlyMap<string, string> = new Map()): ts.Diagnostic[] {
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => overrides.get(resolve(path)) ?? readFile(path);
  const program = ts.createProgram({ rootNames, options, host });
  return [...ts.getPreEmitDiagnostics(program)];
}
