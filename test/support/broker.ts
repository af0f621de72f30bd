/**
 * Helpers for tests against the real RabbitMQ on this machine (AMQP on 127.0.0.1:5672, the
 * management HTTP API on 127.0.0.1:15672, node `rabbit@localhost`). `TEST_BROKER_AMQP_PORT`,
 * `TEST_BROKER_MANAGEMENT_PORT` and `TEST_BROKER_NODE` point them at another node on this machine,
 * e.g. a private one for developing a test that raises a resource alarm.
 *
 * Each test file creates a vhost of its own with `createTestVhost`, so files can run in parallel
 * without seeing each other's exchanges, queues or messages. The vhost also gets a user of its
 * own: the code under test connects with `vhost.url` (as that user), which lets `killConnections`
 * cut exactly its connections, at once, through the broker's connection tracking. The helpers
 * themselves act as `guest`, so they are never cut.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { connect } from 'amqplib';

const BROKER_HOST = '127.0.0.1';
const AMQP_PORT = Number(process.env.TEST_BROKER_AMQP_PORT ?? 5672);
const MANAGEMENT_API = `http://${BROKER_HOST}:${process.env.TEST_BROKER_MANAGEMENT_PORT ?? 15672}/api`;
const BROKER_NODE = process.env.TEST_BROKER_NODE;
const ADMIN = { user: 'guest', password: 'guest' } as const;

/** A broker (or the nodes of a cluster) the helpers may create vhosts on. */
export interface BrokerAddress {
  /** `host:port` of each node's AMQP listener. */
  amqp: string[];
  /** The management API of one node, e.g. `http://127.0.0.1:15672/api`. */
  managementApi: string;
}

export const LOCAL_BROKER: BrokerAddress = { amqp: [`${BROKER_HOST}:${AMQP_PORT}`], managementApi: MANAGEMENT_API };

/**
 * The vhost default queue type the contract asks for (generated/definitions.json): test vhosts get
 * it, so that plain declarations (the Python peer's) behave as on a provisioned broker.
 */
export const CONTRACT_DEFAULT_QUEUE_TYPE: string =
  (
    JSON.parse(readFileSync(new URL('../../generated/definitions.json', import.meta.url), 'utf8')) as {
      vhosts?: { metadata: { default_queue_type: string } }[];
    }
  ).vhosts?.[0]?.metadata.default_queue_type ?? 'classic';

const FULL_PERMISSIONS = { configure: '.*', write: '.*', read: '.*' };

/** Whether the broker accepts an AMQP connection and its management API answers. */
export async function brokerAnswers(): Promise<boolean> {
  try {
    const connection = await connect(amqpUrl(ADMIN.user, ADMIN.password, '/'));
    await connection.close();
    await management('GET', '/overview');
    return true;
  } catch {
    return false;
  }
}

export interface TestVhost {
  /** The vhost's name, e.g. `test-interop-3fa2c1d0`. */
  readonly name: string;
  /** The user that owns the vhost's client connections (named like the vhost). */
  readonly user: string;
  /** AMQP URL of the vhost, as `user`: hand this to the code under test. */
  readonly url: string;
  /** Deletes the vhost (closing every connection to it) and its user. */
  dispose(): Promise<void>;
}

/**
 * Creates a fresh vhost, with the contract's default queue type, and a user with full rights on it
 * (`guest` gets full rights too, for the helpers). `label` names the test file: lowercase letters,
 * digits and dashes. On a cluster, `url` lists every node.
 */
