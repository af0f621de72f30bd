import { describe, expect, it } from 'vitest';
import { emitDefinitions } from '../../../generator/emit/definitions.js';
import { emitTopology } from '../../../generator/emit/topology.js';
import { contractTopology, serviceTopology } from '../../../generator/emit/topology-data.js';
import { servicePermissions } from '../../../generator/model/permissions.js';
import type { Service } from '../../../generator/model/types.js';
import { pickTopology } from '../../../runtime/index.js';
import { peerPrepModel } from '../../fixtures/model.js';

function service(name: string): Service {
  const found = peerPrepModel.services.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`fixture has no ${name}`);
  return found;
}

interface Definitions {
  vhosts: { name: string; metadata: object }[];
  users: { name: string; password_hash: string; hashing_algorithm: string; tags: string }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  exchanges: {
    name: string;
    vhost: string;
    type: string;
    durable: boolean;
    auto_delete: boolean;
    internal: boolean;
    arguments: object;
  }[];
  queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> }[];
  bindings: {
    source: string;
    vhost: string;
    destination: string;
    destination_type: string;
    routing_key: string;
    arguments: object;
  }[];
  policies: unknown[];
}

const [definitionsFile] = emitDefinitions(peerPrepModel);
const definitions = JSON.parse(definitionsFile?.content ?? '{}') as Definitions;

describe('emitTopology', () => {
  const [file] = emitTopology(peerPrepModel);

  it('emits topology.ts typed by the runtime seam', () => {
    expect(file?.path).toBe('topology.ts');
    expect(file?.content).toContain("import type { Topology } from '../runtime/definition.js';");
    expect(file?.content).toContain('export const topology: Topology = {');
  });

  it('holds every exchange, queue and binding of the model', () => {
    const topology = contractTopology(peerPrepModel);
    expect(topology.exchanges.map((exchange) => exchange.name)).toEqual([
      'collaboration.events',
      'matching.events',
      'user.events',
    ]);
    expect(topology.queues.map((queue) => queue.name)).toEqual(peerPrepModel.queues.map((queue) => queue.name));
    expect(topology.bindings).toHaveLength(peerPrepModel.bindings.length);
    for (const queue of topology.queues) expect(file?.content).toContain(`name: '${queue.name}'`);
  });

  it('prints queue arguments exactly, quoting keys that are not identifiers', () => {
    expect(file?.content).toContain("'x-queue-type': 'quorum'");
    expect(file?.content).toContain("'x-dead-letter-routing-key': 'matching.user_events'");
  });
});

describe('serviceTopology: what one service declares', () => {
  it.each([
    [
      'matching-service',
      ['collaboration.events', 'matching.events', 'user.events'],
      [
        'matching.session_events',
        'matching.session_events.dlq',
        'matching.session_events.retry.1000ms',
        'matching.session_events.retry.2000ms',
        'matching.user_events',
        'matching.user_events.dlq',
        'matching.user_events.retry.1000ms',
        'matching.user_events.retry.2000ms',
        'matching.user_events.retry.4000ms',
        'matching.user_events.retry.8000ms',
      ],
      4,
    ],
    ['question-service', [], ['question.get', 'question.pick'], 0],
    ['user-service', ['user.events'], ['user.profile.get'], 0],
    [
      'collaboration-service',
      ['collaboration.events', 'matching.events'],
      [
        'collaboration.code_updates',
        'collaboration.match_found',
        'collaboration.match_found.dlq',
        'collaboration.match_found.retry.1000ms',
        'collaboration.match_found.retry.2000ms',
        'collaboration.match_found.retry.4000ms',
        'collaboration.match_found.retry.8000ms',
      ],
      1,
    ],
  ])('%s: exchanges %j, its own queues, %i bindings', (name, exchanges, queues, bindings) => {
    const topology = serviceTopology(peerPrepModel, service(name));
    expect(topology.exchanges.map((exchange) => exchange.name)).toEqual(exchanges);
    expect(topology.queues.map((queue) => queue.name)).toEqual(queues);
    expect(topology.bindings).toHaveLength(bindings);
  });

  it('does not declare the RPC queues a service only calls', () => {
    const names = serviceTopology(peerPrepModel, service('matching-service')).queues.map((queue) => queue.name);
    expect(names).not.toContain('user.profile.get');
    expect(names).not.toContain('question.pick');
  });
});

