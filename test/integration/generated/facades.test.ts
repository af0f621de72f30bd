/**
 * The generated artefacts against the real broker: definitions.json imports into a fresh vhost
 * and declares exactly the contract, the facades then connect to that vhost without a single
 * declaration conflict, and typed publish / consume / RPC work through them end to end.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { UserCreated } from '../../../generated/payloads.js';
import { createTestVhost, management, type TestVhost } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';

interface Definitions {
  exchanges: { name: string; type: string }[];
  queues: { name: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> }[];
  bindings: { source: string; destination: string; routing_key: string }[];
}

const definitions = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../generated/definitions.json'), 'utf8')) as Definitions;

let vhost: TestVhost;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  vhost = await createTestVhost('generated-facades');
  await management('POST', `/definitions/${encodeURIComponent(vhost.name)}`, definitions);
});

afterAll(async () => {
  await vhost.dispose();
});

async function listed<T>(kind: 'queues' | 'bindings' | 'exchanges'): Promise<T[]> {
  return (await (await management('GET', `/${kind}/${encodeURIComponent(vhost.name)}`)).json()) as T[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('definitions.json', () => {
  it('declares exactly its queues, with their arguments', async () => {
    const queues = await listed<Definitions['queues'][number]>('queues');
    const summary = (queue: Definitions['queues'][number]) => ({ name: queue.name, durable: queue.durable, auto_delete: queue.auto_delete, arguments: queue.arguments });
    expect(queues.map(summary).sort((a, b) => byText(a.name, b.name))).toEqual(definitions.queues.map(summary));
  });

  it('binds exactly as written, besides the default exchange', async () => {
    const bindings = (await listed<Definitions['bindings'][number]>('bindings')).filter((binding) => binding.source !== '');
    const key = (binding: Definitions['bindings'][number]) => `${binding.source} -> ${binding.destination} (${binding.routing_key})`;
    expect(bindings.map(key).sort(byText)).toEqual(definitions.bindings.map(key).sort(byText));
  });
});

describe('generated facades on the imported topology', () => {
  const created: UserCreated = {
    user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
    username: 'ada',
    email: 'ada@example.com',
    timestamp: '2026-11-29T10:15:00.000Z',
  };

  it('connect without a declaration conflict, and publish, consume and call with typed payloads', async () => {
    const received: UserCreated[] = [];
    const question = { question_id: '0c8a3e0e-62b5-4a55-9f4a-4a1b5e3f2d10', title: 'Two Sum', difficulty: 'easy' as const, topics: ['arrays'] as [string], description: '.' };
    const user = await started(generated.userService.connect({
      url: vhost.url, logger,
    }), handlersFor<generated.userService.UserServiceHandlers>(generated.userService.userServiceDefinition, { userProfileGet: (request) => ({ user_id: request.user_id, username: 'ada', profile_data: { skill_level: 'advanced' } }) }));
    const matching = await started(generated.matchingService.connect({
      url: vhost.url, logger,
    }), handlersFor<generated.matchingService.MatchingServiceHandlers>(generated.matchingService.matchingServiceDefinition, { userCreated: (event) => void received.push(event) }));
    const questions = await started(generated.questionService.connect({ url: vhost.url, logger }), handlersFor<generated.questionService.QuestionServiceHandlers>(generated.questionService.questionServiceDefinition, { questionGet: () => question, questionPick: () => question }));
    const collaboration = await started(generated.collaborationService.connect({ url: vhost.url, logger }), handlersFor<generated.collaborationService.CollaborationServiceHandlers>(generated.collaborationService.collaborationServiceDefinition));
    try {
      await user.publish.userCreated(created);
      const profile = await matching.call.userProfileGet({ user_id: created.user_id });
      expect(profile).toEqual({ user_id: created.user_id, username: 'ada', profile_data: { skill_level: 'advanced' } });
      expect(await collaboration.call.questionGet({ question_id: question.question_id })).toEqual(question);
      const deadline = Date.now() + 5000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      expect(received).toEqual([created]);
    } finally {
      await Promise.all([user.close(), matching.close(), questions.close(), collaboration.close()]);
    }
  });
});
