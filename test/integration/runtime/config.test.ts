import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestVhost, management, type TestVhost } from '../../support/broker.js';
import {
  ConfigError,
  ConnectTimeoutError,
  CredentialsRefusedError,
  VhostRefusedError,
  connectService,
} from '../../../runtime/index.js';
import { pricingClientDefinition } from './_fixtures.js';
import { capturingLogger } from '../../support/definitions.js';

const SECRET = 'hunter2-Secret';

let vhost: TestVhost;

beforeAll(async () => {
  vhost = await createTestVhost('runtime-config');
});

afterAll(async () => {
  await vhost?.dispose();
});

describe('connection configuration', () => {
  it('gives up after connectTimeoutMs with a typed error, never showing the password', async () => {
    const { logger, lines } = capturingLogger('debug');
    const url = `amqp://someone:${SECRET}@127.0.0.1:1/`;
    const error = await connectService(
      pricingClientDefinition(),
      { consumers: {}, rpcServers: {} },
      { url, logger, connectTimeoutMs: 600 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect((error as Error).message).toContain('someone:***@127.0.0.1:1');
    expect(lines.some((line) => line.includes('broker not reachable yet'))).toBe(true);
    expect([String((error as Error).message), ...lines].join('\n')).not.toContain(SECRET);
  });

  it('reports refused credentials as such, at once (not retried), never showing the password', async () => {
    const { logger, lines } = capturingLogger('debug');
    const url = vhost.url.replace(/:[^:@/]+@/, `:${SECRET}@`);
    const error = await connectService(
      pricingClientDefinition(),
      { consumers: {}, rpcServers: {} },
      { url, logger, connectTimeoutMs: 60_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRefusedError);
    expect(error).toMatchObject({ code: 'credentials_refused', user: vhost.user });
    expect((error as Error).message).toContain(
      `refused the login of user "${vhost.user}": wrong user name or password. Hint:`,
    );
    expect(lines.some((line) => line.includes('retrying'))).toBe(false);
    expect([String((error as Error).message), ...lines].join('\n')).not.toContain(SECRET);
  });

  it('reports a vhost that does not exist as such, at once (not retried)', async () => {
    const { logger, lines } = capturingLogger('debug');
    const url = vhost.url.replace(/\/[^/]+$/, '/no-such-vhost');
    const error = await connectService(
      pricingClientDefinition(),
      { consumers: {}, rpcServers: {} },
      { url, logger, connectTimeoutMs: 60_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VhostRefusedError);
    expect(error).toMatchObject({ code: 'vhost_refused', vhost: 'no-such-vhost', user: vhost.user });
    expect((error as Error).message).not.toContain('ConnectionOpenOk');
    expect(lines.some((line) => line.includes('retrying'))).toBe(false);
  });

  it('logs in with a user name and password outside ASCII, percent-encoded (UTF-8) or written as they are', async () => {
    const user = `${vhost.name}-dienst-ü`;
    const password = 'pässwörd-€-😀';
    await management('PUT', `/users/${encodeURIComponent(user)}`, { password, tags: '' });
    await management('PUT', `/permissions/${encodeURIComponent(vhost.name)}/${encodeURIComponent(user)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
    try {
      for (const url of [
        `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:5672/${vhost.name}`,
        `amqp://${user}:${password}@127.0.0.1:5672/${vhost.name}`,
      ]) {
        const connection = await connectService(
          pricingClientDefinition(),
          { consumers: {}, rpcServers: {} },
          { url, logger: pino({ level: 'silent' }), connectTimeoutMs: 10_000 },
        );
        await connection.close();
      }
    } finally {
      await management('DELETE', `/users/${encodeURIComponent(user)}`);
    }
  });

  it('rejects a URL that is not amqp:// or amqps://', async () => {
    await expect(
      connectService(
        pricingClientDefinition(),
        { consumers: {}, rpcServers: {} },
        { url: `http://x:${SECRET}@localhost/` },
      ),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
