/**
 * generated/definitions.json as RabbitMQ's global import takes it (`rabbitmqctl import_definitions`,
 * `POST /api/definitions`), with its vhost and user names rewritten to this test's own: the users
 * exist without a password (no one can log in), with the contract's permissions and topic
 * permissions, and the topology lands in the vhost.
 */
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, type TestVhost } from '../../support/broker.js';
import { localManagement, readGenerated } from './provisioned-identities.js';

interface Definitions {
  users: { name: string; password_hash: string }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  exchanges: { name: string; vhost: string }[];
  queues: { name: string; vhost: string }[];
  bindings: { vhost: string }[];
}

let vhost: TestVhost;
let definitions: Definitions;

beforeAll(async () => {
  vhost = await createTestVhost('security-definitions');
  const generated = readGenerated<Definitions>('definitions.json');
  const user = (name: string) => `${vhost.name}-${name}`;
  const here = <T extends { vhost: string }>(item: T): T => ({ ...item, vhost: vhost.name });
  definitions = {
    users: generated.users.map((each) => ({ ...each, name: user(each.name) })),
    permissions: generated.permissions.map((each) => ({ ...here(each), user: user(each.user) })),
    topic_permissions: generated.topic_permissions.map((each) => ({ ...here(each), user: user(each.user) })),
    exchanges: generated.exchanges.map(here),
    queues: generated.queues.map(here),
    bindings: generated.bindings.map(here),
  };
  await localManagement.call('POST', '/definitions', definitions);
});

afterAll(async () => {
  await vhost?.dispose();
  await Promise.all(
    (definitions?.users ?? []).map((each) =>
      localManagement.call('DELETE', `/users/${encodeURIComponent(each.name)}`).catch(() => undefined),
    ),
  );
});

describe('definitions.json, imported globally', () => {
  it('creates every service user without a password: nobody can log in as it', async () => {
    for (const { name } of definitions.users) {
      expect(await localManagement.call('GET', `/users/${encodeURIComponent(name)}`)).toMatchObject({
        name,
        password_hash: '',
        tags: [],
      });
    }
    const [first] = definitions.users;
    const refused = await connect(
      `amqp://${encodeURIComponent(first?.name ?? '')}:@127.0.0.1:5672/${encodeURIComponent(vhost.name)}`,
    ).then(
      async (connection) => {
        await connection.close();
        return false;
      },
      (error: Error) => /ACCESS.REFUSED/.test(error.message),
    );
    expect(refused).toBe(true);
  });

  it("sets each user's permissions and topic permissions as written", async () => {
    const permissions = (await localManagement.call(
      'GET',
      `/vhosts/${encodeURIComponent(vhost.name)}/permissions`,
    )) as Definitions['permissions'];
    const ours = permissions.filter((each) => definitions.users.some((user) => user.name === each.user));
    expect(ours.sort((a, b) => (a.user < b.user ? -1 : 1))).toEqual(definitions.permissions);
    const topic = (await localManagement.call(
      'GET',
      `/vhosts/${encodeURIComponent(vhost.name)}/topic-permissions`,
    )) as Definitions['topic_permissions'];
    const key = (each: { user: string; exchange: string }) => `${each.user} ${each.exchange}`;
    expect(
      topic
        .map((each) => ({
          user: each.user,
          vhost: each.vhost,
          exchange: each.exchange,
          write: each.write,
          read: each.read,
        }))
        .sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    ).toEqual(definitions.topic_permissions);
  });

  it('puts the topology into the vhost its items name', async () => {
    const queues = (await localManagement.call('GET', `/queues/${encodeURIComponent(vhost.name)}`)) as {
      name: string;
    }[];
    expect(queues.map((queue) => queue.name).sort()).toEqual(definitions.queues.map((queue) => queue.name).sort());
  });
});
