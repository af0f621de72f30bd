/**
 * amqplib hands the socket every frame on its own (its muxer loops `socket.write(frame)`), so each
 * ack and each small publish costs a system call and the broker a read: at thousands of messages a
 * second those calls are the larger part of the client's CPU. Corking the socket at the first write
 * of a tick and uncorking on the next tick turns everything written in that tick into one writev.
 * Nothing waits longer than the current tick, and backpressure still works: `write` keeps returning
 * false above the high-water mark and `drain` follows the flush.
 */
import type { ChannelModel } from 'amqplib';
import type { Writable } from 'node:stream';

/** Returns false, changing nothing, if amqplib's connection does not have the socket where this expects it. */
export function coalesceWrites(model: ChannelModel): boolean {
  const socket = (model as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  if (!isCorkable(socket)) return false;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with the socket as `this` below
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function coalescedWrite(this: Writable, ...args: Parameters<Writable['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
  return true;
}

function isCorkable(stream: unknown): stream is Writable {
  const candidate = stream as Partial<Writable> | undefined;
  return (
    typeof candidate?.write === 'function' &&
    typeof candidate.cork === 'function' &&
    typeof candidate.uncork === 'function'
  );
}
