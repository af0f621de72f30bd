/** This instance's WebSocket clients, by session: whom to relay a session's edits to. */
import type { ServerFrame } from './protocol.js';

export interface LocalClient {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export class SessionRooms {
  private readonly rooms = new Map<string, Set<LocalClient>>();

  join(sessionId: string, client: LocalClient): void {
    const room = this.rooms.get(sessionId) ?? new Set();
    room.add(client);
    this.rooms.set(sessionId, room);
  }

  leave(sessionId: string, client: LocalClient): void {
    const room = this.rooms.get(sessionId);
    room?.delete(client);
    if (room?.size === 0) this.rooms.delete(sessionId);
  }

  /** Sends to every local client of the session; returns how many there were. */
  broadcast(sessionId: string, frame: ServerFrame): number {
    const room = this.rooms.get(sessionId);
    if (!room) return 0;
    const text = JSON.stringify(frame);
    for (const client of room) client.send(text);
    return room.size;
  }

  close(sessionId: string, code: number, reason: string): void {
    for (const client of this.rooms.get(sessionId) ?? []) client.close(code, reason);
    this.rooms.delete(sessionId);
  }
}
