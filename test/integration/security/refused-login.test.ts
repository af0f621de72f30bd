/**
 * A wrong password and a vhost that does not exist, against the real broker, through every entry
 * point an operator meets: a service, the demo, the dead-letter CLI, contract:verify-broker and
 * broker:provision. Each reports what the broker refused in one readable line with a hint (no
 * stack trace, not "start a broker", not amqplib's "Expected ConnectionOpenOk"), and gives up at
 * once instead of retrying what would be refused again.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, type TestVhost } from '../../support/broker.js';

const REPO = resolve(import.meta.dirname, '../../..');
const SECRET = 'Wrong-Secret-42';
const STACK_FRAME = /^\s+at /m;

let vhost: TestVhost;
let dataDir: string;

interface Outcome {
  code: number | null;
  output: string;
}

function run(script: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'info', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? null) : 0, output: stdout + stderr });
      },
    );
  });
}

const wrongPassword = (): string => vhost.url.replace(/:[^:@/]+@/, `:${SECRET}@`);
const missingVhost = (): string => vhost.url.replace(/\/[^/]+$/, '/no-such-vhost');

function expectOneReadableRefusal({ code, output }: Outcome, what: RegExp): void {
  expect(code).not.toBe(0);
  expect(output).toMatch(what);
  expect(output).toMatch(/hint: /i);
  expect(output).not.toMatch(STACK_FRAME);
  expect(output).not.toContain('ConnectionOpenOk');
  expect(output).not.toMatch(/Start a broker|retrying/);
  expect(output).not.toContain(SECRET);
}

beforeAll(async () => {
  vhost = await createTestVhost('refused-login');
  dataDir = mkdtempSync(join(tmpdir(), 'refused-login-'));
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await vhost?.dispose();
});

describe.each([
  ['a wrong password', wrongPassword, /refused the login of user "[^"]+": wrong user name or password/],
  [
    'a vhost that does not exist',
    missingVhost,
    /refused to open vhost "no-such-vhost" for user "[^"]+": the vhost does not exist or the user has no permissions on it/,
  ],
])('%s', (_name, url, refusal) => {
  it('stops a service at start-up with one log line saying so', async () => {
    const { code, output } = await run('services/question-service/main.ts', [], {
      RABBITMQ_URL: url(),
      PORT: '0',
      DATA_DIR: dataDir,
      INSTANCE_ID: 'refused',
    });
    const fatal = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: unknown })
      .filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).not.toHaveProperty('err');
    expectOneReadableRefusal({ code, output: fatal[0]?.msg ?? '' }, refusal);
    expect(output).not.toContain(SECRET);
  }, 60_000);

  it('stops the demo before it starts anything', async () => {
    expectOneReadableRefusal(await run('demo/main.ts', [], { RABBITMQ_URL: url() }), refusal);
  }, 60_000);

  it('stops the demo with the refusal when the first node of a list cannot be reached and the next one refuses', async () => {
    const list = [url().replace('127.0.0.1:5672', '127.0.0.1:1'), url()].join(',');
    expectOneReadableRefusal(await run('demo/main.ts', [], { RABBITMQ_URL: list }), refusal);
  }, 60_000);

  it('stops the dead-letter CLI', async () => {
    expectOneReadableRefusal(await run('runtime/cli/dlq.ts', ['list', 'some.dlq'], { RABBITMQ_URL: url() }), refusal);
  }, 60_000);
});

describe('the management API CLIs', () => {
  it('contract:verify-broker reports a refused management login', async () => {
    const outcome = await run('generator/broker/cli.ts', [], {
      RABBITMQ_VHOST: vhost.name,
      RABBITMQ_MANAGEMENT_PASSWORD: SECRET,
    });
    expectOneReadableRefusal(
      outcome,
      /the management API at http:\/\/127\.0\.0\.1:15672 refused user "guest": wrong user name or password/,
    );
    expect(outcome.code).toBe(3);
  }, 60_000);

  it('contract:verify-broker reports a vhost that does not exist', async () => {
    const outcome = await run('generator/broker/cli.ts', [], { RABBITMQ_VHOST: 'no-such-vhost' });
    expectOneReadableRefusal(outcome, /vhost "no-such-vhost" does not exist at http:\/\/127\.0\.0\.1:15672/);
    expect(outcome.code).toBe(3);
  }, 60_000);

  it('broker:provision reports a refused admin login', async () => {
    const passwords = Object.fromEntries(
      ['USER', 'MATCHING', 'QUESTION', 'COLLABORATION'].map((service) => [
        `PEERPREP_${service}_SERVICE_PASSWORD`,
        'unused',
      ]),
    );
    const outcome = await run('provision/cli.ts', ['--vhost', vhost.name], {
      RABBITMQ_MANAGEMENT_URL: 'http://127.0.0.1:15672',
      RABBITMQ_ADMIN_USER: 'guest',
      RABBITMQ_ADMIN_PASSWORD: SECRET,
      ...passwords,
    });
    expectOneReadableRefusal(
      outcome,
      /broker:provision: the management API at http:\/\/127\.0\.0\.1:15672 refused user "guest": wrong user name or password/,
    );
  }, 60_000);
});
