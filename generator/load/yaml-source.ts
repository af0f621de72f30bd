import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { createLocator, type Locator } from './locator.js';

export interface YamlSource {
  /** The document as plain data, `$ref`s untouched. */
  data: unknown;
  locate: Locator;
}

/** Parses the YAML text ourselves first: the AsyncAPI parser turns one syntax error into a cascade. */
export function parseYamlSource(text: string, file: string): { source: YamlSource } | { diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      diagnostics: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          code: 'yaml-syntax',
          message: `YAML syntax error: ${error.message}`,
          hint: yamlHint(error.code),
          file,
          line,
          column: col,
        };
      }),
    };
  }
  return { source: { data: document.toJS({ maxAliasCount: -1 }), locate: createLocator(document, lineCounter) } };
}

function yamlHint(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key may appear only once in a mapping: merge the two entries';
  if (code.includes('INDENT')) return 'check the indentation: YAML nests by spaces (no tabs)';
  if (code.includes('FLOW') || code === 'MISSING_CHAR') return 'a bracket or quote is not closed';
  return 'fix the YAML syntax at this position';
}
