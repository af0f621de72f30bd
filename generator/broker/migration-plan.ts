/**
 * What `npm run broker:migrate` does to bring a broker back to the contract, planned from the
 * broker's actual state: every binding the contract does not declare is removed, and every queue
 * it does not declare is deleted once it is empty and unused. A binding goes first, so a queue
 * to delete stops receiving before it is checked. The plan never touches what the contract
 * declares, what the broker owns (`amq.*`, the default exchange), exclusive queues (they belong to
 * a live connection and go with it) or exchanges (producers on the previous contract may still
 * publish to them; an exchange that routes nowhere costs nothing).
 */
import type { BindingObject, BrokerObjects, ExchangeObject, QueueObject } from './broker-objects.js';
import { brokerExtras } from './compare-objects.js';

export interface MigrationPlan {
  unbind: BindingObject[];
  deleteQueues: QueueObject[];
  /** Objects the contract does not declare that the plan leaves, each with why. */
  leave: { name: string; why: string }[];
}

export function planMigration(
  contract: BrokerObjects,
  broker: BrokerObjects,
  perInstance: readonly string[],
): MigrationPlan {
  const extras = brokerExtras(contract, broker, perInstance);
  const exclusive = extras.queues.filter((queue) => queue.exclusive);
  return {
    unbind: extras.bindings,
    deleteQueues: extras.queues.filter((queue) => !queue.exclusive),
    leave: [
      ...exclusive.map((queue) => ({
        name: `queue ${queue.name}`,
        why: 'exclusive: it belongs to a live connection and goes away with it',
      })),
      ...extras.exchanges.map((exchange: ExchangeObject) => ({
        name: `exchange ${exchange.name}`,
        why: 'exchanges are left: producers on the previous contract may still publish to it (delete it by hand once none does)',
      })),
    ],
  };
}
