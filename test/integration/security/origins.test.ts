/**
 * Message origins against the real broker, with the contract's per-service identities: a service
 * may write to the default exchange (RPC callers must), so it can put a message into any queue,
 * with any headers. A consumer must judge a message by what the broker vouches for (the route it
 * delivered on, the `user_id` it checked), not by headers anyone can write.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type Channel, type ConfirmChannel, type Options } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { MatchFound, Question } from '../../../generated/payloads.js';
import {
  connectService,
  type ConsumeContext,
  type RpcContext,
  type ServiceConnection,
  type ServiceDefinition,
  type UnverifiedOriginPolicy,
} from '../../../runtime/index.js';
import { contractExample as example } from '../../fixtures/model.js';
import { getMessages, management, queueState, waitFor, type BrokerMessage } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';
import { provisionTestIdentities, type ProvisionedIdentities } from './provisioned-identities.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const MATCH_QUEUE = 'collaboration.match_found';
const MATCH_DLQ = `${MATCH_QUEUE}.dlq`;
let identities: ProvisionedIdentities;

beforeAll(async () => {
  identities = await provisionTestIdentities('security-origins');
});

afterAll(async () => {
  await identities?.dispose();
});

function matchFound(): MatchFound {
  return { ...example<MatchFound>('MatchFound'), session_id: randomUUID() };
}

/** Publishes one message as `url`'s user on a confirm channel; resolves once the broker confirmed it. */
async function publishAs(
  url: string,
  exchange: string,
  routingKey: string,
  body: unknown,
  options: Options.Publish,
): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
      contentType: 'application/json',
      messageId: randomUUID(),
      persistent: true,
      ...options,
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Waits for `count` dead letters in `queue` and takes them off it. */
async function deadLetters(queue: string, count: number): Promise<BrokerMessage[]> {
  await waitFor(async () => (await queueState(identities.vhost.name, queue)).messages >= count, {
    timeoutMs: 10_000,
    what: `${count} dead letter(s) in ${queue}`,
  });
  return getMessages(identities.vhost.name, queue, count);
}

interface Handled {
  event: MatchFound;
  context: ConsumeContext;
}

/** collaboration-service as its own user, recording each match it handles; `fail` decides whether an attempt throws. */
async function collaborationService(
  handled: Handled[],
  definition: ServiceDefinition = generated.collaborationService.collaborationServiceDefinition,
  fail: (context: ConsumeContext) => boolean = () => false,
): Promise<ServiceConnection> {
  return connectService(
    definition,
    {
      consumers: {
        ...handlersFor<Record<string, () => undefined>>(definition),
        matchFound: ((event: MatchFound, context: ConsumeContext) => {
          if (fail(context)) throw new Error(`attempt ${context.attempt} fails on purpose`);
          handled.push({ event, context });
        }) as never,
      },
      rpcServers: {},
    },
    { url: identities.urlOf('collaboration-service'), logger },
  );
}

async function matchingService(): Promise<generated.matchingService.MatchingServiceBus> {
  return started(
    generated.matchingService.connect({ url: identities.urlOf('matching-service'), logger }),
    handlersFor(generated.matchingService.matchingServiceDefinition),
  );
}

