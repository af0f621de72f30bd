/**
 * A socket that missed more edits than a catch-up sends (`HISTORY_BYTES`) is closed with 1013 and
 * let go at once: what its session goes on publishing is neither written to it nor read from the
 * store again for it while its closing handshake runs (a peer that never answers it holds it 30 s).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EditCursor } from '../../../services/collaboration-service/edit-cursor.js';
import { EditRelay } from '../../../services/collaboration-service/edit-relay.js';
import { HISTORY_BYTES } from '../../../services/collaboration-service/participant.js';
import { MAX_CODE_DELTA } from '../../../services/collaboration-service/protocol.js';
import { SessionRooms } from '../../../services/collaboration-service/rooms.js';
import { editOf, openSession, scratchSessionStore, type ScratchSessionStore } from '../../support/session-store.js';

let scratch: ScratchSessionStore;
beforeEach(() => (scratch = scratchSessionStore()));
afterEach(() => scratch.remove());

it('lets go of a socket it closed for missing too much: nothing more is sent to it, nor caught up for it', () => {
  const { store } = scratch;
  const sessionId = openSession(store).session_id;
  const rooms = new SessionRooms();
  const relay = new EditRelay(store, rooms);
  const sent: string[] = [];
  const closes: number[] = [];
  rooms.join(sessionId, { send: (text) => sent.push(text), close: (code = 0) => closes.push(code) }, new EditCursor(0));

  // Missed while the queue was gone: more than a catch-up sends.
  while (store.editsAfter(sessionId, 0, HISTORY_BYTES).complete) store.appendEdit(sessionId, editOf(MAX_CODE_DELTA));
  relay.catchUp([sessionId]);
  expect(closes).toEqual([1013]);

  // The session goes on, live, while the socket's closing handshake has not finished.
  for (let index = 0; index < 300; index += 1) {
    const edit = editOf(10);
    store.appendEdit(sessionId, edit);
    relay.live(sessionId, edit);
  }
  relay.catchUp([sessionId]);
  expect({ sent: sent.length, closes }).toEqual({ sent: 0, closes: [1013] });
});
