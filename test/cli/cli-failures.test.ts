/**
 * Every CLI as a user runs it (a child process): `--help` lists options, environment and exit
 * codes; each failure is one readable line plus a hint, no stack trace, and the documented exit
 * code (docs/cli.md). Broker-bound cases use their own vhost.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, queueState, type TestVhost } from '../support/broker.js';

const REPO = resolve(import.meta.dirname, '../..');
const TSX = resolve(REPO, 'node_modules/.bin/tsx');

const CLIS = {
  generate: 'generator/cli.ts',
  'contract:check': 'generator/contract/cli.ts',
  'contract:verify-broker': 'generator/broker/cli.ts',
  'broker:provision': 'provision/cli.ts',
  dlq: 'runtime/cli/dlq.ts',
  docs: 'generator/docs/cli.ts',
  service: 'services/run.ts',
} as const;
type CliName = keyof typeof CLIS;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI; `onFirstOutput` may close its stdout early, as `| head` does. */
function runCli(
  name: CliName,
  args: string[],
  env: Record<string, string> = {},
  onFirstOutput?: (stdout: NodeJS.ReadableStream & { destroy(): void }) => void,
): Promise<Outcome> {
  return new Promise((done, fail) => {
    const { LOG_LEVEL: _quiet, ...inherited } = process.env;
    const child = spawn(TSX, [CLIS[name], ...args], { cwd: REPO, env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (onFirstOutput !== undefined && stdout === '') onFirstOutput(child.stdout);
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** One line `<cli>: ...` and one `  hint: ...`, and no stack trace. */
function expectOneLineAndHint(outcome: Outcome, name: CliName, line: RegExp, hint: RegExp): void {
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
  expect(lines, outcome.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^${name}: `));
  expect(lines[0]).toMatch(line);
  expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(lines[1]).toMatch(hint);
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

let vhost: TestVhost;
let deadPort: number;
const DLQ = 'cli.orders.dlq';
const LIVE_QUEUE = 'cli.orders';
const DEAD_LETTERS = 300;

beforeAll(async () => {
  vhost = await createTestVhost('cli-failures');
  deadPort = await closedPort();
  const connection = await connect(vhost.url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(DLQ, { durable: true });
  await channel.assertQueue(LIVE_QUEUE, { durable: true });
  const body = Buffer.from(JSON.stringify({ order_id: 'x'.repeat(400) }));
  for (let i = 0; i < DEAD_LETTERS; i++)
    channel.sendToQueue(DLQ, body, { messageId: `m${i}`, headers: { 'x-dead-letter-reason': 'handler-failed' } });
  await channel.waitForConfirms();
  await connection.close();
});

afterAll(async () => {
  await vhost?.dispose();
});

describe('--help of every CLI lists its options, environment and exit codes', () => {
  it.each(Object.keys(CLIS) as CliName[])('%s', async (name) => {
    const outcome = await runCli(name, ['--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^usage: npm run /);
    expect(outcome.stdout).toContain('environment:');
    expect(outcome.stdout).toMatch(/exit codes: 0 [\s\S]*\b2 bad usage/);
  });
});

describe('a wrong command line: one line, a hint, exit 2', () => {
  it.each(Object.keys(CLIS) as CliName[])('%s', async (name) => {
    const outcome = await runCli(name, name === 'dlq' || name === 'service' ? ['bogus'] : ['--bogus']);
    expect(outcome.code).toBe(2);
    expectOneLineAndHint(outcome, name, /unknown/i, /./);
  });
});

describe('contract:verify-broker', () => {
  it('management API down: names the URL, hints at starting it, exit 3', async () => {
    const outcome = await runCli('contract:verify-broker', [], {
      RABBITMQ_MANAGEMENT_URL: `http://127.0.0.1:${deadPort}`,
    });
    expect(outcome.code).toBe(3);
    expectOneLineAndHint(
      outcome,
      'contract:verify-broker',
      new RegExp(`cannot reach the RabbitMQ management API at http://127.0.0.1:${deadPort} \\(ECONNREFUSED\\)`),
      /ensure-broker\.sh|RABBITMQ_MANAGEMENT_URL/,
    );
  });

  it('unknown vhost: names it, hints at --vhost and provisioning, exit 3', async () => {
    const outcome = await runCli('contract:verify-broker', ['--vhost', `${vhost.name}-missing`]);
    expect(outcome.code).toBe(3);
    expectOneLineAndHint(
      outcome,
      'contract:verify-broker',
      new RegExp(`vhost "${vhost.name}-missing" does not exist`),
      /--vhost.*broker:provision/,
    );
  });
});

describe('dlq', () => {
  it('--help says <queue> is the .dlq queue', async () => {
    expect((await runCli('dlq', ['--help'])).stdout).toMatch(
      /<queue> is a dead-letter queue: the consumer queue's name plus "\.dlq"/,
    );
  });

  it('list | head: exits 0 without EPIPE, and every dead letter stays in the queue', async () => {
    const outcome = await runCli('dlq', ['list', DLQ], { RABBITMQ_URL: vhost.url }, (stdout) => stdout.destroy());
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    await expect.poll(async () => (await queueState(vhost.name, DLQ)).messages, { timeout: 10_000 }).toBe(DEAD_LETTERS);
  });

  it('list on a live queue: lists it, with a hint naming its dead-letter queue', async () => {
    const outcome = await runCli('dlq', ['list', LIVE_QUEUE], { RABBITMQ_URL: vhost.url });
    expect(outcome.code).toBe(0);
    expect(outcome.stderr.trim()).toBe(
      `hint: "${LIVE_QUEUE}" is not a dead-letter queue; the dead letters of a consumer queue are in "${LIVE_QUEUE}.dlq"`,
    );
    expect(outcome.stdout).toContain(`${LIVE_QUEUE}: 0 message(s)`);
  });

  it('a queue that does not exist: one line, a hint, exit 1', async () => {
    const outcome = await runCli('dlq', ['list', 'no.such.queue.dlq'], { RABBITMQ_URL: vhost.url });
    expect(outcome.code).toBe(1);
    expectOneLineAndHint(outcome, 'dlq', /queue "no\.such\.queue\.dlq" does not exist/, /\.dlq/);
  });

  it('no broker: one line with the URL (password hidden), a hint, exit 3', async () => {
    // Built from parts so that no literal credential URL sits in the repository.
    const [user, password, masked] = ['someone', 's3cret', '[*]{3}'];
    const outcome = await runCli('dlq', ['list', DLQ], {
      RABBITMQ_URL: `amqp://${user}:${password}@127.0.0.1:${deadPort}`,
    });
    expect(outcome.code).toBe(3);
    expectOneLineAndHint(
      outcome,
      'dlq',
      new RegExp(`could not connect to amqp://${user}:${masked}@127.0.0.1:${deadPort}`),
      /ensure-broker\.sh|RABBITMQ_URL/,
    );
    expect(outcome.stderr).not.toContain('s3cret');
  });
});

describe('broker:provision', () => {
  it('--help lists every variable it needs', async () => {
    const { stdout } = await runCli('broker:provision', ['--help']);
    for (const variable of [
      'RABBITMQ_MANAGEMENT_URL',
      'RABBITMQ_ADMIN_USER',
      'RABBITMQ_ADMIN_PASSWORD',
      'PEERPREP_USER_SERVICE_PASSWORD',
      'PEERPREP_MATCHING_SERVICE_PASSWORD',
    ]) {
      expect(stdout).toContain(variable);
    }
  });

  it('without the admin variables: names them, exit 3', async () => {
    const outcome = await runCli('broker:provision', ['--vhost', vhost.name], {
      RABBITMQ_ADMIN_USER: '',
      RABBITMQ_ADMIN_PASSWORD: '',
    });
    expect(outcome.code).toBe(3);
    expectOneLineAndHint(
      outcome,
      'broker:provision',
      /RABBITMQ_ADMIN_USER and RABBITMQ_ADMIN_PASSWORD are not set/,
      /--help/,
    );
  });
});

describe('service', () => {
  it('no broker: one line and a hint instead of retries and a stack, exit 3', async () => {
    const outcome = await runCli('service', ['question-service'], { RABBITMQ_URL: `amqp://127.0.0.1:${deadPort}` });
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expectOneLineAndHint(outcome, 'service', /could not connect to amqp:\/\/127\.0\.0\.1/, /ensure-broker\.sh/);
  });
});
