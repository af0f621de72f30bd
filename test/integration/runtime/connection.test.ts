/**
 * The connection manager only ever keeps a live connection: one that dies during setup, even after
 * setup's last reply and before the manager adopts it, counts as a failed attempt and is replaced.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  const manager = new ConnectionManager(resolveConfig('connection-test', { url: vhost.url }), testLogger(), async (model) => {
    setups += 1;
    if (setups > 1) return;
    // Setup's work is done; the broker cuts the connection, and setup returns only once the client has seen the close.
    const closed = new Promise((resolve) => model.once('close', resolve));
    await killConnections(vhost, 'closed at the end of setup');
    await closed;
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
