/** A session stores at most `MAX_SESSION_HISTORY_BYTES` of edits: a participant cannot fill the volume the instances share. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../../services/common/errors.js';
import { openDatabase, type Db } from '../../../services/common/sqlite.js';
import { MAX_SESSION_HISTORY_BYTES, SESSIONS_SCHEMA, SessionStore, type Edit } from '../../../services/collaboration-service/sessions.js';
import { MAX_CODE_DELTA } from '../../../services/collaboration-service/protocol.js';

const question = { question_id: randomUUID(), title: 'Two Sum', difficulty: 'easy' as const, topics: ['arrays'] as [string], description: '.' };
const largestEdit = (): Edit => ({ edit_id: randomUUID(), user_id: randomUUID(), code_delta: 'x'.repeat(MAX_CODE_DELTA), timestamp: new Date().toISOString() });
const editBytes = Buffer.byteLength(JSON.stringify(largestEdit()));
/** How many of the largest edits fit in a session's limit. */
const fitting = Math.floor(MAX_SESSION_HISTORY_BYTES / editBytes);

describe('a session’s stored edits are limited', () => {
  let dir: string;
  let db: Db;
  let store: SessionStore;
  const openSession = () => store.open({ session_id: randomUUID(), question, user_ids: [randomUUID(), randomUUID()] }).session_id;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'session-history-'));
    db = openDatabase(dir, 'collaboration.db', SESSIONS_SCHEMA);
    // Durability is not under test: without a sync per commit the hundreds of 64 KiB edits are written quickly.
    db.exec('PRAGMA synchronous = OFF');
    store = new SessionStore(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const appendAll = (sessionId: string, count: number) => {
    const refusals: unknown[] = [];
    for (let index = 0; index < count; index += 1) {
      try {
        store.appendEdit(sessionId, largestEdit());
      } catch (error) {
        refusals.push(error);
      }
    }
    return refusals;
  };

  it('past the limit an edit is refused with a 413 saying so, and is not stored; other sessions are not affected', () => {
    const flooded = openSession();
    const refusals = appendAll(flooded, fitting + 3);
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toBeInstanceOf(HttpError);
    expect(refusals[0]).toMatchObject({ statusCode: 413, message: `session ${flooded} has stored its limit of ${MAX_SESSION_HISTORY_BYTES} bytes of edits: no more edits are kept` });
    expect(store.edits(flooded)).toHaveLength(fitting);

    const other = openSession();
    expect(appendAll(other, 1)).toEqual([]);
    expect(store.edits(other)).toHaveLength(1);
  });

  it('an edit removed because it could not be published gives its room back', () => {
    const sessionId = openSession();
    expect(appendAll(sessionId, fitting)).toEqual([]);
    const unpublished = largestEdit();
    expect(() => store.appendEdit(sessionId, unpublished)).toThrow(HttpError);
    const last = store.edits(sessionId).at(-1) as Edit;
    store.removeEdit(sessionId, last);
    store.appendEdit(sessionId, unpublished);
    expect(store.edits(sessionId).at(-1)).toEqual(unpublished);
  });
});
