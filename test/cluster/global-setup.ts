/**
 * The local three-node cluster for the cluster tests. Other runs share it (a benchmark, another
 * test run, the demo), so:
 * - every node up: used as it is, and left running;
 * - some nodes up: another run is using it and may have killed a node on purpose; nothing is
 *   started or stopped, the tests wait until every node answers;
 * - none up: started, and stopped afterwards unless another run has a vhost on it by then (our own
 *   tests remove theirs).
 */
import { waitFor } from '../support/broker.js';
import { NODES, clusterAnswers, clusterScript, clusterVhostsInUse, nodesUp } from '../support/cluster.js';

/** How long a partly-up cluster may take to be whole again (a node restart takes about 10 s here). */
const PARTLY_UP_PATIENCE_MS = 300_000;

export default async function setup(): Promise<() => Promise<void>> {
  const up = await nodesUp();
  if (up.length === NODES.length) return async () => undefined;
  if (up.length > 0) {
    console.log(`the local cluster is partly up (c${up.join(', c')}): another run is using it; waiting for every node`);
    await waitFor(clusterAnswers, {
      timeoutMs: PARTLY_UP_PATIENCE_MS,
      what: 'every node of the local cluster to answer (bash scripts/cluster.sh status)',
      intervalMs: 1_000,
    });
    return async () => undefined;
  }
  console.log(await clusterScript('start'));
  return async () => {
    const inUse = await clusterVhostsInUse();
    if (inUse.length > 0)
      console.log(`leaving the local cluster running: other runs use it (vhosts ${inUse.join(', ')})`);
    else console.log(await clusterScript('stop'));
  };
}
