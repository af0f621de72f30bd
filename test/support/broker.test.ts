/** The test helpers themselves, against the real broker: every other test leans on them. */
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestVhost,
  getMessages,
  killConnections,
  listConnections,
  queueState,
  waitFor,
  type TestVhost,
} from './broker.js';

let vhost: TestVhost;
beforeAll(async () => {
  vhost = await createTestVhost('broker-helpers');
});
afterAll(async () => {
  await vhost.dispose();
});

describe('broker helpers', () => {
  it('lists and kills exactly the connections of the vhost user', async () => {
    const connection = await connect(vhost.url);
    const closed = new Promise<Error | undefined>((resolve) => connection.on('close', resolve));
    connection.on('error', () => {});
    expect((await listConnections(vhost)).map((c) => c.vhost)).toEqual([vhost.name]);

    await killConnections(vhost, 'helper test');

    expect(String(await closed)).toContain('helper test');
    await waitFor(async () => (await listConnections(vhost)).length === 0, {
      timeoutMs: 5_000,
      what: 'the tracked connection to go',
    });
  });

  it('counts a queue exactly and takes its messages with their properties', async () => {
    const connection = await connect(vhost.url);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue('helpers.dlq');
      channel.sendToQueue('helpers.dlq', Buffer.from('{"n": 1}'), {
        headers: { 'x-reason': 'because' },
        messageId: 'm-1',
      });
      channel.sendToQueue('helpers.dlq', Buffer.from([0xff, 0x00]));
      await channel.waitForConfirms();

      expect(await queueState(vhost.name, 'helpers.dlq')).toEqual({ messages: 2, consumers: 0 });
      const [first, second] = await getMessages(vhost.name, 'helpers.dlq', 10);
      expect(first).toMatchObject({
        routingKey: 'helpers.dlq',
        body: '{"n": 1}',
        properties: { message_id: 'm-1', headers: { 'x-reason': 'because' } },
      });
      expect(second?.body).toBe(Buffer.from([0xff, 0x00]).toString('utf8'));
      expect(await queueState(vhost.name, 'helpers.dlq')).toEqual({ messages: 0, consumers: 0 });
    } finally {
      await connection.close();
    }
  });

  it('queueState rejects for a missing queue, with nothing left uncaught', async () => {
    await expect(queueState(vhost.name, 'helpers.missing')).rejects.toThrow(/NOT_FOUND - no queue 'helpers.missing'/);
  });

  it('waitFor names what it waited for when it gives up', async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, what: 'a miracle' })).rejects.toThrow(
      'Timed out after 100 ms waiting for a miracle',
    );
  });
});
