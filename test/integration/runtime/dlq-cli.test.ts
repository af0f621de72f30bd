import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestVhost, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import { DEAD_LETTER_QUEUE, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

const run = promisify(execFile);

let vhost: TestVhost;
let bus: ServiceConnection;
let healed = false;
const handled: string[] = [];

function dlq(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('npx', ['tsx', 'runtime/cli/dlq.ts', ...args], { env: { ...process.env, RABBITMQ_URL: vhost.url } });
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-dlq-cli');
  const onOrder = (payload: OrderPlaced): void => {
    if (!healed) throw new Error(`billing is down for ${payload.order_id}`);
    handled.push(payload.order_id);
  };
  bus = await connectService(ordersDefinition(), { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} }, { url: vhost.url, logger: testLogger() });
  await Promise.all(['d1', 'd2'].map((id) => bus.publish('orderPlaced', { order_id: id }, { order_id: id, amount: 1 })));
  await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 2, { timeoutMs: 10_000, what: 'two dead letters' });
});

afterAll(async () => {
  await bus?.close();
  await vhost?.dispose();
});

describe('dlq CLI', () => {
  it('lists dead letters with their reasons and leaves them in the queue', async () => {
    const { stdout } = await dlq('list', DEAD_LETTER_QUEUE);
    expect(stdout).toContain(`${DEAD_LETTER_QUEUE}: 2 message(s)`);
    expect(stdout).toContain('x-dead-letter-reason: handler_failed');
    expect(stdout).toContain('x-error: billing is down for d1');
    expect(stdout).toContain('x-original-routing-key: order.d2.placed');
    expect(stdout).toContain('"order_id":"d1"');
    await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 2, { timeoutMs: 5_000, what: 'the messages to be back in the queue' });
  });

  it('replays dead letters to their original route, where they are handled afresh', async () => {
    healed = true;
    const { stdout } = await dlq('replay', DEAD_LETTER_QUEUE);
    expect(stdout).toContain('replayed 2, left 0');
    await waitFor(() => handled.length === 2, { timeoutMs: 5_000, what: 'the replayed messages to be handled' });
    expect(handled.sort()).toEqual(['d1', 'd2']);
    expect((await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages).toBe(0);
  });

  it('fails with usage for an unknown command', async () => {
    await expect(dlq('purge', DEAD_LETTER_QUEUE)).rejects.toMatchObject({ code: 2 });
  });
});
