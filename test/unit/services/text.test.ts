import { describe, expect, it } from 'vitest';
import { forbiddenCharacter } from '../../../services/common/text.js';

describe('forbiddenCharacter', () => {
  it.each<[string, string, string | undefined]>([
    ['plain ASCII', 'ada lovelace', undefined],
    ['letters of any script, accents, emoji', 'Zoé 李 Ωμέγα 😀', undefined],
    ['NUL', 'a\u0000b', 'must not contain U+0000, a control character (at character 2)'],
    ['a tab', 'a\tb', 'must not contain U+0009, a control character (at character 2)'],
    ['DEL', 'ab\u007f', 'must not contain U+007F, a control character (at character 3)'],
    ['a C1 control (NEL)', '\u0085x', 'must not contain U+0085, a control character (at character 1)'],
    [
      'a right-to-left override',
      'gnp\u202Eexe',
      'must not contain U+202E, a bidirectional or invisible formatting character (at character 4)',
    ],
    [
      'a right-to-left isolate',
      '\u2067x',
      'must not contain U+2067, a bidirectional or invisible formatting character (at character 1)',
    ],
    [
      'a right-to-left mark',
      'x\u200F',
      'must not contain U+200F, a bidirectional or invisible formatting character (at character 2)',
    ],
    [
      'a zero-width space',
      'a\u200Bb',
      'must not contain U+200B, a bidirectional or invisible formatting character (at character 2)',
    ],
    [
      'a byte-order mark',
      '\uFEFFada',
      'must not contain U+FEFF, a bidirectional or invisible formatting character (at character 1)',
    ],
    [
      'a high surrogate alone',
      'ab\uD800',
      'must not contain U+D800, an unpaired surrogate (not a character) (at character 3)',
    ],
    [
      'a low surrogate alone',
      '\uDC00ab',
      'must not contain U+DC00, an unpaired surrogate (not a character) (at character 1)',
    ],
    ['a line separator', 'a\u2028b', 'must not contain U+2028, a line or paragraph separator (at character 2)'],
    [
      'the position counts characters, not UTF-16 units',
      '😀😀\u0000',
      'must not contain U+0000, a control character (at character 3)',
    ],
  ])('%s', (_name, text, want) => {
    expect(forbiddenCharacter(text)).toBe(want);
  });
});
