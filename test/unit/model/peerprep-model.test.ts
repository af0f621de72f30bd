/**
 * The model the builder makes of the real asyncapi.yaml.
 *
 * Derived from the contract, so adding an event or an RPC (docs/guides/) changes nothing here:
 * which services exist, which exchanges the event channels use, which RPC queue each service
 * serves, and what each service publishes, consumes, calls and serves (read from the YAML itself,
 * not through the builder); and that the emitters' hand-built fixture (test/fixtures/model.ts) is,
 * element by element, what the builder makes.
 *
 * Pinned by hand, because they must not change silently: the wire names and queue arguments the
 * Python services share (the three exchanges, matching.user_events, its retry chain and dead-letter
 * queue, the RPC queue arguments), the per-instance code-edit queue, the typed routing-key
 * parameter, the publish options, and that schemas are inlined without parser keys.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadModel } from '../../../generator/load/load-model.js';
import type { Model, Queue, Service } from '../../../generator/model/types.js';
import { peerPrepModel } from '../../fixtures/model.js';

// One parse of the real contract, shared by every case.
let model: Model;
beforeAll(async () => {
  const result = await loadModel('asyncapi.yaml');
  if ('diagnostics' in result)
    throw new Error(`asyncapi.yaml does not load:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  model = result.model;
});

function queue(name: string): Queue {
  const found = model.queues.find((q) => q.name === name);
  if (found === undefined) throw new Error(`no queue ${name}`);
  return found;
}

function service(name: string): Service {
  const found = model.services.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no service ${name}`);
  return found;
}

// The contract as plain YAML, the other side of the derived cases: only the keys they read.
interface ContractOperation {
  action: 'send' | 'receive';
  'x-service': string;
  channel: { $ref: string };
  reply?: object;
}
interface ContractChannel {
  bindings?: { amqp?: { is?: string; exchange?: { $ref: string } | { name: string }; queue?: { name: string } } };
}
interface Contract {
  'x-services': Record<string, object>;
  channels: Record<string, ContractChannel>;
  operations: Record<string, ContractOperation>;
}
const contract = parse(readFileSync('asyncapi.yaml', 'utf8')) as Contract;

/** What a local `$ref` (`#/components/x-exchanges/userEvents`) points at, or the value itself. */
function dereference<T extends object>(value: T | { $ref: string }): T {
  if (!('$ref' in value)) return value;
  const path = value.$ref.replace(/^#\//, '').split('/');
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], contract) as T;
}

const channelOf = (operation: ContractOperation) => dereference<ContractChannel>(operation.channel);
const channelIdOf = (operation: ContractOperation): string => operation.channel.$ref.split('/').at(-1) ?? '';

type Role = 'publishes' | 'consumes' | 'calls' | 'serves';

function roleOf(operation: ContractOperation): Role {
  if (operation.action === 'send') return operation.reply === undefined ? 'publishes' : 'calls';
  return operation.reply === undefined ? 'consumes' : 'serves';
}

/** The channel ids of the service's operations in that role, as the contract writes them. */
function contractUses(serviceName: string, role: Role): string[] {
  return Object.values(contract.operations)
    .filter((operation) => operation['x-service'] === serviceName && roleOf(operation) === role)
    .map(channelIdOf)
    .sort();
}

const sorted = (names: string[]) => [...names].sort();
const methods = (uses: { methodName: string }[]) => uses.map((use) => use.methodName);
const roles: Role[] = ['publishes', 'consumes', 'calls', 'serves'];
const pythonSharedExchanges = ['collaboration.events', 'matching.events', 'user.events'];

