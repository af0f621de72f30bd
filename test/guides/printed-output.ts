/** Whether a command printed what a guide shows it printing. */
import { stripVTControlCharacters } from 'node:util';

/** A printed line as a pattern: `...` stands for whatever the guide left out. */
function linePattern(line: string): RegExp {
  const parts = line
    .trimEnd()
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/**
 * Why the output is not what the guide prints, if it is not: each printed line must be there, in
 * order, and every error the command reported must be one of them.
 */
export function printedMismatch(printed: string, output: string): string | undefined {
  // npm's own lines (`> tsc --noEmit`, `npm error Lifecycle script ...`) are not the command's.
  const shown = stripVTControlCharacters(output)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('> ') && !line.startsWith('npm '));
  const matched = new Set<number>();
  let from = 0;
  for (const line of printed.split('\n').filter((each) => each.trim() !== '')) {
    const pattern = linePattern(line);
    const at = shown.findIndex((candidate, index) => index >= from && pattern.test(candidate));
    if (at === -1) return `it does not print, in this order:\n${line}`;
    matched.add(at);
    from = at + 1;
  }
  const unprinted = shown.filter((line, index) => /\berror\b/.test(line) && !matched.has(index));
  return unprinted.length === 0 ? undefined : `it also prints errors the guide does not show:\n${unprinted.join('\n')}`;
}
