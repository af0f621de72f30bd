/**
 * Bad requests to every service, over HTTP and over the collaboration WebSocket: each gets a 4xx
 * (or an error frame) that says what was wrong, and nothing of it reaches the broker. A tap queue
 * bound to every exchange sees all events; valid "marker" requests afterwards prove the tap was
 * listening and show that only they got through.
 */
import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { expectStatus, request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import { SessionClient, WebSocketRefused } from '../../demo/session-client.js';
import type { User } from '../../services/user-service/users.js';
import { createTestVhost, type TestVhost } from '../support/broker.js';
import { publishRawMatchFound } from '../support/raw-match-found.js';

const EXCHANGES = ['user.events', 'matching.events', 'collaboration.events'];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe('bad requests to every service', () => {
  let vhost: TestVhost;
  let cluster: Cluster;
  let tapConnection: ChannelModel;
  const tapped: ConsumeMessage[] = [];
  const session = { id: randomUUID(), users: [randomUUID(), randomUUID()] as const };

  beforeAll(async () => {
    vhost = await createTestVhost('e2e-bad-requests');
    cluster = await Cluster.start(vhost.url);
    tapConnection = await connect(vhost.url);
    const channel = await tapConnection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    for (const exchange of EXCHANGES) await channel.bindQueue(queue, exchange, '#');
    await channel.consume(queue, (message) => message && tapped.push(message), { noAck: true });

    // A session to send bad frames to, opened by a raw match.found.
    publishRawMatchFound(channel, session.id, session.users);
    await poll(
      () =>
        tapped.some((message) => message.fields.routingKey === `session.${session.id}.started`) ? true : undefined,
      'the session to start',
    );
    tapped.length = 0;
  }, 120_000);

  afterAll(async () => {
    await tapConnection?.close();
    await cluster?.stop();
    await vhost?.dispose();
  });

  const unknown = randomUUID();
  it.each<[string, string, Method, string, unknown, number, RegExp]>([
    [
      'user',
      'a username too short',
      'POST',
      '/users',
      { username: 'ab', email: 'ab@example.com' },
      400,
      /body\/username must NOT have fewer than 3 characters/,
    ],
    [
      'user',
      'an email that is not one',
      'POST',
      '/users',
      { username: 'alan', email: 'not-an-email' },
      400,
      /body\/email must match format "email"/,
    ],
    [
      'user',
      'an unknown field',
      'POST',
      '/users',
      { username: 'alan', email: 'alan@example.com', role: 'admin' },
      400,
      /body must NOT have additional properties/,
    ],
    [
      'user',
      'a missing email',
      'POST',
      '/users',
      { username: 'alan' },
      400,
      /body must have required property 'email'/,
    ],
    [
      'user',
      'a bad skill level',
      'POST',
      '/users',
      { username: 'alan', email: 'alan@example.com', profile_data: { skill_level: 'guru' } },
      400,
      /body\/profile_data\/skill_level must be equal to one of the allowed values/,
    ],
    ['user', 'an empty update', 'PATCH', `/users/${unknown}`, {}, 400, /body must NOT have fewer than 1 properties/],
    ['user', 'a malformed user id', 'GET', '/users/42', undefined, 400, /params\/user_id must match format "uuid"/],
    [
      'user',
      'deleting a user that does not exist',
      'DELETE',
      `/users/${unknown}`,
      undefined,
      404,
      new RegExp(`no user with id ${unknown}`),
    ],
    [
      'question',
      'an unknown difficulty',
      'GET',
      '/questions?difficulty=impossible',
      undefined,
      400,
      /querystring\/difficulty must be equal to one of the allowed values/,
    ],
    [
      'question',
      'a malformed question id',
      'GET',
      '/questions/two-sum',
      undefined,
      400,
      /params\/question_id must match format "uuid"/,
    ],
    [
      'matching',
      'no topics',
      'POST',
      '/match-requests',
      { user_id: unknown, difficulty: 'medium', topics: [] },
      400,
      /body\/topics must NOT have fewer than 1 items/,
    ],
    [
      'matching',
      'a repeated topic',
      'POST',
      '/match-requests',
      { user_id: unknown, difficulty: 'easy', topics: ['graphs', 'graphs'] },
      400,
      /body\/topics must NOT have duplicate items/,
    ],
    [
      'matching',
      'a malformed user id',
      'POST',
      '/match-requests',
      { user_id: 'ada', difficulty: 'easy', topics: ['graphs'] },
      400,
      /body\/user_id must match format "uuid"/,
    ],
    [
      'matching',
      'a user it has no profile of',
      'POST',
      '/match-requests',
      { user_id: unknown, difficulty: 'easy', topics: ['graphs'] },
      404,
      /no profile for user .*user\.created has not arrived yet/,
    ],
    [
      'matching',
      'cancelling a request that does not exist',
      'DELETE',
      `/match-requests/${unknown}`,
      undefined,
      404,
      new RegExp(`no match request with id ${unknown}`),
    ],
    [
      'collaboration-1',
      'ending a session that does not exist',
      'POST',
      `/sessions/${unknown}/end`,
      { user_id: unknown },
      404,
      new RegExp(`no session with id ${unknown}`),
    ],
    [
      'collaboration-1',
      'ending with a bad reason',
      'POST',
      `/sessions/${unknown}/end`,
      { user_id: unknown, reason: 'bored' },
      400,
      /body\/reason must be equal to one of the allowed values/,
    ],
    ['collaboration-2', 'a route that does not exist', 'GET', '/sessions', undefined, 404, /no route GET \/sessions/],
  ])('%s-service refuses %s', async (instance, _what, method, path, body, status, message) => {
    const response = await request<{ message: string }>(method, cluster.instance(instance).url(path), body);
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
  });

  it('user-service refuses a body that is not JSON', async () => {
    const response = await fetch(cluster.instance('user').url('/users'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/JSON/);
  });

  it('collaboration-service refuses a session it cannot admit someone to', async () => {
    const refused = async (path: string) => {
      const error = await SessionClient.connect(cluster.instance('collaboration-2').wsUrl(path)).then(
        (client) => client.close().then(() => undefined),
        (error: unknown) => error,
      );
      expect(error).toBeInstanceOf(WebSocketRefused);
      return error as WebSocketRefused;
    };
    expect(await refused(`/sessions/nope/ws?user_id=${unknown}`)).toMatchObject({
      status: 400,
      body: expect.stringMatching(/session id must be a uuid/),
    });
    expect(await refused(`/sessions/${session.id}/ws`)).toMatchObject({
      status: 400,
      body: expect.stringMatching(/user_id must be a uuid/),
    });
    expect(await refused(`/sessions/${unknown}/ws?user_id=${unknown}`)).toMatchObject({
      status: 404,
      body: expect.stringMatching(/no session with id/),
    });
    expect(await refused(`/sessions/${session.id}/ws?user_id=${unknown}`)).toMatchObject({
      status: 403,
      body: expect.stringMatching(/is not in session/),
    });
  });

  it('collaboration-service answers bad frames with an error frame and publishes nothing for them', async () => {
    const client = await SessionClient.connect(
      cluster.instance('collaboration-1').wsUrl(`/sessions/${session.id}/ws?user_id=${session.users[0]}`),
    );
    try {
      await client.next('joined');
      for (const [frame, message] of [
        ['not json', /must be JSON/],
        [[1, 2], /must be a JSON object/],
        [{ type: 'delete' }, /unknown frame type "delete"/],
        [{ type: 'edit' }, /needs "code_delta", a string/],
        [{ type: 'edit', code_delta: 'x'.repeat(65_537) }, /longer than 65536 characters/],
        [{ type: 'edit', code_delta: 'x', user_id: session.users[1] }, /unknown field in an edit: user_id/],
      ] as const) {
        client.send(frame);
        expect((await client.next('error')).message).toMatch(message);
      }
      client.send({ type: 'edit', code_delta: 'marker' });
      expect(await client.next('code_updated')).toMatchObject({ code_delta: 'marker', user_id: session.users[0] });
    } finally {
      await client.close();
    }
  });

  it('lets only the valid marker requests reach the broker', async () => {
    const user = await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
      username: 'marker',
      email: 'marker@example.com',
    });
    await poll(
      async () =>
        (await request('GET', cluster.instance('matching').url(`/profiles/${user.user_id}`))).status === 200
          ? true
          : undefined,
      'the marker profile',
    );
    await expectStatus(201, 'POST', cluster.instance('matching').url('/match-requests'), {
      user_id: user.user_id,
      difficulty: 'hard',
      topics: ['graphs'],
    });
    await poll(() => (tapped.length >= 3 ? true : undefined), 'the three marker events on the tap');
    expect(tapped.map((message) => message.fields.routingKey).sort()).toEqual([
      'match.requested',
      'session.' + session.id + '.code_updated',
      'user.created',
    ]);
  });
});
