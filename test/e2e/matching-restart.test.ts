/**
 * matching-service goes away while user-service keeps announcing new users, and comes back: every
 * user.created waited in matching.user_events meanwhile, so every user gets a profile. Once with a
 * graceful restart (SIGTERM) and once with a crash (SIGKILL: deliveries in flight are redelivered;
 * applying a user event twice changes nothing).
 */
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../demo/cluster.js';
import { expectStatus, request } from '../../demo/http-client.js';
import { poll } from '../../demo/poll.js';
import type { User } from '../../services/user-service/users.js';
import { createTestVhost, queueState } from '../support/broker.js';

const USERS = 60;
const MATCHING = { name: 'matching-service', instanceId: 'matching' } as const;

describe('restarting matching-service while user.created events are published', () => {
  it.each([
    ['a graceful restart (SIGTERM)', 'stop'],
    ['a crash (SIGKILL)', 'kill'],
  ] as const)(
    'loses none of them across %s',
    async (_name, how) => {
      const vhost = await createTestVhost('e2e-restart');
      const cluster = await Cluster.start(vhost.url, [{ name: 'user-service', instanceId: 'user' }, MATCHING]);
      try {
        const signUp = async (from: number, to: number): Promise<User[]> => {
          const users: User[] = [];
          for (let index = from; index < to; index++) {
            users.push(
              await expectStatus<User>(201, 'POST', cluster.instance('user').url('/users'), {
                username: `user-${index}`,
                email: `user-${index}@example.com`,
              }),
            );
          }
          return users;
        };

        const before = await signUp(0, 15);
        const [duringStop, exitCode] = await Promise.all([signUp(15, 30), cluster.stopInstance('matching', how)]);
        expect(exitCode).toBe(how === 'stop' ? 0 : null);
        const whileDown = await signUp(30, 45);
        await poll(
          async () => ((await queueState(vhost.name, 'matching.user_events')).messages > 0 ? true : undefined),
          'user.created events to wait in the queue',
        );
        expect(await queueState(vhost.name, 'matching.user_events')).toMatchObject({ consumers: 0 });
        const [duringStart] = await Promise.all([signUp(45, USERS), cluster.startInstance(MATCHING)]);

        const created = [...before, ...duringStop, ...whileDown, ...duringStart];
        const matching = cluster.instance('matching');
        for (const user of created) {
          await poll(
            async () =>
              (await request('GET', matching.url(`/profiles/${user.user_id}`))).status === 200 ? true : undefined,
            `the profile of ${user.username}`,
          );
        }
        expect(await queueState(vhost.name, 'matching.user_events')).toMatchObject({ messages: 0 });
        expect(await queueState(vhost.name, 'matching.user_events.dlq')).toMatchObject({ messages: 0 });
        const published = cluster.traces.filter(
          (event) => event.kind === 'publish' && event.routingKey === 'user.created',
        );
        expect(new Set(published.map((event) => event.messageId)).size).toBe(USERS);
        expect(await cluster.stop()).toEqual({ user: 0, matching: 0 });
      } finally {
        await cluster.stop();
        await vhost.dispose();
      }
    },
    120_000,
  );
});
