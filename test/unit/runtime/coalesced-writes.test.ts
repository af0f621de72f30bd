import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { coalesceWrites } from '../../../runtime/coalesced-writes.js';

/** A socket stand-in that records each system call it would make: one per `_write`, one per `_writev`. */
function recordingSocket(highWaterMark = 16 * 1024) {
  const calls: string[][] = [];
  const socket = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { socket, calls, model: { connection: { stream: socket } } as unknown as ChannelModel };
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('coalesceWrites', () => {
  it('hands everything written in one tick to the socket in one call', async () => {
    const { socket, calls, model } = recordingSocket();
    expect(coalesceWrites(model)).toBe(true);
    socket.write(Buffer.from('ack 1'));
    socket.write(Buffer.from('ack 2'));
    socket.write(Buffer.from('ack 3'));
    expect(calls).toEqual([]);
    await nextTick();
    expect(calls).toEqual([['ack 1', 'ack 2', 'ack 3']]);

    socket.write(Buffer.from('publish 4'));
    await nextTick();
    expect(calls).toEqual([['ack 1', 'ack 2', 'ack 3'], ['publish 4']]);
  });

  it('still signals backpressure above the high-water mark, and drains after the flush', async () => {
    const { socket, calls, model } = recordingSocket(8);
    coalesceWrites(model);
    expect(socket.write(Buffer.from('12345'))).toBe(true);
    expect(socket.write(Buffer.from('67890'))).toBe(false);
    const drained = new Promise<void>((resolve) => socket.once('drain', resolve));
    await drained;
    expect(calls).toEqual([['12345', '67890']]);
  });

  it('changes nothing when amqplib has no socket where expected', () => {
    expect(coalesceWrites({} as ChannelModel)).toBe(false);
    expect(coalesceWrites({ connection: { stream: {} } } as unknown as ChannelModel)).toBe(false);
  });
});
