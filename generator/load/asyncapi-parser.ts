import { resolve } from 'node:path';
import { DiagnosticSeverity, Parser, type Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import type { Diagnostic } from '../diagnostics.js';
import { closestMatch } from '../did-you-mean.js';
import { entriesOf, isObject } from '../model/json.js';
import { withoutFollowOnErrors } from './follow-on-errors.js';
import { explainSchemaError } from './schema-error-hint.js';
import { shareSpectralAjvInstances } from './share-spectral-ajv.js';
import { resolveRefsUnfrozen } from './unfrozen-ref-resolution.js';
import type { YamlSource } from './yaml-source.js';

// Parsing cost is mostly the parser's own set-up of its rules: share one instance.
let sharedParser: Parser | undefined;

export interface AsyncApiParse {
  /** The resolved document as plain data (`undefined` when it has errors). */
  document?: unknown;
  /** The document as the parser read it, `$ref`s untouched. */
  data: unknown;
  /** The parser's YAML reader found the text malformed: its errors are a cascade, not worth reporting. */
  malformedYaml: boolean;
  errors: ParserDiagnostic[];
  absolutePath: string;
}

/** Validates the document against AsyncAPI 3.0 and resolves its `$ref`s. */
export async function parseAsyncApi(text: string, file: string): Promise<AsyncApiParse> {
  if (sharedParser === undefined) {
    shareSpectralAjvInstances();
    resolveRefsUnfrozen();
    sharedParser = new Parser();
  }
  const absolutePath = resolve(file);
  const { document, diagnostics, extras } = await sharedParser.parse(text, { source: absolutePath });
  const read = extras?.document;
  return {
    ...(document === undefined ? {} : { document: document.json() }),
    data: read?.data,
    malformedYaml: read === undefined || read.diagnostics.length > 0,
    errors: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error),
    absolutePath,
  };
}

/** The parse's errors as our diagnostics, root causes only. */
export function parserDiagnostics(parse: AsyncApiParse, file: string, source: YamlSource): Diagnostic[] {
  return withoutFollowOnErrors(parse.errors, source.data).map((d) =>
    toDiagnostic(d, d.source === undefined || d.source === parse.absolutePath ? file : d.source, source),
  );
}

function toDiagnostic(d: ParserDiagnostic, file: string, source: YamlSource): Diagnostic {
  const path = d.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  // The parser reports 0:0 when it lost track of the node; our own locator usually still finds it.
  const position =
    d.range.start.line === 0 && d.range.start.character === 0 && path.length > 0
      ? source.locate(path)
      : { line: d.range.start.line + 1, column: d.range.start.character + 1 };
  const { code, message, hint } = explain(d, path, source.data);
  return { code, message, ...(hint === undefined ? {} : { hint }), file, ...position };
}

function explain(
  d: ParserDiagnostic,
  path: (string | number)[],
  data: unknown,
): { code: string; message: string; hint?: string } {
  const where = path.join('.');
  switch (d.code) {
    case 'invalid-ref': {
      const ref = valueAt(data, path);
      const target = typeof ref === 'string' ? ref : d.message;
      return {
        code: 'unresolved-ref',
        message: `$ref "${target}" at ${where} points at nothing`,
        hint: `${refSuggestion(data, target)}check the spelling and that the target exists`,
      };
    }
    case 'asyncapi3-channel-parameters':
      return {
        code: 'routing-key-parameter',
        message: d.message,
        hint: "every {name} in a channel's address needs an entry under the channel's parameters, and every entry must appear in the address",
      };
    case 'asyncapi-document-resolved': {
      const { message, hint } = explainSchemaError(d.message);
      return { code: 'asyncapi-schema', message: `${message} (at ${where || 'the document root'})`, hint };
    }
    default:
      return { code: d.code.toString(), message: where ? `${d.message} (at ${where})` : d.message };
  }
}

/** For `#/components/messages/UserCreatd`: the closest key that does exist under `#/components/messages`. */
function refSuggestion(data: unknown, ref: string): string {
  if (!ref.startsWith('#/')) return '';
  const segments = ref.slice(2).split('/');
  const last = segments.pop() ?? '';
  const parent = valueAt(data, segments);
  const match = closestMatch(
    last,
    entriesOf(parent).map(([key]) => key),
  );
  return match === undefined ? '' : `did you mean "#/${[...segments, match].join('/')}"? `;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}
