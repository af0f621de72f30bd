/**
 * `npm run contract:verify-broker [-- --spec asyncapi.yaml] [--vhost /]`
 * Compares a live broker (management HTTP API; see management-api.ts for the environment) with
 * the contract. Exit codes: 0 they agree, 1 they differ or the spec does not load, 2 bad usage,
 * an unreachable broker or a crash.
 */
import { parseArgs } from 'node:util';
import { runMain } from '../cli-main.js';
import { contractObjects, perInstanceQueues } from './broker-objects.js';
import { compareObjects, type Discrepancy } from './compare-objects.js';
import { CONTRACT_AND_VHOST_OPTIONS, readContractAndBroker } from './contract-and-broker.js';

const USAGE = `usage: npm run contract:verify-broker [-- [--spec <path>] [--vhost <vhost>]]
  --spec   the AsyncAPI document (default asyncapi.yaml)
  --vhost  the vhost to compare (default $RABBITMQ_VHOST or /)
environment: RABBITMQ_MANAGEMENT_URL (default http://127.0.0.1:15672), RABBITMQ_MANAGEMENT_USER and
  RABBITMQ_MANAGEMENT_PASSWORD (default guest/guest), RABBITMQ_VHOST`;

function describe(discrepancy: Discrepancy): string {
  const detail = discrepancy.detail === undefined ? '' : `: ${discrepancy.detail}`;
  return `  ${discrepancy.problem.padEnd(8)} ${discrepancy.name}${detail}`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: CONTRACT_AND_VHOST_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const read = await readContractAndBroker(values.spec, values.vhost);
  if (read === undefined) return 1;
  const { model, broker, where } = read;
  const discrepancies = compareObjects(contractObjects(model), broker, perInstanceQueues(model));
  if (discrepancies.length === 0) {
    console.log(`${where} agrees with ${values.spec} (${model.exchanges.length} exchanges, ${broker.queues.length} queues, ${broker.bindings.length} bindings read).`);
    return 0;
  }
  console.error(`${where} differs from ${values.spec} in ${discrepancies.length} place(s):`);
  for (const discrepancy of discrepancies) console.error(describe(discrepancy));
  return 1;
}

runMain(main, USAGE);
