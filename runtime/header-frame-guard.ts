/**
 * A peer's header table that cannot be decoded must cost one message, not the connection.
 *
 * amqplib 2.3.1 decodes a delivery's header table recursively, in its frame reader, before any
 * consumer sees the message: a table nested a few thousand levels deep (the broker passes it, up to
 * `frame_max`) overflows the stack there, and amqplib closes the whole connection as a frame error.
 * The message goes back to the queue and closes the next connection too, for ever. No amqplib
 * option or event reaches that point, so this wraps the one seam it leaves: the connection object's
 * `recvFrame`, looked up on the object for every frame. A content header that fails to decode is
 * decoded again without its header table (amqplib's own decoder, on the frame with the table cut
 * out), and the message is delivered with empty headers and a reason (`undecodableHeaders`), for
 * the consumer to dead-letter. A table that decodes but nests deeper than `MAX_HEADER_DEPTH` is
 * replaced the same way, so nothing after (our republish encodes headers recursively too) can
 * overflow on it.
 *
 * The seam is amqplib's internals: it is pinned to `SUPPORTED_AMQPLIB` and checked when this module
 * loads and on every connection, failing start-up with a clear error rather than running unguarded.
 * The alternatives do not hold: a patch of node_modules (patch-package) needs a postinstall step in
 * every install and is a vendored copy of amqplib's code; rejecting the delivery by its tag after
 * the failure is too late, amqplib has already torn the connection down (and a tag means nothing on
 * the next one); counting deliveries that kill connections still loses a connection per delivery,
 * and every message prefetched behind it is handed back with it.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChannelModel } from 'amqplib';
import { ConfigError } from './errors.js';

/** The amqplib release whose frame reader this wraps; another one must be checked and pinned here. */
export const SUPPORTED_AMQPLIB = '2.3.1';

/** Deepest nesting of tables and arrays a header table may have (RabbitMQ's own `x-death`, an array of tables of arrays, reaches four). */
export const MAX_HEADER_DEPTH = 64;

interface RawFrame {
  type: number;
  channel: number;
  size: number;
  payload: Buffer;
}
interface DecodedFrame {
  id?: number;
  fields?: { headers?: unknown };
}
type ParseFrame = (bytes: Buffer, maxFrameSize: number) => RawFrame | false;
type DecodeFrame = (frame: RawFrame) => DecodedFrame;
/** What the guard uses of amqplib's connection object. */
export interface FrameReader {
  rest: Buffer;
  maxFrameSize: number;
  recvFrame(): DecodedFrame | false;
}

const FRAME_HEADER = 2;
/** Class id of basic.properties: the id amqplib gives a decoded content header. */
const BASIC_PROPERTIES = 60;
/** A content header's payload: class id (2), weight (2), body size (8), then the property flags. */
const PROPERTY_FLAGS_AT = 12;
const HAS_CONTENT_TYPE = 0x8000;
const HAS_CONTENT_ENCODING = 0x4000;
const HAS_HEADERS = 0x2000;

const amqplibDir = dirname(createRequire(import.meta.url).resolve('amqplib'));
const { parseFrame, decodeFrame } = loadFrameCodec();

function loadFrameCodec(): { parseFrame: ParseFrame; decodeFrame: DecodeFrame } {
  const { version } = JSON.parse(readFileSync(join(amqplibDir, 'package.json'), 'utf8')) as { version: string };
  const codec = createRequire(import.meta.url)(join(amqplibDir, 'lib', 'frame.js')) as Partial<{
    parseFrame: ParseFrame;
    decodeFrame: DecodeFrame;
  }>;
  if (
    version !== SUPPORTED_AMQPLIB ||
    typeof codec.parseFrame !== 'function' ||
    typeof codec.decodeFrame !== 'function'
  ) {
    throw new ConfigError(
      `amqplib ${version} is installed, but runtime/header-frame-guard.ts guards the frame reader of amqplib ${SUPPORTED_AMQPLIB} ` +
        `(lib/frame.js parseFrame/decodeFrame, Connection#recvFrame): install amqplib ${SUPPORTED_AMQPLIB}, or check the seam against the new release and update SUPPORTED_AMQPLIB`,
    );
  }
  return { parseFrame: codec.parseFrame, decodeFrame: codec.decodeFrame };
}