export async function createTestVhost(label: string, broker: BrokerAddress = LOCAL_BROKER): Promise<TestVhost> {
  if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`vhost label must match [a-z0-9-]+, got "${label}"`);
  const name = `test-${label}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const api = (method: 'PUT' | 'DELETE', path: string, body?: unknown) =>
    management(method, path, body, {}, broker.managementApi);
  // The management API's name for the vhost's default queue type.
  await api('PUT', `/vhosts/${encodeURIComponent(name)}`, { defaultqueuetype: CONTRACT_DEFAULT_QUEUE_TYPE });
  await api('PUT', `/users/${encodeURIComponent(name)}`, { password, tags: '' });
  for (const user of [name, ADMIN.user]) {
    await api('PUT', `/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`, FULL_PERMISSIONS);
  }
  return {
    name,
    user: name,
    url: broker.amqp.map((node) => amqpUrl(name, password, name, node)).join(','),
    async dispose() {
      await api('DELETE', `/vhosts/${encodeURIComponent(name)}`);
      await api('DELETE', `/users/${encodeURIComponent(name)}`);
    },
  };
}

export interface ConnectionSummary {
  /** The broker's name for the connection, e.g. `127.0.0.1:41488 -> 127.0.0.1:5672`. */
  name: string;
  vhost: string;
  user: string;
}

/** The open AMQP connections of the vhost's user, as the broker tracks them (no statistics lag). */
export async function listConnections(vhost: TestVhost): Promise<ConnectionSummary[]> {
  const response = await management('GET', `/connections/username/${encodeURIComponent(vhost.user)}`);
  const connections = (await response.json()) as ConnectionSummary[];
  return connections.map(({ name, vhost: connectionVhost, user }) => ({ name, vhost: connectionVhost, user }));
}

/**
 * Force-closes every connection of the vhost's user, as an operator would from the management UI
 * (the client sees `CONNECTION_FORCED` with `reason`). Resolves once the broker has closed them.
 */
export async function killConnections(vhost: TestVhost, reason = 'closed by a fault test'): Promise<void> {
  await management('DELETE', `/connections/username/${encodeURIComponent(vhost.user)}`, undefined, {
    'x-reason': reason,
  });
}

export interface ConnectionChannels {
  /** The name the client gave its connection (`connection_name`), if any. */
  connectionName: string | undefined;
  /** Channels open on it. */
  channels: number;
}

/**
 * The vhost user's connections with their open channel counts, asked of the broker's connection
 * processes through `rabbitmqctl list_connections`: exact at the moment of asking, unlike the
 * management API's channel counts, which come from statistics lagging by seconds.
 */
export async function connectionChannels(vhost: TestVhost): Promise<ConnectionChannels[]> {
  return (await brokerConnections(vhost)).map(({ connectionName, channels }) => ({ connectionName, channels }));
}

export interface ConnectionState extends ConnectionChannels {
  /** The broker's name for the connection (as in `ConnectionSummary`). */
  name: string;
  /** `running`; during a resource alarm `blocking` (has not published since) or `blocked` (published: the broker reads nothing more from it). */
  state: string;
}

/** The vhost user's connections as the broker's connection processes see them now (`rabbitmqctl list_connections`). */
export async function brokerConnections(vhost: TestVhost): Promise<ConnectionState[]> {
  const stdout = await rabbitmqctl(
    '-q',
    '--formatter',
    'json',
    'list_connections',
    'name',
    'user',
    'channels',
    'client_properties',
    'state',
  );
  const connections = JSON.parse(stdout) as {
    name: string;
    user: string;
    channels: number;
    state: string;
    client_properties: [string, string, unknown][];
  }[];
  return connections
    .filter((connection) => connection.user === vhost.user)
    .map((connection) => ({
      name: connection.name,
      connectionName: connection.client_properties.find(([key]) => key === 'connection_name')?.[2] as
        string | undefined,
      channels: connection.channels,
      state: connection.state,
    }));
}

/**
 * Force-closes the one connection of the vhost's user that the client named `connectionName`, as an
 * operator would from the management UI; rejects if there is none. The management API knows a
 * connection only once its first statistics came in (up to 5 s), so this waits for that.
 */
export async function killNamedConnection(
  vhost: TestVhost,
  connectionName: string,
  reason = 'closed by a fault test',
): Promise<void> {
  const connection = (await brokerConnections(vhost)).find((candidate) => candidate.connectionName === connectionName);
  if (!connection) throw new Error(`no connection named "${connectionName}" of user ${vhost.user}`);
  const path = `/connections/${encodeURIComponent(connection.name)}`;
  await waitFor(
    () =>
      management('GET', path).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 15_000, what: `the management API to know connection ${connection.name}`, intervalMs: 250 },
  );
  await management('DELETE', path, undefined, { 'x-reason': reason });
}

/** Runs `rabbitmqctl` against the broker under test (async: `execFileSync` would freeze the event loop under test); resolves with its stdout. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const node = BROKER_NODE ? ['-n', BROKER_NODE] : [];
  const { stdout } = await promisify(execFile)('rabbitmqctl', [...node, ...args], { timeout: 60_000 });
  return stdout;
}

/** Names of the vhost's queues, exclusive and auto-delete ones included (the management API lists them without lag). */
export async function queueNames(vhostName: string): Promise<string[]> {
  const response = await management('GET', `/queues/${encodeURIComponent(vhostName)}?columns=name`);
  return ((await response.json()) as { name: string }[]).map((queue) => queue.name).sort();
}

/** The binding keys of a queue, exchange by exchange (`collaboration.events session.x.ended`), sorted; the default exchange's is left out. Read as the broker has them now. */
export async function queueBindings(vhostName: string, queue: string): Promise<string[]> {
  const response = await management(
    'GET',
    `/queues/${encodeURIComponent(vhostName)}/${encodeURIComponent(queue)}/bindings`,
  );
  const bindings = (await response.json()) as { source: string; routing_key: string }[];
  return bindings
    .filter((binding) => binding.source !== '')
    .map((binding) => `${binding.source} ${binding.routing_key}`)
    .sort();
}

export interface QueueState {
  /** Messages ready for delivery (not counting unacknowledged ones). */
  messages: number;
  consumers: number;
}

/**
 * A queue's ready-message and consumer counts, asked of the broker over AMQP (a passive declare
 * as `guest`): exact at the moment of asking, unlike the management API's counters, which lag
 * by up to the 5 s statistics interval. Rejects if the queue does not exist.
 */
export async function queueState(vhostName: string, queue: string): Promise<QueueState> {
  const connection = await connect(amqpUrl(ADMIN.user, ADMIN.password, vhostName));
  try {
    const channel = await connection.createChannel();
    // A missing queue closes the channel with an 'error' event besides rejecting checkQueue; unheard, that event would be an uncaught exception.
    channel.on('error', () => undefined);
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    return { messages: messageCount, consumers: consumerCount };
  } finally {
    await connection.close();
  }
}

/** A message taken off a queue through the management API. */
export interface BrokerMessage {
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  /** AMQP properties in the management API's snake_case (`headers`, `message_id`, `delivery_mode`...). */
  properties: Record<string, unknown> & { headers?: Record<string, unknown> };
  /** The body as text (decoded from base64 when it is not valid UTF-8). */
  body: string;
}

interface ManagementGetItem {
  exchange: string;
  routing_key: string;
  redelivered: boolean;
  properties: BrokerMessage['properties'] | [];
  payload: string;
  payload_encoding: 'string' | 'base64';
}

/**
 * Takes up to `count` messages off a queue and acknowledges them (they are gone afterwards):
 * for asserting what ended up in a dead-letter queue.
 */
export async function getMessages(vhostName: string, queue: string, count: number): Promise<BrokerMessage[]> {
  const response = await management(
    'POST',
    `/queues/${encodeURIComponent(vhostName)}/${encodeURIComponent(queue)}/get`,
    {
      count,
      ackmode: 'ack_requeue_false',
      encoding: 'auto',
    },
  );
  const items = (await response.json()) as ManagementGetItem[];
  return items.map((item) => ({
    exchange: item.exchange,
    routingKey: item.routing_key,
    redelivered: item.redelivered,
    // The API renders empty properties as [] rather than {}.
    properties: Array.isArray(item.properties) ? {} : item.properties,
    body: item.payload_encoding === 'base64' ? Buffer.from(item.payload, 'base64').toString('utf8') : item.payload,
  }));
}

export interface WaitForOptions {
  /** Give up after this long; an upper bound for a failing test, not a performance threshold. */
  timeoutMs: number;
  /** What is awaited, for the failure message: "the consumer to come back". */
  what: string;
  /** Pause between checks. Default 50 ms. */
  intervalMs?: number;
}

/**
 * Checks `predicate` until it holds, then resolves; rejects with "Timed out after N ms waiting
 * for <what>" if it never does. An error thrown by `predicate` rejects at once.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
  const { timeoutMs, what, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One call to the management API as the admin user; any non-2xx answer is an error naming the call. */
export async function management(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  api = MANAGEMENT_API,
): Promise<Response> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    const reason = String((error as Error).cause ?? error); // fetch's own message is just "fetch failed"
    throw new Error(
      `RabbitMQ's management API does not answer at ${api} (${reason}): start the broker with \`bash scripts/ensure-broker.sh\` (the cluster with \`bash scripts/cluster.sh start\`)`,
    );
  });
  if (!response.ok) {
    throw new Error(`RabbitMQ management API: ${method} ${path} answered ${response.status} ${await response.text()}`);
  }
  return response;
}

function amqpUrl(user: string, password: string, vhostName: string, node = `${BROKER_HOST}:${AMQP_PORT}`): string {
  return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${node}/${encodeURIComponent(vhostName)}`;
}
