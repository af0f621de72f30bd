/** Opens a collaboration session the way a Python matching-service would: a raw `match.found` on the broker. */
import type { Channel } from 'amqplib';

const TWO_SUM = '0c8a3e0e-62b5-4a55-9f4a-4a1b5e3f2d10';

export function publishRawMatchFound(channel: Channel, sessionId: string, userIds: readonly [string, string]): void {
  const matchFound = {
    event_type: 'match.found',
    version: 1,
    occurred_at: new Date().toISOString(),
    session_id: sessionId,
    question: { id: TWO_SUM, difficulty: 'medium', topics: ['arrays', 'hashing'], title: 'Two Sum' },
    users: userIds.map((user_id) => ({ user_id })),
  };
  channel.publish('matching.events', 'match.found', Buffer.from(JSON.stringify(matchFound)), {
    contentType: 'application/json',
  });
}
