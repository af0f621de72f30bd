/**
 * `npm run broker:provision` against the real broker: the CLI with a secrets file provisions a
 * vhost whose users then log in; running it again changes nothing but stale topic permissions;
 * `--dry-run` prints the plan, contacts nothing and shows no password.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePermissions } from '../../../runtime/permissions.js';
import { createTestVhost, type TestVhost } from '../../support/broker.js';
import { localManagement, readGenerated } from './provisioned-identities.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const services = readGenerated<{ services: ServicePermissions[] }>('permissions.json').services;
const passwords = Object.fromEntries(
  services.map(({ service }) => [service, `provision-test-${randomBytes(8).toString('hex')}`]),
);

let vhost: TestVhost;
let dir: string;
let userPrefix: string;

beforeAll(async () => {
  vhost = await createTestVhost('security-provision');
  userPrefix = `${vhost.name}-`;
  dir = await mkdtemp(join(tmpdir(), 'provision-test-'));
  await writeFile(join(dir, 'peerprep.secrets.json'), JSON.stringify(passwords));
});

afterAll(async () => {
  await vhost?.dispose();
  await Promise.all(
    services.map(({ service }) =>
      localManagement.call('DELETE', `/users/${encodeURIComponent(userPrefix + service)}`).catch(() => undefined),
    ),
  );
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function provisionCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    RABBITMQ_MANAGEMENT_URL: 'http://127.0.0.1:15672',
    RABBITMQ_ADMIN_USER: 'guest',
    RABBITMQ_ADMIN_PASSWORD: 'guest',
  };
  return run(process.execPath, ['--import', 'tsx', 'provision/cli.ts', ...args], { cwd: ROOT, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

async function canLogIn(service: string): Promise<boolean> {
  const url = `amqp://${encodeURIComponent(userPrefix + service)}:${encodeURIComponent(passwords[service] ?? '')}@127.0.0.1:5672/${encodeURIComponent(vhost.name)}`;
  return connect(url).then(
    async (connection) => {
      await connection.close();
      return true;
    },
    () => false,
  );
}

async function permissionsOf(service: string): Promise<unknown> {
  const user = encodeURIComponent(userPrefix + service);
  return [
    await localManagement.call('GET', `/users/${user}/permissions`),
    await localManagement.call('GET', `/users/${user}/topic-permissions`),
  ];
}

describe('npm run broker:provision', () => {
  it('provisions from a secrets file; every service user logs in with its password', async () => {
    const result = await provisionCli(
      '--vhost',
      vhost.name,
      '--user-prefix',
      userPrefix,
      '--secrets',
      join(dir, 'peerprep.secrets.json'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Provisioned ${services.length} service users in vhost "${vhost.name}".`);
    for (const { service } of services) expect(await canLogIn(service)).toBe(true);
    for (const password of Object.values(passwords)) expect(result.stdout).not.toContain(password);
  });

  it('is idempotent, and removes topic permissions the contract no longer grants', async () => {
    const before = await permissionsOf('user-service');
    const stale = { exchange: 'matching.events', write: '.*', read: '.*' };
    await localManagement.call(
      'PUT',
      `/topic-permissions/${encodeURIComponent(vhost.name)}/${encodeURIComponent(`${userPrefix}user-service`)}`,
      stale,
    );
    const result = await provisionCli(
      '--vhost',
      vhost.name,
      '--user-prefix',
      userPrefix,
      '--secrets',
      join(dir, 'peerprep.secrets.json'),
    );
    expect(result.code).toBe(0);
    expect(await permissionsOf('user-service')).toEqual(before);
    expect(await canLogIn('user-service')).toBe(true);
  });

  it('--dry-run prints the plan and no password, and changes nothing', async () => {
    const otherVhost = `${vhost.name}-never-created`;
    const result = await provisionCli(
      '--dry-run',
      '--vhost',
      otherVhost,
      '--secrets',
      join(dir, 'peerprep.secrets.json'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`- vhost "${otherVhost}": create if missing`);
    expect(result.stdout).toContain(
      '- user "matching-service": create or update, no tags, password from PEERPREP_MATCHING_SERVICE_PASSWORD',
    );
    for (const password of Object.values(passwords)) expect(result.stdout).not.toContain(password);
    await expect(localManagement.call('GET', `/vhosts/${encodeURIComponent(otherVhost)}`)).rejects.toThrow(/404/);
  });

  it('refuses to run without every password, naming the variables only', async () => {
    const result = await provisionCli('--vhost', vhost.name, '--user-prefix', userPrefix);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /broker:provision: no password for: PEERPREP_COLLABORATION_SERVICE_PASSWORD, .*PEERPREP_USER_SERVICE_PASSWORD/,
    );
  });
});
