/**
 * Adds a guide's code block to a file where its annotation says, as a reader pastes it: the text
 * as printed, indentation included. A block added under a YAML mapping must then be found there
 * (a block printed with the wrong indentation would land elsewhere, or nowhere).
 */
import { isMap, parse, parseDocument } from 'yaml';
import type { Place } from './guide-steps.js';

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** The text with the block inserted at the end of the mapping at `path`. */
function addUnderMapping(content: string, path: readonly string[], block: string): string {
  const where = path.join('.');
  const node = parseDocument(content).getIn(path, true);
  if (!isMap(node) || node.range === undefined || node.range === null)
    throw new Error(`the file has no mapping ${where}`);
  const lastCharacter = node.range[1] - 1;
  const endOfLine = content.indexOf('\n', lastCharacter);
  const at = endOfLine === -1 ? content.length : endOfLine + 1;
  const edited = `${content.slice(0, at)}${at === content.length && !content.endsWith('\n') ? '\n' : ''}${block.replace(/\n?$/, '\n')}${content.slice(at)}`;

  const indent = Math.min(
    ...lines(block)
      .filter((line) => line.trim() !== '')
      .map((line) => line.length - line.trimStart().length),
  );
  const added = parse(
    lines(block)
      .map((line) => line.slice(indent))
      .join('\n'),
  ) as Record<string, unknown>;
  const after = parseDocument(edited);
  const missing = Object.keys(added).filter((key) => after.getIn([...path, key]) === undefined);
  if (after.errors.length > 0 || missing.length > 0) {
    const why = after.errors[0]?.message ?? `${missing.join(', ')} did not land under ${where}`;
    throw new Error(`the block does not fit under ${where} (is it indented as the mapping's other keys?): ${why}`);
  }
  return edited;
}

/** The text with the block inserted after (or before) the one line that holds `anchor`. */
function addBesideLine(content: string, anchor: string, side: 'after' | 'before', block: string): string {
  const all = content.split('\n');
  const found = all.flatMap((line, index) => (line.includes(anchor) ? [index] : []));
  if (found.length !== 1) throw new Error(`"${anchor}" is on ${found.length} lines of the file, not one`);
  const at = (found[0] ?? 0) + (side === 'after' ? 1 : 0);
  return [...all.slice(0, at), ...lines(block), ...all.slice(at)].join('\n');
}

export function addText(content: string, place: Place, block: string): string {
  if ('under' in place) return addUnderMapping(content, place.under, block);
  if ('after' in place) return addBesideLine(content, place.after, 'after', block);
  if ('before' in place) return addBesideLine(content, place.before, 'before', block);
  return `${content.replace(/\n*$/, '\n')}\n${block.replace(/\n?$/, '\n')}`;
}
