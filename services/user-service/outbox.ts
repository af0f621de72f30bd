/**
 * The transactional outbox: an event is written in the same SQLite transaction as the change it
 * announces, and published from here afterwards (see `outbox-relay.ts`). A user row without its
 * event, or an event for a change that was rolled back, cannot happen.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../common/sqlite.js';

export type UserEvent = 'userCreated' | 'userUpdated' | 'userDeleted';

export interface OutboxEntry {
  seq: number;
  event: UserEvent;
  payload: unknown;
  /** Fixed when the entry is written, so a publish retried after a crash carries the same id. */
  messageId: string;
}

export const OUTBOX_SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    message_id TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS outbox_rejected (
    seq INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    message_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
  );
`;

interface OutboxRow {
  seq: number;
  event: UserEvent;
  payload: string;
  message_id: string;
}

export class Outbox {
  constructor(
    private readonly db: Db,
    /** Throws if the payload would break the contract; called before anything is written. */
    private readonly check: (event: UserEvent, payload: unknown) => void,
  ) {}

  /** Call inside the transaction that makes the change. */
  append(event: UserEvent, payload: unknown): void {
    this.check(event, payload);
    this.db
      .prepare('INSERT INTO outbox (event, payload, message_id) VALUES (?, ?, ?)')
      .run(event, JSON.stringify(payload), randomUUID());
  }

  /** The oldest entry not yet published: events go out in the order they were written. */
  peek(): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT seq, event, payload, message_id FROM outbox ORDER BY seq LIMIT 1').get() as
      OutboxRow | undefined;
    return row && { seq: row.seq, event: row.event, payload: JSON.parse(row.payload), messageId: row.message_id };
  }

  remove(seq: number): void {
    this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(seq);
  }

  /** Moves an entry that can never be published to `outbox_rejected`, with the reason, for someone to look at. */
  setAside(seq: number, reason: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO outbox_rejected (seq, event, payload, message_id, reason, rejected_at) SELECT seq, event, payload, message_id, ?, ? FROM outbox WHERE seq = ?',
        )
        .run(reason, new Date().toISOString(), seq);
      this.remove(seq);
    })();
  }

  get size(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }
}
