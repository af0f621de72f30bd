/**
 * A hostile client against the real service processes: request targets that are not paths,
 * WebSocket frames the protocol forbids, JSON of the wrong types, text with control or
 * bidirectional characters, bytes that are not UTF-8, and usernames that only look new. Each is
 * answered on its own connection (a 400, a 409, a close code) and every service stays up; a
 * participant of the same session as a hostile one keeps receiving edits.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../services/common/sqlite.js';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { expectStatus, request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import { ServiceProcess } from '../../demo/service-process.js';
import { SessionClient, WebSocketRefused } from '../../demo/session-client.js';
import { MAX_CODE_DELTA } from '../../services/collaboration-service/protocol.js';
import { MAX_SOCKETS_PER_PARTICIPANT } from '../../services/collaboration-service/websocket.js';
import type { User } from '../../services/user-service/users.js';
import { createTestVhost, type TestVhost } from '../support/broker.js';
import { publishRawMatchFound } from '../support/raw-match-found.js';
import { encodeFrame, exchange, RawWebSocket, upgradeRequest, type Frame } from '../support/raw-http.js';

const INSTANCES = ['question', 'user', 'matching', 'collaboration'] as const;

describe('hostile input to the services', () => {
  let vhost: TestVhost;
  let cluster: Cluster;
  let brokerConnection: ChannelModel;
  const session = { id: randomUUID(), users: [randomUUID(), randomUUID()] as const };
  let collaborationData: string;

  beforeAll(async () => {
    vhost = await createTestVhost('e2e-hostile-input');
    collaborationData = await mkdtemp(join(tmpdir(), 'hostile-collaboration-'));
    cluster = await Cluster.start(vhost.url, [
      { name: 'question-service', instanceId: 'question' },
      { name: 'user-service', instanceId: 'user' },
      { name: 'matching-service', instanceId: 'matching' },
      { name: 'collaboration-service', instanceId: 'collaboration', env: { DATA_DIR: collaborationData } },
    ]);
    // A session to be hostile in, opened by a raw match.found.
    brokerConnection = await connect(vhost.url);
    publishRawMatchFound(await brokerConnection.createChannel(), session.id, session.users);
    const collaboration = cluster.instance('collaboration');
    await poll(
      async () =>
        (await request('GET', collaboration.url(`/sessions/${session.id}`))).status === 200 ? true : undefined,
      'the session to open',
    );
  }, 120_000);

  afterAll(async () => {
    await brokerConnection?.close();
    await cluster?.stop();
    await vhost?.dispose();
    if (collaborationData) await rm(collaborationData, { recursive: true, force: true });
  });

  const expectAllUp = async () => {
    for (const instance of INSTANCES)
      expect(
        (await request('GET', cluster.instance(instance).url('/health'))).status,
        `${instance}-service is up`,
      ).toBe(200);
  };

  describe('request targets that are not paths', () => {
    it.each(['//x:99999/sessions/abc/ws', '//[/x', 'http://x:99999/sessions/abc/ws', '*'])(
      'an upgrade to %s is a 400 from collaboration-service, which stays up',
      async (target) => {
        const answer = await exchange(cluster.instance('collaboration').port, upgradeRequest(target));
        expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
        expect(answer).toMatch(
          /"message":"the request target must be a path such as \/sessions\/<session_id>\/ws\?user_id=<uuid>, got /,
        );
        await expectAllUp();
      },
    );

    it.each<[string, Record<string, string | undefined>]>([
      ['no Sec-WebSocket-Key', { 'Sec-WebSocket-Key': undefined }],
      ['a malformed Sec-WebSocket-Key', { 'Sec-WebSocket-Key': 'not base64 of 16 bytes' }],
      ['an unknown WebSocket version', { 'Sec-WebSocket-Version': '99' }],
      ['another protocol', { Upgrade: 'h2c' }],
    ])('an upgrade of a real participant with %s is a 400, and the service stays up', async (_what, headers) => {
      const target = `/sessions/${session.id}/ws?user_id=${session.users[0]}`;
      expect(await exchange(cluster.instance('collaboration').port, upgradeRequest(target, headers))).toMatch(
        /^HTTP\/1\.1 400 Bad Request\r\n/,
      );
      await expectAllUp();
    });

    it('an upgrade that fails inside the service (a session row it cannot read) is a 500 on that socket alone', async () => {
      const broken = { id: randomUUID(), user: randomUUID() };
      const db = new Db(join(collaborationData, 'sessions.db'));
      try {
        db.prepare(
          "INSERT INTO sessions (session_id, question, user_ids, started_at) VALUES (?, 'not json', ?, ?)",
        ).run(broken.id, JSON.stringify([broken.user, randomUUID()]), new Date().toISOString());
      } finally {
        db.close();
      }
      const answer = await exchange(
        cluster.instance('collaboration').port,
        upgradeRequest(`/sessions/${broken.id}/ws?user_id=${broken.user}`),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[^]*"message":"internal error"/);
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
    it.each<[string, number, Frame]>([
      [
        'a 5 MB frame (over the 300 KiB limit)',
        1009,
        { opcode: 0x1, claimedLength: 5_000_000n, payload: Buffer.alloc(1024, 0x20) },
      ],
      ['a frame claiming 2^63 bytes', 1009, { opcode: 0x2, claimedLength: 2n ** 63n }],
      ['invalid UTF-8 in a text frame', 1007, text(Buffer.from([0x22, 0xff, 0xfe, 0x22]))],
      ['an unmasked frame', 1002, { ...text('{"type":"edit","code_delta":"x"}'), masked: false }],
      ['opcode 3 (reserved)', 1002, { opcode: 0x3, payload: Buffer.from('x') }],
      ['a reserved bit without an extension', 1002, { ...text('{}'), rsv1: true }],
      ['a fragmented ping', 1002, { opcode: 0x9, fin: false }],
    ])(
      '%s closes that socket alone with %i; the other participant keeps receiving edits',
      async (_what, code, frame) => {
        const collaboration = cluster.instance('collaboration');
        const [hostileUser, otherUser] = session.users;
        const other = await SessionClient.connect(
          collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${otherUser}`),
        );
        const hostile = await RawWebSocket.open(
          collaboration.port,
          `/sessions/${session.id}/ws?user_id=${hostileUser}`,
        );
        try {
          await other.next('joined');
          hostile.write(frame);
          expect(await hostile.closeCode()).toBe(code);

          // The same user, reconnected, edits; the other participant sees it: nothing but that one socket was lost.
          const again = await SessionClient.connect(
            collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${hostileUser}`),
          );
          const marker = `after ${code} ${randomUUID()}`;
          again.send({ type: 'edit', code_delta: marker });
          expect(await other.next('code_updated')).toMatchObject({ user_id: hostileUser, code_delta: marker });
          await again.close();
          await expectAllUp();
        } finally {
          hostile.destroy();
          await other.close();
        }
      },
    );

    it('a participant that stops reading is closed with 1008; the one editing goes on', async () => {
      const collaboration = cluster.instance('collaboration');
      const [readerUser, editorUser] = session.users;
      const reader = await RawWebSocket.open(collaboration.port, `/sessions/${session.id}/ws?user_id=${readerUser}`);
      const editor = await SessionClient.connect(
        collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${editorUser}`),
      );
      try {
        await editor.next('joined');
        reader.pause();
        // 200 edits of 64 Ki characters: 13 MB, more than the kernel's buffers and the 4 MiB limit together.
        const edits = 200;
        for (let index = 0; index < edits; index += 1)
          editor.send({ type: 'edit', code_delta: `${index}`.padEnd(MAX_CODE_DELTA, 'x') });
        for (let index = 0; index < edits; index += 1)
          expect((await editor.next('code_updated')).code_delta.startsWith(`${index}x`)).toBe(true);
        reader.resume();
        expect(await reader.closeCode()).toBe(1008);
        editor.send({ type: 'edit', code_delta: 'after the slow reader' });
        expect(await editor.next('code_updated')).toMatchObject({ code_delta: 'after the slow reader' });
      } finally {
        reader.destroy();
        await editor.close();
      }
    });

    it('a flood of edits is slowed down, not dropped: every edit reaches the other participant, in order', async () => {
      const collaboration = cluster.instance('collaboration');
      const [flooderUser, otherUser] = session.users;
      const other = await SessionClient.connect(collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${otherUser}`));
      const flooder = await SessionClient.connect(
        collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${flooderUser}`),
      );
      try {
        await other.next('joined');
        const edits = Array.from({ length: 2000 }, (_, index) => `flood ${index}`);
        for (const codeDelta of edits) flooder.send({ type: 'edit', code_delta: codeDelta });
        const received: string[] = [];
        for (const _ of edits) received.push((await other.next('code_updated')).code_delta);
        expect(received).toEqual(edits);
        flooder.send({ type: 'edit', code_delta: 'after the flood' });
        expect(await other.next('code_updated')).toMatchObject({ user_id: flooderUser, code_delta: 'after the flood' });
      } finally {
        await flooder.close();
        await other.close();
      }
    });

    it('a flood of pings from a participant that does not read its pongs ends that socket alone', async () => {
      const collaboration = cluster.instance('collaboration');
      const [flooderUser, otherUser] = session.users;
      const other = await SessionClient.connect(collaboration.wsUrl(`/sessions/${session.id}/ws?user_id=${otherUser}`));
      const flooder = await RawWebSocket.open(collaboration.port, `/sessions/${session.id}/ws?user_id=${flooderUser}`);
      try {
        await other.next('joined');
        flooder.pause();
        // 100,000 pings of 125 bytes: their pongs overflow the kernel's buffers, then ws's 60 pending pongs.
        const ping = encodeFrame({ opcode: 0x9, payload: Buffer.alloc(125, 0x70) });
        flooder.write(Buffer.concat(Array.from({ length: 100_000 }, () => ping)));
        await flooder.ended();
        other.send({ type: 'edit', code_delta: 'after the ping flood' });
        expect(await other.next('code_updated')).toMatchObject({ code_delta: 'after the ping flood' });
        await expectAllUp();
      } finally {
        flooder.destroy();
        await other.close();
      }
    });

    it('a participant that ignores the closing handshake does not hold up a graceful shutdown', async () => {
      // A second instance on the same store, to stop: the participant's network has gone, say, and nothing answers.
      const logged: string[] = [];
      const instance = await ServiceProcess.start({
        name: 'collaboration-service',
        instanceId: 'collaboration-stopping',
        rabbitmqUrl: vhost.url,
        dataDir: collaborationData,
        onLine: (line) => logged.push(line.msg),
      });
      const silent = await RawWebSocket.open(instance.port, `/sessions/${session.id}/ws?user_id=${session.users[0]}`);
      try {
        const exitCode = instance.stop();
        expect(await silent.closeCode()).toBe(1001);
        expect(await exitCode).toBe(0);
        expect(logged).toContain('terminated participant sockets that did not answer the closing handshake');
        expect(logged.at(-1)).toBe('stopped');
      } finally {
        silent.destroy();
      }
    });

    it('one user opening many sockets to a session is refused past the cap with a 429; closing one lets the next in', async () => {
      // A session of its own: sockets other tests leave closing do not count here.
      const own = { id: randomUUID(), users: [randomUUID(), randomUUID()] as const };
      publishRawMatchFound(await brokerConnection.createChannel(), own.id, own.users);
      const collaboration = cluster.instance('collaboration');
      await poll(
        async () =>
          (await request('GET', collaboration.url(`/sessions/${own.id}`))).status === 200 ? true : undefined,
        'the session to open',
      );
      const target = `/sessions/${own.id}/ws?user_id=${own.users[0]}`;
      const sockets: SessionClient[] = [];
      try {
        for (let index = 0; index < MAX_SOCKETS_PER_PARTICIPANT; index += 1) {
          const socket = await SessionClient.connect(collaboration.wsUrl(target));
          sockets.push(socket);
          await socket.next('joined');
        }
        const refused = await exchange(collaboration.port, upgradeRequest(target));
        expect(refused).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
        expect(refused).toContain(
          `has ${MAX_SOCKETS_PER_PARTICIPANT} sockets open to session ${own.id} on this instance already`,
        );
        // The other user of the session is not limited by the first one's sockets.
        const other = await SessionClient.connect(
          collaboration.wsUrl(`/sessions/${own.id}/ws?user_id=${own.users[1]}`),
        );
        sockets.push(other);
        await other.next('joined');

        await sockets.shift()?.close();
        // The service counts a socket out when its own side has closed, which may be just after the client's.
        const again = await poll(
          () =>
            SessionClient.connect(collaboration.wsUrl(target)).catch((error: unknown) =>
              error instanceof WebSocketRefused && error.status === 429 ? undefined : Promise.reject(error),
            ),
          'a socket admitted once one closed',
        );
        sockets.push(again);
        await again.next('joined');
      } finally {
        await Promise.all(sockets.map((socket) => socket.close()));
      }
    });

    it('a binary frame is answered with an error frame, and the socket stays open', async () => {
      const client = await SessionClient.connect(
        cluster.instance('collaboration').wsUrl(`/sessions/${session.id}/ws?user_id=${session.users[0]}`),
      );
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
      [
        'a number as the username',
        'user',
        '/users',
        { username: 12345, email: 'n@example.com' },
        /^body\/username must be string$/,
      ],
      [
        'true as the username',
        'user',
        '/users',
        { username: true, email: 't@example.com' },
        /^body\/username must be string$/,
      ],
      [
        'null as the username',
        'user',
        '/users',
        { username: null, email: 'z@example.com' },
        /^body\/username must be string$/,
      ],
      [
        'a number as a display name',
        'user',
        '/users',
        { username: 'numeric', email: 'd@example.com', profile_data: { display_name: 7 } },
        /^body\/profile_data\/display_name must be string$/,
      ],
      [
        'a string as the topics',
        'matching',
        '/match-requests',
        { user_id: unknown, difficulty: 'easy', topics: 'graphs' },
        /^body\/topics must be array$/,
      ],
      [
        'a number as a user id',
        'collaboration',
        `/sessions/${unknown}/end`,
        { user_id: 42 },
        /^body\/user_id must be string$/,
      ],
    ])('%s is a 400 naming the field', async (_what, instance, path, body, message) => {
      const response = await request<{ message: string }>('POST', cluster.instance(instance).url(path), body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
    });

    it.each<[string, string, string]>([
      ['NUL', 'qa\u0000null', 'U+0000, a control character (at character 3)'],
      ['an unpaired surrogate', 'qa\ud800x', 'U+D800, an unpaired surrogate (not a character) (at character 3)'],
      [
        'a right-to-left override',
        'qa\u202Egnp.exe',
        'U+202E, a bidirectional or invisible formatting character (at character 3)',
      ],
      [
        'a zero-width space',
        'q\u200Ba-valid',
        'U+200B, a bidirectional or invisible formatting character (at character 2)',
      ],
    ])('a username with %s is a 400 naming the character', async (_what, username, why) => {
      // JSON.stringify escapes an unpaired surrogate as \ud800, as any JSON client may send it.
      const response = await request<{ message: string }>('POST', cluster.instance('user').url('/users'), {
        username,
        email: `${randomUUID()}@example.com`,
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(`body/username must not contain ${why}`);
    });

    it('a topic with a control character is a 400, in a body and in a query string', async () => {
      const body = await request<{ message: string }>('POST', cluster.instance('matching').url('/match-requests'), {
        user_id: randomUUID(),
        difficulty: 'easy',
        topics: ['graphs\u0007'],
      });
      expect(body).toMatchObject({
        status: 400,
        body: { message: 'body/topics/0 must not contain U+0007, a control character (at character 7)' },
      });
      const query = await request<{ message: string }>(
        'GET',
        cluster.instance('question').url('/questions?topic=arrays%E2%80%AE'),
      );
      expect(query).toMatchObject({
        status: 400,
        body: {
          message:
            'querystring/topic must not contain U+202E, a bidirectional or invisible formatting character (at character 7)',
        },
      });
    });

    it('a body that is not UTF-8 is a 400, not read with U+FFFD', async () => {
      const body = Buffer.concat([
        Buffer.from('{"username":"qa'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('x","email":"utf8@example.com"}'),
      ]);
      const response = await fetch(cluster.instance('user').url('/users'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toBe(
        'the body is not valid UTF-8: JSON must be encoded in UTF-8',
      );
    });
  });

  describe('usernames are one name whatever their case or Unicode form', () => {
    it.each<[string, string]>([
      ['QA-VALID', 'qa-valid'],
      ['Straße', 'STRASSE'],
      ['Zoe\u0301', 'zo\u00e9'],
      ['\uff21\uff24\uff21-wide', 'ada-WIDE'],
    ])('%s taken, %s is a 409', async (first, second) => {
      const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
        username: first,
        email: `${randomUUID()}@example.com`,
      });
      expect(user.username).toBe(first.normalize('NFC'));
      const response = await request<{ message: string }>('POST', cluster.instance('user').url('/users'), {
        username: second,
        email: `${randomUUID()}@example.com`,
      });
      expect(response).toMatchObject({
        status: 409,
        body: {
          message: `username "${second.normalize('NFC')}" is already taken (usernames that differ only in case or Unicode form are the same name)`,
        },
      });
      const renamed = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
        username: `x${randomUUID().slice(0, 8)}`,
        email: `${randomUUID()}@example.com`,
      });
      expect(
        (await request('PATCH', cluster.instance('user').url(`/users/${renamed.user_id}`), { username: second }))
          .status,
      ).toBe(409);
    });

    it('a user may change the case of their own name; the NFC form is what other services see', async () => {
      const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
        username: 'rene\u0301e',
        email: 'renee@example.com',
      });
      expect(user.username).toBe('ren\u00e9e');
      expect(
        await expectStatus<User>(200, 'PATCH', cluster.instance('user').url(`/users/${user.user_id}`), {
          username: 'RENE\u0301E',
        }),
      ).toMatchObject({ username: 'REN\u00c9E' });
      await poll(async () => {
        const profile = await request<{ username: string }>(
          'GET',
          cluster.instance('matching').url(`/profiles/${user.user_id}`),
        );
        return profile.status === 200 && profile.body.username === 'REN\u00c9E' ? true : undefined;
      }, 'matching-service to see the renamed user in NFC');
    });
  });
});
