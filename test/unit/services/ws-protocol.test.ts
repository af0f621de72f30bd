import { describe, expect, it } from 'vitest';
import { MAX_CODE_DELTA, parseClientFrame, type Parsed } from '../../../services/collaboration-service/protocol.js';

describe('parseClientFrame', () => {
  it.each<[string, string, Parsed]>([
    ['an edit', '{"type":"edit","code_delta":"x = 1"}', { ok: true, frame: { type: 'edit', code_delta: 'x = 1' } }],
    ['an empty edit', '{"type":"edit","code_delta":""}', { ok: true, frame: { type: 'edit', code_delta: '' } }],
    [
      'the longest edit allowed',
      JSON.stringify({ type: 'edit', code_delta: '\u{1F600}'.repeat(MAX_CODE_DELTA) }),
      { ok: true, frame: { type: 'edit', code_delta: '\u{1F600}'.repeat(MAX_CODE_DELTA) } },
    ],
    ['not JSON', 'x = 1', { ok: false, error: 'a frame must be JSON, e.g. {"type":"edit","code_delta":"..."}' }],
    ['an array', '[]', { ok: false, error: 'a frame must be a JSON object' }],
    ['null', 'null', { ok: false, error: 'a frame must be a JSON object' }],
    [
      'another type',
      '{"type":"cursor"}',
      { ok: false, error: 'unknown frame type "cursor": the only type a client sends is "edit"' },
    ],
    ['no code_delta', '{"type":"edit"}', { ok: false, error: 'an edit needs "code_delta", a string' }],
    [
      'a code_delta that is no string',
      '{"type":"edit","code_delta":42}',
      { ok: false, error: 'an edit needs "code_delta", a string' },
    ],
    [
      'a code_delta too long',
      JSON.stringify({ type: 'edit', code_delta: 'x'.repeat(MAX_CODE_DELTA + 1) }),
      { ok: false, error: '"code_delta" is longer than 65536 characters' },
    ],
    [
      'a field the server sets itself',
      '{"type":"edit","code_delta":"x","user_id":"u","timestamp":"t"}',
      { ok: false, error: 'unknown fields in an edit: user_id, timestamp' },
    ],
  ])('%s', (_name, text, want) => {
    expect(parseClientFrame(text)).toEqual(want);
  });
});
