/**
 * Fan-out: each transient codeUpdated publish is routed by the topic exchange to 10 queues, as it
 * would be with 10 collaboration-service instances: the publisher's own relay queue (consumed, as
 * in the transient publish scenario) and 9 more that the benchmark binds with the same pattern
 * (not consumed; emptied before every run).
 */
import type { BenchBroker } from '../support/broker.js';
import { THROUGHPUT, type Scenario } from '../scenario.js';
import { CODE_UPDATES_PATTERN, PUBLISH_WINDOW, transientPublishVariants } from './publish.js';

export const FANOUT_QUEUES = 10;
const OTHER_INSTANCE_QUEUES = Array.from(
  { length: FANOUT_QUEUES - 1 },
  (_, i) => `bench.code_updates.instance-${i + 2}`,
);

export function fanoutScenario(broker: BenchBroker, total: number): Scenario {
  return {
    id: 'fanout-10',
    title: `Fan-out to ${FANOUT_QUEUES} queues`,
    measures: `${total} transient 220-byte codeUpdated publishes with confirms, each routed to ${FANOUT_QUEUES} queues, ${PUBLISH_WINDOW} unconfirmed at most`,
    metrics: [THROUGHPUT],
    variants: transientPublishVariants(broker.url, total),
    setUp: () =>
      broker.withChannel(async (channel) => {
        for (const queue of OTHER_INSTANCE_QUEUES) {
          await channel.assertQueue(queue, { durable: false });
          await channel.bindQueue(queue, 'collaboration.events', CODE_UPDATES_PATTERN);
        }
      }),
    prepare: async () => {
      for (const queue of OTHER_INSTANCE_QUEUES) await broker.purge(queue);
    },
    tearDown: () =>
      broker.withChannel(async (channel) => {
        for (const queue of OTHER_INSTANCE_QUEUES) await channel.deleteQueue(queue);
      }),
  };
}
