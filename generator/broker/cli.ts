/**
 * `npm run contract:verify-broker [-- --spec asyncapi.yaml] [--vhost /]`
 * Compares a live broker (management HTTP API; see management-api.ts for the environment) with
 * the contract. Exit codes (docs/cli.md): 0 they agree, 1 they differ or the spec does not load, 2 bad usage,
 * 3 the management API is unreachable or refused (unknown vhost, wrong user), or an unexpected error.
 */
import { parseArgs } from 'node:util';
import { runCli } from '../../runtime/cli/run-cli.js';
import { contractObjects, perInstanceQueues } from './broker-objects.js';
import { compareObjects, type Discrepancy } from './compare-objects.js';
import { CONTRACT_AND_VHOST_OPTIONS, readContractAndBroker } from './contract-and-broker.js';

const HELP = `usage: npm run contract:verify-broker [-- [--spec <path>] [--vhost <vhost>]]
Compares the exchanges, queues and bindings of a live broker with the contract.
  --spec   the AsyncAPI document (default asyncapi.yaml)
  --vhost  the vhost to compare (default $RABBITMQ_VHOST or /)
environment:
  RABBITMQ_MANAGEMENT_URL       the management API (default http://127.0.0.1:15672)
  RABBITMQ_MANAGEMENT_USER      a user with the management or monitoring tag (default guest)
  RABBITMQ_MANAGEMENT_PASSWORD  its password (default guest)
  RABBITMQ_VHOST                the vhost when --vhost is not given (default /)
exit codes: 0 the broker agrees, 1 it differs or the spec does not load, 2 bad usage,
  3 the management API is unreachable or refused (unknown vhost, wrong user), or an unexpected error`;

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
    console.log(
      `${where} agrees with ${values.spec} (${model.exchanges.length} exchanges, ${broker.queues.length} queues, ${broker.bindings.length} bindings read).`,
    );
    return 0;
  }
  console.error(`${where} differs from ${values.spec} in ${discrepancies.length} place(s):`);
  for (const discrepancy of discrepancies) console.error(describe(discrepancy));
  return 1;
}

runCli({ name: 'contract:verify-broker', help: HELP, main });
