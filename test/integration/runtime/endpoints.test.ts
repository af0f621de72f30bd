/**
 * A list of broker URLs on one real broker: a node that refuses, a node that accepts TCP but never
 * speaks AMQP, and a TCP proxy standing in for a second node. The runtime must connect to the first
 * node in its order that answers, and after a loss move on to the next one.
 */
import { createServer, connect as connectSocket, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestVhost, killConnections, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type ServiceConnection } from '../../../runtime/index.js';
import { shuffledFor } from '../../../runtime/endpoints.js';
import { ordersDefinition, testLogger } from './_fixtures.js';

let vhost: TestVhost;
const servers: Server[] = [];
const sockets = new Set<Socket>();
const buses: ServiceConnection[] = [];

function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An instance id whose order over `count` nodes is 0, 1, ..., count - 1 (the order is a function of the id). */
function idInListOrder(count: number): string {
  const inOrder = Array.from({ length: count }, (_, index) => index);
  const id = Array.from({ length: 500 }, (_, index) => `in-order-${index}`).find((candidate) =>
    shuffledFor(inOrder, candidate).every((node, index) => node === index),
  );
  if (id === undefined) throw new Error('no instance id keeps the list order');
  return id;
}

const withPort = (url: string, port: number) => url.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${port}/`);

/** The nodes the service's connections (publish and consume) are on, each named once: one node when both are on it. */
async function connectedNodes(bus: ServiceConnection): Promise<string[]> {
  const gauge = bus.metrics.getSingleMetric('messaging_connected_node');
  const nodes = gauge
    ? (await gauge.get()).values.filter((value) => value.value === 1).map((value) => String(value.labels['node']))
    : [];
  return [...new Set(nodes)].sort();
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-endpoints');
});
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await vhost?.dispose();
});

it('skips a node that refuses and one that never answers, and connects to the next', async () => {
  const silent = await listen(() => undefined);
  const refusing = await closedPort();
  const url = [withPort(vhost.url, silent), withPort(vhost.url, refusing), vhost.url].join(',');
  const bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: () => undefined, onOrderCancelled: () => undefined }, rpcServers: {} },
    { url, instanceId: idInListOrder(3), logger: testLogger() },
  );
  buses.push(bus);
  expect(await connectedNodes(bus)).toEqual(['127.0.0.1:5672']);
});

it('skips a node that refuses the login (its password is wrong there) and connects to the next that accepts it', async () => {
  const wrongPassword = vhost.url.replace(/:[^:@/]+@/, ':not-the-password@');
  const url = [wrongPassword, vhost.url.replace('@127.0.0.1:', '@localhost:')].join(',');
  const bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: () => undefined, onOrderCancelled: () => undefined }, rpcServers: {} },
    { url, instanceId: idInListOrder(2), logger: testLogger() },
  );
  buses.push(bus);
  expect(await connectedNodes(bus)).toEqual(['localhost:5672']);
});

it('after a lost connection, moves on to the next node of its order', async () => {
  // A second "node": a TCP proxy to the same broker.
  const proxy = await listen((client) => {
    const upstream = connectSocket(5672, '127.0.0.1');
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  const url = [vhost.url, withPort(vhost.url, proxy)];
  const bus = await connectService(
    ordersDefinition(),
    { consumers: { onOrderPlaced: () => undefined, onOrderCancelled: () => undefined }, rpcServers: {} },
    { url, instanceId: idInListOrder(2), logger: testLogger() },
  );
  buses.push(bus);
  expect(await connectedNodes(bus)).toEqual(['127.0.0.1:5672']);

  await killConnections(vhost, 'endpoint test: node lost');
  await waitFor(async () => (await connectedNodes(bus)).join() === `127.0.0.1:${proxy}`, {
    timeoutMs: 30_000,
    what: 'the connection to move to the second node',
  });
  await bus.publish('orderPlaced', { order_id: 'after-failover' }, { order_id: 'after-failover', amount: 1 });
});
