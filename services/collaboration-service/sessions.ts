/**
 * Collaboration sessions in SQLite. Every collaboration instance opens the same database file
 * (`DATA_DIR` on a shared volume): the instance that consumed `match.found` writes the session, and
 * any instance can then admit its participants. Ending is a conditional update, so when two
 * instances try to end one session at once, exactly one of them does (and announces it). Every
 * edit is kept too, before it is published, so a participant joining on any instance gets the
 * session's code so far.
 */
import type {
  CollaborationServiceBus,
  CollaborationServiceHandlers,
} from '../../generated/services/collaboration-service.js';
import type { Db } from '../common/sqlite.js';
import { HttpError, notFound } from '../common/errors.js';

export type MatchFound = Parameters<CollaborationServiceHandlers['matchFound']>[0];
export type Question = Awaited<ReturnType<CollaborationServiceBus['call']['questionGet']>>;
export type EndReason = Parameters<CollaborationServiceBus['publish']['sessionEnded']>[0]['reason'];

/**
 * What one session may store of edits, each counted as its JSON (as relayed): the edits table is on
 * a volume every instance shares, and a participant sending edits as fast as the broker confirms
 * them would otherwise fill it. A real session's code is a small fraction of this.
 */
export const MAX_SESSION_HISTORY_BYTES = 32 * 1024 * 1024;

export interface Session {
  session_id: string;
  question: Question;
  user_ids: [string, string];
  started_at: string;
  ended_at: string | null;
  end_reason: EndReason | null;
}

export const SESSIONS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    user_ids TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
  );
  CREATE TABLE IF NOT EXISTS edits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    edit_id TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    code_delta TEXT NOT NULL,
    timestamp TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS edits_by_session ON edits (session_id, seq);
  CREATE TABLE IF NOT EXISTS edit_totals (
    session_id TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL
  );
