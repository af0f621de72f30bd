/**
 * The connection manager only ever keeps a live connection: one that dies during setup, even after
 * setup's last reply and before the manager adopts it, counts as a failed attempt and is replaced.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { createTestVhost, killConnections, type TestVhost } from '../../support/broker.js';
import { testLogger } from '../../support/definitions.js';
import { ConnectionManager } from '../../../runtime/connection.js';
import { resolveConfig } from '../../../runtime/config.js';

let vhost: TestVhost;

beforeAll(async () => {
  vhost = await createTestVhost('runtime-connection');
});

afterAll(async () => {
  await vhost?.dispose();
});

it('replaces a connection that the broker closes at the very end of setup', async () => {
  let setups = 0;
  const manager = new ConnectionManager(resolveConfig('connection-test', { url: vhost.url }), testLogger(), {
    role: 'test',
    setup: async (model) => {
      setups += 1;
      if (setups > 1) return;
      // Setup's work is done; the broker cuts the connection, and setup returns only once the client has seen the close.
      const closed = new Promise((resolve) => model.once('close', resolve));
      await killConnections(vhost, 'closed at the end of setup');
      await closed;
    },
  });
  try {
    await manager.start();
    expect(setups).toBe(2);
    const channel = await manager.current!.createChannel();
    await channel.close();
  } finally {
    await manager.close();
  }
});

it('writes the frames of one tick in one system call on the connections it opens', async () => {
  const manager = new ConnectionManager(resolveConfig('connection-test', { url: vhost.url }), testLogger(), {
    role: 'test',
    setup: async () => undefined,
  });
  try {
    await manager.start();
    const model = manager.current!;
    // amqplib keeps its socket at `connection.stream`; coalesceWrites relies on that (amqplib is pinned).
    const socket = (model as unknown as { connection: { stream: Socket } }).connection.stream;
    const channel = await model.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    const bytesBefore = socket.bytesWritten;
    const writevCalls = countCalls(socket, '_writev');
    for (let i = 0; i < 50; i++) channel.sendToQueue(queue, Buffer.from(`message ${i}`));
    await channel.waitForConfirms();
    expect(writevCalls()).toBeGreaterThan(0);
    expect(writevCalls()).toBeLessThan(50);
    expect(socket.bytesWritten).toBeGreaterThan(bytesBefore);
    expect((await channel.checkQueue(queue)).messageCount).toBe(50);
  } finally {
    await manager.close();
  }
});

function countCalls(target: object, method: string): () => number {
  let calls = 0;
  const original = (target as Record<string, (...args: unknown[]) => unknown>)[method]!;
  (target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  return () => calls;
}
