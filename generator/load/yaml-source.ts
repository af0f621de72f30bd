import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { createLocator, type Locator } from './locator.js';
import { explainIndentation } from './yaml-indentation.js';

export interface YamlSource {
  /** The document as plain data, `$ref`s untouched. */
  data: unknown;
  locate: Locator;
}

/**
 * Parses the YAML text ourselves first: the AsyncAPI parser turns one syntax error into a cascade.
 * Past the first structural error the yaml parser's recovery reports follow-on errors at lines
 * that are fine, so only that first one is reported; duplicate keys are independent and all kept.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource } | { diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const lines = text.split(/\r?\n/);
    const structural = document.errors.find((error) => error.code !== 'DUPLICATE_KEY');
    const reported = document.errors.filter((error) => error.code === 'DUPLICATE_KEY' || error === structural);
    return {
      diagnostics: reported.map((error) => yamlDiagnostic(error, lineCounter.linePos(error.pos[0]), lines, file)),
    };
  }
  return { source: { data: document.toJS({ maxAliasCount: -1 }), locate: createLocator(document, lineCounter) } };
}

/**
 * For a text another reader has already parsed without a flaw: its data, and a locator that parses
 * the text again only when a diagnostic needs a position (a valid spec never does).
 */
export function lazyYamlSource(text: string, data: unknown): YamlSource {
  let locate: Locator | undefined;
  return {
    data,
    locate: (path) => {
      if (locate === undefined) {
        const lineCounter = new LineCounter();
        locate = createLocator(parseDocument(text, { lineCounter }), lineCounter);
      }
      return locate(path);
    },
  };
}

function yamlDiagnostic(
  error: YAMLError,
  at: { line: number; col: number },
  lines: readonly string[],
  file: string,
): Diagnostic {
  const indentation =
    error.code.includes('IMPLICIT_KEY') || error.code === 'BAD_INDENT' ? explainIndentation(lines, at.line) : undefined;
  if (indentation !== undefined) return { code: 'yaml-syntax', file, ...indentation };
  return {
    code: 'yaml-syntax',
    message: `YAML syntax error: ${error.message}`,
    hint: yamlHint(error.code),
    file,
    line: at.line,
    column: at.col,
  };
}

function yamlHint(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key may appear only once in a mapping: merge the two entries';
  if (code.includes('INDENT')) return 'check the indentation: YAML nests by spaces (no tabs)';
  if (code.includes('FLOW') || code === 'MISSING_CHAR') return 'a bracket or quote is not closed';
  return 'fix the YAML syntax at this position';
}