`;

/** One edit of a session's code, as stored and as relayed; `edit_id` is the message id it is published with. */
export interface Edit {
  edit_id: string;
  user_id: string;
  code_delta: string;
  timestamp: string;
}

/** Where an edit is in its session's store order: its `seq`, and the `seq` of the session's edit before it (0 for the first). */
export interface EditPosition {
  seq: number;
  prev: number;
}

type SessionRow = Omit<Session, 'question' | 'user_ids'> & { question: string; user_ids: string };

export class SessionStore {
  constructor(private readonly db: Db) {}

  /** Stores a new session; if it exists already (a redelivered `match.found`), returns it unchanged. */
  open(session: Pick<Session, 'session_id' | 'question' | 'user_ids'>): Session {
    this.db
      .prepare('INSERT OR IGNORE INTO sessions (session_id, question, user_ids, started_at) VALUES (?, ?, ?, ?)')
      .run(
        session.session_id,
        JSON.stringify(session.question),
        JSON.stringify(session.user_ids),
        new Date().toISOString(),
      );
    return this.require(session.session_id);
  }

  get(sessionId: string): Session | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
    return (
      row && {
        ...row,
        question: JSON.parse(row.question) as Question,
        user_ids: JSON.parse(row.user_ids) as [string, string],
      }
    );
  }

  require(sessionId: string): Session {
    const session = this.get(sessionId);
    if (!session) throw notFound(`no session with id ${sessionId}`);
    return session;
  }

  /** Ends an active session and returns it; undefined if it had ended already. */
  end(sessionId: string, reason: EndReason): Session | undefined {
    const { changes } = this.db
      .prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE session_id = ? AND ended_at IS NULL')
      .run(new Date().toISOString(), reason, sessionId);
    return changes === 1 ? this.get(sessionId) : undefined;
  }

  /** Keeps an edit, before it is published: a participant joining later reads it here. Refused (413) past `MAX_SESSION_HISTORY_BYTES`. */
  appendEdit(sessionId: string, edit: Edit): void {
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare(
          'INSERT INTO edit_totals (session_id, bytes) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET bytes = bytes + excluded.bytes WHERE bytes + excluded.bytes <= ?',
        )
        .run(sessionId, storedBytes(edit), MAX_SESSION_HISTORY_BYTES);
      if (changes === 0)
        throw new HttpError(
          413,
          `session ${sessionId} has stored its limit of ${MAX_SESSION_HISTORY_BYTES} bytes of edits: no more edits are kept`,
        );
      this.db
        .prepare('INSERT INTO edits (edit_id, session_id, user_id, code_delta, timestamp) VALUES (?, ?, ?, ?, ?)')
        .run(edit.edit_id, sessionId, edit.user_id, edit.code_delta, edit.timestamp);
    })();
  }

  /** Undoes `appendEdit` when the edit could not be published. */
  removeEdit(sessionId: string, edit: Edit): void {
    this.db.transaction(() => {
      const { changes } = this.db.prepare('DELETE FROM edits WHERE edit_id = ?').run(edit.edit_id);
      if (changes === 1)
        this.db
          .prepare('UPDATE edit_totals SET bytes = bytes - ? WHERE session_id = ?')
          .run(storedBytes(edit), sessionId);
    })();
  }

  /**
   * The newest edits whose JSON fits in `budgetBytes`, oldest first, how many older ones are left
   * out, and the `seq` of the newest (`through`, 0 without edits). Read newest first and no further:
   * node:sqlite blocks the event loop while it reads, and a session may hold a great many small edits.
   */
  latestEdits(sessionId: string, budgetBytes: number): { edits: Edit[]; omitted_edits: number; through: number } {
    const newestFirst: Edit[] = [];
    let bytes = 0;
    let through = 0;
    const rows = this.db
      .prepare('SELECT seq, edit_id, user_id, code_delta, timestamp FROM edits WHERE session_id = ? ORDER BY seq DESC')
      .iterate(sessionId);
    for (const row of rows as Iterable<Edit & { seq: number }>) {
      const { seq, ...edit } = row;
      through ||= seq;
      bytes += storedBytes(edit);
      if (bytes > budgetBytes) {
        const { omitted } = this.db
          .prepare('SELECT COUNT(*) AS omitted FROM edits WHERE session_id = ? AND seq <= ?')
          .get(sessionId, seq) as { omitted: number };
        return { edits: newestFirst.reverse(), omitted_edits: omitted, through };
      }
      newestFirst.push(edit);
    }
    return { edits: newestFirst.reverse(), omitted_edits: 0, through };
  }

  /** The edit's place in its session's store order; undefined if it is not stored (its publish failed). */
  positionOf(editId: string): EditPosition | undefined {
    const row = this.db
      .prepare(
        'SELECT e.seq AS seq, (SELECT MAX(p.seq) FROM edits p WHERE p.session_id = e.session_id AND p.seq < e.seq) AS prev FROM edits e WHERE e.edit_id = ?',
      )
      .get(editId) as { seq: number; prev: number | null } | undefined;
    return row && { seq: row.seq, prev: row.prev ?? 0 };
  }

  /**
   * The session's edits after `seq` in store order, with their `seq`, while their JSON fits in
   * `budgetBytes`; `complete` is false if more were left out.
   */
  editsAfter(
    sessionId: string,
    seq: number,
    budgetBytes: number,
  ): { edits: (Edit & { seq: number })[]; complete: boolean } {
    const edits: (Edit & { seq: number })[] = [];
    let bytes = 0;
    const rows = this.db
      .prepare(
        'SELECT seq, edit_id, user_id, code_delta, timestamp FROM edits WHERE session_id = ? AND seq > ? ORDER BY seq',
      )
      .iterate(sessionId, seq);
    for (const row of rows as Iterable<Edit & { seq: number }>) {
      const { seq: _, ...edit } = row;
      bytes += storedBytes(edit);
      if (bytes > budgetBytes) return { edits, complete: false };
      edits.push(row);
    }
    return { edits, complete: true };
  }

  /** Undoes `end` when its announcement could not be published. */
  reopen(sessionId: string): void {
    this.db.prepare('UPDATE sessions SET ended_at = NULL, end_reason = NULL WHERE session_id = ?').run(sessionId);
  }
}

/** What an edit counts towards its session's limit: its JSON, as relayed. */
function storedBytes(edit: Edit): number {
  return Buffer.byteLength(JSON.stringify(edit));
}
