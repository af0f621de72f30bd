/**
 * collaboration-service on the bus: `match.found` opens a session (one instance gets each, from the
 * shared quorum queue); a session's edits and its end reach the instances that host one of its
 * participants (their own exclusive queue, subscribed per session: session-feed.ts), and each
 * relays them to the clients it hosts for that session.
 */
import { connect, type CollaborationServiceBus } from '../../generated/services/collaboration-service.js';
import { busOptions } from '../common/bus-options.js';
import type { ServiceContext } from '../common/service.js';
import { EditRelay } from './edit-relay.js';
import { SessionLifecycle } from './lifecycle.js';
import type { SessionRooms } from './rooms.js';
import type { SessionStore } from './sessions.js';

export interface CollaborationMessaging {
  bus: CollaborationServiceBus;
  lifecycle: SessionLifecycle;
}

export async function connectCollaborationBus(
  context: ServiceContext,
  sessions: SessionStore,
  rooms: SessionRooms,
): Promise<CollaborationMessaging> {
  const bus = await connect(busOptions(context));
  const lifecycle = new SessionLifecycle(bus, sessions, rooms);
  const relay = new EditRelay(sessions, rooms);
  // The queue was lost with the consume connection: what was published meanwhile is in the store.
  bus.onResubscribed.codeUpdated((held) => {
    const edits = relay.catchUp(held.map(({ session_id }) => session_id));
    context.logger.info({ sessions: held.length, edits }, 'caught up the edits published while the queue was gone');
  });
  bus.onResubscribed.sessionEnded((held) => {
    for (const { session_id } of held) {
      const session = sessions.get(session_id);
      if (session?.ended_at) lifecycle.closeRoom(session_id, session.end_reason ?? 'completed');
    }
  });
  await bus.start({
    matchFound: (event) => lifecycle.open(event),
    codeUpdated: ({ session_id, user_id, code_delta, timestamp }, { messageId }) => {
      const clients = relay.live(session_id, { edit_id: messageId ?? '', user_id, code_delta, timestamp });
      context.logger.debug({ session_id, clients }, 'relayed a code edit to local clients');
    },
    sessionEnded: ({ session_id, reason }) => lifecycle.closeRoom(session_id, reason),
  });
  return { bus, lifecycle };
}
