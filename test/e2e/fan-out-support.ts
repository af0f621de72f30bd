/** Shared by the fan-out tests: sessions opened on the broker, and what an instance's `/metrics` says it consumed. */
import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { poll } from '../../demo/poll.js';
import type { ServiceProcess } from '../../demo/service-process.js';
import { publishRawMatchFound } from '../support/raw-match-found.js';

export interface OpenSession {
  id: string;
  users: readonly [string, string];
}

/** Opens `count` sessions with raw `match.found` events; resolves once collaboration-service announced each as started. */
export async function openSessions(broker: ChannelModel, count: number): Promise<OpenSession[]> {
  const channel = await broker.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'collaboration.events', 'session.*.started');
  const started = new Set<string>();
  await channel.consume(queue, (message) => message && started.add(message.fields.routingKey.split('.')[1]!), {
    noAck: true,
  });
  const sessions = Array.from({ length: count }, () => ({
    id: randomUUID(),
    users: [randomUUID(), randomUUID()] as const,
  }));
  for (const session of sessions) publishRawMatchFound(channel, session.id, session.users);
  await poll(
    () => (sessions.every((session) => started.has(session.id)) ? true : undefined),
    `${count} sessions to start (${started.size} so far)`,
    60_000,
  );
  await channel.close();
  return sessions;
}

/** `messaging_consumed_total` of one consumer, as the instance's `/metrics` reports it. */
export async function consumedCount(instance: ServiceProcess, operation: string): Promise<number> {
  const text = await (await fetch(instance.url('/metrics'))).text();
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        candidate.startsWith('messaging_consumed_total{') && candidate.includes(`operation="${operation}"`),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The WebSocket URL of a session on an instance, for a participant. */
export function sessionSocketUrl(instance: ServiceProcess, session: OpenSession, userId: string): string {
  return instance.url(`/sessions/${session.id}/ws?user_id=${userId}`).replace(/^http/, 'ws');
}
