/**
 * Test helper: a peer that sends bytes amqplib never would (invalid UTF-8, a table where amqplib
 * wrote a byte array). While `run` runs, every chunk the connection writes to its socket goes
 * through `rewrite` first, which changes it in place (same length: frame sizes stay right).
 */
import type { ChannelModel } from 'amqplib';

type Writable = { write: (chunk: unknown, ...rest: unknown[]) => boolean };

export async function whileRewriting(
  model: ChannelModel,
  rewrite: (chunk: Buffer) => void,
  run: () => Promise<void>,
): Promise<void> {
  // amqplib keeps the socket on its connection object; nothing public reaches it.
  const stream = (model as unknown as { connection: { stream: Writable } }).connection.stream;
  const write = stream.write;
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk)) rewrite(chunk);
    return write.call(stream, chunk, ...rest);
  };
  try {
    await run();
  } finally {
    stream.write = write;
  }
}
