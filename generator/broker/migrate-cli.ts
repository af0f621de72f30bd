/**
 * `npm run broker:migrate [-- --dry-run] [--spec asyncapi.yaml] [--vhost /]`
 * Removes from a live broker the bindings and queues the contract no longer declares (see
 * migration-plan.ts), after the services on the new contract are deployed. `--dry-run` prints the
 * plan and changes nothing: review it, then run without. A queue is deleted only when the broker
 * finds it empty and unused at the moment of deletion; one that is not is kept and reported.
 * Exit codes: 0 the broker holds nothing the contract does not declare (besides what the plan
 * leaves), 1 something was kept or the spec does not load, 2 bad usage, an unreachable broker or
 * a crash.
 */
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../runtime/cli/run-cli.js';
import type { Model } from '../model/types.js';
import { contractObjects, perInstanceQueues, type QueueObject } from './broker-objects.js';
import { bindingName } from './compare-objects.js';
import { CONTRACT_AND_VHOST_OPTIONS, readContractAndBroker } from './contract-and-broker.js';
import { deleteBinding, deleteIdleQueue } from './management-api.js';
import { moveMessages, queueUse } from './move-messages.js';
import { planMigration, type MigrationPlan } from './migration-plan.js';

const HELP = `usage: npm run broker:migrate [-- [--dry-run] [--move <queue>=<target>]... [--spec <path>] [--vhost <vhost>]]
  --dry-run  print what would be removed, change nothing
  --move     before deleting <queue>, move its messages into <target>, a queue of the contract
             (over AMQP: RABBITMQ_URL, the AMQP URL of the same vhost; quorum queues are also
             checked empty and unused over it before they are deleted)
  --spec     the AsyncAPI document (default asyncapi.yaml)
  --vhost    the vhost to migrate (default $RABBITMQ_VHOST or /)
environment: RABBITMQ_MANAGEMENT_URL (default http://127.0.0.1:15672), RABBITMQ_MANAGEMENT_USER and
  RABBITMQ_MANAGEMENT_PASSWORD (default guest/guest), RABBITMQ_VHOST; RABBITMQ_URL (AMQP, same vhost)
  for --move and for deleting quorum queues
exit codes: 0 nothing left to remove (or a dry run), 1 a queue was kept or the spec does not load,
  2 bad usage, 3 the broker or its management API is unreachable or refused`;

function queueState(queue: QueueObject): string {
  if (queue.messages === undefined) return '';
  return ` (${queue.messages} message(s), ${queue.consumers ?? 0} consumer(s) when read)`;
}

function planLines(plan: MigrationPlan, moves: ReadonlyMap<string, string>): string[] {
  return [
    ...plan.unbind.map((binding) => `  unbind  binding ${bindingName(binding)}`),
    ...plan.deleteQueues.map(
      (queue) =>
        `  delete  queue ${queue.name}${queueState(queue)}${moves.has(queue.name) ? `, its messages moved to ${moves.get(queue.name)} first` : ''}`,
    ),
    ...plan.leave.map((left) => `  leave   ${left.name}: ${left.why}`),
  ];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONTRACT_AND_VHOST_OPTIONS,
      'dry-run': { type: 'boolean', default: false },
      move: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
    allowPositionals: false,
  });
  const read = await readContractAndBroker(values.spec, values.vhost);
  if (read === undefined) return 1;
  const { model, config, broker, where } = read;
  const plan = planMigration(contractObjects(model), broker, perInstanceQueues(model));
  const { moves, amqpUrl } = parseMoves(values.move, plan, model, config.vhost);
  if (plan.unbind.length === 0 && plan.deleteQueues.length === 0) {
    console.log(
      [`${where} holds no binding or queue that ${values.spec} does not declare.`, ...planLines(plan, moves)].join(
        '\n',
      ),
    );
    return 0;
  }
  console.log(
    [
      `${where}: ${plan.unbind.length} binding(s) and ${plan.deleteQueues.length} queue(s) are not in ${values.spec}:`,
      ...planLines(plan, moves),
    ].join('\n'),
  );
  if (values['dry-run']) {
    console.log(
      'dry run: nothing changed. Run without --dry-run to remove them (a queue only once it is empty and unused).',
    );
    return 0;
  }
  for (const binding of plan.unbind) await deleteBinding(config, binding);
  const kept: string[] = [];
  for (const queue of plan.deleteQueues) {
    const target = moves.get(queue.name);
    if (target !== undefined && amqpUrl !== undefined)
      console.log(
        `moved ${await moveMessages(amqpUrl, queue.name, target)} message(s) from ${queue.name} to ${target}`,
      );
    const why = await deleteIdleQueue(
      config,
      queue.name,
      amqpUrl === undefined ? undefined : () => queueUse(amqpUrl, queue.name),
    );
    if (why !== undefined) kept.push(`  kept    queue ${queue.name}: ${why}`);
  }
  const removed = `removed ${plan.unbind.length} binding(s) and deleted ${plan.deleteQueues.length - kept.length} queue(s)`;
  if (kept.length === 0) {
    console.log(`${removed}.`);
    return 0;
  }
  console.error(
    [
      `${removed}; kept ${kept.length} queue(s):`,
      ...kept,
      'nothing routes to them any more: consume or move what they hold (npm run dlq for a dead-letter queue), stop whatever still reads them, and run broker:migrate again',
    ].join('\n'),
  );
  return 1;
}

/** `--move old=new` pairs: `old` a queue the plan deletes, `new` a shared queue of the contract. */
function parseMoves(
  values: string[],
  plan: MigrationPlan,
  model: Model,
  vhost: string,
): { moves: Map<string, string>; amqpUrl?: string } {
  const moves = new Map<string, string>();
  for (const value of values) {
    const [from, to, ...rest] = value.split('=');
    if (from === undefined || to === undefined || from === '' || to === '' || rest.length > 0)
      throw new UsageError(`--move ${value}: write --move <queue>=<target>`);
    if (!plan.deleteQueues.some((queue) => queue.name === from))
      throw new UsageError(`--move ${value}: "${from}" is not a queue this migration deletes`);
    if (!model.queues.some((queue) => queue.name === to && !queue.perInstance))
      throw new UsageError(`--move ${value}: "${to}" is not a shared queue of the contract`);
    moves.set(from, to);
  }
  const amqpUrl = process.env['RABBITMQ_URL'];
  if (moves.size === 0)
    return { moves, amqpUrl: amqpUrl !== undefined && amqpVhost(amqpUrl) === vhost ? amqpUrl : undefined };
  if (amqpUrl === undefined) throw new UsageError('--move needs RABBITMQ_URL, the AMQP URL of the vhost to migrate');
  const named = amqpVhost(amqpUrl);
  if (named !== vhost)
    throw new UsageError(
      `--move: RABBITMQ_URL names vhost ${named === undefined ? '(unreadable URL)' : `"${named}"`}, not "${vhost}"`,
    );
  return { moves, amqpUrl };
}

/** The vhost an AMQP URL names: its path, decoded (none is `/`); undefined when it is not a URL. Never prints the URL: it holds a password. */
function amqpVhost(url: string): string | undefined {
  try {
    const path = new URL(url).pathname;
    return path === '' || path === '/' ? '/' : decodeURIComponent(path.slice(1));
  } catch {
    return undefined;
  }
}

runCli({ name: 'broker:migrate', help: HELP, main });