describe('a forged origin', () => {
  it("is dead-lettered as unauthorized_origin when another service puts a match.found into collaboration's queue with spoofed re-entry headers, while the real event flows", async () => {
    const handled: Handled[] = [];
    const collaboration = await collaborationService(handled);
    const matching = await matchingService();
    try {
      const forged = matchFound();
      const spoofed = {
        'x-original-exchange': 'matching.events',
        'x-original-routing-key': 'match.found',
        'x-attempt': 2,
        'x-original-user-id': identities.userOf('matching-service'),
      };
      // question-service may write to the default exchange: it answers RPCs. Once claiming its own user, once claiming nobody.
      await publishAs(identities.urlOf('question-service'), '', MATCH_QUEUE, forged, {
        headers: spoofed,
        userId: identities.userOf('question-service'),
      });
      await publishAs(identities.urlOf('question-service'), '', MATCH_QUEUE, forged, { headers: spoofed });
      const real = matchFound();
      await matching.publish.matchFound(real);

      const dead = await deadLetters(MATCH_DLQ, 2);
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the real match.found' });
      expect(handled.map((each) => each.event.session_id)).toEqual([real.session_id]);
      expect(handled[0]?.context).toMatchObject({
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 1,
        origin: { verified: true, service: 'matching-service' },
      });
      for (const letter of dead) {
        expect(JSON.parse(letter.body)).toEqual(forged);
        expect(letter.properties.headers).toMatchObject({
          'x-dead-letter-reason': 'unauthorized_origin',
          'x-original-exchange': '',
          'x-original-routing-key': MATCH_QUEUE,
          'x-attempts': 1,
        });
        expect(String(letter.properties.headers?.['x-error'])).toMatch(
          /put straight into collaboration\.match_found through the default exchange/,
        );
      }
      expect(dead.map((letter) => letter.properties.headers?.['x-original-user-id'])).toEqual(
        expect.arrayContaining([identities.userOf('question-service'), undefined]),
      );
      const metrics = await collaboration.metrics.getSingleMetricAsString('messaging_dead_lettered_total');
      expect(metrics).toMatch(/reason="unauthorized_origin"} 2/);
    } finally {
      await Promise.all([collaboration.close(), matching.close()]);
    }
  });

  it("of a user_id is refused by the broker (question-service cannot claim collaboration-service's user), and the runtime stamps its own user on what it publishes", async () => {
    const connection = await connect(identities.urlOf('question-service'));
    try {
      const channel: ConfirmChannel = await connection.createConfirmChannel();
      const closed = new Promise<string>((resolve) => channel.on('error', (error: Error) => resolve(error.message)));
      channel.publish('', MATCH_QUEUE, Buffer.from(JSON.stringify(matchFound())), {
        userId: identities.userOf('collaboration-service'),
        headers: { 'x-original-exchange': 'matching.events', 'x-original-routing-key': 'match.found' },
      });
      expect(await closed).toMatch(
        /406 \(PRECONDITION-FAILED\).*user_id property set to '.*collaboration-service' but authenticated user was '.*question-service'/,
      );
    } finally {
      await connection.close().catch(() => undefined);
    }
    expect(await queueState(identities.vhost.name, MATCH_QUEUE)).toMatchObject({ messages: 0 });

    // No collaboration-service consumes now: the real event waits in its queue, as the broker delivers it.
    const matching = await matchingService();
    try {
      await matching.publish.matchFound(matchFound());
    } finally {
      await matching.close();
    }
    const [delivered] = await getMessages(identities.vhost.name, MATCH_QUEUE, 1);
    expect(delivered?.properties).toMatchObject({ user_id: identities.userOf('matching-service') });
  });
});

describe('retries with per-service identities', () => {
  it('come back through the retry queue as attempt 2, with the original route and the original publisher, judged again', async () => {
    const handled: Handled[] = [];
    const collaboration = await collaborationService(handled, undefined, (context) => context.attempt === 1);
    const matching = await matchingService();
    try {
      const real = matchFound();
      await matching.publish.matchFound(real);
      // The retry queue's TTL dead-letters the message back through the default exchange: the broker keeps its user_id (collaboration's own), so the re-entry is believed.
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the second attempt' });
      expect(handled[0]?.event).toEqual(real);
      expect(handled[0]?.context).toMatchObject({
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 2,
        origin: { verified: true, service: 'matching-service', userId: identities.userOf('matching-service') },
      });
      expect(await queueState(identities.vhost.name, MATCH_DLQ)).toMatchObject({ messages: 0 });
    } finally {
      await Promise.all([collaboration.close(), matching.close()]);
    }
  });

  it("do not turn a peer's spoofed x-original-user-id into a verified origin: a message without user_id stays unverified on attempt 2", async () => {
    const handled: Handled[] = [];
    const collaboration = await collaborationService(handled, undefined, (context) => context.attempt === 1);
    try {
      const spoofed = matchFound();
      // matching-service's own user (a Python peer of it, say) on the real route, setting no user_id but claiming one in the re-entry headers.
      const headers = {
        'x-original-user-id': identities.userOf('matching-service'),
        'x-original-exchange': 'matching.events',
        'x-original-routing-key': 'match.found',
        'x-attempt': 7,
      };
      await publishAs(identities.urlOf('matching-service'), 'matching.events', 'match.found', spoofed, { headers });
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the second attempt' });
      expect(handled[0]?.event).toEqual(spoofed);
      expect(handled[0]?.context).toMatchObject({ attempt: 2, origin: { verified: false } });
      expect(handled[0]?.context.origin).not.toHaveProperty('service');
      expect(handled[0]?.context.headers).not.toHaveProperty('x-original-user-id');
    } finally {
      await collaboration.close();
    }
  });
});

function withMatchFoundPolicy(policy: UnverifiedOriginPolicy): ServiceDefinition {
  const definition = generated.collaborationService.collaborationServiceDefinition;
  return {
    ...definition,
    consumers: definition.consumers.map((consumer) =>
      consumer.name === 'matchFound' ? { ...consumer, unverifiedOrigin: policy } : consumer,
    ),
  };
}