const cases: [name: string, actual: () => unknown, want: unknown][] = [
  [
    'the services of x-services, sorted by name',
    () => model.services.map((s) => s.name),
    Object.keys(contract['x-services']).sort(),
  ],
  [
    "the exchanges are those of the event channels' bindings",
    () => model.exchanges.map((exchange) => exchange.name),
    [
      ...new Set(
        Object.values(contract.channels).flatMap(({ bindings }) =>
          bindings?.amqp?.is === 'routingKey' && bindings.amqp.exchange !== undefined
            ? [dereference(bindings.amqp.exchange).name]
            : [],
        ),
      ),
    ].sort(),
  ],
  [
    'the exchanges the Python services share are durable topic exchanges',
    () => model.exchanges.filter((exchange) => pythonSharedExchanges.includes(exchange.name)),
    pythonSharedExchanges.map((name) => ({ name, type: 'topic', durable: true, autoDelete: false })),
  ],
  [
    'matching.user_events is bound three times to user.events',
    () => model.bindings.filter((b) => b.queue === 'matching.user_events'),
    ['user.created', 'user.deleted', 'user.updated'].map((pattern) => ({
      exchange: 'user.events',
      queue: 'matching.user_events',
      pattern,
    })),
  ],
  [
    'matching.user_events retries at 1, 2, 4 and 8 s, then dead-letters',
    () => [
      queue('matching.user_events').retry?.delaysMs,
      queue('matching.user_events').retryQueues,
      queue('matching.user_events').deadLetterQueue,
    ],
    [
      [1000, 2000, 4000, 8000],
      [
        'matching.user_events.retry.1000ms',
        'matching.user_events.retry.2000ms',
        'matching.user_events.retry.4000ms',
        'matching.user_events.retry.8000ms',
      ],
      'matching.user_events.dlq',
    ],
  ],
  [
    'matching.user_events is a quorum queue (the default), with no argument but its type: a plain declaration by the Python consumer shares it',
    () => {
      const { durable, exclusive, autoDelete, queueType, arguments: args } = queue('matching.user_events');
      return { durable, exclusive, autoDelete, queueType, args };
    },
    { durable: true, exclusive: false, autoDelete: false, queueType: 'quorum', args: { 'x-queue-type': 'quorum' } },
  ],
  ['the vhost default queue type the plain declarations need is quorum', () => model.defaultQueueType, 'quorum'],
  [
    'a retry queue holds the message for its delay, then dead-letters it back to the consumer queue, at least once',
    () => queue('matching.user_events.retry.2000ms'),
    {
      name: 'matching.user_events.retry.2000ms',
      role: 'retry',
      queueType: 'quorum',
      durable: true,
      exclusive: false,
      autoDelete: false,
      perInstance: false,
      perSubscription: false,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 2000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'matching.user_events',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
      prefetch: 0,
      owner: 'matching-service',
    },
  ],
  [
    'the dead-letter queue has no argument but its type',
    () => [queue('matching.user_events.dlq').role, queue('matching.user_events.dlq').arguments],
    ['dead-letter', { 'x-queue-type': 'quorum' }],
  ],
  [
    'collaboration.match_found is a quorum queue',
    () => queue('collaboration.match_found').arguments,
    { 'x-queue-type': 'quorum' },
  ],
  [
    'collaboration.code_updates is per instance, without retry or dead-letter queue',
    () => {
      const q = queue('collaboration.code_updates');
      return [q.perInstance, q.exclusive, q.durable, q.autoDelete, q.retry, q.deadLetterQueue];
    },
    [true, true, false, true, undefined, undefined],
  ],
  [
    'collaboration.code_updates is bound per subscription: the topology has no wildcard binding for it',
    () => [
      queue('collaboration.code_updates').perSubscription,
      model.bindings.filter((binding) => binding.queue === 'collaboration.code_updates'),
    ],
    [true, []],
  ],
  [
    "RPC queues are the served channels' queues, owned by the serving service",
    () => model.queues.filter((q) => q.role === 'rpc').map((q) => [q.name, q.owner]),
    Object.values(contract.operations)
      .filter((operation) => roleOf(operation) === 'serves')
      .map((operation) => [channelOf(operation).bindings?.amqp?.queue?.name, operation['x-service']])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  ],
  [
    'RPC queues are durable quorum queues',
    () =>
      model.queues
        .filter(
          (q) =>
            q.role === 'rpc' && !(q.durable && q.queueType === 'quorum' && q.arguments['x-queue-type'] === 'quorum'),
        )
        .map((q) => q.name),
    [],
  ],
  [
    'codeUpdated: a typed routing-key parameter and a wildcard binding pattern',
    () => model.channels.find((c) => c.id === 'codeUpdated'),
    {
      id: 'codeUpdated',
      description: "A participant edited the session's code. Real time, not persisted.",
      exchange: 'collaboration.events',
      routingKey: 'session.{session_id}.code_updated',
      parameters: [{ name: 'session_id', description: "The collaboration session's id (a uuid)." }],
      pattern: 'session.*.code_updated',
      message: 'CodeUpdated',
    },
  ],
  [
    'user.profile.get RPC',
    () => model.rpcs.find((r) => r.id === 'userProfileGet'),
    {
      id: 'userProfileGet',
      description: "Look up a user's public profile.",
      queue: 'user.profile.get',
      requestMessage: 'UserProfileRequest',
      replyMessage: 'UserProfile',
    },
  ],
  ...Object.keys(contract['x-services']).map((name): [string, () => unknown, unknown] => [
    `${name} publishes, consumes, calls and serves exactly the channels of its operations`,
    () => Object.fromEntries(roles.map((role) => [role, sorted(methods(service(name)[role]))])),
    Object.fromEntries(roles.map((role) => [role, contractUses(name, role)])),
  ]),
  [
    'publish options: code edits are transient, observer-only events are not mandatory',
    () => service('collaboration-service').publishes.map((p) => [p.methodName, p.mandatory, p.persistent]),
    [
      ['codeUpdated', true, false],
      ['sessionEnded', true, true],
      ['sessionStarted', false, true],
    ],
  ],
  [
    'message schemas have $refs inlined and no x-parser-* keys',
    () => model.messages.find((m) => m.name === 'UserDeleted')?.schema,
    {
      type: 'object',
      additionalProperties: false,
      required: ['user_id', 'timestamp'],
      properties: {
        user_id: { type: 'string', format: 'uuid', description: "A user's id." },
        timestamp: {
          type: 'string',
          format: 'iso-date-time',
          description:
            'ISO 8601 date-time. A UTC offset is expected from TypeScript producers; the Python services send naive UTC (`datetime.utcnow().isoformat()`), which is accepted and read as UTC.',
        },
      },
    },
  ],
  ['no x-parser-* key anywhere in the model', () => JSON.stringify(model).includes('x-parser-'), false],
  // The emitters' unit tests run on a hand-built model: each thing in it must be what the builder
  // really makes. The contract may hold more (a guide's new event): the fixture need not follow.
  ...(['exchanges', 'queues', 'bindings', 'channels', 'rpcs'] as const).map((key): [string, () => unknown, unknown] => [
    `the emitters' fixture model's ${key} are the builder's`,
    () => model[key],
    expect.arrayContaining<unknown>(peerPrepModel[key]),
  ]),
  ...peerPrepModel.services.map((fixture): [string, () => unknown, unknown] => [
    `the emitters' fixture model's ${fixture.name} is the builder's`,
    () => service(fixture.name),
    { ...fixture, ...Object.fromEntries(roles.map((role) => [role, expect.arrayContaining<unknown>(fixture[role])])) },
  ]),
  [
    "the emitters' fixture model's message names are the builder's",
    () => model.messages.map((m) => m.typeName),
    expect.arrayContaining<unknown>(peerPrepModel.messages.map((m) => m.typeName)),
  ],
];

describe('the model of asyncapi.yaml', () => {
  it.each(cases)('%s', (_name, actual, want) => {
    expect(actual()).toEqual(want);
  });
});
