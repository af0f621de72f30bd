import { describe, expect, it } from 'vitest';
import { emitPermissions } from '../../../generator/emit/permissions.js';
import {
  DEFAULT_EXCHANGE_RESOURCE,
  NO_ROUTING_KEYS,
  routingKeyRegex,
  servicePermissions,
} from '../../../generator/model/permissions.js';
import type { ServicePermissions } from '../../../runtime/permissions.js';
import { peerPrepModel } from '../../fixtures/model.js';

const permissions = servicePermissions(peerPrepModel);
/** An instance id with dots, as a host name gives it. */
const INSTANCE = 'pod-7.peerprep.internal-42-a1b2c3';

function of(service: string): ServicePermissions {
  const found = permissions.find((each) => each.service === service);
  if (!found) throw new Error(`no permissions for ${service}`);
  return found;
}

/** Every exchange and queue name the broker can see, per-instance queues with an instance id. */
const allNames = [
  DEFAULT_EXCHANGE_RESOURCE,
  ...peerPrepModel.exchanges.map((exchange) => exchange.name),
  ...peerPrepModel.queues.map((queue) => (queue.perInstance ? `${queue.name}.${INSTANCE}` : queue.name)),
];

function matching(regex: string): string[] {
  return allNames.filter((name) => regex !== '' && new RegExp(regex).test(name)).sort();
}