const undecodable = new WeakMap<object, string>();

/** Why a delivered message's header table was left out (its `properties`, as amqplib delivered them), or undefined if it was not. */
export function undecodableHeaders(properties: object): string | undefined {
  return undecodable.get(properties);
}

/** Installs the guard on the connection under `model`; throws `ConfigError` if amqplib's connection is not shaped as expected. */
export function guardHeaderFrames(model: ChannelModel): void {
  const connection = (model as unknown as { connection?: Partial<FrameReader> }).connection;
  if (!isFrameReader(connection)) {
    throw new ConfigError(
      `amqplib's connection has no frame reader where runtime/header-frame-guard.ts expects it (Connection#recvFrame, #rest): is amqplib ${SUPPORTED_AMQPLIB} installed?`,
    );
  }
  guardFrameReader(connection);
}

/** Wraps `reader.recvFrame` (exported for the unit test, which runs it on amqplib's own connection class). */
export function guardFrameReader(reader: FrameReader): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the reader as `this` below
  const recvFrame = reader.recvFrame;
  reader.recvFrame = function guardedRecvFrame(this: FrameReader) {
    const unread = this.rest;
    let decoded: DecodedFrame | false;
    try {
      decoded = recvFrame.call(this);
    } catch (error) {
      // amqplib advanced past the frame before decoding it; when it read more from the socket first, the inner call (through this wrapper) handled the frame.
      const frame = parseFrame(unread, this.maxFrameSize);
      const withoutHeaders = frame && frame.type === FRAME_HEADER ? withoutHeaderTable(frame) : undefined;
      if (!withoutHeaders) throw error;
      return dropHeaders(
        decodeFrame(withoutHeaders),
        `the header table could not be decoded (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (decoded && decoded.id === BASIC_PROPERTIES && nestsDeeperThan(decoded.fields?.headers, MAX_HEADER_DEPTH)) {
      return dropHeaders(decoded, `the header table nests deeper than ${MAX_HEADER_DEPTH} levels`);
    }
    return decoded;
  };
}

function isFrameReader(connection: Partial<FrameReader> | undefined): connection is FrameReader {
  return (
    typeof connection?.recvFrame === 'function' &&
    Buffer.isBuffer(connection.rest) &&
    typeof connection.maxFrameSize === 'number'
  );
}

function dropHeaders(decoded: DecodedFrame, reason: string): DecodedFrame {
  if (decoded.fields) {
    decoded.fields.headers = {};
    undecodable.set(decoded.fields, reason);
  }
  return decoded;
}

/** The content header frame with its header table cut out (the table is length-prefixed: no need to parse it), or undefined if it has none. */
function withoutHeaderTable(frame: RawFrame): RawFrame | undefined {
  const { payload } = frame;
  const flags = payload.readUInt16BE(PROPERTY_FLAGS_AT);
  if (!(flags & HAS_HEADERS)) return undefined;
  let at = PROPERTY_FLAGS_AT + 2;
  if (flags & HAS_CONTENT_TYPE) at += 1 + payload.readUInt8(at);
  if (flags & HAS_CONTENT_ENCODING) at += 1 + payload.readUInt8(at);
  const tableEnd = at + 4 + payload.readUInt32BE(at);
  const stripped = Buffer.concat([payload.subarray(0, at), payload.subarray(tableEnd)]);
  stripped.writeUInt16BE(flags & ~HAS_HEADERS, PROPERTY_FLAGS_AT);
  return { ...frame, size: stripped.length, payload: stripped };
}

/** Whether tables and arrays nest in `value` (itself a level) more than `limit` levels deep; walked without recursion, stopping at the first level past the limit. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const containers: object[] = [];
  const depths: number[] = [];
  if (isContainer(value)) {
    containers.push(value);
    depths.push(1);
  }
  while (containers.length > 0) {
    const container = containers.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    // Not `for...in`: over an array (x-death) it is ten times slower.
    const children: unknown[] = Array.isArray(container) ? container : Object.values(container);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (isContainer(child)) {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** A table or an array (amqplib decodes a byte array as a Buffer: not a level). */
function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
