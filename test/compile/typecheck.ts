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
 * A program over `rootNames` (and what they import). `overrides` replaces the text of files by
 * absolute path, so that a variant of a file can be checked without writing it.
 */
export function createProgram(rootNames: string[], overrides: ReadonlyMap<string, string> = new Map()): ts.Program {
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => overrides.get(resolve(path)) ?? readFile(path);
  return ts.createProgram({ rootNames, options, host });
}

/** What `tsc --noEmit` reports for the program. */
export function typeCheck(rootNames: string[], overrides?: ReadonlyMap<string, string>): ts.Diagnostic[] {
  return [...ts.getPreEmitDiagnostics(createProgram(rootNames, overrides))];
}

/** `file:line:col` of every `any` written in the given files. */
export function anyKeywords(program: ts.Program, fileNames: string[]): string[] {
  const found: string[] = [];
  for (const fileName of fileNames) {
    const sourceFile = program.getSourceFile(fileName);
    if (sourceFile === undefined) throw new Error(`not in the program: ${fileName}`);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.AnyKeyword) {
        const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        found.push(`${fileName}:${line + 1}:${character + 1}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}
