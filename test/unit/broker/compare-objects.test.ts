/** compareObjects, table-driven over edits of the contract's own objects (the PeerPrep model). */
import { describe, expect, it } from 'vitest';
import { contractObjects, perInstanceQueues, type BrokerObjects } from '../../../generator/broker/broker-objects.js';
import { compareObjects, type Discrepancy } from '../../../generator/broker/compare-objects.js';
import { peerPrepModel } from '../../fixtures/model.js';

const contract = contractObjects(peerPrepModel);
const perInstance = perInstanceQueues(peerPrepModel);
const instanceQueue = `${perInstance[0]}.host-1-abcd`;

/** The broker as the runtime leaves it: shared queues as declared, one instance of each per-instance queue. */
function agreeingBroker(): BrokerObjects {
  const shared = contract.queues.filter((queue) => !perInstance.includes(queue.name));
  const instances = contract.queues
    .filter((queue) => perInstance.includes(queue.name))
    .map((queue) => ({ ...queue, name: `${queue.name}.host-1-abcd` }));
  return {
    exchanges: [
      ...contract.exchanges,
      { name: 'amq.topic', type: 'topic', durable: true, autoDelete: false, arguments: {} },
    ],
    queues: [
      ...shared,
      ...instances,
      { name: 'amq.gen-Xy1', durable: false, autoDelete: true, exclusive: true, arguments: {} },
    ],
    bindings: contract.bindings.map((binding) =>
      perInstance.includes(binding.queue) ? { ...binding, queue: `${binding.queue}.host-1-abcd` } : binding,
    ),
  };
}

const cases: [string, (broker: BrokerObjects) => void, Discrepancy[]][] = [
  ['nothing changed', () => {}, []],
  [
    'an exchange deleted',
    (broker) => {
      broker.exchanges = broker.exchanges.filter((exchange) => exchange.name !== 'user.events');
    },
    [{ problem: 'missing', object: 'exchange', name: 'exchange user.events' }],
  ],
  [
    'an exchange of another type',
    (broker) => {
      broker.exchanges = broker.exchanges.map((exchange) =>
        exchange.name === 'user.events' ? { ...exchange, type: 'direct' } : exchange,
      );
    },
    [
      {
        problem: 'mismatch',
        object: 'exchange',
        name: 'exchange user.events',
        detail: 'type: contract "topic", broker "direct"',
      },
    ],
  ],
  [
    'a queue nobody declared',
    (broker) => {
      broker.queues.push({ name: 'leftover', durable: true, autoDelete: false, exclusive: false, arguments: {} });
    },
    [{ problem: 'extra', object: 'queue', name: 'queue leftover' }],
  ],
  [
    'a quorum queue declared classic',
    (broker) => {
      broker.queues = broker.queues.map((queue) =>
        queue.name === 'collaboration.match_found' ? { ...queue, arguments: {} } : queue,
      );
    },
    [
      {
        problem: 'mismatch',
        object: 'queue',
        name: 'queue collaboration.match_found',
        detail: 'argument x-queue-type: contract "quorum", broker absent',
      },
    ],
  ],
  [
    'an extra binding, and a binding missing',
    (broker) => {
      broker.bindings = broker.bindings.filter((binding) => binding.routingKey !== 'user.created');
      broker.bindings.push({ exchange: 'user.events', queue: 'matching.user_events', routingKey: 'user.#' });
    },
    [
      { problem: 'missing', object: 'binding', name: 'binding user.events -> matching.user_events (user.created)' },
      { problem: 'extra', object: 'binding', name: 'binding user.events -> matching.user_events (user.#)' },
    ],
  ],
  [
    'the bindings of the sessions an instance hosts, and a wildcard one nobody makes',
    (broker) => {
      broker.bindings.push(
        { exchange: 'collaboration.events', queue: instanceQueue, routingKey: 'session.s1.code_updated' },
        { exchange: 'collaboration.events', queue: instanceQueue, routingKey: 'session.s1.ended' },
        { exchange: 'collaboration.events', queue: instanceQueue, routingKey: 'session.*.code_updated' },
        { exchange: 'collaboration.events', queue: 'matching.user_events', routingKey: 'session.s1.code_updated' },
      );
    },
    [
      {
        problem: 'extra',
        object: 'binding',
        name: `binding collaboration.events -> ${instanceQueue} (session.*.code_updated)`,
      },
      {
        problem: 'extra',
        object: 'binding',
        name: 'binding collaboration.events -> matching.user_events (session.s1.code_updated)',
      },
    ],
  ],
  [
    'no instance of a per-instance queue',
    (broker) => {
      broker.queues = broker.queues.filter((queue) => queue.name !== instanceQueue);
      broker.bindings = broker.bindings.filter((binding) => binding.queue !== instanceQueue);
    },
    [],
  ],
];

describe('compareObjects', () => {
  it.each(cases)('%s', (_name, edit, want) => {
    const broker = agreeingBroker();
    edit(broker);
    expect(compareObjects(contract, broker, perInstance)).toEqual(want);
  });
});
