/**
 * The local three-node cluster (`scripts/cluster.sh`) for a benchmark. Other work shares it (the
 * cluster tests kill and restart nodes), so:
 * - all three nodes up: used as it is, and left running;
 * - some nodes up: someone else is using it (a node may be down on purpose), so it is not touched
 *   and the benchmark fails, saying so;
 * - none up: started for the benchmark and stopped after it (also on Ctrl-C), unless by then
 *   another run has a vhost on it, in which case it is left running for that run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { clusterManagement, clusterScript, NODES } from '../../test/support/cluster.js';

const CLUSTER_SCRIPT = new URL('../../scripts/cluster.sh', import.meta.url).pathname;

/** The nodes `cluster.sh status` reports up (it lists them first, and exits non-zero when a node dies while it asks). */
async function nodesUp(): Promise<string[]> {
  const output = await promisify(execFile)('bash', [CLUSTER_SCRIPT, 'status'], { timeout: 120_000 }).then(
    ({ stdout }) => stdout,
    (error: unknown) => (error as { stdout?: string }).stdout ?? '',
  );
  return [...output.matchAll(/^(c\d@\S+) up\b/gm)].map(([, node]) => node as string);
}

/** Vhosts on the cluster other than `/` and the benchmark's own (`test-<label>-...`): another run's. */
async function otherVhosts(ownLabel: string): Promise<string[]> {
  const vhosts = (await (await clusterManagement('GET', '/vhosts?columns=name')).json()) as { name: string }[];
  return vhosts.map(({ name }) => name).filter((name) => name !== '/' && !name.startsWith(`test-${ownLabel}-`));
}

/** Runs `work` with the cluster up; `ownLabel` is the label of the vhosts `work` creates on it. */
export async function withLocalCluster<T>(
  ownLabel: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const up = await nodesUp();
  if (up.length === NODES.length) {
    log('The local cluster is up: using it, and leaving it running.');
    return work();
  }
  if (up.length > 0) {
    throw new Error(
      `the local cluster is partly up (${up.join(', ')}): another run is using it and may have stopped a node on purpose, so the benchmark leaves it alone; ` +
        'run it again when `bash scripts/cluster.sh status` shows all three nodes up, or none',
    );
  }
  log('Starting the local cluster (bash scripts/cluster.sh start; about 30 s); it is stopped afterwards.');
  const stop = async () => {
    const others = await otherVhosts(ownLabel).catch(() => []);
    if (others.length > 0) log(`Leaving the local cluster running: another run uses it (vhosts ${others.join(', ')}).`);
    else log(await clusterScript('stop'));
  };
  const stopAndExit = () => void stop().finally(() => process.exit(130));
  log(await clusterScript('start'));
  process.once('SIGINT', stopAndExit);
  try {
    return await work();
  } finally {
    process.off('SIGINT', stopAndExit);
    await stop();
  }
}
