/**
 * A per-subscription consumer (`x-queue bindings: per-subscription`) against the real broker: its
 * per-instance queue is bound to one routing key per subscribed parameter value, counted per key,
 * never to a wildcard, refused for values that would be one, and bound again on the new queue
 * after the connection is lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ConfigError,
  ConnectionClosedError,
  ConnectionUnavailableError,
  RoutingKeyError,
  connectService,
  type RoutingParams,
  type ServiceConnection,
  type ServiceDefinition,
} from '../../../runtime/index.js';
import {
  createTestVhost,
  killConnections,
  killNamedConnection,
  listConnections,
  management,
  queueBindings,
  waitFor,
  type TestVhost,
} from '../../support/broker.js';
import { testLogger, validator } from './_fixtures.js';

const EXCHANGE = 'chat.events';
const QUEUE = 'chat.rooms';
const INSTANCE = 'subscriptions-test';
const ON_BROKER = `${QUEUE}.${INSTANCE}`;
const message = validator({ type: 'object', required: ['text'], properties: { text: { type: 'string' } } });

function chatDefinition(exchange = EXCHANGE): ServiceDefinition {
  return {
    service: 'chat',
    topology: {
      exchanges: [{ name: exchange, type: 'topic', durable: true, autoDelete: false }],
      queues: [
        {
          name: QUEUE,
          role: 'consumer',
          durable: false,
          exclusive: true,
          autoDelete: true,
          perInstance: true,
          arguments: {},
        },
      ],
      bindings: [],
    },
    publishers: [
      {
        name: 'roomMessage',
        message: 'RoomMessage',
        exchange,
        routingKey: 'room.{room_id}.message',
        parameters: ['room_id'],
        mandatory: false,
        persistent: false,
        validate: message,
      },
    ],
    consumers: [
      {
        name: 'roomMessage',
        message: 'RoomMessage',
        exchange,
        routingKey: 'room.{room_id}.message',
        parameters: ['room_id'],
        queue: QUEUE,
        validate: message,
        retry: { maxAttempts: 1, delayQueues: [] },
        prefetch: 10,
        perSubscription: true,
      },
    ],
    rpcClients: [],
    rpcServers: [],
  };
}

let vhost: TestVhost;
let chat: ServiceConnection;
const received: string[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('runtime-subscriptions');
  chat = await connectService(
    chatDefinition(),
    {
      consumers: { roomMessage: ((payload: { text: string }) => void received.push(payload.text)) as never },
      rpcServers: {},
    },
    { url: vhost.url, logger: testLogger(), instanceId: INSTANCE },
  );
});

afterAll(async () => {
  await chat?.close();
  await vhost?.dispose();
});

const bindings = () => queueBindings(vhost.name, ON_BROKER);
const bound = (...rooms: string[]) => rooms.map((room) => `${EXCHANGE} room.${room}.message`).sort();

/** Publishes a marker to each room, then one to a room bound for the purpose, and waits for that one: whatever else arrived came before it. */
async function deliveredOf(rooms: string[]): Promise<string[]> {
  const marker = `marker-${received.length}-${Date.now()}`;
  await chat.subscribe('roomMessage', { room_id: 'marker' });
  for (const room of rooms) await chat.publish('roomMessage', { room_id: room }, { text: `${room} ${marker}` });
  await chat.publish('roomMessage', { room_id: 'marker' }, { text: marker });
  await waitFor(() => received.includes(marker), { timeoutMs: 10_000, what: 'the marker message' });
  await chat.unsubscribe('roomMessage', { room_id: 'marker' });
  return received
    .filter((text) => text.endsWith(` ${marker}`))
    .map((text) => text.split(' ')[0]!)
    .sort();
}

it('binds nothing until a room is subscribed, and no wildcard ever', async () => {
  expect(await bindings()).toEqual([]);
  expect(await deliveredOf(['r0'])).toEqual([]);
});

it('counts subscriptions per room: the first binds, the last release unbinds, an extra release does nothing', async () => {
  await Promise.all([
    chat.subscribe('roomMessage', { room_id: 'r1' }),
    chat.subscribe('roomMessage', { room_id: 'r1' }),
    chat.subscribe('roomMessage', { room_id: 'r2' }),
  ]);
  expect(await bindings()).toEqual(bound('r1', 'r2'));
  expect(await deliveredOf(['r1', 'r2', 'r3'])).toEqual(['r1', 'r2']);

  await chat.unsubscribe('roomMessage', { room_id: 'r1' });
  expect(await bindings()).toEqual(bound('r1', 'r2'));
  await chat.unsubscribe('roomMessage', { room_id: 'r1' });
  await chat.unsubscribe('roomMessage', { room_id: 'r1' });
  expect(await bindings()).toEqual(bound('r2'));
  expect(await deliveredOf(['r1', 'r2'])).toEqual(['r2']);

  // The extra release above did not count against a later subscription.
  await chat.subscribe('roomMessage', { room_id: 'r1' });
  expect(await bindings()).toEqual(bound('r1', 'r2'));
  await Promise.all([
    chat.unsubscribe('roomMessage', { room_id: 'r1' }),
    chat.unsubscribe('roomMessage', { room_id: 'r2' }),
  ]);
  expect(await bindings()).toEqual([]);
});

