/**
 * The PeerPrep story end to end, against a running cluster: two users sign up, ask for a match,
 * get paired with a question, meet in a collaboration session on two different instances, edit
 * code together through RabbitMQ, and end the session. Each step checks what the client got back
 * and waits for the trace lines of the messages that step must cause; the result holds everything
 * a test needs to assert.
 */
import type { Profile } from '../services/matching-service/profiles.js';
import type { MatchView } from '../services/matching-service/matchmaker.js';
import type { Session } from '../services/collaboration-service/sessions.js';
import type { User } from '../services/user-service/users.js';
import type { Cluster, TraceEvent, TraceExpectation } from './cluster.js';
import { expectStatus, request } from './http-client.js';
import { poll } from './poll.js';
import { SessionClient } from './session-client.js';

export interface Reporter {
  step(title: string): void;
  /** Runs before the step with this title begins (the cluster demo kills a broker node here). */
  beforeStep?(title: string): Promise<void>;
  action(text: string): void;
  messages(events: TraceEvent[]): void;
}

type Frame<K extends string> = Awaited<ReturnType<SessionClient['next']>> & { type: K };

export interface ScenarioResult {
  users: [User, User];
  profiles: [Profile, Profile];
  requests: { first: MatchView; second: MatchView; firstAfterPairing: MatchView };
  /** The session as each collaboration instance reports it. */
  sessionSeenBy: { 'collaboration-1': Session; 'collaboration-2': Session };
  joined: [Frame<'joined'>, Frame<'joined'>];
  /** [edit by user 0 as user 1 saw it on instance 2, edit by user 1 as user 0 saw it on instance 1] */
  crossInstanceEdits: [Frame<'code_updated'>, Frame<'code_updated'>];
  ended: Session;
  /** What each participant was told: Ada on collaboration-1, where it ended, and Grace on collaboration-2. */
  endedFrames: [Frame<'session_ended'>, Frame<'session_ended'>];
  freedProfiles: [Profile, Profile];
  trace: TraceEvent[];
}

const EDITS = ['def two_sum(nums, target):', '    seen = {}  # value -> index'] as const;

