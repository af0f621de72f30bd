/**
 * Interop with the PeerPrep Python services, through a real Python peer that behaves on the wire
 * exactly like their shared aio-pika `RabbitMQClient` (python/peerprep_client.py): it calls our RPC
 * server, consumes our events, publishes events we consume and serves RPCs we call.
 * Every test gets a fresh vhost: the wire names are fixed, so no test sees another's queues.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RpcRemoteError,
  connectService,
  type ConsumeContext,
  type ServiceConnection,
  type ServiceDefinition,
  type ServiceHandlers,
} from '../../runtime/index.js';
import { createTestVhost, getMessages, queueState, waitFor, type TestVhost } from '../support/broker.js';
import { testLogger } from '../support/definitions.js';
import {
  MATCHING_DEAD_LETTER_QUEUE,
  MATCHING_USER_EVENTS_QUEUE,
  USER_CREATED_KEY,
  USER_EVENTS_EXCHANGE,
  USER_PROFILE_QUEUE,
  matchingServiceDefinition,
  userServiceDefinition,
  type UserCreated,
  type UserProfile,
  type UserProfileRequest,
} from './peerprep-definitions.js';
import { runPython, startPython, type PythonPeer } from './python-peer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let vhost: TestVhost;
const opened: ServiceConnection[] = [];
const peers: PythonPeer[] = [];

beforeEach(async () => {
  vhost = await createTestVhost('interop-python');
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  await Promise.all(opened.splice(0).map((connection) => connection.close()));
  await vhost.dispose();
});

async function connectOurs(definition: ServiceDefinition, handlers: ServiceHandlers): Promise<ServiceConnection> {
  const connection = await connectService(definition, handlers, { url: vhost.url, logger: testLogger() });
  opened.push(connection);
  return connection;
}

function connectUserService(): Promise<ServiceConnection> {
  const getUserProfile = (request: UserProfileRequest): UserProfile => ({
    user_id: request.user_id,
    username: 'ada',
    profile_data: { bio: 'Analyst' },
  });
  return connectOurs(userServiceDefinition(), {
    consumers: {},
    rpcServers: { getUserProfile: getUserProfile as never },
  });
}

function connectMatchingService(
  onUserCreated: (event: UserCreated, context: ConsumeContext) => void = () => {},
): Promise<ServiceConnection> {
  return connectOurs(matchingServiceDefinition(), {
    consumers: { onUserCreated: onUserCreated as never },
    rpcServers: {},
  });
}

async function startedPython(script: 'consume' | 'rpc_server', args: string[]): Promise<PythonPeer> {
  const peer = startPython(script, args);
  peers.push(peer);
  await peer.ready;
  return peer;
}

/** A user.created event as the Python user-service writes it: naive UTC `isoformat()`, microseconds. */
function pythonStyleUserCreated(username: string): UserCreated {
  return { user_id: randomUUID(), username, email: `${username}@example.com`, timestamp: '2026-11-29T10:15:00.123456' };
}

describe('the Python peer itself', () => {
  it('publishes like the deployment client: transient, uuid4 message_id, empty headers, json.dumps body', async () => {
    const connection = await connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(USER_EVENTS_EXCHANGE, 'topic', { durable: true });
      await channel.assertQueue('observer');
      await channel.bindQueue('observer', USER_EVENTS_EXCHANGE, USER_CREATED_KEY);
    } finally {
      await connection.close();
    }
    const event = pythonStyleUserCreated('grace');

    await runPython('publish', [vhost.url, USER_EVENTS_EXCHANGE, USER_CREATED_KEY, JSON.stringify(event)]);

    const [message] = await getMessages(vhost.name, 'observer', 1);
    expect(message?.body).toBe(
      `{"user_id": "${event.user_id}", "username": "grace", "email": "grace@example.com", "timestamp": "${event.timestamp}"}`,
    );
    expect(message?.properties).toMatchObject({
      content_type: 'application/json',
      delivery_mode: 1,
      priority: 0,
      headers: {},
    });
    expect(message?.properties.message_id).toMatch(UUID);
    // The deployment's timestamp bug: a monotonic clock read, i.e. a date in 1970.
    expect(new Date(Number(message?.properties.timestamp) * 1000).getUTCFullYear()).toBe(1970);
  });
});