it('ends where the calls end when subscribe and unsubscribe of one room interleave', async () => {
  await Promise.all([
    chat.subscribe('roomMessage', { room_id: 'busy' }),
    chat.unsubscribe('roomMessage', { room_id: 'busy' }),
    chat.subscribe('roomMessage', { room_id: 'busy' }),
    chat.unsubscribe('roomMessage', { room_id: 'busy' }),
    chat.subscribe('roomMessage', { room_id: 'busy' }),
  ]);
  expect(await bindings()).toEqual(bound('busy'));
  await chat.unsubscribe('roomMessage', { room_id: 'busy' });
  expect(await bindings()).toEqual([]);
});

it.each([
  ['#', /must not contain '.', '\*' or '#'/],
  ['*', /must not contain/],
  ['a.b', /must not contain/],
  ['', /must not be empty/],
])('refuses the room id %j: it would bind to more than one room', async (roomId, reason) => {
  const subscribing = chat.subscribe('roomMessage', { room_id: roomId });
  await expect(subscribing).rejects.toThrow(RoutingKeyError);
  await expect(subscribing).rejects.toThrow(reason);
  await expect(chat.subscribe('roomMessage', {})).rejects.toThrow(/parameter "room_id" must be a string, got nothing/);
  expect(await bindings()).toEqual([]);
});

it('refuses a consumer that is not per-subscription, naming the ones there are', async () => {
  await expect(chat.subscribe('roomMesage', { room_id: 'r1' })).rejects.toThrow(ConfigError);
  await expect(chat.unsubscribe('roomMesage', { room_id: 'r1' })).rejects.toThrow(
    /no per-subscription consumer of that name \(it has roomMessage\)/,
  );
});

it('binds the held rooms again on the new queue after the connection is lost, and only those, and tells the listeners which', async () => {
  const resubscribed: RoutingParams[][] = [];
  chat.onResubscribed('roomMessage', (held) => resubscribed.push(held));
  expect(() => chat.onResubscribed('roomMesage', () => undefined)).toThrow(
    /cannot listen to the re-subscriptions of "roomMesage": chat has no per-subscription consumer of that name/,
  );
  await chat.subscribe('roomMessage', { room_id: 'kept' });
  await chat.subscribe('roomMessage', { room_id: 'left' });
  await chat.unsubscribe('roomMessage', { room_id: 'left' });
  await waitFor(async () => (await listConnections(vhost)).length === 2, {
    timeoutMs: 15_000,
    what: 'both connections',
  });
  const killed = new Set((await listConnections(vhost)).map((connection) => connection.name));
  await killConnections(vhost, 'subscriptions test');
  const reconnected = async () => {
    const now = await listConnections(vhost);
    return now.length === 2 && now.every((connection) => !killed.has(connection.name));
  };
  await waitFor(async () => (await reconnected()) && (await bindings().catch(() => [])).length > 0, {
    timeoutMs: 30_000,
    what: 'the service to reconnect and bind again',
  });
  expect(await bindings()).toEqual(bound('kept'));
  expect(resubscribed).toEqual([[{ room_id: 'kept' }]]);
  expect(await deliveredOf(['kept', 'left'])).toEqual(['kept']);
  const metrics = await chat.metrics.getSingleMetricAsString('messaging_subscriptions_active');
  expect(metrics).toContain('messaging_subscriptions_active{service="chat",operation="roomMessage"} 1');
  await chat.unsubscribe('roomMessage', { room_id: 'kept' });
  expect(await bindings()).toEqual([]);
});

it('refuses to subscribe once closed', async () => {
  const other = await connectService(
    chatDefinition(),
    { consumers: { roomMessage: () => undefined }, rpcServers: {} },
    { url: vhost.url, logger: testLogger(), instanceId: 'closed-one' },
  );
  await other.close();
  await expect(other.subscribe('roomMessage', { room_id: 'r1' })).rejects.toThrow(ConnectionClosedError);
});

