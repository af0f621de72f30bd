/**
 * `npm run contract:verify-broker` against the real broker, in a vhost of its own: the contract's
 * topology imported from generated/definitions.json agrees (with a running instance's
 * per-instance queue and a server-named queue beside it); a queue deleted behind the contract's
 * back and a changed argument are both reported, and the command exits 1.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, management, type TestVhost } from '../../support/broker.js';

const REPO = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

let vhost: TestVhost;
let instance: ChannelModel;

async function verifyBroker(): Promise<{ code: number; output: string }> {
  const env = { ...process.env, RABBITMQ_VHOST: vhost.name };
  try {
    const { stdout, stderr } = await run(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'generator/broker/cli.ts')], {
      cwd: REPO,
      env,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const queuePath = (name: string) => `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(name)}`;

beforeAll(async () => {
  vhost = await createTestVhost('verify-broker');
  const definitions = JSON.parse(readFileSync(join(REPO, 'generated/definitions.json'), 'utf8')) as unknown;
  await management('POST', `/definitions/${encodeURIComponent(vhost.name)}`, definitions);
  // A running collaboration-service instance: its own code-updates queue, bound for the one session it hosts, and a server-named queue.
  instance = await connect(vhost.url);
  const channel = await instance.createChannel();
  const perInstance = 'collaboration.code_updates.host-1234-ab12';
  await channel.assertQueue(perInstance, { exclusive: true, durable: false, autoDelete: true });
  await channel.bindQueue(
    perInstance,
    'collaboration.events',
    'session.3d6f0a4e-7b1c-4d2e-9f8a-1c2b3d4e5f60.code_updated',
  );
  await channel.bindQueue(perInstance, 'collaboration.events', 'session.3d6f0a4e-7b1c-4d2e-9f8a-1c2b3d4e5f60.ended');
  await channel.assertQueue('', { exclusive: true });
});

afterAll(async () => {
  await instance?.close();
  await vhost?.dispose();
});

describe('contract:verify-broker', () => {
  it('agrees with the contract as imported, ignoring instance suffixes and server-named queues', async () => {
    const { code, output } = await verifyBroker();
    expect(output).toContain(`vhost "${vhost.name}" at http://127.0.0.1:15672 agrees with asyncapi.yaml`);
    expect(code).toBe(0);
  });

  it('reports a queue deleted behind its back and an argument changed', async () => {
    await management('DELETE', queuePath('matching.session_events'));
    await management('DELETE', queuePath('matching.user_events.retry.1000ms'));
    await management('PUT', queuePath('matching.user_events.retry.1000ms'), {
      durable: true,
      auto_delete: false,
      arguments: {
        'x-message-ttl': 1500,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'matching.user_events',
      },
    });
    const { code, output } = await verifyBroker();
    expect(output).toContain('missing  queue matching.session_events');
    expect(output).toContain('missing  binding collaboration.events -> matching.session_events (session.*.ended)');
    expect(output).toContain(
      'mismatch queue matching.user_events.retry.1000ms: argument x-message-ttl: contract 1000, broker 1500',
    );
    expect(output).not.toContain('guest');
    expect(code).toBe(1);
  });
});
