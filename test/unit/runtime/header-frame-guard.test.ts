/**
 * The guard on amqplib's own connection class, fed the frames a broker sends for a delivery whose
 * header table is nested too deep: amqplib alone throws (and closes the connection); guarded, the
 * message comes through without its headers, with a reason, and the frames after it still do.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChannelModel } from 'amqplib';
import { ConfigError } from '../../../runtime/errors.js';
import {
  MAX_HEADER_DEPTH,
  SUPPORTED_AMQPLIB,
  guardFrameReader,
  guardHeaderFrames,
  nestsDeeperThan,
  undecodableHeaders,
  type FrameReader,
} from '../../../runtime/header-frame-guard.js';
import { OVERFLOWING_DEPTH, OVERFLOW_REASON, nestedTableBytes, retagAsTable } from '../../support/deep-header.js';

const require = createRequire(import.meta.url);
const amqplibLib = join(dirname(require.resolve('amqplib')), 'lib');
const { Connection } = require(join(amqplibLib, 'connection.js')) as {
  Connection: new (stream: PassThrough) => FrameReader;
};
const { encodeProperties } = require(join(amqplibLib, 'defs.js')) as {
  encodeProperties: (id: number, channel: number, size: number, fields: object) => Buffer;
};
const { makeBodyFrame } = require(join(amqplibLib, 'frame.js')) as {
  makeBodyFrame: (channel: number, payload: Buffer) => Buffer;
};

const BASIC_PROPERTIES = 60;
const CHANNEL = 1;
const BODY = Buffer.from('{"order_id":"deep"}');

/** A content header frame as the broker sends it: headers `{ deep: <nested depth levels> }` beside other properties. */
function contentHeaderFrame(depth: number): Buffer {
  const nested = nestedTableBytes(depth);
  const frame = encodeProperties(BASIC_PROPERTIES, CHANNEL, BODY.length, {
    contentType: 'application/json',
    messageId: 'deep-1',
    headers: { peer: 'note', deep: nested },
  });
  if (!retagAsTable(frame, nested)) throw new Error('nested table not in the frame');
  return frame;
}

/** amqplib's connection reading from a socket stand-in, optionally guarded. */
function connection(guarded: boolean): { reader: FrameReader; socket: PassThrough } {
  const socket = new PassThrough();
  const reader = new Connection(socket);
  if (guarded) guardFrameReader(reader);
  return { reader, socket };
}

type Frame = {
  channel: number;
  fields: { headers: Record<string, unknown>; messageId?: string; contentType?: string };
  content?: Buffer;
};

describe('the header frame guard', () => {
  it('is needed: amqplib alone cannot decode the frame', () => {
    const { reader, socket } = connection(false);
    socket.write(contentHeaderFrame(OVERFLOWING_DEPTH));
    expect(() => reader.recvFrame()).toThrow(RangeError);
  });

  it('delivers a message whose header table overflows the decoder without its headers, with the reason, and reads on', () => {
    const { reader, socket } = connection(true);
    socket.write(contentHeaderFrame(OVERFLOWING_DEPTH));
    socket.write(makeBodyFrame(CHANNEL, BODY));

    const header = reader.recvFrame() as Frame;
    expect(header.fields).toMatchObject({ headers: {}, messageId: 'deep-1', contentType: 'application/json' });
    expect(undecodableHeaders(header.fields)).toBe(OVERFLOW_REASON);
    expect((reader.recvFrame() as Frame).content).toEqual(BODY);
  });

  it('does the same when the frame arrives in pieces', () => {
    const { reader, socket } = connection(true);
    const frame = contentHeaderFrame(OVERFLOWING_DEPTH);
    socket.write(frame.subarray(0, 1_000));
    expect(reader.recvFrame()).toBe(false);
    socket.write(frame.subarray(1_000));

    const header = reader.recvFrame() as Frame;
    expect(header.fields.messageId).toBe('deep-1');
    expect(undecodableHeaders(header.fields)).toBe(OVERFLOW_REASON);
  });

  it(`drops a header table that decodes but nests deeper than ${MAX_HEADER_DEPTH} levels`, () => {
    const { reader, socket } = connection(true);
    socket.write(contentHeaderFrame(MAX_HEADER_DEPTH - 1));

    const header = reader.recvFrame() as Frame;
    expect(header.fields).toMatchObject({ headers: {}, messageId: 'deep-1' });
    expect(undecodableHeaders(header.fields)).toBe(`the header table nests deeper than ${MAX_HEADER_DEPTH} levels`);
  });

  it('keeps headers nested within the limit as they came', () => {
    const { reader, socket } = connection(true);
    socket.write(contentHeaderFrame(MAX_HEADER_DEPTH - 2));

    const header = reader.recvFrame() as Frame;
    // headers, `deep`, then the nested levels: exactly the limit
    expect(nestsDeeperThan(header.fields.headers, MAX_HEADER_DEPTH - 1)).toBe(true);
    expect(header.fields.headers.peer).toBe('note');
    expect(undecodableHeaders(header.fields)).toBeUndefined();
  });
});

describe('guardHeaderFrames', () => {
  it('refuses, naming the amqplib release it needs, a connection without the frame reader it wraps', () => {
    const withoutReader = { connection: { rest: Buffer.alloc(0), maxFrameSize: 0 } } as unknown as ChannelModel;
    expect(() => guardHeaderFrames(withoutReader)).toThrow(ConfigError);
    expect(() => guardHeaderFrames(withoutReader)).toThrow(`is amqplib ${SUPPORTED_AMQPLIB} installed?`);
  });
});

describe('nestsDeeperThan', () => {
  it('counts tables and arrays as levels, not byte arrays or scalars', () => {
    expect(nestsDeeperThan('x', 0)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: Buffer.from('bytes') }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: Buffer.from('bytes') }, 0)).toBe(true);
    const xDeath = { 'x-death': [{ 'routing-keys': ['order.placed'] }] };
    expect([nestsDeeperThan(xDeath, 3), nestsDeeperThan(xDeath, 4)]).toEqual([true, false]);
  });
});