describe('servicePermissions: what each service may do on the broker', () => {
  it.each([
    // service, configure, write, read
    ['user-service', ['user.events', 'user.profile.get'], ['amq.default', 'user.events'], ['user.profile.get']],
    ['question-service', ['question.get', 'question.pick'], ['amq.default'], ['question.get', 'question.pick']],
    [
      'matching-service',
      [
        'matching.events',
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
      ['amq.default', 'matching.events', 'matching.session_events', 'matching.user_events'],
      [
        'collaboration.events',
        'matching.session_events',
        'matching.session_events.retry.1000ms',
        'matching.session_events.retry.2000ms',
        'matching.user_events',
        'matching.user_events.retry.1000ms',
        'matching.user_events.retry.2000ms',
        'matching.user_events.retry.4000ms',
        'matching.user_events.retry.8000ms',
        'user.events',
      ],
    ],
    [
      'collaboration-service',
      [
        'collaboration.code_updates.' + INSTANCE,
        'collaboration.events',
        'collaboration.match_found',
        'collaboration.match_found.dlq',
        'collaboration.match_found.retry.1000ms',
        'collaboration.match_found.retry.2000ms',
        'collaboration.match_found.retry.4000ms',
        'collaboration.match_found.retry.8000ms',
      ],
      ['amq.default', 'collaboration.code_updates.' + INSTANCE, 'collaboration.events', 'collaboration.match_found'],
      [
        'collaboration.code_updates.' + INSTANCE,
        'collaboration.events',
        'collaboration.match_found',
        'collaboration.match_found.retry.1000ms',
        'collaboration.match_found.retry.2000ms',
        'collaboration.match_found.retry.4000ms',
        'collaboration.match_found.retry.8000ms',
        'matching.events',
      ],
    ],
  ])('%s: configure, write and read match exactly its own objects', (service, configure, write, read) => {
    const granted = of(service);
    expect(matching(granted.configure)).toEqual(configure);
    expect(matching(granted.write)).toEqual(write);
    expect(matching(granted.read)).toEqual(read);
  });

  it('never lets a service configure or read a queue another service owns', () => {
    for (const granted of permissions) {
      const foreign = peerPrepModel.queues
        .filter((queue) => queue.owner !== granted.service)
        .map((queue) => (queue.perInstance ? `${queue.name}.${INSTANCE}` : queue.name));
      for (const regex of [granted.configure, granted.read, granted.write]) {
        expect(
          foreign.filter((name) => regex !== '' && new RegExp(regex).test(name)),
          `${granted.service}: ${regex}`,
        ).toEqual([]);
      }
    }
  });

  it('lets only publishers configure an exchange: a consumer cannot delete the exchange it binds to', () => {
    expect(new RegExp(of('matching-service').configure).test('user.events')).toBe(false);
    expect(new RegExp(of('user-service').configure).test('user.events')).toBe(true);
  });

  it('anchors every regex: no prefix or suffix of a granted name is granted', () => {
    const regex = new RegExp(of('user-service').read);
    expect(
      ['user.profile.get', 'xuser.profile.get', 'user.profile.get.x', 'userXprofileXget'].map((name) =>
        regex.test(name),
      ),
    ).toEqual([true, false, false, false]);
  });

  it('gives every grant a reason', () => {
    const grants = permissions.flatMap((each) => [...each.grants.configure, ...each.grants.write, ...each.grants.read]);
    expect(grants.filter((grant) => grant.reason === '')).toEqual([]);
    expect(of('matching-service').grants.write.find((grant) => grant.name === 'amq.default')?.reason).toBe(
      'sends RPC requests; moves failed messages to its retry and dead-letter queues; declares queues that dead-letter through it',
    );
  });
});

describe('topic permissions', () => {
  it.each([
    // service, exchange, publishable routing keys, refused routing keys, bindable keys, refused binding keys
    [
      'user-service',
      'user.events',
      ['user.created', 'user.deleted', 'user.updated'],
      ['user.created.x', 'match.found', ''],
      [],
      ['#', 'user.*', 'user.created'],
    ],
    [
      'matching-service',
      'user.events',
      [],
      ['user.created', ''],
      ['user.created', 'user.deleted', 'user.updated'],
      ['#', 'user.*', 'user.#'],
    ],
    [
      'matching-service',
      'matching.events',
      ['match.found', 'match.requested', 'match.cancelled'],
      ['match.other'],
      [],
      ['match.found'],
    ],
    [
      'matching-service',
      'collaboration.events',
      [],
      ['session.s1.ended'],
      ['session.*.ended'],
      ['session.s1.ended', 'session.#', '#'],
    ],
    [
      'collaboration-service',
      'collaboration.events',
      ['session.s1.code_updated', 'session.s-2.ended', 'session.abc.started'],
      ['session.a.b.ended', 'session.*.ended', 'session.#.ended', 'session..ended'],
      ['session.s1.code_updated', 'session.s-2.ended'],
      [
        'session.*.code_updated',
        'session.#.code_updated',
        'session..code_updated',
        'session.a.b.code_updated',
        'session.*.ended',
        'session.#',
        '#',
        'session.s1.started',
      ],
    ],
    ['collaboration-service', 'matching.events', [], ['match.found'], ['match.found'], ['match.*', '#']],
  ])('%s on %s', (service, exchange, publishable, unpublishable, bindable, unbindable) => {
    const topic = of(service).topic.find((each) => each.exchange === exchange);
    if (!topic) throw new Error(`${service} has no topic permission on ${exchange}`);
    const write = new RegExp(topic.write);
    const read = new RegExp(topic.read);
    expect(publishable.filter((key) => !write.test(key))).toEqual([]);
    expect(unpublishable.filter((key) => write.test(key))).toEqual([]);
    expect(bindable.filter((key) => !read.test(key))).toEqual([]);
    expect(unbindable.filter((key) => read.test(key))).toEqual([]);
  });

  it('covers exactly the topic exchanges a service publishes to or binds to', () => {
    expect(permissions.map((each) => [each.service, each.topic.map((topic) => topic.exchange)])).toEqual([
      ['collaboration-service', ['collaboration.events', 'matching.events']],
      ['matching-service', ['collaboration.events', 'matching.events', 'user.events']],
      ['question-service', []],
      ['user-service', ['user.events']],
    ]);
  });

  it('uses a regex no key matches where a service has nothing to publish or bind', () => {
    expect(of('matching-service').topic.find((each) => each.exchange === 'user.events')?.write).toBe(NO_ROUTING_KEYS);
    expect(new RegExp(NO_ROUTING_KEYS).test('')).toBe(false);
  });

  it.each([
    ['user.created', 'user\\.created'],
    ['session.{session_id}.code_updated', 'session\\.[^.*#]+\\.code_updated'],
    ['a.{x}.{y}', 'a\\.[^.*#]+\\.[^.*#]+'],
    ['odd+(name)', 'odd\\+\\(name\\)'],
  ])('routingKeyRegex(%s) = %s', (template, want) => {
    expect(routingKeyRegex(template)).toBe(want);
  });
});

describe('emitPermissions', () => {
  it('emits permissions.json with every service', () => {
    const [file] = emitPermissions(peerPrepModel);
    expect(file?.path).toBe('permissions.json');
    expect((JSON.parse(file?.content ?? '{}') as { services: ServicePermissions[] }).services).toEqual(permissions);
  });
});