it('refuses a value that makes the routing key longer than 255 bytes, naming it, and later subscriptions still bind', async () => {
  // 130 two-byte characters: 273 bytes with the rest of the key.
  await expect(chat.subscribe('roomMessage', { room_id: 'é'.repeat(130) })).rejects.toThrow(
    /^routing key room\.\{room_id\}\.message: parameter "room_id" makes the routing key 273 bytes long, past AMQP's 255$/,
  );
  await chat.subscribe('roomMessage', { room_id: 'after-long' });
  expect(await bindings()).toContain(`${EXCHANGE} room.after-long.message`);
  await chat.unsubscribe('roomMessage', { room_id: 'after-long' });
});

it('counts exactly when an unsubscribe releases a subscribe that then fails: a later subscribe resolves only once bound', async () => {
  const exchange = 'chat.deleted';
  const exchangePath = `/exchanges/${encodeURIComponent(vhost.name)}/${exchange}`;
  const refused = await connectService(
    chatDefinition(exchange),
    { consumers: { roomMessage: () => undefined }, rpcServers: {} },
    { url: vhost.url, logger: testLogger(), instanceId: 'refused' },
  );
  const refusedBindings = () => queueBindings(vhost.name, `${QUEUE}.refused`);
  const active = () => refused.metrics.getSingleMetricAsString('messaging_subscriptions_active');
  const room = { room_id: 'r1' };
  try {
    await management('DELETE', exchangePath);
    // The refusal closes the subscription channel: the next subscribe waits for it to reopen, and is released meanwhile.
    await expect(refused.subscribe('roomMessage', { room_id: 'r0' })).rejects.toMatchObject({ code: 404 });
    const subscribing = refused.subscribe('roomMessage', room);
    await new Promise(setImmediate);
    const [first, release, second] = await Promise.allSettled([
      subscribing,
      refused.unsubscribe('roomMessage', room),
      refused.subscribe('roomMessage', room),
    ]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 404 } });
    expect(release.status).toBe('fulfilled');
    // The first subscribe's failure did not also drop the second one's hold: the second tried to bind, and was refused too.
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 404 } });
    expect(await refusedBindings()).toEqual([]);
    expect(await active()).toContain('operation="roomMessage"} 0');

    await management('PUT', exchangePath, { type: 'topic', durable: true });
    await refused.subscribe('roomMessage', room);
    expect(await refusedBindings()).toEqual([`${exchange} room.r1.message`]);
    expect(await active()).toContain('operation="roomMessage"} 1');
    await refused.unsubscribe('roomMessage', room);
    expect(await refusedBindings()).toEqual([]);
    expect(await active()).toContain('operation="roomMessage"} 0');
  } finally {
    await refused.close();
  }
});

it('counts no subscription once a release and a subscribe of one room both time out while the connection is down', async () => {
  const outage = await connectService(
    chatDefinition(),
    { consumers: { roomMessage: () => undefined }, rpcServers: {} },
    { url: vhost.url, logger: testLogger(), instanceId: 'outage', publishTimeoutMs: 500 },
  );
  const active = () => outage.metrics.getSingleMetricAsString('messaging_subscriptions_active');
  const limit = `/vhost-limits/${encodeURIComponent(vhost.name)}/max-connections`;
  const room = { room_id: 'r1' };
  try {
    await outage.subscribe('roomMessage', room);
    const before = await listConnections(vhost);
    // One connection fewer than now: the killed consume connection cannot come back until the limit is lifted.
    await management('PUT', limit, { value: before.length - 1 });
    try {
      await killNamedConnection(vhost, 'chat@outage/consume', 'subscriptions outage test');
      await waitFor(async () => (await listConnections(vhost)).length < before.length, {
        timeoutMs: 15_000,
        what: 'the consume connection to close',
      });
      const [release, again] = await Promise.allSettled([
        outage.unsubscribe('roomMessage', room),
        outage.subscribe('roomMessage', room),
      ]);
      expect(release.status).toBe('fulfilled');
      expect(again).toMatchObject({ status: 'rejected', reason: expect.any(ConnectionUnavailableError) });
    } finally {
      await management('DELETE', limit);
    }
    // Nothing holds the room: once the connection is back, nothing is bound and nothing counted.
    await waitFor(async () => (await listConnections(vhost)).length === before.length, {
      timeoutMs: 30_000,
      what: 'the consume connection to come back',
    });
    await waitFor(async () => (await active()).includes('operation="roomMessage"} 0'), {
      timeoutMs: 15_000,
      what: `no subscription counted (${await active()})`,
    });
    expect(await queueBindings(vhost.name, `${QUEUE}.outage`)).toEqual([]);
  } finally {
    await outage.close();
  }
}, 60_000);
