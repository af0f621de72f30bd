/**
 * What amqplib can put on the wire, measured with amqplib's own encoder. amqplib 2.x encodes a
 * message's header table into a fixed 64 KiB buffer and throws past it, before writing anything
 * and before it counts the message for publisher confirms: a failed encode leaves the channel and
 * its confirm bookkeeping as they were, so one message that cannot be encoded fails alone.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MessageEncodeError, MessageTooLargeError, describeError, type MessagingError } from './errors.js';

/** The most a message's header table may encode to (amqplib's encoding buffer). */
export const HEADER_TABLE_LIMIT = 65_536;

type EncodeTable = (buffer: Buffer, table: Record<string, unknown>, offset: number) => number;

// amqplib does not export its codec; measuring with the encoder that will send the headers is the only exact measure.
const require = createRequire(import.meta.url);
const { encodeTable } = require(join(dirname(require.resolve('amqplib')), 'lib', 'codec.js')) as {
  encodeTable: EncodeTable;
};

/** amqplib's message when a table outgrows its encoding buffer. */
const TABLE_OVERFLOW = /exceeds the \d+ byte encoding buffer/;

let scratch = Buffer.alloc(2 * HEADER_TABLE_LIMIT);

/** Bytes `table` encodes to, its 4-byte length included. Throws what amqplib throws for a value it cannot encode. */
export function encodedTableSize(table: Record<string, unknown>): number {
  for (;;) {
    try {
      return encodeTable(scratch, table, 0);
    } catch (error) {
      // A peer's table is bounded by the broker's frame_max, ours by what we put in: growing ends.
      if (!(error instanceof RangeError && TABLE_OVERFLOW.test(error.message))) throw error;
      scratch = Buffer.alloc(scratch.length * 2);
    }
  }
}

/** Bytes each header adds to its table (name and typed value). Throws what amqplib throws for a value it cannot encode. */
function entrySize(name: string, value: unknown): number {
  return encodedTableSize({ [name]: value }) - 4;
}

/** Room kept for the note of what was dropped: ten header names (shortened), their sizes or why they failed, and a count. */
const NOTE_RESERVE = 4_096;
const NOTE_NAMES = 10;
/** How much of amqplib's reason a dropped header's note quotes (amqplib may quote the whole value). */
const REASON_CHARS = 80;
/** How much of a dropped header's name the note quotes: a peer's 255 bytes of invalid UTF-8 decode to 765. */
const NAME_CHARS = 64;

function shortened(name: string): string {
  return name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS)}...` : name;
}

/**
 * `headers` made sendable: a header amqplib cannot encode again goes (a peer's table may decode to
 * values amqplib reads as its typed-value notation, or to numbers past what it can write), then, if
 * the table would not fit `HEADER_TABLE_LIMIT`, the largest headers that `keep` does not protect
 * go first, then the largest protected ones. What went, and why, is said in the header `noteName`
 * (`big (70012 bytes), odd (cannot be encoded: Unknown type to encode: bogus)`), which is returned too.
 */
export function fitHeaders(
  headers: Record<string, unknown>,
  keep: (name: string) => boolean,
  noteName: string,
  /** What else was left out of the message (`fitProperties`), named first in the note. */
  droppedElsewhere: readonly string[] = [],
): { headers: Record<string, unknown>; note?: string } {
  if (droppedElsewhere.length === 0 && tableSizeIfEncodable(headers) <= HEADER_TABLE_LIMIT) return { headers };
  const fitted = { ...headers };
  const dropped = [...droppedElsewhere];
  const sized: { name: string; bytes: number; kept: boolean }[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    try {
      sized.push({ name, bytes: entrySize(name, value), kept: keep(name) });
    } catch (error) {
      delete fitted[name];
      dropped.push(`${shortened(name)} (cannot be encoded: ${describeError(error).slice(0, REASON_CHARS)})`);
    }
  }
  let size = 4 + sized.reduce((sum, { bytes }) => sum + bytes, 0);
  const budget = HEADER_TABLE_LIMIT - NOTE_RESERVE;
  // Unprotected before protected, each largest first.
  sized.sort((a, b) => Number(a.kept) - Number(b.kept) || b.bytes - a.bytes);
  for (const { name, bytes } of sized) {
    if (size <= budget) break;
    delete fitted[name];
    size -= bytes;
    dropped.push(`${shortened(name)} (${bytes} bytes)`);
  }
  const more = dropped.length - NOTE_NAMES;
  const note = dropped.slice(0, NOTE_NAMES).join(', ') + (more > 0 ? `, and ${more} more` : '');
  fitted[noteName] = note;
  return { headers: fitted, note };
}

/** An AMQP short string (content_type, message_id, correlation_id, type) holds at most this many bytes. */
const SHORT_STRING_LIMIT = 255;
/** amqplib writes a timestamp as an unsigned 64-bit integer. */
const TIMESTAMP_LIMIT = 2 ** 64;

/**
 * A delivered message's properties without those amqplib cannot send again, and a note for each
 * left out: the broker passes any bytes in a short string, amqplib decodes invalid UTF-8 as U+FFFD
 * (three bytes each), so a peer's 255 bytes may come back as 765; a peer's timestamp past 2^53
 * decodes rounded, possibly to 2^64.
 */
export function fitProperties<T extends Record<string, unknown>>(
  properties: T,
): { properties: Partial<T>; dropped: string[] } {
  const fitted: Partial<T> = { ...properties };
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    let why: string | undefined;
    if (typeof value === 'string' && Buffer.byteLength(value) > SHORT_STRING_LIMIT)
      why = `${Buffer.byteLength(value)} bytes, a short string holds ${SHORT_STRING_LIMIT}`;
    else if (typeof value === 'number' && !(value >= 0 && value < TIMESTAMP_LIMIT))
      why = `${value} is not a 64-bit unsigned integer`;
    if (why === undefined) continue;
    delete fitted[name];
    dropped.push(`${name} (cannot be encoded: ${why})`);
  }
  return { properties: fitted, dropped };
}

/** The table's encoded size, or Infinity when amqplib cannot encode one of its values. */
function tableSizeIfEncodable(table: Record<string, unknown>): number {
  try {
    return encodedTableSize(table);
  } catch {
    return Infinity;
  }
}

/**
 * The error for a publish amqplib refused to encode (a header table too large, a property too long,
 * a value of a type AMQP has no encoding for), or undefined if `error` is something else (amqplib
 * throws on a closed channel too: that one is the channel's fault, not the message's).
 */
export function encodeFailure(
  destination: string,
  headers: Record<string, unknown> | undefined,
  error: unknown,
): MessagingError | undefined {
  if (!(error instanceof RangeError || error instanceof TypeError)) return undefined;
  if (headers && error instanceof RangeError && TABLE_OVERFLOW.test(error.message)) {
    return new MessageTooLargeError(destination, 'headers', encodedTableSize(headers), HEADER_TABLE_LIMIT);
  }
  return new MessageEncodeError(destination, error.message);
}
