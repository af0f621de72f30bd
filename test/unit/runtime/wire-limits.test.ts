import { describe, expect, it } from 'vitest';
import { HEADER_TABLE_LIMIT, encodedTableSize, fitHeaders, fitProperties } from '../../../runtime/wire-limits.js';

const NOTE = 'x-trimmed-headers';
const ours = (name: string): boolean => name.startsWith('x-');

describe('fitHeaders', () => {
  it('leaves headers that fit as they are, with no note', () => {
    const headers = { a: 'small', 'x-attempt': 2 };
    expect(fitHeaders(headers, ours, NOTE)).toEqual({ headers });
  });

  it("drops the peer's largest headers first and keeps protected ones, saying what went", () => {
    const headers = { big: 'b'.repeat(50_000), bigger: 'c'.repeat(60_000), small: 's', 'x-error': 'e'.repeat(3_000) };
    const { headers: fitted, note } = fitHeaders(headers, ours, NOTE);
    expect(note).toBe('bigger (60012 bytes)');
    expect(fitted).toEqual({ big: headers.big, small: 's', 'x-error': headers['x-error'], [NOTE]: note });
    expect(encodedTableSize(fitted)).toBeLessThanOrEqual(HEADER_TABLE_LIMIT);
  });

  it("drops protected headers too, largest first, when the peer's alone are not enough", () => {
    const { headers: fitted, note } = fitHeaders(
      { peer: 'p'.repeat(10_000), 'x-error': 'e'.repeat(70_000), 'x-attempt': 3 },
      ours,
      NOTE,
    );
    expect(note).toBe('peer (10010 bytes), x-error (70013 bytes)');
    expect(fitted).toEqual({ 'x-attempt': 3, [NOTE]: note });
  });

  it('names at most ten of many dropped headers, and still fits', () => {
    const many = Object.fromEntries(Array.from({ length: 9_000 }, (_, index) => [`h${index}`, 'v'.repeat(index % 7)]));
    const { headers: fitted, note } = fitHeaders(many, ours, NOTE);
    expect(note).toMatch(/^(h\d+ \(\d+ bytes\), ){9}h\d+ \(\d+ bytes\), and \d+ more$/);
    expect(encodedTableSize(fitted)).toBeLessThanOrEqual(HEADER_TABLE_LIMIT);
  });
  it('drops headers amqplib decoded but cannot encode again, saying why in a few words, even when its reason quotes a huge value', () => {
    // What amqplib decodes from a peer's nested table with a "!" key: read as typed-value notation when encoded again.
    const headers = {
      odd: { '!': 'decimal', value: { places: 300, digits: 'd'.repeat(60_000) } },
      bogus: { '!': 'bogus', value: 1 },
      small: 's',
    };
    const { headers: fitted, note } = fitHeaders(headers, ours, NOTE);
    expect(note).toMatch(
      /^odd \(cannot be encoded: Decimal value must be .{0,60}\), bogus \(cannot be encoded: Unknown type to encode: bogus\)$/,
    );
    expect(fitted).toEqual({ small: 's', [NOTE]: note });
    expect(encodedTableSize(fitted)).toBeLessThanOrEqual(HEADER_TABLE_LIMIT);
  });
  it("still fits when the dropped headers' names are as long as a peer's invalid UTF-8 makes them (255 bytes decoded to 765)", () => {
    const longNames = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`${index}`.padEnd(255, '\uFFFD'), 'v']),
    );
    const blobs = { b1: 'b'.repeat(30_000), b2: 'b'.repeat(30_000), b3: 'b'.repeat(30_000) };
    const { headers: fitted, note } = fitHeaders({ ...blobs, ...longNames, 'x-error': 'e' }, ours, NOTE);
    expect(note).toMatch(/, and \d+ more$/);
    expect(encodedTableSize(fitted)).toBeLessThanOrEqual(HEADER_TABLE_LIMIT);
  });
});

describe('fitProperties', () => {
  it("leaves out a short string past 255 bytes (a peer's invalid UTF-8, decoded) and a timestamp past 2^64 - 1 (a peer's, decoded rounded), saying why", () => {
    const { properties, dropped } = fitProperties({
      messageId: '\uFFFD'.repeat(200),
      correlationId: 'c'.repeat(255),
      timestamp: 2 ** 64,
      type: 't',
    });
    expect(properties).toEqual({ correlationId: 'c'.repeat(255), type: 't' });
    expect(dropped).toEqual([
      'messageId (cannot be encoded: 600 bytes, a short string holds 255)',
      `timestamp (cannot be encoded: ${2 ** 64} is not a 64-bit unsigned integer)`,
    ]);
    expect(fitProperties({ messageId: 'm', timestamp: 1_700_000_000 })).toEqual({
      properties: { messageId: 'm', timestamp: 1_700_000_000 },
      dropped: [],
    });
  });
});
