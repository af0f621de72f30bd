/**
 * Test helper: a header table nested thousands of levels deep, as a hostile peer writes it.
 * amqplib's encoder recurses as its decoder does, so the nesting is sent as the bytes of a byte
 * array (`x`), and the byte array's tag is turned into a table's (`F`) on the wire: same length, so
 * every frame size stays right.
 */
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { whileRewriting } from './wire-tamper.js';

/**
 * Levels that overflow amqplib's recursive decoder with room to spare (it overflows from about
 * 3,700, JIT-warm, on Node 24's default stack), 56 KB: under the 64 KiB amqplib encodes and the
 * broker's frame_max. The broker takes seconds to confirm one into a classic queue (measured: 0.4 s
 * at 2,000 levels, 7-8 s at 8,000), so each test publishes few.
 */
export const OVERFLOWING_DEPTH = 8_000;

/** What the guard says of a header table that overflowed the decoder. */
export const OVERFLOW_REASON = 'the header table could not be decoded (Maximum call stack size exceeded)';

/** The entries of a table `{a: {a: {... {a: {}}}}}`, `depth` levels of `a`, as written on the wire. */
export function nestedTableBytes(depth: number): Buffer {
  let inner = Buffer.alloc(0);
  for (let level = 0; level < depth; level++) {
    const head = Buffer.from([1, 'a'.charCodeAt(0), 'F'.charCodeAt(0), 0, 0, 0, 0]);
    head.writeUInt32BE(inner.length, 3);
    inner = Buffer.concat([head, inner]);
  }
  return inner;
}

/** Turns the byte array `nested` (a header value) in `chunk` into a table, in place; true if it was there. */
export function retagAsTable(chunk: Buffer, nested: Buffer): boolean {
  const byteArray = Buffer.concat([Buffer.from('x'), Buffer.alloc(4), nested.subarray(0, 16)]);
  byteArray.writeUInt32BE(nested.length, 1);
  const at = chunk.indexOf(byteArray);
  if (at < 0) return false;
  chunk[at] = 'F'.charCodeAt(0);
  return true;
}

/** Publishes a message whose header `header` is a table nested `depth` levels deep, and waits for the broker's confirm. */
export async function publishWithNestedHeader(
  model: ChannelModel,
  channel: ConfirmChannel,
  message: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish },
  header: string,
  depth: number,
): Promise<void> {
  const nested = nestedTableBytes(depth);
  let retagged = false;
  await whileRewriting(
    model,
    (chunk) => {
      retagged ||= retagAsTable(chunk, nested);
    },
    async () => {
      channel.publish(message.exchange, message.routingKey, message.content, {
        ...message.options,
        headers: { ...message.options.headers, [header]: nested },
      });
      await channel.waitForConfirms();
    },
  );
  if (!retagged)
    throw new Error('the nested header table was not found on the wire: the message went out as a byte array');
}