export async function runScenario(cluster: Cluster, report: Reporter): Promise<ScenarioResult> {
  const users = cluster.instance('user');
  const matching = cluster.instance('matching');
  const collaboration = [cluster.instance('collaboration-1'), cluster.instance('collaboration-2')] as const;
  const start = cluster.mark();
  const step = async <T>(title: string, expected: TraceExpectation[], run: () => Promise<T>): Promise<T> => {
    await report.beforeStep?.(title);
    report.step(title);
    const since = cluster.mark();
    const value = await run();
    report.messages(await cluster.expectTraces(since, expected));
    return value;
  };

  const signUp = async (username: string): Promise<User> => {
    const user = await expectStatus<User>(201, 'POST', users.url('/users'), {
      username,
      email: `${username}@example.com`,
      profile_data: { preferred_language: 'python' },
    });
    report.action(`POST user-service /users {"username":"${username}"} -> 201, user_id ${user.user_id}`);
    return user;
  };
  const profileOf = (user: User, free: boolean) =>
    poll(
      async () => {
        const { status, body } = await request<Profile>('GET', matching.url(`/profiles/${user.user_id}`));
        return status === 200 && (body.session_id === null) === free ? body : undefined;
      },
      `matching-service's profile of ${user.username}${free ? ' to be free' : ''}`,
    );

  const [ada, grace] = await step(
    '1. Two users sign up: user-service stores them and announces user.created; matching-service builds their profiles',
    [
      { service: 'user-service', kind: 'publish', routingKey: 'user.created', count: 2 },
      { service: 'matching-service', kind: 'consume', routingKey: 'user.created', count: 2 },
    ],
    async () => [await signUp('ada'), await signUp('grace')] as const,
  );
  const profiles = [await profileOf(ada, true), await profileOf(grace, true)] as [Profile, Profile];
  report.action(
    `GET matching-service /profiles/<id> -> 200 for ${profiles.map((profile) => profile.username).join(' and ')}`,
  );

  const first = await step(
    '2. Ada asks for a match (medium; arrays, hashing): she waits',
    [{ service: 'matching-service', kind: 'publish', routingKey: 'match.requested' }],
    async () => {
      const view = await expectStatus<MatchView>(201, 'POST', matching.url('/match-requests'), {
        user_id: ada.user_id,
        difficulty: 'medium',
        topics: ['arrays', 'hashing'],
      });
      report.action(`POST matching-service /match-requests -> 201, status ${view.status}`);
      return view;
    },
  );

  const second = await step(
    '3. Grace asks (medium; hashing, strings): matching pairs them, checks both profiles and picks a question over RPC, announces match.found; collaboration opens the session',
    [
      { service: 'matching-service', kind: 'publish', routingKey: 'match.requested' },
      { service: 'matching-service', kind: 'call', routingKey: 'user.profile.get', count: 2 },
      { service: 'user-service', kind: 'serve', routingKey: 'user.profile.get', count: 2 },
      { service: 'matching-service', kind: 'call', routingKey: 'question.pick' },
      { service: 'question-service', kind: 'serve', routingKey: 'question.pick' },
      { service: 'matching-service', kind: 'publish', routingKey: 'match.found' },
      { service: 'collaboration-service', kind: 'consume', routingKey: 'match.found' },
      { service: 'collaboration-service', kind: 'call', routingKey: 'question.get' },
      { service: 'question-service', kind: 'serve', routingKey: 'question.get' },
      { service: 'collaboration-service', kind: 'publish', routingKey: /^session\..+\.started$/ },
    ],
    async () => {
      const view = await expectStatus<MatchView>(201, 'POST', matching.url('/match-requests'), {
        user_id: grace.user_id,
        difficulty: 'medium',
        topics: ['hashing', 'strings'],
      });
      report.action(
        `POST matching-service /match-requests -> 201, status ${view.status}${view.status === 'matched' ? `, session ${view.session_id}, question "${view.question.title}"` : ''}`,
      );
      return view;
    },
  );
  if (second.status !== 'matched') throw new Error(`Grace's request was not matched: ${JSON.stringify(second)}`);
  const firstAfterPairing = await expectStatus<MatchView>(
    200,
    'GET',
    matching.url(`/match-requests/${first.request_id}`),
  );
  report.action(
    `GET matching-service /match-requests/<ada's> -> status ${firstAfterPairing.status}, partner ${firstAfterPairing.status === 'matched' ? firstAfterPairing.partner.username : '-'}`,
  );

  const sessionId = second.session_id;
  const sessionSeenBy = await step(
    '4. Both collaboration instances know the session (one consumed match.found; both read the shared store)',
    [],
    async () => {
      const [one, two] = await Promise.all(
        collaboration.map((instance) =>
          poll(async () => {
            const { status, body } = await request<Session>('GET', instance.url(`/sessions/${sessionId}`));
            return status === 200 ? body : undefined;
          }, `session ${sessionId} on ${instance.instanceId}`),
        ),
      );
      report.action(
        `GET /sessions/${sessionId} -> 200 on collaboration-1 and collaboration-2, question "${one!.question.title}"`,
      );
      return { 'collaboration-1': one!, 'collaboration-2': two! };
    },
  );

  const clients = await step(
    '5. Ada connects to collaboration-1, Grace to collaboration-2 (WebSocket)',
    [],
    async () => {
      const [adaClient, graceClient] = await Promise.all([
        SessionClient.connect(collaboration[0].wsUrl(`/sessions/${sessionId}/ws?user_id=${ada.user_id}`)),
        SessionClient.connect(collaboration[1].wsUrl(`/sessions/${sessionId}/ws?user_id=${grace.user_id}`)),
      ]);
      report.action('both joined the session');
      return [adaClient, graceClient] as const;
    },
  );
  try {
    const joined = [await clients[0].next('joined'), await clients[1].next('joined')] as [
      Frame<'joined'>,
      Frame<'joined'>,
    ];
    const edit = (from: 0 | 1, to: 0 | 1, names: [string, string]) =>
      step(
        `${6 + from}. ${names[from]} types on collaboration-${from + 1}; ${names[to]} sees it on collaboration-${to + 1} (session.<id>.code_updated reaches the own queue of each instance hosting the session)`,
        [
          { instance: `collaboration-${from + 1}`, kind: 'publish', routingKey: `session.${sessionId}.code_updated` },
          { instance: 'collaboration-1', kind: 'consume', routingKey: `session.${sessionId}.code_updated` },
          { instance: 'collaboration-2', kind: 'consume', routingKey: `session.${sessionId}.code_updated` },
        ],
        async () => {
          clients[from].send({ type: 'edit', code_delta: EDITS[from] });
          const seen = await clients[to].next('code_updated');
          await clients[from].next('code_updated'); // the sender's own copy, relayed back the same way
          report.action(
            `${names[to]} received ${JSON.stringify(seen.code_delta)} from ${seen.user_id === [ada, grace][from]!.user_id ? names[from] : seen.user_id}`,
          );
          return seen;
        },
      );
    const crossInstanceEdits = [await edit(0, 1, ['Ada', 'Grace']), await edit(1, 0, ['Ada', 'Grace'])] as [
      Frame<'code_updated'>,
      Frame<'code_updated'>,
    ];

    const ended = await step(
      '8. Ada ends the session: collaboration announces session.<id>.ended; both instances tell their participant, matching frees both users',
      [
        { service: 'collaboration-service', kind: 'publish', routingKey: `session.${sessionId}.ended` },
        { service: 'matching-service', kind: 'consume', routingKey: `session.${sessionId}.ended` },
      ],
      async () => {
        const session = await expectStatus<Session>(200, 'POST', collaboration[0].url(`/sessions/${sessionId}/end`), {
          user_id: ada.user_id,
          reason: 'completed',
        });
        report.action(`POST collaboration-1 /sessions/<id>/end -> 200, ended_at ${session.ended_at}`);
        return session;
      },
    );
    const endedFrames = [await clients[0].next('session_ended'), await clients[1].next('session_ended')] as [
      Frame<'session_ended'>,
      Frame<'session_ended'>,
    ];
    const freedProfiles = [await profileOf(ada, true), await profileOf(grace, true)] as [Profile, Profile];
    report.action('GET matching-service /profiles/<id> -> session_id null for both: free to match again');
    return {
      users: [ada, grace],
      profiles,
      requests: { first, second, firstAfterPairing },
      sessionSeenBy,
      joined,
      crossInstanceEdits,
      ended,
      endedFrames,
      freedProfiles,
      trace: cluster.traces.slice(start),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}