describe('an unverified origin (no user_id, or a user that is no service identity) follows the consumer operation policy', () => {
  /** A Python peer sets no user_id; a user that is no service identity (the test vhost's own, shared like guest) proves no service. Both publish the real route. */
  async function publishUnverified(): Promise<MatchFound[]> {
    const withoutUserId = matchFound();
    const asSharedUser = matchFound();
    await publishAs(identities.urlOf('matching-service'), 'matching.events', 'match.found', withoutUserId, {});
    await publishAs(identities.vhost.url, 'matching.events', 'match.found', asSharedUser, {
      userId: identities.vhost.user,
    });
    return [withoutUserId, asSharedUser];
  }

  it.each(['accept', 'flag'] as const)('%s: handled, the context says it is unverified', async (policy) => {
    const handled: Handled[] = [];
    const collaboration = await collaborationService(handled, withMatchFoundPolicy(policy));
    try {
      const sent = await publishUnverified();
      await waitFor(() => handled.length === 2, { timeoutMs: 10_000, what: 'both unverified messages' });
      expect(handled.map((each) => each.event.session_id).sort()).toEqual(sent.map((each) => each.session_id).sort());
      expect(handled.map((each) => each.context.origin)).toEqual(
        expect.arrayContaining([{ verified: false }, { verified: false, userId: identities.vhost.user }]),
      );
      const flagged = await collaboration.metrics.getSingleMetricAsString('messaging_unverified_origin_total');
      if (policy === 'flag') expect(flagged).toMatch(/operation="matchFound"} 2/);
      else expect(flagged).not.toMatch(/operation="matchFound"}/);
    } finally {
      await collaboration.close();
    }
  });

  it('refuse: dead-lettered as unauthorized_origin, never handled; a verified publisher still gets through', async () => {
    const handled: Handled[] = [];
    const collaboration = await collaborationService(handled, withMatchFoundPolicy('refuse'));
    const matching = await matchingService();
    try {
      await publishUnverified();
      const real = matchFound();
      await matching.publish.matchFound(real);
      const dead = await deadLetters(MATCH_DLQ, 2);
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the verified match.found' });
      expect(handled.map((each) => each.event.session_id)).toEqual([real.session_id]);
      expect(dead.map((letter) => letter.properties.headers?.['x-dead-letter-reason'])).toEqual([
        'unauthorized_origin',
        'unauthorized_origin',
      ]);
      expect(dead.map((letter) => String(letter.properties.headers?.['x-error']))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/unverified origin \(no user_id\) and the contract refuses unverified origins/),
          expect.stringMatching(
            new RegExp(`unverified origin \\(user_id "${identities.vhost.user}" is not a service identity\\)`),
          ),
        ]),
      );
    } finally {
      await Promise.all([collaboration.close(), matching.close()]);
    }
  });
});

describe('RPC callers', () => {
  /** Calls question.get as `url`'s user over direct reply-to, with the user_id the broker checks; resolves with the reply. */
  async function callQuestionGet(url: string, userId: string): Promise<{ body: unknown; rpcError: unknown }> {
    const connection = await connect(url);
    try {
      const channel: Channel = await connection.createChannel();
      const reply = new Promise<{ body: unknown; rpcError: unknown }>((resolve) => {
        void channel.consume(
          'amq.rabbitmq.reply-to',
          (message) => {
            if (message)
              resolve({
                body: JSON.parse(message.content.toString()),
                rpcError: message.properties.headers?.['x-rpc-error'],
              });
          },
          { noAck: true },
        );
      });
      channel.sendToQueue(
        'question.get',
        Buffer.from(JSON.stringify({ question_id: example<Question>('Question').question_id })),
        { replyTo: 'amq.rabbitmq.reply-to', correlationId: randomUUID(), userId },
      );
      return await reply;
    } finally {
      await connection.close();
    }
  }

  it('are served when the contract names them, and refused with unauthorized_origin when not (matching-service calling question.get, which only collaboration-service calls)', async () => {
    const question = example<Question>('Question');
    const asked: RpcContext[] = [];
    const questions = await started(
      generated.questionService.connect({
        url: identities.urlOf('question-service'),
        logger,
      }),
      handlersFor<generated.questionService.QuestionServiceHandlers>(
        generated.questionService.questionServiceDefinition,
        {
          questionGet: (_request, context) => {
            asked.push(context);
            return question;
          },
        },
      ),
    );
    const collaboration = await started(
      generated.collaborationService.connect({ url: identities.urlOf('collaboration-service'), logger }),
      handlersFor(generated.collaborationService.collaborationServiceDefinition),
    );
    try {
      const refused = await callQuestionGet(
        identities.urlOf('matching-service'),
        identities.userOf('matching-service'),
      );
      expect(refused.rpcError).toBe(true);
      expect(refused.body).toMatchObject({
        error_code: 'unauthorized_origin',
        error: expect.stringMatching(/published by matching-service .*only collaboration-service/),
      });

      expect(await collaboration.call.questionGet({ question_id: question.question_id })).toEqual(question);
      expect(asked.map((context) => context.origin)).toEqual([
        { verified: true, service: 'collaboration-service', userId: identities.userOf('collaboration-service') },
      ]);
      expect(await questions.metrics.getSingleMetricAsString('messaging_unauthorized_origin_total')).toMatch(
        /operation="questionGet"} 1/,
      );
    } finally {
      await Promise.all([questions.close(), collaboration.close()]);
    }
  });
});

