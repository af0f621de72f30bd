/**
 * bus.start(handlers) against what a JavaScript caller may pass: every bad handler object rejects
 * the promise start() returns with a ConfigError saying what is wrong (never a synchronous throw a
 * `.catch` would miss), and the bus can still be started with good handlers afterwards.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import { ConfigError, ConnectionClosedError } from '../../../runtime/index.js';
import { createTestVhost, type TestVhost } from '../../support/broker.js';

const question = { question_id: '0c8a3e0e-62b5-4a55-9f4a-4a1b5e3f2d10', title: 'Two Sum', difficulty: 'easy' as const, topics: ['arrays'] as [string], description: '.' };

describe('bus.start with a bad handler object', () => {
  let vhost: TestVhost;
  let bus: generated.questionService.QuestionServiceBus;

  beforeAll(async () => {
    vhost = await createTestVhost('facade-start');
    bus = await generated.questionService.connect({ url: vhost.url, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await bus?.close();
    await vhost?.dispose();
  });

  const startWith = (handlers: unknown) => (bus.start as (handlers: unknown) => Promise<void>)(handlers);

  it.each<[string, unknown, RegExp]>([
    ['no object at all', undefined, /question-service's start\(\) takes an object of handlers, .*; got undefined/],
    ['null', null, /question-service's start\(\) takes an object of handlers, .*; got null/],
    [
      'a handler whose getter throws',
      {
        get questionGet() {
          throw new Error('lazy handler not ready');
        },
        questionPick: () => question,
      },
      /question-service's handler "questionGet" could not be read from the object passed to start\(\): .*lazy handler not ready/,
    ],
    ['a missing handler', { questionGet: () => question }, /question-service has no handler "questionPick"/],
  ])('%s: start() returns a promise that rejects with a ConfigError naming the problem', async (_what, handlers, message) => {
    let started: Promise<void> | undefined;
    expect(() => (started = startWith(handlers))).not.toThrow();
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(message);
  });

  it('after a refused start, start() with good handlers serves calls', async () => {
    await expect(startWith(null)).rejects.toThrow(ConfigError);
    await bus.start({ questionGet: () => question, questionPick: () => question });
    const client = await generated.collaborationService.connect({ url: vhost.url, logger: pino({ level: 'silent' }) });
    try {
      await expect(client.call.questionGet({ question_id: question.question_id })).resolves.toEqual(question);
    } finally {
      await client.close();
    }
  });

  it('start() twice at once: the second rejects saying start() takes the handlers once; after close(), start() says the bus is closed', async () => {
    const other = await generated.questionService.connect({ url: vhost.url, logger: pino({ level: 'silent' }) });
    const handlers = { questionGet: () => question, questionPick: () => question };
    const [first, second] = await Promise.allSettled([other.start(handlers), other.start(handlers)]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: 'question-service has started consuming already: start() takes the handlers once' }) as unknown });
    await other.close();
    await expect(other.start(handlers)).rejects.toThrow(ConnectionClosedError);
  });
});
