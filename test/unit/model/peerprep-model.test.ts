import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../../generator/load/load-model.js';
import type { Model, Queue, Service } from '../../../generator/model/types.js';
import { peerPrepModel } from '../../fixtures/model.js';

// One parse of the real contract, shared by every case.
let model: Model;
beforeAll(async () => {
  const result = await loadModel('asyncapi.yaml');
  if ('diagnostics' in result) throw new Error(`asyncapi.yaml does not load:\n${JSON.stringify(result.diagnostics, null, 2)}`);
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

const methods = (uses: { methodName: string }[]) => uses.map((use) => use.methodName);

const cases: [name: string, actual: () => unknown, want: unknown][] = [
  ['services, sorted by name', () => model.services.map((s) => s.name), ['collaboration-service', 'matching-service', 'question-service', 'user-service']],
  [
    'exchanges: three durable topic exchanges',
    () => model.exchanges,
    ['collaboration.events', 'matching.events', 'user.events'].map((name) => ({ name, type: 'topic', durable: true, autoDelete: false })),
  ],
  [
    'matching.user_events is bound three times to user.events',
    () => model.bindings.filter((b) => b.queue === 'matching.user_events'),
    ['user.created', 'user.deleted', 'user.updated'].map((pattern) => ({ exchange: 'user.events', queue: 'matching.user_events', pattern })),
  ],
  [
    'matching.user_events retries at 1, 2, 4 and 8 s, then dead-letters',
    () => [queue('matching.user_events').retry?.delaysMs, queue('matching.user_events').retryQueues, queue('matching.user_events').deadLetterQueue],
    [
      [1000, 2000, 4000, 8000],
      ['matching.user_events.retry.1000ms', 'matching.user_events.retry.2000ms', 'matching.user_events.retry.4000ms', 'matching.user_events.retry.8000ms'],
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
  ['the dead-letter queue has no argument but its type', () => [queue('matching.user_events.dlq').role, queue('matching.user_events.dlq').arguments], ['dead-letter', { 'x-queue-type': 'quorum' }]],
  ['collaboration.match_found is a quorum queue', () => queue('collaboration.match_found').arguments, { 'x-queue-type': 'quorum' }],
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
    () => [queue('collaboration.code_updates').perSubscription, model.bindings.filter((binding) => binding.queue === 'collaboration.code_updates')],
    [true, []],
  ],
  [
    'RPC queues are durable quorum queues owned by the serving service',
    () => model.queues.filter((q) => q.role === 'rpc').map((q) => [q.name, q.owner, q.durable, q.arguments]),
    [
      ['question.get', 'question-service', true, { 'x-queue-type': 'quorum' }],
      ['question.pick', 'question-service', true, { 'x-queue-type': 'quorum' }],
      ['user.profile.get', 'user-service', true, { 'x-queue-type': 'quorum' }],
    ],
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
  ['user.profile.get RPC', () => model.rpcs.find((r) => r.id === 'userProfileGet'), { id: 'userProfileGet', description: "Look up a user's public profile.", queue: 'user.profile.get', requestMessage: 'UserProfileRequest', replyMessage: 'UserProfile' }],
  ['matching-service cannot publish user events', () => methods(service('matching-service').publishes), ['matchCancelled', 'matchFound', 'matchRequested']],
  ['matching-service consumes four channels', () => methods(service('matching-service').consumes), ['sessionEnded', 'userCreated', 'userDeleted', 'userUpdated']],
  ['matching-service calls two RPCs', () => methods(service('matching-service').calls), ['questionPick', 'userProfileGet']],
  ['question-service serves two RPCs', () => methods(service('question-service').serves), ['questionGet', 'questionPick']],
  [
    'publish options: code edits are transient, observer-only events are not mandatory',
    () => service('collaboration-service').publishes.map((p) => [p.methodName, p.mandatory, p.persistent]),
    [['codeUpdated', true, false], ['sessionEnded', true, true], ['sessionStarted', false, true]],
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
  // The emitters' unit tests run on a hand-built model: it must be what the builder really makes.
  ...(['exchanges', 'queues', 'bindings', 'channels', 'rpcs', 'services'] as const).map(
    (key): [string, () => unknown, unknown] => [`the emitters' fixture model has the same ${key}`, () => model[key], peerPrepModel[key]],
  ),
  ['the emitters\' fixture model has the same message names', () => model.messages.map((m) => m.typeName), peerPrepModel.messages.map((m) => m.typeName)],
];

describe('the model of asyncapi.yaml', () => {
  it.each(cases)('%s', (_name, actual, want) => {
    expect(actual()).toEqual(want);
  });
});
