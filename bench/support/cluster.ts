/**
 * The local three-node cluster (`scripts/cluster.sh`) for a benchmark: used as it is when it runs
 * already (and left running: other work may be using it), else started for the benchmark and
 * stopped after it, also on Ctrl-C.
 */
import { clusterAnswers, clusterScript } from '../../test/support/cluster.js';

export async function withLocalCluster<T>(log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  if (await clusterAnswers()) {
    log('The local cluster is up: using it, and leaving it running.');
    return work();
  }
  log('Starting the local cluster (bash scripts/cluster.sh start; about 30 s); it is stopped afterwards.');
  const stop = () => clusterScript('stop').then(log);
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