describe('pickTopology: a facade names its part of topology.ts', () => {
  it.each(peerPrepModel.services.map((each) => [each.name]))(
    '%s: picking its names gives exactly what it declares',
    (name) => {
      const own = serviceTopology(peerPrepModel, service(name));
      const names = {
        exchanges: own.exchanges.map((exchange) => exchange.name),
        queues: own.queues.map((queue) => queue.name),
      };
      expect(pickTopology(contractTopology(peerPrepModel), names)).toEqual(own);
    },
  );

  it('names a missing object instead of declaring less', () => {
    expect(() => pickTopology(contractTopology(peerPrepModel), { exchanges: [], queues: ['no.such.queue'] })).toThrow(
      'no queue named "no.such.queue"',
    );
  });
});

describe('emitDefinitions: a RabbitMQ definitions file', () => {
  it('is definitions.json for the default vhost, with no policies', () => {
    expect(definitionsFile?.path).toBe('definitions.json');
    const vhosts = [
      ...definitions.exchanges,
      ...definitions.queues,
      ...definitions.bindings,
      ...definitions.permissions,
    ].map((item) => item.vhost);
    expect(new Set(vhosts)).toEqual(new Set(['/']));
    expect(definitions.policies).toEqual([]);
  });

  it('has one user per service, with no password and no tags', () => {
    expect(definitions.users).toEqual(
      peerPrepModel.services.map((each) => ({
        name: each.name,
        password_hash: '',
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: '',
      })),
    );
  });

  it("grants each user its service's permissions and topic permissions", () => {
    const matching = servicePermissions(peerPrepModel).find((each) => each.service === 'matching-service');
    expect(definitions.permissions).toContainEqual({
      user: 'matching-service',
      vhost: '/',
      configure: matching?.configure,
      write: matching?.write,
      read: matching?.read,
    });
    expect(
      definitions.topic_permissions.filter((each) => each.user === 'matching-service').map((each) => each.exchange),
    ).toEqual(['collaboration.events', 'matching.events', 'user.events']);
    expect(definitions.topic_permissions).toContainEqual({
      user: 'user-service',
      vhost: '/',
      exchange: 'user.events',
      write: '^(?:user\\.created|user\\.deleted|user\\.updated)$',
      read: '(?!)',
    });
  });

  it('declares the exchanges in RabbitMQ terms', () => {
    expect(definitions.exchanges).toContainEqual({
      name: 'user.events',
      vhost: '/',
      type: 'topic',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    });
  });

  it.each([
    ['matching.user_events', { 'x-queue-type': 'quorum' }],
    ['collaboration.match_found', { 'x-queue-type': 'quorum' }],
    [
      'matching.user_events.retry.2000ms',
      {
        'x-queue-type': 'quorum',
        'x-message-ttl': 2000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'matching.user_events',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    ],
    ['user.profile.get', { 'x-queue-type': 'quorum' }],
  ])('declares queue %s with arguments %j', (name, args) => {
    expect(definitions.queues.find((queue) => queue.name === name)).toEqual({
      name,
      vhost: '/',
      durable: true,
      auto_delete: false,
      arguments: args,
    });
  });

  it('gives the vhost the default queue type that lets plain declarations share the quorum queues', () => {
    expect(definitions.vhosts).toEqual([
      { name: '/', metadata: { description: '', tags: [], default_queue_type: 'quorum' } },
    ]);
  });

  it('leaves out per-instance queues and their bindings', () => {
    expect(definitions.queues.map((queue) => queue.name)).not.toContain('collaboration.code_updates');
    expect(definitions.bindings.map((binding) => binding.destination)).not.toContain('collaboration.code_updates');
    expect(definitions.queues).toHaveLength(peerPrepModel.queues.length - 1);
  });

  it('binds the shared queue once per routing key', () => {
    const shared = definitions.bindings.filter((binding) => binding.destination === 'matching.user_events');
    expect(shared.map((binding) => binding.routing_key)).toEqual(['user.created', 'user.deleted', 'user.updated']);
    expect(shared.every((binding) => binding.source === 'user.events' && binding.destination_type === 'queue')).toBe(
      true,
    );
  });
});
