/**
 * A forged event against real service processes, each with its own provisioned broker identity:
 * question-service's identity (it may write to the default exchange, since it answers RPCs) puts
 * match.found events straight into collaboration-service's queue, with the retry re-entry headers
 * spoofed, while matching-service's identity publishes real ones. Every real match opens a
 * session; no forged one does; each forgery lies in the dead-letter queue as `unauthorized_origin`.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { request } from '../../demo/http-client.js';
import * as generated from '../../generated/index.js';
import type { MatchFound, Question } from '../../generated/payloads.js';
import { getMessages, queueState, waitFor } from '../support/broker.js';
import { handlersFor, started } from '../support/handlers.js';
import { provisionTestIdentities, type ProvisionedIdentities } from '../integration/security/provisioned-identities.js';

const EVENTS = 20;
const MATCH_QUEUE = 'collaboration.match_found';
let identities: ProvisionedIdentities;
let cluster: Cluster;

beforeAll(async () => {
  identities = await provisionTestIdentities('fault-forged-origin');
  cluster = await Cluster.start(identities.urlOf('collaboration-service'), [
    { name: 'question-service', instanceId: 'question', env: { RABBITMQ_URL: identities.urlOf('question-service') } },
    { name: 'collaboration-service', instanceId: 'collaboration' },
  ]);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  await identities?.dispose();
});

function match(question: Question): MatchFound {
  return {
    event_type: 'match.found',
    version: 1,
    occurred_at: new Date().toISOString(),
    session_id: randomUUID(),
    question: {
      id: question.question_id,
      difficulty: question.difficulty,
      topics: question.topics,
      title: question.title,
    },
    users: [{ user_id: randomUUID() }, { user_id: randomUUID() }],
  };
}

async function sessionStatus(sessionId: string): Promise<number> {
  return (await request('GET', cluster.instance('collaboration').url(`/sessions/${sessionId}`))).status;
}

it('dead-letters every forged match.found as unauthorized_origin while every real one opens a session', async () => {
  const [question] = (await request<Question[]>('GET', cluster.instance('question').url('/questions'))).body;
  if (!question) throw new Error('question-service has no questions');
  const matching = await started(
    generated.matchingService.connect({ url: identities.urlOf('matching-service'), logger: pino({ level: 'silent' }) }),
    handlersFor(generated.matchingService.matchingServiceDefinition),
  );
  const forger = await connect(identities.urlOf('question-service'));
  const real: MatchFound[] = [];
  const forged: MatchFound[] = [];
  try {
    const channel = await forger.createConfirmChannel();
    for (let i = 0; i < EVENTS; i++) {
      const fake = match(question);
      forged.push(fake);
      channel.sendToQueue(MATCH_QUEUE, Buffer.from(JSON.stringify(fake)), {
        contentType: 'application/json',
        messageId: randomUUID(),
        persistent: true,
        // Alternately claiming its own user and no user at all: neither is collaboration-service's own retry path.
        ...(i % 2 === 0 && { userId: identities.userOf('question-service') }),
        headers: { 'x-original-exchange': 'matching.events', 'x-original-routing-key': 'match.found', 'x-attempt': 1 },
      });
      const genuine = match(question);
      real.push(genuine);
      await matching.publish.matchFound(genuine);
    }
    await channel.waitForConfirms();
  } finally {
    await forger.close();
    await matching.close();
  }

  for (const genuine of real) {
    await waitFor(async () => (await sessionStatus(genuine.session_id)) === 200, {
      timeoutMs: 20_000,
      what: `the session of real match ${genuine.session_id}`,
    });
  }
  await waitFor(async () => (await queueState(identities.vhost.name, `${MATCH_QUEUE}.dlq`)).messages === EVENTS, {
    timeoutMs: 20_000,
    what: `${EVENTS} dead letters`,
  });
  expect(await queueState(identities.vhost.name, MATCH_QUEUE)).toMatchObject({ messages: 0 });
  const dead = await getMessages(identities.vhost.name, `${MATCH_QUEUE}.dlq`, EVENTS);
  expect(new Set(dead.map((letter) => letter.properties.headers?.['x-dead-letter-reason']))).toEqual(
    new Set(['unauthorized_origin']),
  );
  expect(dead.map((letter) => (JSON.parse(letter.body) as MatchFound).session_id).sort()).toEqual(
    forged.map((fake) => fake.session_id).sort(),
  );
  for (const fake of forged) expect(await sessionStatus(fake.session_id)).toBe(404);
}, 90_000);
