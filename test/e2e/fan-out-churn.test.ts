/**
 * Per-session subscriptions under churn: on collaboration-2, sockets of a session join and leave
 * while the session's other participant, on collaboration-1, keeps editing; halfway through,
 * collaboration-2's consume connection is killed through the management API, and kept from
 * reconnecting (a vhost connection limit) while each editor sends a round of edits, published while
 * collaboration-2 has no queue. In even sessions each new socket joins before the previous one
 * leaves (the session stays bound), in odd ones after it left (unbound, then bound again). A
 * connected participant misses no edit and gets none twice, in the order sent: the editor receives
 * all of its own, and each churning socket every edit sent after it joined, those of the outage
 * too (caught up from the store once collaboration-2 is bound again). collaboration-2's queue holds
 * exactly one binding per hosted session and feed, and none once the last socket left.
 */
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { poll } from '../../demo/poll.js';
import { SessionClient } from '../../demo/session-client.js';
import {
  brokerConnections,
  createTestVhost,
  killNamedConnection,
  listConnections,
  management,
  queueBindings,
  type TestVhost,
} from '../support/broker.js';
import { openSessions, sessionSocketUrl, type OpenSession } from './fan-out-support.js';

const SESSIONS = 10;
const ROUNDS = 4;
const KILL_AFTER_ROUND = 2;
const EDITS_PER_ROUND = 5;
const CHURN_QUEUE = 'collaboration.code_updates.collaboration-2';
const CHURN_CONNECTION = 'collaboration-service@collaboration-2/consume';

let vhost: TestVhost;
let cluster: Cluster;
let broker: ChannelModel;
const clients: SessionClient[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('e2e-fan-out-churn');
  cluster = await Cluster.start(vhost.url, [
    { name: 'question-service', instanceId: 'question' },
    { name: 'collaboration-service', instanceId: 'collaboration-1' },
    { name: 'collaboration-service', instanceId: 'collaboration-2' },
  ]);
  broker = await connect(vhost.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.close();
  await cluster?.stop();
  await vhost?.dispose();
});

/** A socket on collaboration-2 and the edits it must receive: every one from `mustFrom` on. */
interface Churner {
  client: SessionClient;
  mustFrom: number;
  received: number[];
}

/** One session: its editor on collaboration-1, and the sockets that come and go on collaboration-2. */
class ChurnedSession {
  sent = 0;
  readonly finished: Churner[] = [];
  churner: Churner | undefined;

  private constructor(
    readonly session: OpenSession,
    readonly editor: SessionClient,
  ) {}

  static async open(session: OpenSession): Promise<ChurnedSession> {
    const editor = await join('collaboration-1', session, session.users[0]);
    return new ChurnedSession(session, editor);
  }

  /** Sends the next edits, numbered, while the churning socket changes: the new one joins before or after the old one leaves. */
  async round(overlap: boolean): Promise<void> {
    const old = this.churner;
    const leaving = old === undefined ? Promise.resolve() : this.leave(old);
    const first = this.sent;
    for (let edit = 0; edit < EDITS_PER_ROUND; edit++)
      this.editor.send({ type: 'edit', code_delta: String(this.sent++) });
    if (!overlap) await leaving;
    const client = await join('collaboration-2', this.session, this.session.users[1]);
    this.churner = { client, mustFrom: this.sent, received: [] };
    await leaving;
    for (let edit = 0; edit < EDITS_PER_ROUND; edit++)
      this.editor.send({ type: 'edit', code_delta: String(this.sent++) });
    for (let edit = first; edit < this.sent; edit++)
      expect(Number((await this.editor.next('code_updated')).code_delta)).toBe(edit);
  }

  /** Edits sent while the churning socket's instance has no queue: the editor receives them from its own. */
  async editWhileUnbound(): Promise<void> {
    const first = this.sent;
    for (let edit = 0; edit < EDITS_PER_ROUND; edit++)
      this.editor.send({ type: 'edit', code_delta: String(this.sent++) });
    for (let edit = first; edit < this.sent; edit++)
      expect(Number((await this.editor.next('code_updated')).code_delta)).toBe(edit);
  }

  async end(): Promise<void> {
    if (this.churner) await this.leave(this.churner);
    await this.editor.close();
  }

  /** Reads what the socket received up to the last edit sent so far, then closes it. */
  private async leave(churner: Churner): Promise<void> {
    const last = this.sent - 1;
    for (;;) {
      const edit = Number((await churner.client.next('code_updated')).code_delta);
      churner.received.push(edit);
      if (edit >= last) break;
    }
    await churner.client.close();
    this.finished.push(churner);
  }
}

async function join(instanceId: string, session: OpenSession, userId: string): Promise<SessionClient> {
  const client = await SessionClient.connect(sessionSocketUrl(cluster.instance(instanceId), session, userId));
  clients.push(client);
  await client.next('joined');
  return client;
}

