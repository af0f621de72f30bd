/**
 * Which characters a text other users will see may hold. Refused: control characters (NUL, DEL,
 * C1...), format characters (the bidirectional controls such as U+202E that reorder what is shown,
 * zero-width joiners and spaces, the byte-order mark), unpaired surrogates (not text: they cannot
 * be encoded as UTF-8), and the line and paragraph separators.
 */
const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\p{Cc}/u, 'a control character'],
  [/\p{Cf}/u, 'a bidirectional or invisible formatting character'],
  [/\p{Cs}/u, 'an unpaired surrogate (not a character)'],
  [/[\p{Zl}\p{Zp}]/u, 'a line or paragraph separator'],
];
const ANY_FORBIDDEN = new RegExp(FORBIDDEN.map(([pattern]) => pattern.source).join('|'), 'u');

/** What is wrong with the text, in words (`must not contain U+202E, ... at character 3`), or undefined. */
export function forbiddenCharacter(text: string): string | undefined {
  const found = ANY_FORBIDDEN.exec(text);
  if (!found) return undefined;
  const character = found[0];
  const what = FORBIDDEN.find(([pattern]) => pattern.test(character))![1];
  const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `must not contain ${codePoint}, ${what} (at character ${[...text.slice(0, found.index)].length + 1})`;
}
