import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import { createTestVhost, queueState, waitFor, type TestVhost } from '../../support/broker.js';
import { OVERFLOWING_DEPTH, OVERFLOW_REASON, publishWithNestedHeader } from '../../support/deep-header.js';
import { startTlsListener, type TlsListener } from '../security/tls-listener.js';
import { connectService, type ConsumeContext, type ServiceConnection } from '../../../runtime/index.js';
import { DEAD_LETTER_QUEUE, EXCHANGE, ordersDefinition, testLogger, type OrderPlaced } from './_fixtures.js';

const run = promisify(execFile);
/** Another consumer of the same routing key (another service, a Python consumer), declared plainly. */
const AUDIT_QUEUE = 'audit.orders';

let vhost: TestVhost;
let bus: ServiceConnection;
let raw: ChannelModel;
let listener: TlsListener;
let healed = false;
const handled: { payload: OrderPlaced; context: ConsumeContext }[] = [];

function dlq(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run('npx', ['tsx', 'runtime/cli/dlq.ts', ...args], {
    env: { ...process.env, RABBITMQ_URL: vhost.url, ...env },
  });
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-dlq-cli');
  listener = await startTlsListener();
  const onOrder = (payload: OrderPlaced, context: ConsumeContext): void => {
    if (!healed) throw new Error(`billing is down for ${payload.order_id}`);
    handled.push({ payload, context });
  };
  bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
  raw = await connect(vhost.url);
  const channel = await raw.createChannel();
  await channel.assertQueue(AUDIT_QUEUE, { durable: true });
  await channel.bindQueue(AUDIT_QUEUE, EXCHANGE, 'order.*.placed');
  await channel.close();
  await Promise.all(
    ['d1', 'd2'].map((id) => bus.publish('orderPlaced', { order_id: id }, { order_id: id, amount: 1 })),
  );
  await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 2, {
    timeoutMs: 10_000,
    what: 'two dead letters',
  });
});

afterAll(async () => {
  await bus?.close();
  await raw?.close();
  await listener?.stop();
  await vhost?.dispose();
});

describe('dlq CLI', () => {
  it('lists dead letters with their reasons and leaves them in the queue', async () => {
    const { stdout } = await dlq(['list', DEAD_LETTER_QUEUE]);
    expect(stdout).toContain(`${DEAD_LETTER_QUEUE}: 2 message(s)`);
    expect(stdout).toContain('x-dead-letter-reason: handler_failed');
    expect(stdout).toContain('x-error: billing is down for d1');
    expect(stdout).toContain('x-original-routing-key: order.d2.placed');
    expect(stdout).toContain('"order_id":"d1"');
    await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages === 2, {
      timeoutMs: 5_000,
      what: 'the messages to be back in the queue',
    });
  });

  it('lists a dead letter whose header table nests too deep to decode (the broker dead-letters as it got), saying its headers were left out', async () => {
    const queue = 'billing.deep-headers.dlq';
    const channel = await raw.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    await publishWithNestedHeader(
      raw,
      channel,
      {
        exchange: '',
        routingKey: queue,
        content: Buffer.from('{"order_id":"deep"}'),
        options: { messageId: 'deep-headers' },
      },
      'x-peer-nesting',
      OVERFLOWING_DEPTH,
    );
    await channel.close();

    const { stdout } = await dlq(['list', queue]);
    expect(stdout).toContain(`${queue}: 1 message(s)`);
    expect(stdout).toContain('#1 message_id=deep-headers');
    expect(stdout).toContain(`  headers left out: ${OVERFLOW_REASON}`);
    expect(stdout).toContain('"order_id":"deep"');
  });

  it('connects over amqps with the CA, client certificate and key of RABBITMQ_*_FILE', async () => {
    const { ca, cert, key } = listener.client;
    const { stdout } = await dlq(['list', DEAD_LETTER_QUEUE], {
      RABBITMQ_URL: listener.urlFor(vhost.url),
      RABBITMQ_CA_FILE: ca,
      RABBITMQ_CERT_FILE: cert,
      RABBITMQ_KEY_FILE: key,
    });
    expect(stdout).toContain(`${DEAD_LETTER_QUEUE}: 2 message(s)`);
  });

  it('names the masked URL, never the password, when TLS verification fails', async () => {
    const { cert, key } = listener.client;
    const failure = await dlq(['list', DEAD_LETTER_QUEUE], {
      RABBITMQ_URL: listener.urlFor(vhost.url),
      RABBITMQ_CA_FILE: listener.untrustedCa,
      RABBITMQ_CERT_FILE: cert,
      RABBITMQ_KEY_FILE: key,
    }).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
    expect(failure).toMatchObject({ code: 3 });
    const { stdout, stderr } = failure;
    expect(stderr).toContain(`TLS connection to amqps://${vhost.user}:***@localhost:${listener.port}/`);
    expect(stdout + stderr).not.toContain(new URL(vhost.url).password);
  });

  it('replays dead letters into the queue they failed in only, where they are handled afresh by their original route', async () => {
    const auditBefore = (await queueState(vhost.name, AUDIT_QUEUE)).messages;
    healed = true;
    const { stdout } = await dlq(['replay', DEAD_LETTER_QUEUE]);
    expect(stdout).toContain('replayed 2, left 0');
    // Every replay was confirmed before the CLI exited: a copy routed to the audit queue would be there now.
    const duplicates = (await queueState(vhost.name, AUDIT_QUEUE)).messages - auditBefore;
    console.log(`[dlq replay] ${duplicates} duplicate(s) delivered to ${AUDIT_QUEUE}`);
    expect(duplicates).toBe(0);
    await waitFor(() => handled.length === 2, { timeoutMs: 5_000, what: 'the replayed messages to be handled' });
    expect(handled.map((h) => h.payload.order_id).sort()).toEqual(['d1', 'd2']);
    for (const { payload, context } of handled) {
      expect(context).toMatchObject({
        exchange: EXCHANGE,
        routingKey: `order.${payload.order_id}.placed`,
        params: { order_id: payload.order_id },
        attempt: 1,
      });
      expect(context.headers).not.toHaveProperty('x-dead-letter-reason');
      expect(context.headers).not.toHaveProperty('x-last-error');
    }
    expect((await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages).toBe(0);
  });

  it('names a queue that does not exist, and nothing else', async () => {
    const failure = (await dlq(['list', 'no.such.queue']).catch((error: unknown) => error)) as {
      code: number;
      stderr: string;
    };
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim().split('\n')).toEqual([
      'hint: "no.such.queue" is not a dead-letter queue; the dead letters of a consumer queue are in "no.such.queue.dlq"',
      'dlq: queue "no.such.queue" does not exist',
      '  hint: dead-letter queues are named after their consumer queue plus ".dlq"; check the name and RABBITMQ_URL\'s vhost',
    ]);
  });

  it('fails with usage for an unknown command', async () => {
    await expect(dlq(['purge', DEAD_LETTER_QUEUE])).rejects.toMatchObject({ code: 2 });
  });
});
