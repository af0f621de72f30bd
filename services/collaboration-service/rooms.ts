/** This instance's WebSocket clients, by session: whom to relay a session's edits to, and what each has been sent of them. */
import type { EditCursor } from './edit-cursor.js';
import type { ServerFrame } from './protocol.js';

export interface LocalClient {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export class SessionRooms {
  private readonly rooms = new Map<string, Map<LocalClient, EditCursor>>();

  join(sessionId: string, client: LocalClient, cursor: EditCursor): void {
    const room = this.rooms.get(sessionId) ?? new Map<LocalClient, EditCursor>();
    room.set(client, cursor);
    this.rooms.set(sessionId, room);
  }

  leave(sessionId: string, client: LocalClient): void {
    const room = this.rooms.get(sessionId);
    room?.delete(client);
    if (room?.size === 0) this.rooms.delete(sessionId);
  }

  /** The session's local clients, each with what it has been sent of the session's edits. */
  members(sessionId: string): ReadonlyMap<LocalClient, EditCursor> {
    return this.rooms.get(sessionId) ?? new Map<LocalClient, EditCursor>();
  }

  /** Sends to every local client of the session; returns how many there were. */
  broadcast(sessionId: string, frame: ServerFrame): number {
    const room = this.members(sessionId);
    const text = JSON.stringify(frame);
    for (const client of room.keys()) client.send(text);
    return room.size;
  }

  close(sessionId: string, code: number, reason: string): void {
    for (const client of this.members(sessionId).keys()) client.close(code, reason);
    this.rooms.delete(sessionId);
  }
}
