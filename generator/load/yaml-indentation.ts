/**
 * Explains the YAML errors a misplaced indentation causes. A key indented less than its siblings
 * (or a line indented deeper than the key above it, which already has a value) makes the yaml
 * parser read `key: value` plus the deeper lines as one multi-line key: its messages ("Nested
 * mappings are not allowed in compact mappings", "Implicit keys need to be on a single line")
 * name neither the line to fix nor how.
 */
import type { Position } from './locator.js';

export interface IndentationProblem extends Position {
  message: string;
  hint: string;
}

/**
 * `line` (1-based) is where the parser reported the error: the line whose value swallowed the
 * deeper lines, or the first deeper line. `undefined` when the lines do not show the pattern above.
 */
export function explainIndentation(lines: readonly string[], line: number): IndentationProblem | undefined {
  const reported = contentLine(lines, line - 1);
  if (reported === undefined) return undefined;
  const after = nextContentLine(lines, reported.index + 1);
  const before = previousContentLine(lines, reported.index - 1);
  const [here, next] = after !== undefined && after.indent > reported.indent ? [reported, after] : [before, reported];
  if (here === undefined || next.indent <= here.indent || !here.hasValue) return undefined;
  if (nextContentLine(lines, next.index + 1)?.indent === next.indent) {
    // The lines below agree with each other: this line is the one out of step.
    return {
      line: here.index + 1,
      column: here.indent + 1,
      message: `YAML structure: "${here.key}" is indented less (column ${here.indent + 1}) than the keys around it (column ${next.indent + 1})`,
      hint: `keys of one mapping start in the same column: move "${here.key}" to column ${next.indent + 1}`,
    };
  }
  return {
    line: next.index + 1,
    column: next.indent + 1,
    message: `YAML structure: "${next.key}" is indented deeper (column ${next.indent + 1}) than "${here.key}" above it (column ${here.indent + 1}), which already has a value`,
    hint: `keys of one mapping start in the same column: move "${next.key}" to column ${here.indent + 1}`,
  };
}

interface ContentLine {
  index: number;
  indent: number;
  key: string;
  /** `key: value` rather than `key:` opening a block. */
  hasValue: boolean;
}

/** Line `index` (0-based) when it holds more than blanks or a comment. */
function contentLine(lines: readonly string[], index: number): ContentLine | undefined {
  const text = lines[index];
  const trimmed = text?.trim() ?? '';
  if (text === undefined || trimmed === '' || trimmed.startsWith('#')) return undefined;
  const withoutComment = trimmed.replace(/\s#.*$/, '');
  return {
    index,
    indent: text.length - text.trimStart().length,
    key: trimmed.replace(/^- /, '').split(':')[0] ?? trimmed,
    hasValue: !withoutComment.endsWith(':'),
  };
}

function previousContentLine(lines: readonly string[], from: number): ContentLine | undefined {
  for (let index = from; index >= 0; index--) {
    const found = contentLine(lines, index);
    if (found !== undefined) return found;
  }
  return undefined;
}

function nextContentLine(lines: readonly string[], from: number): ContentLine | undefined {
  for (let index = from; index < lines.length; index++) {
    const found = contentLine(lines, index);
    if (found !== undefined) return found;
  }
  return undefined;
}
