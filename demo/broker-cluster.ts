/**
 * `npm run demo -- --cluster`: the local three-node RabbitMQ cluster (scripts/cluster.sh), started
 * if needed, and the node loss the demo causes between two steps.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Cluster } from './cluster.js';
import { poll } from './poll.js';

const SCRIPT = fileURLToPath(new URL('../scripts/cluster.sh', import.meta.url));

async function clusterScript(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, ...args], { timeout: 240_000 });
  return stdout.trim();
}

/** Starts the cluster unless it runs; resolves with its RABBITMQ_URL list. */
export async function startBrokerCluster(): Promise<string> {
  console.log('Starting the local three-node RabbitMQ cluster if it is not up (bash scripts/cluster.sh start)...');
  console.log(`  ${await clusterScript('start')}`);
  return clusterScript('urls');
}

/** `127.0.0.1:5702` -> 2 */
function nodeNumber(node: string): string {
  return /:570(\d)$/.exec(node)?.[1] ?? '?';
}

/**
 * Kills (SIGKILL) the node `instanceId` is connected to, waits until it reconnected elsewhere,
 * prints where every instance is now, and returns a function that brings the node back.
 */
export async function killNodeOf(cluster: Cluster, instanceId: string): Promise<() => Promise<void>> {
  const node = cluster.brokerNodes.get(instanceId);
  if (!node) throw new Error(`${instanceId} has not said which broker node it is on`);
  const number = nodeNumber(node);
  const before = new Map(cluster.brokerNodes);
  console.log(
    `\n*** Killing RabbitMQ node c${number} (${node}), the one ${instanceId} is connected to: ${await clusterScript('kill', number)}`,
  );
  const killedAt = Date.now();
  await poll(
    async () => (cluster.brokerNodes.get(instanceId) !== node ? true : undefined),
    `${instanceId} to reconnect to another node`,
  );
  console.log(`*** ${instanceId} reconnected after ${Date.now() - killedAt} ms. Broker node of each instance:`);
  await poll(
    async () => ([...cluster.brokerNodes.values()].every((current) => current !== node) ? true : undefined),
    'every instance to leave the killed node',
  );
  for (const [instance, current] of cluster.brokerNodes) {
    const previous = before.get(instance);
    console.log(
      `    ${instance.padEnd(16)} ${previous === current ? `stayed on c${nodeNumber(current)}` : `c${nodeNumber(previous ?? '?')} -> c${nodeNumber(current)}`}`,
    );
  }
  return async () => {
    console.log(`\nBringing node c${number} back: ${await clusterScript('restart', number)}`);
  };
}
