/**
 * A session's edits to this instance's sockets of it, each edit once per socket: as they arrive
 * from the broker, and, after the instance's queue was lost with its consume connection (edits
 * published meanwhile never reach it), from the store, in store order, before the broker's next
 * delivery (`catchUp` runs from `bus.onResubscribed`, before consuming resumes).
 */
import type { EditCursor } from './edit-cursor.js';
import { HISTORY_BYTES } from './participant.js';
import type { ServerFrame } from './protocol.js';
import type { LocalClient, SessionRooms } from './rooms.js';
import type { Edit, SessionStore } from './sessions.js';

/** RFC 6455 1013 "try again later": the socket missed more than a `joined` frame carries, and is to join again for it. */
const TRY_AGAIN_LATER = 1013;

export class EditRelay {
  constructor(
    private readonly sessions: SessionStore,
    private readonly rooms: SessionRooms,
  ) {}

  /** An edit the broker delivered: to each socket of the session not sent it yet; returns to how many. */
  live(sessionId: string, edit: Edit): number {
    const members = this.rooms.members(sessionId);
    if (members.size === 0) return 0;
    // Not stored: its publish failed after all; nothing else can send it, so nothing is counted.
    const position = this.sessions.positionOf(edit.edit_id);
    const text = frameText(edit);
    let sent = 0;
    for (const [client, cursor] of members) {
      if (position !== undefined && !cursor.admit(position)) continue;
      client.send(text);
      sent += 1;
      if (cursor.stalled) this.catchUpClient(sessionId, client, cursor);
    }
    return sent;
  }

  /** Sends each socket of these sessions the stored edits it was not sent, in store order; returns how many edits went out. */
  catchUp(sessionIds: readonly string[]): number {
    let sent = 0;
    for (const sessionId of sessionIds)
      for (const [client, cursor] of this.rooms.members(sessionId))
        sent += this.catchUpClient(sessionId, client, cursor);
    return sent;
  }

  private catchUpClient(sessionId: string, client: LocalClient, cursor: EditCursor): number {
    const { edits, complete } = this.sessions.editsAfter(sessionId, cursor.floor, HISTORY_BYTES);
    if (!complete) {
      // Let go now, not once its closing handshake ends (30 s for a peer that never answers): each edit meanwhile would read the store again for it.
      this.rooms.leave(sessionId, client);
      client.close(TRY_AGAIN_LATER, 'missed more edits than a catch-up sends: join again');
      return 0;
    }
    let sent = 0;
    let prev = cursor.floor;
    for (const { seq, ...edit } of edits) {
      if (cursor.admit({ seq, prev })) {
        client.send(frameText(edit));
        sent += 1;
      }
      prev = seq;
    }
    return sent;
  }
}

function frameText(edit: Edit): string {
  const frame: ServerFrame = { type: 'code_updated', ...edit };
  return JSON.stringify(frame);
}