describe('a Python service and ours on one broker', () => {
  it('a Python caller gets our RPC server replies through its per-call reply queue, errors included', async () => {
    const userId = randomUUID();
    await connectUserService();

    const [reply] = await runPython('rpc_call', [vhost.url, USER_PROFILE_QUEUE, JSON.stringify({ user_id: userId })]);
    const [invalidReply] = await runPython('rpc_call', [
      vhost.url,
      USER_PROFILE_QUEUE,
      JSON.stringify({ user_id: 42 }),
    ]);

    expect(reply).toEqual({ user_id: userId, username: 'ada', profile_data: { bio: 'Analyst' } });
    // The Python client reads any dict with "error" as a failure: our error reply is one.
    expect(invalidReply).toMatchObject({ error: expect.stringContaining('user_id'), error_code: 'invalid_request' });
  });

  it('a Python consumer receives our events, declaring matching.user_events plainly after our declaration', async () => {
    // Our matching-service declares the queue (no arguments) and its binding, then steps aside so
    // that the Python consumer, which declares the same queue its own way, gets every message.
    const ourMatching = await connectMatchingService();
    await ourMatching.close();
    const pythonConsumer = await startedPython('consume', [
      vhost.url,
      MATCHING_USER_EVENTS_QUEUE,
      USER_EVENTS_EXCHANGE,
      USER_CREATED_KEY,
      '2',
    ]);
    const userService = await connectUserService();
    const events = [
      pythonStyleUserCreated('ada'),
      { ...pythonStyleUserCreated('alan'), timestamp: new Date().toISOString() },
    ];

    for (const event of events) await userService.publish('userCreated', {}, event);

    await expect(pythonConsumer.finished).resolves.toEqual(events);
  });

  it("we consume a Python publisher's events (transient, naive timestamps, empty headers) from the queue it declared first", async () => {
    await runPython('consume', [vhost.url, MATCHING_USER_EVENTS_QUEUE, USER_EVENTS_EXCHANGE, USER_CREATED_KEY, '0']);
    const received: { event: UserCreated; context: ConsumeContext }[] = [];
    await connectMatchingService((event, context) => received.push({ event, context }));
    const events = [pythonStyleUserCreated('ada'), pythonStyleUserCreated('alan')];

    await runPython('publish', [
      vhost.url,
      USER_EVENTS_EXCHANGE,
      USER_CREATED_KEY,
      ...events.map((event) => JSON.stringify(event)),
    ]);

    await waitFor(() => received.length === events.length, {
      timeoutMs: 10_000,
      what: 'both Python events to be handled',
    });
    expect(received.map(({ event }) => event)).toEqual(events);
    for (const { context } of received) {
      expect(context).toMatchObject({ routingKey: USER_CREATED_KEY, attempt: 1, headers: {} });
      expect(context.messageId).toMatch(UUID);
    }
    expect(await queueState(vhost.name, MATCHING_DEAD_LETTER_QUEUE)).toEqual({ messages: 0, consumers: 0 });
  });

  it('we call a Python RPC server and get its reply, typed', async () => {
    await startedPython('rpc_server', [vhost.url, USER_PROFILE_QUEUE, 'profile']);
    const matching = await connectMatchingService();
    const userId = randomUUID();

    await expect(matching.call('getUserProfile', { user_id: userId })).resolves.toEqual({
      user_id: userId,
      username: 'ada',
      profile_data: { bio: 'Analyst', languages: ['python'] },
    });
  });

  it('a Python RPC server\'s {"error": ...} reply becomes our typed remote error', async () => {
    await startedPython('rpc_server', [vhost.url, USER_PROFILE_QUEUE, 'fail']);
    const matching = await connectMatchingService();
    const userId = randomUUID();

    const failure = await matching.call('getUserProfile', { user_id: userId }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RpcRemoteError);
    expect(failure).toMatchObject({
      rpc: 'getUserProfile',
      remoteCode: 'remote_error',
      remoteMessage: `no user ${userId}`,
    });
  });
});
