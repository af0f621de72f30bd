import type { ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { OriginJudge, identityOf, type BrokerIdentity } from '../../../runtime/origin.js';

const SERVICES = ['collaboration-service', 'matching-service', 'question-service'];

/** Not a credential: identityOf reads only the user. */
const PASSWORD = 'not-read';

describe('identityOf', () => {
  it.each([
    [
      'a provisioned user with a prefix',
      `amqp://staging-matching-service:${PASSWORD}@host/peerprep`,
      { user: 'staging-matching-service', servicePrefix: 'staging-' },
    ],
    [
      'a provisioned user without a prefix',
      `amqps://matching-service:${PASSWORD}@host`,
      { user: 'matching-service', servicePrefix: '' },
    ],
    [
      'a percent-encoded user',
      `amqp://team%2Fmatching-service:${PASSWORD}@host`,
      { user: 'team/matching-service', servicePrefix: 'team/' },
    ],
    ['a shared user', `amqp://dev:${PASSWORD}@host`, { user: 'dev', servicePrefix: undefined }],
    [
      'no user at all (the broker picks its default, which the runtime does not guess)',
      'amqp://host:5672',
      { user: undefined, servicePrefix: undefined },
    ],
  ])('%s', (_name, url, want) => {
    expect(identityOf(url, 'matching-service')).toEqual(want);
  });
});

function delivery(
  exchange: string,
  routingKey: string,
  userId: string | undefined,
  headers: Record<string, unknown> = {},
): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: { exchange, routingKey, deliveryTag: 1, redelivered: false, consumerTag: 't' },
    properties: { userId, headers },
  } as unknown as ConsumeMessage;
}

const provisioned: BrokerIdentity = { user: 'p-collaboration-service', servicePrefix: 'p-' };
const judge = new OriginJudge(provisioned, SERVICES);
const reentry = {
  'x-original-exchange': 'matching.events',
  'x-original-routing-key': 'match.found',
  'x-attempt': 3,
  'x-original-user-id': 'p-matching-service',
};

describe('OriginJudge.provenanceOf', () => {
  it.each([
    [
      'a delivery on its exchange: its real route, attempt 1, whatever its headers say',
      delivery('matching.events', 'match.found', 'p-matching-service', { 'x-attempt': 4, 'x-original-exchange': 'x' }),
      {
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 1,
        userId: 'p-matching-service',
        reentered: false,
      },
    ],
    [
      'our own re-entry: the recorded route, attempt and first user_id',
      delivery('', 'collaboration.match_found', 'p-collaboration-service', reentry),
      {
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 3,
        userId: 'p-matching-service',
        reentered: true,
      },
    ],
    [
      "another user's message through the default exchange claiming to be a re-entry: its real route",
      delivery('', 'collaboration.match_found', 'p-question-service', reentry),
      {
        exchange: '',
        routingKey: 'collaboration.match_found',
        attempt: 1,
        userId: 'p-question-service',
        reentered: false,
      },
    ],
    [
      'the same without user_id',
      delivery('', 'collaboration.match_found', undefined, reentry),
      { exchange: '', routingKey: 'collaboration.match_found', attempt: 1, userId: undefined, reentered: false },
    ],
    [
      'our own user on the real exchange is no re-entry',
      delivery('matching.events', 'match.found', 'p-collaboration-service', reentry),
      {
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 1,
        userId: 'p-collaboration-service',
        reentered: false,
      },
    ],
  ])('%s', (_name, message, want) => {
    expect(judge.provenanceOf(message)).toEqual(want);
  });

  it('without a user of its own, a re-entry is a default-exchange delivery without user_id (a shared identity proves nothing)', () => {
    const anonymous = new OriginJudge({ user: undefined, servicePrefix: undefined }, SERVICES);
    expect(anonymous.provenanceOf(delivery('', 'q', undefined, reentry))).toMatchObject({
      exchange: 'matching.events',
      reentered: true,
    });
    expect(anonymous.provenanceOf(delivery('', 'q', 'someone', reentry))).toMatchObject({
      exchange: '',
      reentered: false,
    });
  });
});

describe('OriginJudge.judge', () => {
  const owners = ['matching-service'];
  it.each([
    [
      'a publisher the contract names',
      'p-matching-service',
      'refuse',
      {
        refused: false,
        origin: { verified: true, service: 'matching-service', userId: 'p-matching-service' },
        flagged: false,
      },
    ],
    [
      'another service of the contract, whatever the policy',
      'p-question-service',
      'accept',
      {
        refused: true,
        reason: expect.stringMatching(
          /^was published by question-service \(user_id "p-question-service"\), which the contract does not allow \(only matching-service\)/,
        ),
      },
    ],
    ['no user_id, accept', undefined, 'accept', { refused: false, origin: { verified: false }, flagged: false }],
    [
      'a user that is no service identity, flag',
      'guest-ish',
      'flag',
      { refused: false, origin: { verified: false, userId: 'guest-ish' }, flagged: true },
    ],
    [
      'a service name without the prefix is no service identity',
      'matching-service',
      'refuse',
      {
        refused: true,
        reason: expect.stringMatching(/unverified origin \(user_id "matching-service" is not a service identity\)/),
      },
    ],
    [
      'no user_id, refuse',
      undefined,
      'refuse',
      { refused: true, reason: expect.stringMatching(/unverified origin \(no user_id\)/) },
    ],
  ] as const)('%s', (_name, userId, policy, want) => {
    expect(judge.judge(userId, owners, policy)).toEqual(want);
  });

  it('under a shared identity no user_id proves a service: every origin is unverified', () => {
    const shared = new OriginJudge({ user: 'dev', servicePrefix: undefined }, SERVICES);
    expect(shared.judge('question-service', owners, 'accept')).toEqual({
      refused: false,
      origin: { verified: false, userId: 'question-service' },
      flagged: false,
    });
  });
});