async function connectionOf(clientName: string): Promise<string> {
  const connection = (await brokerConnections(vhost)).find((candidate) => candidate.connectionName === clientName);
  if (!connection) throw new Error(`no connection named ${clientName}`);
  return connection.name;
}

/** The broker's name of the connection an exclusive queue belongs to; undefined while there is no such queue. */
async function queueOwner(queue: string): Promise<string | undefined> {
  const response = await management(
    'GET',
    `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(queue)}`,
  ).catch(() => undefined);
  return ((await response?.json()) as { owner_pid_details?: { name?: string } } | undefined)?.owner_pid_details?.name;
}

/**
 * Kills collaboration-2's consume connection (its queue goes with it) and keeps it from
 * reconnecting, with a vhost connection limit, while `work` runs; returns the killed connection's name.
 */
async function whileCollaboration2Unbound(work: () => Promise<void>): Promise<string> {
  const killed = await connectionOf(CHURN_CONNECTION);
  await setConnectionLimit((await listConnections(vhost)).length - 1);
  try {
    await killNamedConnection(vhost, CHURN_CONNECTION, 'fan-out churn test');
    await poll(
      async () => ((await listConnections(vhost)).some((connection) => connection.name === killed) ? undefined : true),
      'the killed connection to close',
    );
    expect(await queueOwner(CHURN_QUEUE)).toBeUndefined();
    await work();
  } finally {
    await setConnectionLimit(undefined);
  }
  return killed;
}

/** The vhost's `max-connections`; undefined lifts it. */
async function setConnectionLimit(limit: number | undefined): Promise<void> {
  const path = `/vhost-limits/${encodeURIComponent(vhost.name)}/max-connections`;
  await (limit === undefined ? management('DELETE', path) : management('PUT', path, { value: limit }));
}

const feeds = (sessions: OpenSession[]) =>
  sessions
    .flatMap((session) => [
      `collaboration.events session.${session.id}.code_updated`,
      `collaboration.events session.${session.id}.ended`,
    ])
    .sort();

it('loses no edit for a connected participant while sockets come and go and the connection is killed, and leaves no binding behind', async () => {
  const sessions = await openSessions(broker, SESSIONS);
  const churned = await Promise.all(sessions.map((session) => ChurnedSession.open(session)));

  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(churned.map((each, index) => each.round(index % 2 === 0)));
    expect(await queueBindings(vhost.name, CHURN_QUEUE)).toEqual(feeds(sessions));
    if (round + 1 === KILL_AFTER_ROUND) {
      const killed = await whileCollaboration2Unbound(() =>
        Promise.all(churned.map((each) => each.editWhileUnbound())).then(() => undefined),
      );
      await poll(
        async () =>
          (await queueOwner(CHURN_QUEUE)) !== killed &&
          (await queueBindings(vhost.name, CHURN_QUEUE).catch(() => [])).length === 2 * SESSIONS
            ? true
            : undefined,
        'collaboration-2 to declare its queue again and bind its sessions',
      );
      expect(await queueBindings(vhost.name, CHURN_QUEUE)).toEqual(feeds(sessions));
    }
  }
  await Promise.all(churned.map((each) => each.end()));

  for (const each of churned) {
    expect(each.finished).toHaveLength(ROUNDS);
    for (const churner of each.finished) {
      const last = churner.received[churner.received.length - 1]!;
      const expected = Array.from(
        { length: Math.max(0, last - churner.mustFrom + 1) },
        (_, index) => churner.mustFrom + index,
      );
      // Earlier edits may come too (stored after the socket's `joined` was read), but each once, in order.
      expect(churner.received).toEqual([...new Set(churner.received)].sort((a, b) => a - b));
      expect(churner.received.filter((edit) => edit >= churner.mustFrom)).toEqual(expected);
    }
  }
  // A socket's subscription is released once the server saw it close, a moment after the client did.
  for (const queue of [CHURN_QUEUE, 'collaboration.code_updates.collaboration-1']) {
    await poll(
      async () => ((await queueBindings(vhost.name, queue)).length === 0 ? true : undefined),
      `${queue} to lose the bindings of the sessions nobody there hosts`,
    );
    expect(await queueBindings(vhost.name, queue)).toEqual([]);
  }
}, 180_000);

it('tells a participant connected across the kill that its session ended meanwhile', async () => {
  const [session] = await openSessions(broker, 1);
  const editor = await join('collaboration-1', session!, session!.users[0]);
  const churner = await join('collaboration-2', session!, session!.users[1]);
  await whileCollaboration2Unbound(async () => {
    const ended = await fetch(cluster.instance('collaboration-1').url(`/sessions/${session!.id}/end`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: session!.users[0] }),
    });
    expect(ended.status).toBe(200);
    await editor.next('session_ended');
  });
  expect(await churner.next('session_ended')).toEqual({ type: 'session_ended', reason: 'completed' });
}, 60_000);
