/**
 * A hostile client against the real service processes: request targets that are not paths,
 * WebSocket frames the protocol forbids, JSON of the wrong types, text with control or
 * bidirectional characters, bytes that are not UTF-8, and usernames that only look new. Each is
 * answered on its own connection (a 400, a 409, a close code) and every service stays up; a
 * participant of the same session as a hostile one keeps receiving edits.
 */
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { expectStatus, request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import { SessionClient } from '../../demo/session-client.js';
import type { User } from '../../services/user-service/users.js';
import { createTestVhost, type TestVhost } from '../support/broker.js';
import { exchange, RawWebSocket, upgradeRequest, type Frame } from '../support/raw-http.js';

const TWO_SUM = '0c8a3e0e-62b5-4a55-9f4a-4a1b5e3f2d10';
const INSTANCES = ['question', 'user', 'matching', 'collaboration'] as const;

describe('hostile input to the services', () => {
  let vhost: TestVhost;
  let cluster: Cluster;
  let brokerConnection: ChannelModel;
  const session = { id: randomUUID(), users: [randomUUID(), randomUUID()] as const };

  beforeAll(async () => {
    vhost = await createTestVhost('e2e-hostile-input');
    cluster = await Cluster.start(vhost.url, [
      { name: 'question-service', instanceId: 'question' },
      { name: 'user-service', instanceId: 'user' },
      { name: 'matching-service', instanceId: 'matching' },
      { name: 'collaboration-service', instanceId: 'collaboration' },
    ]);
    // A session to be hostile in, opened the way a Python matching-service would: a raw match.found.
    brokerConnection = await connect(vhost.url);
    const channel = await brokerConnection.createChannel();
    const matchFound = {
      event_type: 'match.found',
      version: 1,
      occurred_at: new Date().toISOString(),
      session_id: session.id,
      question: { id: TWO_SUM, difficulty: 'medium', topics: ['arrays', 'hashing'], title: 'Two Sum' },
      users: session.users.map((user_id) => ({ user_id })),
    };
    channel.publish('matching.events', 'match.found', Buffer.from(JSON.stringify(matchFound)), { contentType: 'application/json' });
    const collaboration = cluster.instance('collaboration');
    await poll(async () => ((await request('GET', collaboration.url(`/sessions/${session.id}`))).status === 200 ? true : undefined), 'the session to open');
  }, 120_000);

  afterAll(async () => {
    await brokerConnection?.close();
    await cluster?.stop();
    await vhost?.dispose();
  });

  const expectAllUp = async () => {
    for (const instance of INSTANCES) expect((await request('GET', cluster.instance(instance).url('/health'))).status, `${instance}-service is up`).toBe(200);
  };

  describe('request targets that are not paths', () => {
    it.each(['//x:99999/sessions/abc/ws', '//[/x', 'http://x:99999/sessions/abc/ws', '*'])('an upgrade to %s is a 400 from collaboration-service, which stays up', async (target) => {
      const answer = await exchange(cluster.instance('collaboration').port, upgradeRequest(target));
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toMatch(/"message":"the request target must be a path such as \/sessions\/<session_id>\/ws\?user_id=<uuid>, got /);
      await expectAllUp();
    });

    it.each(INSTANCES)('%s-service answers them over plain HTTP and as upgrades, and stays up', async (instance) => {
      const { port } = cluster.instance(instance);
      for (const target of ['//x:99999/users', '//[/x', '/%ZZ/%00']) {
        expect(await exchange(port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d /);
        expect(await exchange(port, upgradeRequest(target))).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      await expectAllUp();
    });
  });

  describe('WebSocket frames a participant must not send', () => {
    const text = (payload: string | Buffer): Frame => ({ opcode: 0x1, payload: Buffer.from(payload) });
    it.each<[string, Frame, number]>([
      ['a 5 MB frame (over the 300 KiB limit)', { opcode: 0x1, claimedLength: 5_000_000n, payload: Buffer.alloc(1024, 0x20) }, 1009],
      ['a frame claiming 2^63 bytes', { opcode: 0x2, claimedLength: 2n ** 63n }, 1009],
      ['invalid UTF-8 in a text frame', text(Buffer.from([0x22, 0xff, 0xfe, 0x22])), 1007],
      ['an unmasked frame', { ...text('{"type":"edit","code_delta":"x"}'), masked: false }, 1002],
      ['opcode 3 (reserved)', { opcode: 0x3, payload: Buffer.from('x') }, 1002],
      ['a reserved bit without an extension', { ...text('{}'), rsv1: true }, 1002],
      ['a fragmented ping', { opcode: 0x9, fin: false }, 1002],
    ])('%s closes that socket alone with %i; the other participant keeps receiving edits', async (_what, frame, code) => {
      const collaboration = cluster.instance('collaboration');
      const [hostileUser, otherUser] = session.users;
      const other = await SessionClient.connect(collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${otherUser}`));
      const hostile = await RawWebSocket.open(collaboration.port, `/sessions/${session.id}/ws?user_id=${hostileUser}`);
      try {
        await other.next('joined');
        hostile.write(frame);
        expect(await hostile.closeCode()).toBe(code);

        // The same user, reconnected, edits; the other participant sees it: nothing but that one socket was lost.
        const again = await SessionClient.connect(collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${hostileUser}`));
        const marker = `after ${code} ${randomUUID()}`;
        again.send({ type: 'edit', code_delta: marker });
        expect(await other.next('code_updated')).toMatchObject({ user_id: hostileUser, code_delta: marker });
        await again.close();
        await expectAllUp();
      } finally {
        hostile.destroy();
        await other.close();
      }
    });

    it('a binary frame is answered with an error frame, and the socket stays open', async () => {
      const client = await SessionClient.connect(cluster.instance('collaboration').wsUrl(`/sessions/${session.id}/ws?user_id=${session.users[0]}`));
      try {
        await client.next('joined');
        client.sendBinary(Buffer.from('{"type":"edit","code_delta":"x"}'));
        expect((await client.next('error')).message).toBe('frames must be text (JSON)');
        client.send({ type: 'edit', code_delta: 'after binary' });
        expect(await client.next('code_updated')).toMatchObject({ code_delta: 'after binary' });
      } finally {
        await client.close();
      }
    });
  });

  describe('HTTP bodies are validated, never coerced', () => {
    const unknown = randomUUID();
    it.each<[string, string, string, unknown, RegExp]>([
      ['a number as the username', 'user', '/users', { username: 12345, email: 'n@example.com' }, /^body\/username must be string$/],
      ['true as the username', 'user', '/users', { username: true, email: 't@example.com' }, /^body\/username must be string$/],
      ['null as the username', 'user', '/users', { username: null, email: 'z@example.com' }, /^body\/username must be string$/],
      ['a number as a display name', 'user', '/users', { username: 'numeric', email: 'd@example.com', profile_data: { display_name: 7 } }, /^body\/profile_data\/display_name must be string$/],
      ['a string as the topics', 'matching', '/match-requests', { user_id: unknown, difficulty: 'easy', topics: 'graphs' }, /^body\/topics must be array$/],
      ['a number as a user id', 'collaboration', `/sessions/${unknown}/end`, { user_id: 42 }, /^body\/user_id must be string$/],
    ])('%s is a 400 naming the field', async (_what, instance, path, body, message) => {
      const response = await request<{ message: string }>('POST', cluster.instance(instance).url(path), body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
    });

    it.each<[string, string, string]>([
      ['NUL', 'qa\u0000null', 'U+0000, a control character (at character 3)'],
      ['an unpaired surrogate', 'qa\ud800x', 'U+D800, an unpaired surrogate (not a character) (at character 3)'],
      ['a right-to-left override', 'qa\u202Egnp.exe', 'U+202E, a bidirectional or invisible formatting character (at character 3)'],
      ['a zero-width space', 'q\u200Ba-valid', 'U+200B, a bidirectional or invisible formatting character (at character 2)'],
    ])('a username with %s is a 400 naming the character', async (_what, username, why) => {
      // JSON.stringify escapes an unpaired surrogate as \ud800, as any JSON client may send it.
      const response = await request<{ message: string }>('POST', cluster.instance('user').url('/users'), { username, email: `${randomUUID()}@example.com` });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(`body/username must not contain ${why}`);
    });

    it('a topic with a control character is a 400, in a body and in a query string', async () => {
      const body = await request<{ message: string }>('POST', cluster.instance('matching').url('/match-requests'), { user_id: randomUUID(), difficulty: 'easy', topics: ['graphs\u0007'] });
      expect(body).toMatchObject({ status: 400, body: { message: 'body/topics/0 must not contain U+0007, a control character (at character 7)' } });
      const query = await request<{ message: string }>('GET', cluster.instance('question').url('/questions?topic=arrays%E2%80%AE'));
      expect(query).toMatchObject({ status: 400, body: { message: 'querystring/topic must not contain U+202E, a bidirectional or invisible formatting character (at character 7)' } });
    });

    it('a body that is not UTF-8 is a 400, not read with U+FFFD', async () => {
      const body = Buffer.concat([Buffer.from('{"username":"qa'), Buffer.from([0xc3, 0x28]), Buffer.from('x","email":"utf8@example.com"}')]);
      const response = await fetch(cluster.instance('user').url('/users'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toBe('the body is not valid UTF-8: JSON must be encoded in UTF-8');
    });
  });

  describe('usernames are one name whatever their case or Unicode form', () => {
    it.each<[string, string]>([
      ['QA-VALID', 'qa-valid'],
      ['Straße', 'STRASSE'],
      ['Zoe\u0301', 'zo\u00e9'],
      ['\uff21\uff24\uff21-wide', 'ada-WIDE'],
    ])('%s taken, %s is a 409', async (first, second) => {
      const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), { username: first, email: `${randomUUID()}@example.com` });
      expect(user.username).toBe(first.normalize('NFC'));
      const response = await request<{ message: string }>('POST', cluster.instance('user').url('/users'), { username: second, email: `${randomUUID()}@example.com` });
      expect(response).toMatchObject({ status: 409, body: { message: `username "${second.normalize('NFC')}" is already taken (usernames that differ only in case or Unicode form are the same name)` } });
      const renamed = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), { username: `x${randomUUID().slice(0, 8)}`, email: `${randomUUID()}@example.com` });
      expect((await request('PATCH', cluster.instance('user').url(`/users/${renamed.user_id}`), { username: second })).status).toBe(409);
    });

    it('a user may change the case of their own name; the NFC form is what other services see', async () => {
      const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), { username: 'rene\u0301e', email: 'renee@example.com' });
      expect(user.username).toBe('ren\u00e9e');
      expect(await expectStatus<User>(200, 'PATCH', cluster.instance('user').url(`/users/${user.user_id}`), { username: 'RENE\u0301E' })).toMatchObject({ username: 'REN\u00c9E' });
      await poll(async () => {
        const profile = await request<{ username: string }>('GET', cluster.instance('matching').url(`/profiles/${user.user_id}`));
        return profile.status === 200 && profile.body.username === 'REN\u00c9E' ? true : undefined;
      }, 'matching-service to see the renamed user in NFC');
    });
  });
});
