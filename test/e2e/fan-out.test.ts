/**
 * Real-time fan-out that scales: four collaboration-service processes, 200 sessions, the two
 * participants of each session on two different instances. Every participant receives every edit
 * of its session, and each instance consumes the edits of the sessions it hosts and no others
 * (its `/metrics`), because its queue is bound per hosted session, not to `session.*.code_updated`.
 * A participant who reconnects to another instance gets the session's edits so far from the store.
 */
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster, type Instance } from '../../demo/cluster.js';
import { poll } from '../../demo/poll.js';
import { SessionClient } from '../../demo/session-client.js';
import { createTestVhost, type TestVhost } from '../support/broker.js';
import { consumedCount, openSessions, sessionSocketUrl } from './fan-out-support.js';

const INSTANCES = ['collaboration-1', 'collaboration-2', 'collaboration-3', 'collaboration-4'];
const SESSIONS = 200;
const EDITS_PER_PARTICIPANT = 2;
const EDITS_PER_SESSION = 2 * EDITS_PER_PARTICIPANT;

let vhost: TestVhost;
let cluster: Cluster;
let broker: ChannelModel;
const clients: SessionClient[] = [];

beforeAll(async () => {
  vhost = await createTestVhost('e2e-fan-out');
  const instances: Instance[] = [
    { name: 'question-service', instanceId: 'question' },
    ...INSTANCES.map((instanceId) => ({ name: 'collaboration-service' as const, instanceId })),
  ];
  cluster = await Cluster.start(vhost.url, instances);
  broker = await connect(vhost.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.close();
  await cluster?.stop();
  await vhost?.dispose();
});

it('delivers every edit to every participant, and each instance consumes only the edits of the sessions it hosts', async () => {
  const sessions = await openSessions(broker, SESSIONS);
  // Session i has one participant on instance i % 4 and the other on the next instance.
  const placed = sessions.map((session, index) => ({
    ...session,
    instances: [INSTANCES[index % INSTANCES.length]!, INSTANCES[(index + 1) % INSTANCES.length]!] as const,
  }));
  const participants = await Promise.all(
    placed.flatMap((session) =>
      session.users.map(async (userId, seat) => {
        const client = await SessionClient.connect(
          sessionSocketUrl(cluster.instance(session.instances[seat]!), session, userId),
        );
        clients.push(client);
        await client.next('joined');
        return { session, userId, client };
      }),
    ),
  );

  for (const { session, userId, client } of participants) {
    for (let edit = 0; edit < EDITS_PER_PARTICIPANT; edit++)
      client.send({ type: 'edit', code_delta: `${session.id} ${userId} ${edit}` });
  }
  const received = await Promise.all(
    participants.map(async ({ client }) => {
      const deltas: string[] = [];
      for (let edit = 0; edit < EDITS_PER_SESSION; edit++)
        deltas.push((await client.next('code_updated', 60_000)).code_delta);
      return deltas.sort();
    }),
  );
  participants.forEach(({ session }, index) => {
    const sent = session.users.flatMap((userId) =>
      Array.from({ length: EDITS_PER_PARTICIPANT }, (_, edit) => `${session.id} ${userId} ${edit}`),
    );
    expect(received[index]).toEqual(sent.sort());
  });

  for (const instanceId of INSTANCES) {
    const hosted = placed.filter((session) => session.instances.includes(instanceId)).length;
    const expected = hosted * EDITS_PER_SESSION;
    const consumed = await poll(async () => {
      const count = await consumedCount(cluster.instance(instanceId), 'codeUpdated');
      return count >= expected ? count : undefined;
    }, `${instanceId} to count the ${expected} edits of its ${hosted} sessions as consumed`);
    expect({ instanceId, consumed }).toEqual({ instanceId, consumed: expected });
    expect(expected).toBeLessThan(SESSIONS * EDITS_PER_SESSION);
  }

  // A participant who reconnects to an instance that hosted nothing of its session gets the session's code from the store.
  for (const [index, session] of placed.slice(0, 4).entries()) {
    const elsewhere = INSTANCES[(index + 2) % INSTANCES.length]!;
    expect(session.instances).not.toContain(elsewhere);
    const client = await SessionClient.connect(
      sessionSocketUrl(cluster.instance(elsewhere), session, session.users[0]),
    );
    clients.push(client);
    const { edits } = await client.next('joined');
    const sent = session.users.flatMap((userId) =>
      Array.from({ length: EDITS_PER_PARTICIPANT }, (_, edit) => `${session.id} ${userId} ${edit}`),
    );
    expect(edits.map((edit) => edit.code_delta).sort()).toEqual(sent.sort());
    // In the order each participant made them.
    for (const userId of session.users)
      expect(edits.filter((edit) => edit.user_id === userId).map((edit) => edit.code_delta)).toEqual(
        sent.filter((delta) => delta.includes(userId)),
      );
  }
}, 180_000);
