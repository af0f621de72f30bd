/**
 * Per-service identities against the real broker: each service's user, provisioned from the
 * contract, can do everything its facade does, and the broker refuses matching-service's user
 * what the contract does not grant it.
 */
import { connect, type ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { MatchFound, Question, SessionEnded, UserCreated } from '../../../generated/payloads.js';
import { contractExample as example } from '../../fixtures/model.js';
import { queueState, waitFor } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';
import { provisionTestIdentities, type ProvisionedIdentities } from './provisioned-identities.js';

const logger = pino({ level: 'silent' });
let identities: ProvisionedIdentities;

beforeAll(async () => {
  identities = await provisionTestIdentities('security-permissions');
});

afterAll(async () => {
  await identities?.dispose();
});

/**
 * Runs `action` as `service`'s user on a fresh confirm channel and resolves with the reason the
 * broker closed the channel, or rejects if it did not within 5 s.
 */
async function refusalOf(service: string, action: (channel: ConfirmChannel) => unknown): Promise<string> {
  const connection = await connect(identities.urlOf(service));
  try {
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<string>((resolve, reject) => {
      channel.on('error', (error: Error) => resolve(error.message));
      setTimeout(() => reject(new Error(`the broker did not refuse ${service}`)), 5_000);
    });
    await Promise.resolve(action(channel)).catch(() => undefined);
    return await closed;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe("matching-service's identity is refused what the contract does not grant it", () => {
  it('publishing user.created to user.events', async () => {
    const reason = await refusalOf('matching-service', (channel) => {
      channel.publish('user.events', 'user.created', Buffer.from(JSON.stringify(example<UserCreated>('UserCreated'))));
    });
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'user\.events'.*refused for user/);
  });

  it("consuming from another service's queue", async () => {
    const reason = await refusalOf('matching-service', (channel) =>
      channel.consume('collaboration.match_found', () => undefined),
    );
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'collaboration\.match_found'.*refused/);
  });

  it('deleting a queue it does not own', async () => {
    const reason = await refusalOf('matching-service', (channel) => channel.deleteQueue('user.profile.get'));
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to queue 'user\.profile\.get'.*refused/);
    await expect(queueState(identities.vhost.name, 'user.profile.get')).resolves.toBeDefined();
  });

  it('deleting an exchange it only consumes from', async () => {
    const reason = await refusalOf('matching-service', (channel) => channel.deleteExchange('user.events'));
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to exchange 'user\.events'.*refused/);
  });

  it('publishing on its own exchange with a routing key the contract does not give it (topic permission)', async () => {
    const reason = await refusalOf('matching-service', (channel) => {
      channel.publish('matching.events', 'match.forged', Buffer.from('{}'));
    });
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to topic 'match\.forged' in exchange 'matching\.events'/);
  });

  it('binding its own queue to every user event (topic permission)', async () => {
    const reason = await refusalOf('matching-service', (channel) =>
      channel.bindQueue('matching.user_events', 'user.events', '#'),
    );
    expect(reason).toMatch(/403 \(ACCESS-REFUSED\).*access to topic '#' in exchange 'user\.events'/);
  });
});

describe("collaboration-service's identity binds its queue one session at a time, never with a wildcard", () => {
  it.each(['session.*.code_updated', 'session.#', '#', 'session.*.ended'])(
    'binding %s is refused (topic permission)',
    async (bindingKey) => {
      const reason = await refusalOf('collaboration-service', async (channel) => {
        await channel.assertQueue('collaboration.code_updates.probe', {
          exclusive: true,
          durable: false,
          autoDelete: true,
        });
        await channel.bindQueue('collaboration.code_updates.probe', 'collaboration.events', bindingKey);
      });
      expect(reason).toMatch(
        new RegExp(
          `403 \\(ACCESS-REFUSED\\).*access to topic '${bindingKey.replace(/[.*#]/g, '\\$&')}' in exchange 'collaboration\\.events'`,
        ),
      );
    },
  );
});

describe('every service with its own identity', () => {
  it('publishes, consumes, retries, serves and calls exactly as the contract says', async () => {
    const usersCreated: UserCreated[] = [];
    const matches: MatchFound[] = [];
    const codeUpdates: string[] = [];
    const sessionsEnded: SessionEnded[] = [];
    let sessionEndedFailures = 0;
    const question = example<Question>('Question');
    const userCreated = example<UserCreated>('UserCreated');
    const sessionEnded = example<SessionEnded>('SessionEnded');

    const user = await started(
      generated.userService.connect({
        url: identities.urlOf('user-service'),
        logger,
      }),
      handlersFor<generated.userService.UserServiceHandlers>(generated.userService.userServiceDefinition, {
        userProfileGet: (request) => ({ user_id: request.user_id, username: 'ada', profile_data: {} }),
      }),
    );
    const questions = await started(
      generated.questionService.connect({ url: identities.urlOf('question-service'), logger }),
      handlersFor<generated.questionService.QuestionServiceHandlers>(
        generated.questionService.questionServiceDefinition,
        { questionGet: () => question, questionPick: () => question },
      ),
    );
    const matching = await started(
      generated.matchingService.connect({
        url: identities.urlOf('matching-service'),
        logger,
      }),
      handlersFor<generated.matchingService.MatchingServiceHandlers>(
        generated.matchingService.matchingServiceDefinition,
        {
          userCreated: (event) => void usersCreated.push(event),
          sessionEnded: (event) => {
            // The first delivery fails: the retry goes through the retry queue (the default exchange).
            if (sessionEndedFailures++ === 0) throw new Error('first attempt fails on purpose');
            sessionsEnded.push(event);
          },
        },
      ),
    );
    const collaboration = await started(
      generated.collaborationService.connect({
        url: identities.urlOf('collaboration-service'),
        logger,
      }),
      handlersFor<generated.collaborationService.CollaborationServiceHandlers>(
        generated.collaborationService.collaborationServiceDefinition,
        {
          codeUpdated: (event) => void codeUpdates.push(event.code_delta),
          matchFound: (event) => void matches.push(event),
        },
      ),
    );
    try {
      await user.publish.userCreated(userCreated);
      expect(await matching.call.userProfileGet({ user_id: userCreated.user_id })).toEqual({
        user_id: userCreated.user_id,
        username: 'ada',
        profile_data: {},
      });
      const picked = await matching.call.questionPick({ difficulty: 'easy', topics: ['arrays'] });
      expect(picked).toEqual(question);
      await matching.publish.matchFound(example<MatchFound>('MatchFound'));
      expect(await collaboration.call.questionGet({ question_id: question.question_id })).toEqual(question);
      await collaboration.subscribe.codeUpdated({ session_id: sessionEnded.session_id });
      await collaboration.publish.codeUpdated(
        { ...example('CodeUpdated'), code_delta: 'x = 1' },
        { session_id: sessionEnded.session_id },
      );
      await collaboration.publish.sessionEnded(sessionEnded, { session_id: sessionEnded.session_id });
      await waitFor(
        () =>
          usersCreated.length === 1 && matches.length === 1 && codeUpdates.length === 1 && sessionsEnded.length === 1,
        {
          timeoutMs: 10_000,
          what: 'every event to reach its consumer (session.ended after one retry)',
        },
      );
      expect(sessionEndedFailures).toBe(2);
      expect(codeUpdates).toEqual(['x = 1']);
    } finally {
      await Promise.all([user.close(), questions.close(), matching.close(), collaboration.close()]);
    }
  });
});
