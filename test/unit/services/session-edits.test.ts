/**
 * A session's stored edits: at most `MAX_SESSION_HISTORY_BYTES` of them (a participant cannot fill
 * the volume the instances share), and what a `joined` frame carries of them (the newest that fit
 * in its budget, oldest first).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../../services/common/errors.js';
import {
  MAX_SESSION_HISTORY_BYTES,
  type Edit,
  type SessionStore,
} from '../../../services/collaboration-service/sessions.js';
import { MAX_CODE_DELTA } from '../../../services/collaboration-service/protocol.js';
import { HISTORY_BYTES, MAX_UNSENT_BYTES } from '../../../services/collaboration-service/participant.js';
import {
  editOf,
  openSession as openIn,
  scratchSessionStore,
  type ScratchSessionStore,
} from '../../support/session-store.js';

const largestEdit = () => editOf(MAX_CODE_DELTA);
const editBytes = Buffer.byteLength(JSON.stringify(largestEdit()));
/** How many of the largest edits fit in a session's limit. */
const fitting = Math.floor(MAX_SESSION_HISTORY_BYTES / editBytes);

describe('a session’s stored edits', () => {
  let scratch: ScratchSessionStore;
  let store: SessionStore;
  const openSession = () => openIn(store).session_id;

  beforeEach(() => {
    scratch = scratchSessionStore();
    store = scratch.store;
  });

  afterEach(() => scratch.remove());

  const everyEdit = (sessionId: string) => store.latestEdits(sessionId, Number.POSITIVE_INFINITY).edits;

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
    expect(refusals[0]).toMatchObject({
      statusCode: 413,
      message: `session ${flooded} has stored its limit of ${MAX_SESSION_HISTORY_BYTES} bytes of edits: no more edits are kept`,
    });
    expect(everyEdit(flooded)).toHaveLength(fitting);

    const other = openSession();
    expect(appendAll(other, 1)).toEqual([]);
    expect(everyEdit(other)).toHaveLength(1);
  });

  it('an edit removed because it could not be published gives its room back', () => {
    const sessionId = openSession();
    expect(appendAll(sessionId, fitting)).toEqual([]);
    const unpublished = largestEdit();
    expect(() => store.appendEdit(sessionId, unpublished)).toThrow(HttpError);
    const last = everyEdit(sessionId).at(-1) as Edit;
    store.removeEdit(sessionId, last);
    store.appendEdit(sessionId, unpublished);
    expect(everyEdit(sessionId).at(-1)).toEqual(unpublished);
  });

  it('a short session is carried whole by a join, in order', () => {
    const sessionId = openSession();
    const edits = [editOf(1), editOf(2), editOf(3)];
    for (const edit of edits) store.appendEdit(sessionId, edit);
    const { through } = store.latestEdits(sessionId, HISTORY_BYTES);
    expect(store.latestEdits(sessionId, HISTORY_BYTES)).toEqual({ edits, omitted_edits: 0, through });
    expect(store.positionOf(edits[2]!.edit_id)?.seq).toBe(through);
  });

  it('knows each edit’s place in its session’s store order, with other sessions’ edits in between', () => {
    const sessionId = openSession();
    const other = openSession();
    const [first, second] = [editOf(1), editOf(1)];
    store.appendEdit(sessionId, first);
    store.appendEdit(other, editOf(1));
    store.appendEdit(sessionId, second);
    const firstAt = store.positionOf(first.edit_id)!;
    const secondAt = store.positionOf(second.edit_id)!;
    expect(firstAt.prev).toBe(0);
    expect(secondAt.prev).toBe(firstAt.seq);
    expect(secondAt.seq).toBe(firstAt.seq + 2);
    expect(store.positionOf(randomUUID())).toBeUndefined();
    expect(store.latestEdits(openSession(), HISTORY_BYTES).through).toBe(0);
  });

  it('reads the edits after a place in store order, within a budget, saying whether that was all', () => {
    const sessionId = openSession();
    const edits = Array.from({ length: 5 }, () => editOf(10));
    for (const edit of edits) store.appendEdit(sessionId, edit);
    const after = store.positionOf(edits[1]!.edit_id)!.seq;
    const all = store.editsAfter(sessionId, after, HISTORY_BYTES);
    expect(all.complete).toBe(true);
    expect(all.edits.map(({ seq: _, ...edit }) => edit)).toEqual(edits.slice(2));
    expect(all.edits.map(({ seq }) => seq)).toEqual(
      edits.slice(2).map(({ edit_id }) => store.positionOf(edit_id)!.seq),
    );
    const oneEdit = Buffer.byteLength(JSON.stringify(edits[0]));
    expect(store.editsAfter(sessionId, after, 2 * oneEdit)).toMatchObject({
      complete: false,
      edits: all.edits.slice(0, 2),
    });
  });

  it('a join carries the newest edits of a long session within the budget, oldest first, and says how many older ones it left out', () => {
    const sessionId = openSession();
    const edits = Array.from({ length: 100 }, () => largestEdit());
    for (const edit of edits) store.appendEdit(sessionId, edit);
    const { edits: carried, omitted_edits } = store.latestEdits(sessionId, HISTORY_BYTES);
    expect(omitted_edits).toBeGreaterThan(0);
    expect(carried).toEqual(edits.slice(omitted_edits));
    expect(Buffer.byteLength(JSON.stringify(carried))).toBeLessThanOrEqual(HISTORY_BYTES + carried.length);
    expect(Buffer.byteLength(JSON.stringify(edits.slice(omitted_edits - 1)))).toBeGreaterThan(HISTORY_BYTES);
    expect(HISTORY_BYTES).toBeLessThan(MAX_UNSENT_BYTES);
  });
});
