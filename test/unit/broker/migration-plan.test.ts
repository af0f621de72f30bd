/** The broker:migrate plan: what the contract no longer declares is removed, with the exceptions the plan names. */
import { describe, expect, it } from 'vitest';
import type { BrokerObjects } from '../../../generator/broker/broker-objects.js';
import { planMigration } from '../../../generator/broker/migration-plan.js';

const queue = (name: string, exclusive = false) => ({
  name,
  durable: !exclusive,
  autoDelete: exclusive,
  exclusive,
  arguments: {},
});
const exchange = (name: string) => ({ name, type: 'topic', durable: true, autoDelete: false, arguments: {} });

const contract: BrokerObjects = {
  exchanges: [exchange('user.events')],
  queues: [queue('matching.user_events'), queue('collaboration.code_updates', true)],
  bindings: [
    { exchange: 'user.events', queue: 'matching.user_events', routingKey: 'user.created' },
    { exchange: 'user.events', queue: 'collaboration.code_updates', routingKey: 'code.*' },
  ],
};

const broker: BrokerObjects = {
  exchanges: [exchange(''), exchange('amq.topic'), exchange('user.events'), exchange('users.old')],
  queues: [
    queue('matching.user_events'),
    queue('matching.user_deletions'),
    queue('collaboration.code_updates.host-1', true),
    queue('old.instance.host-2', true),
    queue('amq.gen-xyz', true),
  ],
  bindings: [
    { exchange: 'user.events', queue: 'matching.user_events', routingKey: 'user.created' },
    { exchange: 'user.events', queue: 'matching.user_events', routingKey: 'user.deleted' },
    { exchange: 'user.events', queue: 'matching.user_deletions', routingKey: 'user.deleted' },
    { exchange: 'user.events', queue: 'collaboration.code_updates.host-1', routingKey: 'code.*' },
    { exchange: '', queue: 'matching.user_events', routingKey: 'matching.user_events' },
  ],
};

describe('planMigration', () => {
  const plan = planMigration(contract, broker, ['collaboration.code_updates']);

  it('unbinds every binding the contract does not declare, and nothing the broker owns or an instance needs', () => {
    expect(plan.unbind.map((binding) => `${binding.queue} ${binding.routingKey}`)).toEqual([
      'matching.user_events user.deleted',
      'matching.user_deletions user.deleted',
    ]);
  });

  it('deletes shared queues the contract does not declare; leaves exclusive queues and exchanges, saying why', () => {
    expect(plan.deleteQueues.map((each) => each.name)).toEqual(['matching.user_deletions']);
    expect(plan.leave).toEqual([
      { name: 'queue old.instance.host-2', why: expect.stringContaining('goes away with it') },
      { name: 'exchange users.old', why: expect.stringContaining('producers on the previous contract') },
    ]);
  });

  it('plans nothing for a broker that matches the contract', () => {
    const matching = planMigration(
      contract,
      {
        ...broker,
        queues: broker.queues.slice(0, 1),
        bindings: broker.bindings.slice(0, 1),
        exchanges: broker.exchanges.slice(0, 3),
      },
      ['collaboration.code_updates'],
    );
    expect(matching).toEqual({ unbind: [], deleteQueues: [], leave: [] });
  });
});
