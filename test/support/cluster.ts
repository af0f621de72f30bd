/**
 * Helpers for tests against the local three-node cluster (`scripts/cluster.sh`: nodes c1..c3,
 * AMQP 127.0.0.1:5701-5703, management API 15701-15703). Nodes die in these tests, so every call
 * to the management API goes to the first node that answers.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Registry } from 'prom-client';
import { shuffledFor } from '../../runtime/endpoints.js';
import { management, waitFor, type BrokerAddress } from './broker.js';

export const NODES = [1, 2, 3] as const;
export type NodeNumber = (typeof NODES)[number];

const amqpPort = (node: NodeNumber) => 5700 + node;
const managementApi = (node: NodeNumber) => `http://127.0.0.1:${15700 + node}/api`;
const SCRIPT = fileURLToPath(new URL('../../scripts/cluster.sh', import.meta.url));

export const CLUSTER: BrokerAddress = {
  amqp: NODES.map((node) => `127.0.0.1:${amqpPort(node)}`),
  managementApi: managementApi(1),
};

/** Runs `scripts/cluster.sh <args>` (asynchronously: the event loop under test keeps running). */
export async function clusterScript(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, ...args], { timeout: 240_000 });
  return stdout.trim();
}

/** The nodes `cluster.sh status` reports up (it asks each node itself, not its management API). */
export async function nodesUp(): Promise<NodeNumber[]> {
  return [...(await clusterScript('status')).matchAll(/^(c[123]@\S+) up\b/gm)].map(([, node]) =>
    nodeNumber(node as string),
  );
}

/** Whether every node's management API answers. */
export async function clusterAnswers(): Promise<boolean> {
  const answers = await Promise.all(
    NODES.map((node) =>
      fetch(`${managementApi(node)}/overview`, { headers: adminHeaders() }).then(
        (response) => response.ok,
        () => false,
      ),
    ),
  );
  return answers.every(Boolean);
}

/** The cluster's vhosts other than `/`: each belongs to a run (test or benchmark) using the cluster now. */
export async function clusterVhostsInUse(): Promise<string[]> {
  const vhosts = (await (await clusterManagement('GET', '/vhosts?columns=name')).json()) as { name: string }[];
  return vhosts.map(({ name }) => name).filter((name) => name !== '/');
}

/** The node an instance's connections start on while every node answers (the order is a function of the instance id). */
export function firstNodeOf(instanceId: string): NodeNumber {
  return shuffledFor(NODES, instanceId)[0] as NodeNumber;
}

/** The first instance id `<prefix>-<n>` whose connections start on a node that `wanted` accepts. */
export function instanceIdStarting(prefix: string, wanted: (node: NodeNumber) => boolean): string {
  const id = Array.from({ length: 100 }, (_, index) => `${prefix}-${index}`).find((candidate) =>
    wanted(firstNodeOf(candidate)),
  );
  if (id === undefined) throw new Error(`no instance id ${prefix}-<n> starts on a node as wanted`);
  return id;
}

/** SIGKILLs a node's Erlang VM (a crash). */
export async function killNode(node: NodeNumber): Promise<void> {
  await clusterScript('kill', String(node));
}

/** Starts a killed node again and waits until it is back in the cluster. */
export async function restartNode(node: NodeNumber): Promise<void> {
  await clusterScript('restart', String(node));
}

/** A management API call to the first node that answers. */
export async function clusterManagement(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  let lastError: unknown;
  for (const node of NODES) {
    try {
      return await management(method, path, body, {}, managementApi(node));
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** `c2@localhost` -> 2; `127.0.0.1:5702` -> 2. */
export function nodeNumber(name: string): NodeNumber {
  const match = /^c([123])@|:570([123])$/.exec(name);
  const number = Number(match?.[1] ?? match?.[2]);
  if (!NODES.includes(number as NodeNumber)) throw new Error(`"${name}" is no node of the local cluster`);
  return number as NodeNumber;
}

/** The node holding a quorum queue's leader, as the cluster reports it. */
export async function queueLeader(vhost: string, queue: string): Promise<NodeNumber> {
  const response = await clusterManagement('GET', `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
  const { leader, node } = (await response.json()) as { leader?: string; node?: string };
  return nodeNumber(leader ?? node ?? '?');
}

/** Messages in a queue (ready and unacknowledged), as the leader reports them through the management API. */
export async function queueDepth(vhost: string, queue: string): Promise<number> {
  const response = await clusterManagement(
    'GET',
    `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}?columns=messages`,
  );
  return ((await response.json()) as { messages?: number }).messages ?? 0;
}

/**
 * The node a service's connection is on, as its own `messaging_connected_node` gauge says (undefined
 * while disconnected): the connection of `role` (`publish`, `consume`), or the first listed.
 */
export async function connectedNode(registry: Registry, role?: 'publish' | 'consume'): Promise<NodeNumber | undefined> {
  const gauge = registry.getSingleMetric('messaging_connected_node');
  const values = gauge
    ? (await gauge.get()).values.filter(
        (value) => value.value === 1 && (role === undefined || String(value.labels['connection']).endsWith(`/${role}`)),
      )
    : [];
  const node = values[0]?.labels['node'];
  return node === undefined ? undefined : nodeNumber(String(node));
}

/**
 * The node a service process's connection of this role is on, as the `messaging_connected_node`
 * gauge on its `/metrics` says (its connections are named `<service>@<instance>/<role>`);
 * undefined while that connection is down.
 */
export async function processConnectedNode(
  metricsUrl: string,
  role: 'publish' | 'consume',
): Promise<NodeNumber | undefined> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`GET ${metricsUrl} answered ${response.status}`);
  for (const [, labels = '', value] of (await response.text()).matchAll(
    /^messaging_connected_node\{([^}]*)\} (\S+)$/gm,
  )) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1];
    if (value === '1' && label('connection')?.endsWith(`/${role}`)) return nodeNumber(label('node') ?? '?');
  }
  return undefined;
}

/** Waits until the service is connected to a node other than `lost`, and returns it. */
export async function movedNode(registry: Registry, lost: NodeNumber, timeoutMs = 60_000): Promise<NodeNumber> {
  return movedOff(() => connectedNode(registry), lost, timeoutMs);
}

/** Waits until `current()` names a node other than `lost`, and returns it. */
export async function movedOff(
  current: () => Promise<NodeNumber | undefined>,
  lost: NodeNumber,
  timeoutMs = 60_000,
): Promise<NodeNumber> {
  let now: NodeNumber | undefined;
  await waitFor(
    async () => {
      now = await current();
      return now !== undefined && now !== lost;
    },
    { timeoutMs, what: `the service to move off node ${lost}` },
  );
  return now as NodeNumber;
}

function adminHeaders(): Record<string, string> {
  return { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
}
