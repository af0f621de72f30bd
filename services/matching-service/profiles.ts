/**
 * Matching profiles, persisted in SQLite (the user events that built them were acknowledged and are
 * gone from the queue, so memory alone would forget them on restart), and which users are in a
 * session until its `session.ended` arrives.
 */
import type { Db } from '../common/sqlite.js';
import { applyUserEvent, type ProfileRecord, type UserEvent } from './profile-events.js';

export const PROFILES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS profiles (
    user_id TEXT PRIMARY KEY,
    username TEXT,
    email TEXT,
    deleted INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sessions (
    user_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL
  );
`;

export interface Profile {
  user_id: string;
  username: string;
  email: string;
  /** The session the user is in, or null when free to match. */
  session_id: string | null;
}

type ProfileRow = Omit<ProfileRecord, 'deleted'> & { deleted: 0 | 1 };

export class ProfileStore {
  constructor(private readonly db: Db) {}

  /** Applies a user event in one transaction; true if it changed the profile. */
  apply(event: UserEvent): boolean {
    return this.db.transaction(() => {
      const next = applyUserEvent(this.record(event.user_id), event);
      if (!next) return false;
      this.db
        .prepare(
          'INSERT OR REPLACE INTO profiles (user_id, username, email, deleted, version) VALUES (@user_id, @username, @email, @deleted, @version)',
        )
        .run({ ...next, deleted: next.deleted ? 1 : 0 });
      return true;
    })();
  }

  /** The live profile (not deleted), with the user's session if any. */
  get(userId: string): Profile | undefined {
    const record = this.record(userId);
    if (!record || record.deleted || record.username === null || record.email === null) return undefined;
    const session = this.db.prepare('SELECT session_id FROM sessions WHERE user_id = ?').get(userId) as
      { session_id: string } | undefined;
    return { user_id: userId, username: record.username, email: record.email, session_id: session?.session_id ?? null };
  }

  enterSession(sessionId: string, userIds: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO sessions (user_id, session_id) VALUES (?, ?)');
    this.db.transaction(() => userIds.forEach((userId) => insert.run(userId, sessionId)))();
  }

  /** Frees the session's users; a second call for the same session changes nothing. */
  leaveSession(sessionId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE session_id = ?').run(sessionId);
  }

  private record(userId: string): ProfileRecord | undefined {
    const row = this.db.prepare('SELECT * FROM profiles WHERE user_id = ?').get(userId) as ProfileRow | undefined;
    return row && { ...row, deleted: row.deleted === 1 };
  }
}
