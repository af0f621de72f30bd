/**
 * The demo's scenario with every service as a real child process against the real broker, in a
 * vhost of its own: each step's outcome, the cross-instance code edits, the messages that flowed
 * (linked by message id from publish to consume), nothing dead-lettered, and a clean shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { runScenario, type Reporter, type ScenarioResult } from '../../demo/scenario.js';
import { createTestVhost, queueState, type TestVhost } from '../support/broker.js';

const quiet: Reporter = { step: () => undefined, action: () => undefined, messages: () => undefined };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the demo scenario, end to end', () => {
  let vhost: TestVhost;
  let result: ScenarioResult;
  let exitCodes: Record<string, number | null>;

  beforeAll(async () => {
    vhost = await createTestVhost('e2e-demo');
    const cluster = await Cluster.start(vhost.url);
    try {
      result = await runScenario(cluster, quiet);
    } finally {
      exitCodes = await cluster.stop();
    }
  }, 120_000);
  afterAll(async () => vhost?.dispose());

  it('creates both users and matching-service builds a free profile for each', () => {
    const [ada, grace] = result.users;
    expect(ada.user_id).toMatch(UUID);
    expect(grace.user_id).toMatch(UUID);
    expect(result.profiles).toEqual([
      { user_id: ada.user_id, username: 'ada', email: 'ada@example.com', session_id: null },
      { user_id: grace.user_id, username: 'grace', email: 'grace@example.com', session_id: null },
    ]);
  });

  it('leaves the first request pending and pairs the second with it on a shared topic', () => {
    const { first, second, firstAfterPairing } = result.requests;
    const [ada, grace] = result.users;
    expect(first.status).toBe('pending');
    expect(second).toMatchObject({
      status: 'matched',
      user_id: grace.user_id,
      partner: { user_id: ada.user_id, username: 'ada' },
    });
    expect(firstAfterPairing).toMatchObject({
      status: 'matched',
      user_id: ada.user_id,
      partner: { user_id: grace.user_id, username: 'grace' },
    });
    if (second.status !== 'matched' || firstAfterPairing.status !== 'matched') throw new Error('unreachable');
    expect(firstAfterPairing.session_id).toBe(second.session_id);
    expect(second.question.difficulty).toBe('medium');
    expect(second.question.topics).toContain('hashing');
  });

  it('opens one session that both collaboration instances report the same way', () => {
    const { second } = result.requests;
    if (second.status !== 'matched') throw new Error('not matched');
    const one = result.sessionSeenBy['collaboration-1'];
    expect(result.sessionSeenBy['collaboration-2']).toEqual(one);
    expect(one).toMatchObject({
      session_id: second.session_id,
      user_ids: result.users.map((user) => user.user_id),
      ended_at: null,
    });
    expect(one.question.question_id).toBe(second.question.id);
    expect(one.question.description.length).toBeGreaterThan(0);
    expect(result.joined.map((frame) => frame.session.session_id)).toEqual([second.session_id, second.session_id]);
  });

  it('relays each code edit to the participant on the other instance', () => {
    const [ada, grace] = result.users;
    expect(result.crossInstanceEdits[0]).toMatchObject({
      type: 'code_updated',
      user_id: ada.user_id,
      code_delta: 'def two_sum(nums, target):',
    });
    expect(result.crossInstanceEdits[1]).toMatchObject({
      type: 'code_updated',
      user_id: grace.user_id,
      code_delta: '    seen = {}  # value -> index',
    });
  });

  it('delivers every code edit to both instances, each from its own queue', () => {
    const edits = result.trace.filter(
      (event) => event.kind === 'publish' && event.routingKey.endsWith('.code_updated'),
    );
    expect(edits.map((event) => event.instance)).toEqual(['collaboration-1', 'collaboration-2']);
    for (const edit of edits) {
      const deliveries = result.trace.filter((event) => event.kind === 'consume' && event.messageId === edit.messageId);
      expect(deliveries.map((event) => [event.instance, event.queue]).sort()).toEqual([
        ['collaboration-1', 'collaboration.code_updates.collaboration-1'],
        ['collaboration-2', 'collaboration.code_updates.collaboration-2'],
      ]);
    }
  });

  it('hands each event to its consumers exactly once, by message id', () => {
    /** Who consumed each publish of `routingKey`, by service or by instance, sorted. */
    const consumersOf = (routingKey: string, by: 'service' | 'instance') => {
      const published = result.trace.filter((event) => event.kind === 'publish' && event.routingKey === routingKey);
      expect(published.length).toBeGreaterThan(0);
      return published.map((event) =>
        result.trace
          .filter((other) => other.kind === 'consume' && other.messageId === event.messageId)
          .map((other) => other[by])
          .sort(),
      );
    };
    for (const consumers of consumersOf('user.created', 'service')) expect(consumers).toEqual(['matching-service']);
    for (const consumers of consumersOf('match.found', 'service')) expect(consumers).toEqual(['collaboration-service']);
    if (result.requests.second.status !== 'matched') throw new Error('not matched');
    // Both instances host a participant of the session: each hears of its end once.
    for (const consumers of consumersOf(`session.${result.requests.second.session_id}.ended`, 'instance'))
      expect(consumers).toEqual(['collaboration-1', 'collaboration-2', 'matching']);
  });

  it('ends the session, tells the participants on both instances, and frees both users in matching-service', () => {
    expect(result.ended).toMatchObject({ end_reason: 'completed' });
    expect(result.ended.ended_at).not.toBeNull();
    expect(result.endedFrames).toEqual([
      { type: 'session_ended', reason: 'completed' },
      { type: 'session_ended', reason: 'completed' },
    ]);
    expect(result.freedProfiles.map((profile) => profile.session_id)).toEqual([null, null]);
  });

  it('dead-letters nothing', async () => {
    for (const queue of ['matching.user_events.dlq', 'matching.session_events.dlq', 'collaboration.match_found.dlq']) {
      expect(await queueState(vhost.name, queue), queue).toMatchObject({ messages: 0 });
    }
  });

  it('shuts every service down cleanly on SIGTERM', () => {
    expect(exitCodes).toEqual({ question: 0, user: 0, matching: 0, 'collaboration-1': 0, 'collaboration-2': 0 });
  });
});
