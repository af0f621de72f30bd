/** Starts the local three-node cluster for the cluster tests unless it runs already; stops it after, if it started it. */
import { clusterAnswers, clusterScript } from '../support/cluster.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (await clusterAnswers()) return async () => undefined;
  console.log(await clusterScript('start'));
  return async () => {
    console.log(await clusterScript('stop'));
  };
}
