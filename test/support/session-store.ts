/** A collaboration-service session store in a scratch SQLite file, and what the tests put in it. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../services/common/sqlite.js';
import {
  SESSIONS_SCHEMA,
  SessionStore,
  type Edit,
  type Session,
} from '../../services/collaboration-service/sessions.js';

export interface ScratchSessionStore {
  store: SessionStore;
  /** Closes the database and deletes its folder. */
  remove(): void;
}

export function scratchSessionStore(): ScratchSessionStore {
  const dir = mkdtempSync(join(tmpdir(), 'session-store-'));
  const db = openDatabase(dir, 'collaboration.db', SESSIONS_SCHEMA);
  // Durability is not under test: without a sync per commit the hundreds of 64 KiB edits are written quickly.
  db.exec('PRAGMA synchronous = OFF');
  return {
    store: new SessionStore(db),
    remove() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const question = {
  question_id: randomUUID(),
  title: 'Two Sum',
  difficulty: 'easy' as const,
  topics: ['arrays'] as [string],
  description: '.',
};

/** A session of two new users. */
export function openSession(store: SessionStore): Session {
  return store.open({ session_id: randomUUID(), question, user_ids: [randomUUID(), randomUUID()] });
}

/** An edit of a new user whose code delta is `size` characters. */
export const editOf = (size: number): Edit => ({
  edit_id: randomUUID(),
  user_id: randomUUID(),
  code_delta: 'x'.repeat(size),
  timestamp: new Date().toISOString(),
});