describe('replaying dead letters (npm run dlq -- replay)', () => {
  const run = promisify(execFile);
  const operator = { user: '', password: randomBytes(12).toString('hex') };

  beforeAll(async () => {
    operator.user = `${identities.vhost.name}-operator`;
    await management('PUT', `/users/${encodeURIComponent(operator.user)}`, {
      password: operator.password,
      tags: 'impersonator',
    });
    await management(
      'PUT',
      `/permissions/${encodeURIComponent(identities.vhost.name)}/${encodeURIComponent(operator.user)}`,
      { configure: '', write: '.*', read: '.*' },
    );
  });

  afterAll(async () => {
    await management('DELETE', `/users/${encodeURIComponent(operator.user)}`).catch(() => undefined);
  });

  async function replayAs(user: string, password: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const url = `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:5672/${encodeURIComponent(identities.vhost.name)}`;
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'runtime/cli/dlq.ts', 'replay', MATCH_DLQ], {
        env: { ...process.env, RABBITMQ_URL: url },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it("are refused by the broker from a user who is neither the consumer nor an impersonator, and taken back as the consumer's own retries from an operator tagged impersonator; a replayed forgery is refused again", async () => {
    let healed = false;
    const handled: Handled[] = [];
    const oneAttempt: ServiceDefinition = {
      ...generated.collaborationService.collaborationServiceDefinition,
      consumers: generated.collaborationService.collaborationServiceDefinition.consumers.map((consumer) =>
        consumer.name === 'matchFound' ? { ...consumer, retry: { maxAttempts: 1, delayQueues: [] } } : consumer,
      ),
    };
    const collaboration = await collaborationService(handled, oneAttempt, () => !healed);
    const matching = await matchingService();
    try {
      const real = matchFound();
      await matching.publish.matchFound(real);
      const forged = matchFound();
      await publishAs(identities.urlOf('question-service'), '', MATCH_QUEUE, forged, {
        headers: { 'x-original-exchange': 'matching.events', 'x-original-routing-key': 'match.found' },
      });
      await waitFor(async () => (await queueState(identities.vhost.name, MATCH_DLQ)).messages === 2, {
        timeoutMs: 10_000,
        what: 'two dead letters',
      });
      healed = true;

      // The vhost's own test user has every permission but is not collaboration-service's user.
      const refused = await replayAs(identities.vhost.user, new URL(identities.vhost.url).password);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /PRECONDITION.*user_id property set to '.*collaboration-service'.*tagged "impersonator"/s,
      );
      await waitFor(async () => (await queueState(identities.vhost.name, MATCH_DLQ)).messages === 2, {
        timeoutMs: 10_000,
        what: 'both dead letters to stay',
      });
      expect(handled).toEqual([]);

      const replayed = await replayAs(operator.user, operator.password);
      expect(replayed.stdout).toContain(`${MATCH_DLQ}: replayed 2, left 0`);
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the replayed real match' });
      expect(handled[0]?.event).toEqual(real);
      expect(handled[0]?.context).toMatchObject({
        exchange: 'matching.events',
        routingKey: 'match.found',
        attempt: 1,
        origin: { verified: true, service: 'matching-service' },
      });
      const [again] = await deadLetters(MATCH_DLQ, 1);
      expect(JSON.parse(again?.body ?? '{}')).toEqual(forged);
      expect(again?.properties.headers).toMatchObject({
        'x-dead-letter-reason': 'unauthorized_origin',
        'x-original-exchange': '',
      });
    } finally {
      await Promise.all([collaboration.close(), matching.close()]);
    }
  });
});
