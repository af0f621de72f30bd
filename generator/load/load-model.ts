/**
 * The generator's front half, the CLI's entry point: spec file -> validated `Model`, or every
 * diagnostic that could be found. Never throws for a bad spec.
 */
import { SpecError, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { buildModel } from '../model/build.js';
import { withoutMissingKeysMisspelt, type SpecProblem } from '../model/problem.js';
import type { Model } from '../model/types.js';
import { parseAsyncApi, parserDiagnostics } from './asyncapi-parser.js';
import { checkExtensionPlacement } from './extension-placement.js';
import type { Locator } from './locator.js';
import { readSpecFile } from './read-spec-file.js';
import { lazyYamlSource, parseYamlSource, type YamlSource } from './yaml-source.js';

export type LoadResult = { model: Model } | { diagnostics: Diagnostic[] };

export async function loadModel(specPath: string): Promise<LoadResult> {
  const read = await readSpecFile(specPath);
  return 'text' in read ? loadModelFromText(read.text, specPath) : read;
}

/** Like `loadModel`, for a spec held in memory; `file` names it in diagnostics and resolves relative `$ref`s. */
export async function loadModelFromText(text: string, file: string): Promise<LoadResult> {
  const parsed = await parseAsyncApi(text, file);
  // Our own YAML reading, slower, only when needed: the parser turns one syntax error into a cascade.
  let source: YamlSource;
  if (parsed.malformedYaml) {
    const yaml = parseYamlSource(text, file);
    if ('diagnostics' in yaml) return yaml;
    source = yaml.source;
  } else source = lazyYamlSource(text, parsed.data);
  const placement = checkExtensionPlacement(source.data);
  const built = parsed.document === undefined ? undefined : buildModel(parsed.document);
  const problems = withoutMissingKeysMisspelt([
    ...placement,
    ...(built !== undefined && 'problems' in built ? built.problems : []),
  ]);
  const diagnostics = [
    ...parserDiagnostics(parsed, file, source),
    ...problems.map((problem) => locateProblem(problem, file, source.locate)),
  ];
  if (diagnostics.length > 0 || built === undefined || !('model' in built))
    return { diagnostics: sortDiagnostics(diagnostics) };
  return { model: built.model };
}

/** For callers that prefer an exception: throws `SpecError` carrying every diagnostic. */
export async function loadModelOrThrow(specPath: string): Promise<Model> {
  const result = await loadModel(specPath);
  if ('diagnostics' in result) throw new SpecError(result.diagnostics);
  return result.model;
}

function locateProblem(problem: SpecProblem, file: string, locate: Locator): Diagnostic {
  const { line, column } = locate(problem.path);
  return {
    code: problem.code,
    message: problem.message,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    file,
    line,
    column,
  };
}
